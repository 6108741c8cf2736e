//! A broadcast workload on the simulator: Maelstrom's generator (a global
//! stagger of `rate` ops/s, half broadcasts of unique integers, half reads,
//! ops spread round-robin over one client per node), the final phase (heal,
//! 10 s quiet, one read per node), and a replica of Jepsen's `set-full`
//! checker (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker.clj) with its latency quantiles.
//!
//! Client messages have no latency in the simulator and no head-of-line
//! blocking, so reads see a node's state at their invocation time: the
//! latencies measured here are a little pessimistic compared with Maelstrom's.

use crate::runtime::sim::Sim;
use crate::workloads::broadcast::{ConfigSource, SetReplica};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

struct BroadcastOp {
    value: i64,
    /// Position in issue order (the history index of the invocation).
    index: usize,
    msg_id: u64,
}

struct ReadOp {
    index: usize,
    invoked: u64,
    msg_id: u64,
}

/// A workload run over a simulated cluster.
pub struct Run<C: ConfigSource> {
    pub sim: Sim<SetReplica<C>>,
    ids: Vec<String>,
    rng: fastrand::Rng,
    cursor: usize,
    next_value: i64,
    next_op_at: u64,
    ops: usize,
    broadcasts: Vec<BroadcastOp>,
    reads: Vec<ReadOp>,
}

/// What the checker found, and the cost.
#[derive(Debug)]
pub struct Report {
    pub ops: usize,
    pub msgs_per_op: f64,
    pub attempts: usize,
    pub lost: Vec<i64>,
    pub never_read: Vec<i64>,
    /// Stable latency quantiles 0, 0.5, 0.95, 0.99, 1 (ms).
    pub latency: [u64; 5],
}

impl Report {
    pub fn median(&self) -> u64 {
        self.latency[1]
    }

    pub fn max(&self) -> u64 {
        self.latency[4]
    }
}

impl<C: ConfigSource> Run<C> {
    /// `n` nodes with node<->node latency uniform in `latency` (ms).
    pub fn new(n: usize, seed: u64, latency: (u64, u64)) -> Self {
        let mut sim = Sim::new(n, seed);
        sim.latency = latency;
        let ids: Vec<String> = sim.nodes.keys().cloned().collect();
        let mut run = Run {
            sim,
            ids,
            rng: fastrand::Rng::with_seed(seed ^ 0x5eed),
            cursor: 0,
            next_value: 0,
            next_op_at: 0,
            ops: 0,
            broadcasts: Vec::new(),
            reads: Vec::new(),
        };
        for id in run.ids.clone() {
            run.sim
                .client_request("c0", &id, json!({"type": "topology", "topology": {}}));
        }
        run.sim.run_until(0);
        run
    }

    pub fn node_ids(&self) -> Vec<String> {
        self.ids.clone()
    }

    /// Issues client ops at `rate` per second until virtual time `until`.
    pub fn drive(&mut self, rate: f64, until: u64) {
        let mean_gap = 1000.0 / rate;
        while self.next_op_at < until {
            self.sim.run_until(self.next_op_at);
            let thread = self.cursor % self.ids.len();
            self.cursor += 1;
            if self.rng.bool() {
                let value = self.next_value;
                self.next_value += 1;
                self.broadcast(thread, value);
            } else {
                self.read(thread);
            }
            let gap = (self.rng.f64() * 2.0 * mean_gap) as u64;
            self.next_op_at += gap;
        }
        self.sim.run_until(until);
        self.next_op_at = self.next_op_at.max(until);
    }

    /// Lets virtual time pass with no client ops.
    pub fn idle_until(&mut self, until: u64) {
        self.sim.run_until(until);
        self.next_op_at = self.next_op_at.max(until);
    }

    /// Maelstrom's final phase: heal, 10 s of quiet, one read per node.
    pub fn finish(&mut self) {
        self.sim.heal();
        let end = self.sim.now + 10_000;
        self.idle_until(end);
        for thread in 0..self.ids.len() {
            self.read(thread);
        }
        self.sim.run_until(end + 1);
    }

