//! The lin-kv generator: `(independent/concurrent-generator (* 2 n) (range)
//! (fn [k] (gen/process-limit 20 (gen/reserve n r (gen/mix [w cas cas])))))`
//! (jepsen v0.3.1 tests/linearizable_register.clj `test`, with
//! independent.clj `concurrent-generator` and generator.clj `reserve`,
//! `mix`, `process-limit`).
//!
//! - Threads are split into groups of 2n (n = node count) in thread order;
//!   each group works on one key at a time; the first keys are 0, 1, ...
//!   one per group, and an exhausted group takes the next unused key.
//! - `reserve` picks its reader threads by absolute thread number (its
//!   ranges start at 0 whatever the group: the source's own TODO), so the
//!   threads 0..n of the first group read, and every other thread, in
//!   every group, draws from `[w cas cas]`: a write of `(rand-int 5)` or a
//!   cas of `[(rand-int 5) (rand-int 5)]`.
//! - `process-limit 20`: a key's generator remembers every process its
//!   group's threads have had since it started; when that set would exceed
//!   20 (processes change only after an `:info`), the key is done and the
//!   group moves to the next key.
//! - `--key-count` is not read: lin_kv.clj passes only `:nodes` to the test.

use crate::history::{Op, OpType, Process};
use crate::workloads::{Generator, OpSpec, TestOpts};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// linearizable_register.clj: `(:process-limit opts 20)`.
pub const PROCESS_LIMIT: usize = 20;

/// independent.clj `group-threads`' assertions, which end the test before
/// any op runs; and with 2n > 20 every key would exceed the process limit
/// at once and Jepsen would search the infinite key range for ever.
pub fn validate(opts: &TestOpts) -> Result<(), String> {
    let group = 2 * opts.node_ids.len();
    let threads = opts.concurrency;
    if group == 0 {
        return Err("lin-kv needs at least one node".into());
    }
    if threads < group {
        return Err(format!(
            "Assert failed: With {threads} worker threads, this jepsen.concurrent/concurrent-generator \
             cannot run a key with {group} threads concurrently. Consider raising your test's \
             :concurrency to at least {group}."
        ));
    }
    if !threads.is_multiple_of(group) {
        return Err(format!(
            "Assert failed: This jepsen.independent/concurrent-generator has {threads} threads to \
             work with, but can only use {} of those threads to run {} concurrent keys with {group} \
             threads apiece. Consider raising or lowering the test's :concurrency to a multiple of {group}.",
            group * (threads / group),
            threads / group
        ));
    }
    if group > PROCESS_LIMIT {
        return Err(format!(
            "lin-kv: {} nodes make groups of {group} threads, more than the process limit of \
             {PROCESS_LIMIT} per key; Jepsen would never generate an operation",
            opts.node_ids.len()
        ));
    }
    Ok(())
}

struct Group {
    key: u64,
    /// Every process the group's threads have had while on this key.
    procs: BTreeSet<u64>,
}

pub struct LinKvGenerator {
    nodes: usize,
    concurrency: usize,
    groups: Vec<Group>,
    next_key: u64,
    /// Each thread's current process.
    process: Vec<u64>,
}

impl LinKvGenerator {
    pub fn new(opts: &TestOpts) -> Self {
        let nodes = opts.node_ids.len().max(1);
        let concurrency = opts.concurrency.max(1);
        let count = (concurrency / (2 * nodes)).max(1);
        LinKvGenerator {
            nodes,
            concurrency,
            groups: (0..count as u64)
                .map(|key| Group {
                    key,
                    procs: BTreeSet::new(),
                })
                .collect(),
            next_key: count as u64,
            process: (0..concurrency as u64).collect(),
        }
    }

    fn group_of(&self, thread: usize) -> usize {
        (thread / (2 * self.nodes)).min(self.groups.len() - 1)
    }

    /// The key for a group about to emit an op, after `process-limit`.
    fn key_for(&mut self, g: usize) -> u64 {
        let size = 2 * self.nodes;
        let threads = g * size..((g + 1) * size).min(self.concurrency);
        let current: Vec<u64> = threads.map(|t| self.process[t]).collect();
        let group = &mut self.groups[g];
        let mut procs = group.procs.clone();
        procs.extend(current.iter().copied());
        if procs.len() > PROCESS_LIMIT {
            // This key's generator is exhausted: a fresh one on the next key.
            group.key = self.next_key;
            self.next_key += 1;
            procs = current.into_iter().collect();
        }
        group.procs = procs;
        group.key
    }
}

