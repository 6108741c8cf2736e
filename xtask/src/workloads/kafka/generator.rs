//! The kafka generator (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/tests/kafka.clj, as
//! jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/kafka.clj `workload` wraps it): Elle's `wr-txns`
//! key pool with transactions of length 1, `interleave-subscribes`,
//! `poll-unseen`, `track-key-offsets`, `crash-client-gen`, and the
//! per-thread `final-polls`. Keys are integers inside and decimal strings
//! on the way out (`StringKeys`).

use crate::history::{Op, OpType, Process};
use crate::workloads::{FinalStep, Generator, OpSpec, TestOpts};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

const NS: u64 = 1_000_000_000;
/// `subscribe-ratio`.
const ASSIGN_ONE_IN: u32 = 8;
/// `crash-client-interval` default, seconds.
const CRASH_INTERVAL_S: u64 = 30;
/// Final polls are staggered by 1/5 s: gaps uniform in [0, 400 ms).
const FINAL_POLL_GAP_NS: u64 = 2 * NS / 5;

/// One base op of the list-append stream (`[:r k nil]` or `[:append k v]`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum BaseOp {
    Poll { key: u64 },
    Send { key: u64, value: u64 },
}

impl BaseOp {
    fn key(self) -> u64 {
        match self {
            BaseOp::Poll { key } | BaseOp::Send { key, .. } => key,
        }
    }
}

/// Where one thread is in `final-polls`.
enum FinalStage {
    Crash,
    Assign,
    /// Polling; the next poll may go out at this time (stagger).
    Poll {
        next_ns: Option<u64>,
    },
}

struct FinalThread {
    stage: FinalStage,
    /// Keys still to catch up on -> offset to reach.
    targets: BTreeMap<u64, i64>,
}

pub struct KafkaGenerator {
    key_count: usize,
    max_writes_per_key: u64,
    concurrency: usize,
    /// Elle's pool of active keys; slot i is drawn with probability 2^(i+1)/(2^(n+1)-2).
    active_keys: Vec<u64>,
    /// Key -> next value to append (absent = 1).
    next_value: HashMap<u64, u64>,
    /// The base op drawn but not yet emitted (assigns are emitted before it).
    pending: Option<BaseOp>,
    /// poll-unseen: highest offsets acknowledged by sends / returned by polls,
    /// only for keys not yet caught up.
    sent: BTreeMap<u64, i64>,
    polled: BTreeMap<u64, i64>,
    /// track-key-offsets: highest offset seen per key in any :ok op.
    max_offsets: BTreeMap<u64, i64>,
    next_crash_ns: u64,
    crash_gap_ns: u64,
    /// Snapshot of `max_offsets` taken when the final phase starts.
    final_targets: Option<BTreeMap<u64, i64>>,
    final_threads: HashMap<usize, FinalThread>,
}

impl KafkaGenerator {
    pub fn new(opts: &TestOpts) -> Self {
        let key_count = opts.key_count.unwrap_or(10).max(1) as usize;
        let concurrency = opts.concurrency.max(1);
        KafkaGenerator {
            key_count,
            max_writes_per_key: opts.max_writes_per_key,
            concurrency,
            active_keys: (0..key_count as u64).collect(),
            next_value: HashMap::new(),
            pending: None,
            sent: BTreeMap::new(),
            polled: BTreeMap::new(),
            max_offsets: BTreeMap::new(),
            next_crash_ns: 0,
            crash_gap_ns: 2 * CRASH_INTERVAL_S * NS / concurrency as u64,
            final_targets: None,
            final_threads: HashMap::new(),
        }
    }

    /// Elle's exponential key choice: floor(log2(rand(scale) + 2) - 1).
    fn key_slot(&self, rng: &mut fastrand::Rng) -> usize {
        let n = self.key_count as i32;
        let scale = (2f64.powi(n) - 1.0) * 2.0;
        let slot = ((rng.f64() * scale + 2.0).log2() - 1.0).floor();
        (slot.max(0.0) as usize).min(self.key_count - 1)
    }