    fn client(thread: usize) -> String {
        format!("c{}", thread + 1)
    }

    fn broadcast(&mut self, thread: usize, value: i64) {
        let node = self.ids[thread].clone();
        let body = json!({"type": "broadcast", "message": value});
        let msg_id = self.sim.client_request(&Self::client(thread), &node, body);
        self.broadcasts.push(BroadcastOp {
            value,
            index: self.ops,
            msg_id,
        });
        self.ops += 1;
    }

    fn read(&mut self, thread: usize) {
        let node = self.ids[thread].clone();
        let msg_id = self
            .sim
            .client_request(&Self::client(thread), &node, json!({"type": "read"}));
        self.reads.push(ReadOp {
            index: self.ops,
            invoked: self.sim.now,
            msg_id,
        });
        self.ops += 1;
    }

    /// Runs Jepsen's set-full over the history (every op must have completed).
    pub fn check(&self) -> Report {
        let replies: HashMap<u64, (u64, &Value)> = self
            .sim
            .client_inbox
            .iter()
            .filter_map(|d| Some((d.body["in_reply_to"].as_u64()?, (d.at, &d.body))))
            .collect();
        let reads: Vec<(usize, u64, HashSet<i64>)> = self
            .reads
            .iter()
            .filter_map(|r| {
                let (_, body) = replies.get(&r.msg_id)?;
                (body["type"] == "read_ok").then_some(())?;
                let seen = body["messages"].as_array()?.iter();
                Some((r.index, r.invoked, seen.filter_map(Value::as_i64).collect()))
            })
            .collect();
        let (mut lost, mut never_read, mut latencies) = (Vec::new(), Vec::new(), Vec::new());
        for b in &self.broadcasts {
            let acked = replies
                .get(&b.msg_id)
                .filter(|(_, body)| body["type"] == "broadcast_ok")
                .map(|(at, _)| *at);
            let counted = reads.iter().filter(|(index, ..)| *index > b.index);
            let (mut first_present, mut present, mut absent) = (None, None, None);
            for (index, invoked, seen) in counted {
                if seen.contains(&b.value) {
                    first_present = first_present.or(Some(*invoked));
                    present = Some((*index, *invoked));
                } else {
                    absent = Some((*index, *invoked));
                }
            }
            let known = acked.or(first_present);
            match (present, absent, known) {
                (Some(_), None, _) => latencies.push(0),
                (Some(p), Some(a), Some(known)) if a.0 < p.0 => {
                    latencies.push(a.1.saturating_sub(known))
                }
                (_, Some(a), Some(known)) if a.1 >= known => lost.push(b.value),
                _ => never_read.push(b.value),
            }
        }
        latencies.sort_unstable();
        let quantile = |p: f64| {
            let n = latencies.len();
            if n == 0 {
                return 0;
            }
            latencies[((n as f64 * p) as usize).min(n - 1)]
        };
        Report {
            ops: self.ops,
            msgs_per_op: self.sim.server_msgs as f64 / self.ops.max(1) as f64,
            attempts: self.broadcasts.len(),
            lost,
            never_read,
            latency: [0.0, 0.5, 0.95, 0.99, 1.0].map(quantile),
        }
    }

    /// Broadcast values missing from some node's state.
    pub fn missing_anywhere(&self) -> Vec<(String, i64)> {
        let mut missing = Vec::new();
        for (id, driver) in &self.sim.nodes {
            let node = driver.node().expect("initialised");
            let have: HashSet<i64> = node
                .values()
                .iter()
                .filter_map(|e| e.as_str().parse().ok())
                .collect();
            for b in &self.broadcasts {
                if !have.contains(&b.value) {
                    missing.push((id.clone(), b.value));
                }
            }
        }
        missing
    }
}