impl Generator for LinKvGenerator {
    fn next(&mut self, thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        let g = self.group_of(thread);
        let k = self.key_for(g);
        if thread < self.nodes {
            return OpSpec::new("read", json!([k, Value::Null]));
        }
        // (gen/mix [w cas cas])
        match rng.usize(0..3) {
            0 => OpSpec::new("write", json!([k, rng.u64(0..5)])),
            _ => OpSpec::new("cas", json!([k, [rng.u64(0..5), rng.u64(0..5)]])),
        }
    }

    /// Processes move on after `:info` (thread + concurrency).
    fn observe(&mut self, _invoke: &Op, completion: &Op) {
        if completion.kind != OpType::Info {
            return;
        }
        if let Process::Client(p) = completion.process {
            let t = (p % self.concurrency as u64) as usize;
            self.process[t] = p + self.concurrency as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;

    fn opts(nodes: usize, concurrency: usize) -> TestOpts {
        let mut o = TestOpts::defaults((0..nodes).map(|i| format!("n{i}")).collect());
        o.concurrency = concurrency;
        o
    }

    #[test]
    fn concurrency_must_be_a_multiple_of_2n() {
        assert!(validate(&opts(3, 6)).is_ok());
        assert!(validate(&opts(3, 12)).is_ok());
        assert!(validate(&opts(3, 3)).unwrap_err().contains("at least 6"));
        assert!(validate(&opts(3, 9)).unwrap_err().contains("multiple of 6"));
        assert!(validate(&opts(11, 22)).is_err());
    }

    #[test]
    fn readers_are_the_first_n_threads_and_the_rest_mix_write_cas() {
        let mut g = LinKvGenerator::new(&opts(3, 12));
        let mut rng = fastrand::Rng::with_seed(3);
        let (mut writes, mut cas) = (0, 0);
        for i in 0..3000 {
            let t = i % 12;
            let op = g.next(t, 0, &mut rng);
            let key = op.value[0].as_u64().unwrap();
            // Two groups of 6 threads: keys 0 and 1.
            assert_eq!(key, (t / 6) as u64);
            if t < 3 {
                assert_eq!(op, OpSpec::new("read", json!([key, null])));
                continue;
            }
            match op.f.as_str() {
                "write" => {
                    writes += 1;
                    assert!(op.value[1].as_u64().unwrap() < 5);
                }
                "cas" => {
                    cas += 1;
                    let fv = op.value[1].as_array().unwrap();
                    assert!(fv.iter().all(|v| v.as_u64().unwrap() < 5));
                }
                other => panic!("thread {t} got {other}"),
            }
        }
        let share = writes as f64 / (writes + cas) as f64;
        assert!((share - 1.0 / 3.0).abs() < 0.04, "write share {share}");
    }

    #[test]
    fn a_key_is_left_after_more_than_20_processes() {
        // 2 nodes, concurrency 4: one group; each :info gives a thread a new process.
        let mut g = LinKvGenerator::new(&opts(2, 4));
        let mut rng = fastrand::Rng::with_seed(1);
        assert_eq!(g.next(2, 0, &mut rng).value[0], json!(0));
        let info = |p: u64| {
            let mut o = op_at(
                1,
                0,
                Process::Client(p),
                OpType::Info,
                "write",
                json!([0, 1]),
            );
            o.error = Some(json!("net-timeout"));
            o
        };
        let inv = op_at(
            0,
            0,
            Process::Client(2),
            OpType::Invoke,
            "write",
            json!([0, 1]),
        );
        // Processes 0..4 seen; 16 more crashes of thread 2 reach 20 processes.
        let mut p = 2;
        for _ in 0..16 {
            g.observe(&inv, &info(p));
            p += 4;
            assert_eq!(g.next(2, 0, &mut rng).value[0], json!(0));
        }
        // The 21st process: key 0 is done, key 1 begins.
        g.observe(&inv, &info(p));
        assert_eq!(g.next(2, 0, &mut rng).value[0], json!(1));
        assert_eq!(g.next(0, 0, &mut rng).value[0], json!(1));
    }

    #[test]
    fn key_count_is_ignored() {
        let mut o = opts(1, 2);
        o.key_count = Some(1);
        let mut g = LinKvGenerator::new(&o);
        let mut rng = fastrand::Rng::with_seed(1);
        assert_eq!(g.next(0, 0, &mut rng).value, json!([0, null]));
    }
}