    /// The next op of `wr-txns` with one micro-op: a read or an append;
    /// an append to a key past max-writes-per-key retires it and redraws.
    fn draw(&mut self, rng: &mut fastrand::Rng) -> BaseOp {
        loop {
            let write = rng.bool();
            let slot = self.key_slot(rng);
            let key = self.active_keys[slot];
            if !write {
                return BaseOp::Poll { key };
            }
            let value = self.next_value.get(&key).copied().unwrap_or(1);
            if value > self.max_writes_per_key {
                let fresh = self.active_keys.iter().copied().max().unwrap_or(0) + 1;
                self.active_keys[slot] = fresh;
                continue;
            }
            self.next_value.insert(key, value + 1);
            return BaseOp::Send { key, value };
        }
    }

    fn observe_ok(&mut self, completion: &Op, thread: usize) {
        let (sends, polls) = offsets_of(completion);
        for (&k, &o) in sends.iter().chain(polls.iter()) {
            let e = self.max_offsets.entry(k).or_insert(o);
            *e = (*e).max(o);
        }
        // poll-unseen bookkeeping, then trim keys whose polls caught up.
        for (&k, &o) in &sends {
            let e = self.sent.entry(k).or_insert(o);
            *e = (*e).max(o);
        }
        for (&k, &o) in &polls {
            let e = self.polled.entry(k).or_insert(o);
            *e = (*e).max(o);
        }
        let keys: Vec<u64> = self
            .sent
            .keys()
            .chain(self.polled.keys())
            .copied()
            .collect();
        for k in keys {
            if self.polled.get(&k).copied().unwrap_or(-1)
                >= self.sent.get(&k).copied().unwrap_or(-1)
            {
                self.sent.remove(&k);
                self.polled.remove(&k);
            }
        }
        // final-polls: this thread reached its target for these keys.
        if completion.f == "poll" {
            if let Some(t) = self.final_threads.get_mut(&thread) {
                let mut seen = polls;
                for (k, o) in sends {
                    let e = seen.entry(k).or_insert(o);
                    *e = (*e).max(o);
                }
                for (k, o) in seen {
                    if t.targets.get(&k).copied().unwrap_or(-1) <= o {
                        t.targets.remove(&k);
                    }
                }
            }
        }
    }
}

/// `op->max-send-offsets` and `op->max-poll-offsets` of a completion, keys
/// parsed back to integers (`StringKeys` update; unparsable keys are dropped).
fn offsets_of(op: &Op) -> (BTreeMap<u64, i64>, BTreeMap<u64, i64>) {
    let mut sends = BTreeMap::new();
    let mut polls = BTreeMap::new();
    for mop in op.value.as_array().into_iter().flatten() {
        match mop.get(0).and_then(Value::as_str) {
            Some("send") => {
                let key = mop
                    .get(1)
                    .and_then(Value::as_str)
                    .and_then(|k| k.parse::<u64>().ok());
                let offset = mop.get(2).and_then(|v| v.get(0)).and_then(Value::as_i64);
                if let (Some(k), Some(o)) = (key, offset) {
                    let e = sends.entry(k).or_insert(0i64);
                    *e = (*e).max(o);
                }
            }
            Some("poll") => {
                for (k, pairs) in mop.get(1).and_then(Value::as_object).into_iter().flatten() {
                    let Ok(k) = k.parse::<u64>() else { continue };
                    let hi = pairs
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p.get(0).and_then(Value::as_i64));
                    let hi = hi.fold(-1, i64::max);
                    let e = polls.entry(k).or_insert(hi);
                    *e = (*e).max(hi);
                }
            }
            _ => {}
        }
    }
    (sends, polls)
}

fn key_str(k: u64) -> Value {
    Value::String(k.to_string())
}

impl Generator for KafkaGenerator {
    fn next(&mut self, _thread: usize, now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        // gen/any of crash-client-gen and the stream: a due crash wins.
        if now_ns >= self.next_crash_ns {
            self.next_crash_ns = now_ns + rng.u64(0..self.crash_gap_ns.max(1));
            return OpSpec::new("crash", Value::Null);
        }
        let base = match self.pending {
            Some(op) => op,
            None => {
                let op = self.draw(rng);
                self.pending = Some(op);
                op
            }
        };
        // poll-unseen draws for every op; only assigns are widened.
        let widen = rng.u32(0..3) == 0;
        if rng.u32(0..ASSIGN_ONE_IN) == 0 {
            let mut keys = vec![base.key()];
            if widen {
                keys.extend(self.sent.keys().copied().filter(|k| *k != base.key()));
            }
            return OpSpec::new(
                "assign",
                Value::Array(keys.into_iter().map(key_str).collect()),
            );
        }
        self.pending = None;
        match base {
            BaseOp::Poll { .. } => OpSpec::new("poll", json!([["poll"]])),
            BaseOp::Send { key, value } => {
                OpSpec::new("send", json!([["send", key_str(key), value]]))
            }
        }
    }

    fn observe(&mut self, _invoke: &Op, completion: &Op) {
        if completion.kind != OpType::Ok {
            return;
        }
        let thread = match completion.process {
            Process::Client(p) => (p % self.concurrency as u64) as usize,
            Process::Nemesis | Process::Absent => return,
        };
        self.observe_ok(completion, thread);
    }

    fn final_next(&mut self, thread: usize, now_ns: u64, rng: &mut fastrand::Rng) -> FinalStep {
        let targets = self
            .final_targets
            .get_or_insert_with(|| self.max_offsets.clone())
            .clone();
        let t = self.final_threads.entry(thread).or_insert(FinalThread {
            stage: FinalStage::Crash,
            targets,
        });
        if t.targets.is_empty() {
            return FinalStep::Done;
        }
        match t.stage {
            FinalStage::Crash => {
                t.stage = FinalStage::Assign;
                FinalStep::Op(OpSpec::new("crash", Value::Null))
            }
            FinalStage::Assign => {
                t.stage = FinalStage::Poll { next_ns: None };
                let all = self
                    .final_targets
                    .as_ref()
                    .map(|m| m.keys().copied().map(key_str).collect())
                    .unwrap_or_default();
                FinalStep::Op(OpSpec::new(
                    "assign",
                    json!({"keys": Value::Array(all), "seek-to-beginning?": true}),
                ))
            }
            FinalStage::Poll { next_ns } => match next_ns {
                Some(at) if now_ns < at => FinalStep::Sleep(at - now_ns),
                _ => {
                    t.stage = FinalStage::Poll {
                        next_ns: Some(now_ns + rng.u64(0..FINAL_POLL_GAP_NS)),
                    };
                    FinalStep::Op(OpSpec::new("poll", json!([["poll"]])))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::history::Op;

    fn opts(concurrency: usize) -> TestOpts {
        let mut o = TestOpts::defaults(vec!["n0".into()]);
        o.concurrency = concurrency;
        o
    }

    fn completion(process: u64, f: &str, value: Value) -> Op {
        op_at(0, 0, Process::Client(process), OpType::Ok, f, value)
    }

    #[test]
    fn stream_mix_key_choice_and_retirement() {
        let mut g = KafkaGenerator::new(&opts(2));
        let mut rng = fastrand::Rng::with_seed(1);
        g.next(0, 0, &mut rng); // the crash due at t = 0
        let (mut sends, mut polls, mut assigns, mut crashes) = (0, 0, 0, 0);
        let mut per_key: HashMap<String, Vec<u64>> = HashMap::new();
        let mut slot9 = 0;
        for i in 0..40_000u64 {
            let op = g.next(0, 1 + i, &mut rng);
            match op.f.as_str() {
                "send" => {
                    sends += 1;
                    let k = op.value[0][1].as_str().unwrap().to_string();
                    let v = op.value[0][2].as_u64().unwrap();
                    if k == "9" {
                        slot9 += 1;
                    }
                    per_key.entry(k).or_default().push(v);
                }
                "poll" => polls += 1,
                "assign" => assigns += 1,
                _ => crashes += 1,
            }
        }
        assert_eq!(crashes, 0, "first crash gap is 0..30 s at concurrency 2");
        let total = (sends + polls + assigns) as f64;
        assert!((sends as f64 / (sends + polls) as f64 - 0.5).abs() < 0.03);
        assert!(
            (assigns as f64 / total - 0.125).abs() < 0.02,
            "{assigns} of {total}"
        );
        // Values 1..=16 per key, in order, then the key is retired.
        for vs in per_key.values() {
            assert!(vs.len() <= 16);
            assert_eq!(*vs, (1..=vs.len() as u64).collect::<Vec<_>>());
        }
        assert_eq!(per_key["9"].len(), 16);
        assert!(
            slot9 == 16 && per_key.len() > 500,
            "keys churn: {}",
            per_key.len()
        );
    }

    #[test]
    fn key_slots_are_exponential() {
        let g = KafkaGenerator::new(&opts(1));
        let mut rng = fastrand::Rng::with_seed(3);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[g.key_slot(&mut rng)] += 1;
        }
        assert!((counts[9] as f64 / 100_000.0 - 1024.0 / 2046.0).abs() < 0.01);
        assert!((counts[8] as f64 / 100_000.0 - 512.0 / 2046.0).abs() < 0.01);
        assert!(counts[0] < 300);
    }

    #[test]
    fn crashes_come_every_2x30s_over_concurrency_on_average() {
        let mut g = KafkaGenerator::new(&opts(4));
        let mut rng = fastrand::Rng::with_seed(5);
        assert_eq!(g.next(0, 0, &mut rng).f, "crash");
        let mut crashes = 0;
        for ms in 1..=600_000u64 {
            if g.next(0, ms * 1_000_000, &mut rng).f == "crash" {
                crashes += 1;
            }
        }
        // 600 s / (30 s / 4) = 80 expected.
        assert!((60..=100).contains(&crashes), "{crashes}");
    }

    #[test]
    fn poll_unseen_widens_assigns_with_unpolled_keys() {
        let mut g = KafkaGenerator::new(&opts(2));
        let mut rng = fastrand::Rng::with_seed(9);
        g.next(0, 0, &mut rng);
        let inv = completion(0, "send", json!([["send", "900000", 1]]));
        g.observe(
            &inv,
            &completion(0, "send", json!([["send", "900000", [3, 1]]])),
        );
        let widened = (0..2000)
            .map(|_| g.next(0, 1, &mut rng))
            .filter(|o| o.f == "assign")
            .filter(|o| o.value.as_array().unwrap().contains(&json!("900000")))
            .count();
        assert!(widened > 20, "{widened}");
        // Once polled up to offset 3, key 900000 is caught up and no longer added.
        g.observe(
            &inv,
            &completion(1, "poll", json!([["poll", {"900000": [[3, 1]]}]])),
        );
        let again = (0..2000)
            .map(|_| g.next(0, 1, &mut rng))
            .filter(|o| {
                o.value
                    .as_array()
                    .is_some_and(|a| a.contains(&json!("900000")))
            })
            .count();
        assert_eq!(again, 0);
    }

    #[test]
    fn final_polls_per_thread_until_caught_up() {
        let mut g = KafkaGenerator::new(&opts(2));
        let mut rng = fastrand::Rng::with_seed(2);
        let inv = completion(0, "send", json!(null));
        g.observe(&inv, &completion(0, "send", json!([["send", "1", [4, 1]]])));
        g.observe(&inv, &completion(1, "poll", json!([["poll", {"2": []}]])));
        let FinalStep::Op(crash) = g.final_next(0, 0, &mut rng) else {
            panic!()
        };
        assert_eq!(crash.f, "crash");
        let FinalStep::Op(assign) = g.final_next(0, 0, &mut rng) else {
            panic!()
        };
        assert_eq!(
            assign.value,
            json!({"keys": ["1", "2"], "seek-to-beginning?": true})
        );
        let FinalStep::Op(poll) = g.final_next(0, 0, &mut rng) else {
            panic!()
        };
        assert_eq!(poll.f, "poll");
        match g.final_next(0, 0, &mut rng) {
            FinalStep::Sleep(ns) => assert!(ns < FINAL_POLL_GAP_NS),
            FinalStep::Op(_) => {} // a 0 ns gap
            FinalStep::Done => panic!("not caught up yet"),
        }
        // Thread 0 polls key 1 up to offset 4 and key 2 as []: done. Thread 1 is not.
        g.observe(
            &inv,
            &completion(2, "poll", json!([["poll", {"1": [[4, 1]], "2": []}]])),
        );
        assert_eq!(g.final_next(0, 1_000_000_000, &mut rng), FinalStep::Done);
        assert_eq!(
            g.final_next(1, 1_000_000_000, &mut rng).clone(),
            FinalStep::Op(OpSpec::new("crash", Value::Null))
        );
    }

    #[test]
    fn no_keys_means_no_final_ops() {
        let mut g = KafkaGenerator::new(&opts(1));
        assert_eq!(
            g.final_next(0, 0, &mut fastrand::Rng::with_seed(1)),
            FinalStep::Done
        );
    }
}
