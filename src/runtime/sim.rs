//! A test-only cluster of `Driver`s for invariants no Maelstrom checker
//! sees: Raft's election safety and identical committed logs, exactly-once
//! application of forwarded or racing requests (lin-kv, txn-list-append),
//! what a CRDT link puts on the wire. It has a message queue with latency,
//! loss and cuts and a linearizable in-memory `lin-kv` (by the bench's rules, `kv_rules`), and no seq-kv and no
//! checker: anything a checker judges (convergence, anomalies, msgs-per-op,
//! latency) is tested through the bench's engine in virtual time
//! (xtask/src/scenarios), the one judge.
//! fidelity D19: one set of KV rules.

use super::driver::Driver;
use super::kv_rules::{with_in_reply_to, Flavor, JsonText, KvRequest, KvState};
use super::node::Node;
use serde_json::{json, Value};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet};

/// A message in flight.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub src: String,
    pub dest: String,
    pub body: Value,
}

/// A cluster of nodes of type `N` under virtual time.
pub struct Sim<N: Node> {
    pub nodes: BTreeMap<String, Driver<N>>,
    queue: BinaryHeap<Reverse<(u64, u64)>>,
    in_flight: BTreeMap<u64, Delivery>,
    seq: u64,
    pub now: u64,
    pub rng: fastrand::Rng,
    /// Latency in ms for node<->node and node<->service messages: uniform in this range.
    pub latency: (u64, u64),
    /// Probability of dropping a node<->node message.
    pub loss: f64,
    /// Directed (src, dest) pairs whose messages are dropped.
    pub cut: HashSet<(String, String)>,
    /// Messages addressed to clients (`c..`), in delivery order.
    pub client_inbox: Vec<Delivery>,
    /// Count of node<->node and node<->service messages sent.
    pub server_msgs: u64,
    /// When true, every node<->node and node<->service message sent (dropped
    /// ones included) is also kept in `server_log`, for tests that look at
    /// what was sent, not only how much.
    pub record_server_msgs: bool,
    pub server_log: Vec<Delivery>,
    /// The in-memory `lin-kv` (linearizable), by the bench's rules.
    kv: KvState<JsonText>,
    client_msg_id: u64,
}

impl<N: Node> Sim<N> {
    /// `n` nodes `n0..`, initialised, with a seed.
    pub fn new(n: usize, seed: u64) -> Self {
        let ids: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
        let mut sim = Sim {
            nodes: BTreeMap::new(),
            queue: BinaryHeap::new(),
            in_flight: BTreeMap::new(),
            seq: 0,
            now: 0,
            rng: fastrand::Rng::with_seed(seed),
            latency: (0, 0),
            loss: 0.0,
            cut: HashSet::new(),
            client_inbox: Vec::new(),
            server_msgs: 0,
            record_server_msgs: false,
            server_log: Vec::new(),
            kv: KvState::default(),
            client_msg_id: 0,
        };
        for id in &ids {
            let mut d = Driver::with_incarnation(0, seed ^ (sim.nodes.len() as u64));
            let init = json!({"src":"c0","dest":id,"body":{"type":"init","msg_id":1,"node_id":id,"node_ids":ids}});
            d.handle_line(init.to_string().as_bytes(), 0);
            sim.nodes.insert(id.clone(), d);
        }
        sim.collect_all();
        // Deliver the init_oks now, so a test's first request's reply is not
        // confused with them (both answer msg_id 1).
        sim.run_until(0);
        sim.client_inbox.clear();
        sim
    }

    /// Sends a client request to `node` now; returns its msg_id.
    pub fn client_request(&mut self, client: &str, node: &str, mut body: Value) -> u64 {
        self.client_msg_id += 1;
        body["msg_id"] = json!(self.client_msg_id);
        self.push(client.to_string(), node.to_string(), body, 0);
        self.client_msg_id
    }

    /// The client reply to `msg_id`, if it arrived.
    pub fn reply_to(&self, msg_id: u64) -> Option<&Value> {
        self.client_inbox
            .iter()
            .map(|d| &d.body)
            .find(|b| b["in_reply_to"] == json!(msg_id))
    }

    /// What lin-kv holds under `key`.
    pub fn kv_get(&self, key: &Value) -> Option<&Value> {
        self.kv.get(key)
    }

    /// Stores `value` under `key` in lin-kv, as a write request would.
    pub fn kv_write(&mut self, key: Value, value: Value) {
        self.kv
            .apply_in_place(&KvRequest::Write { key, value }, Flavor::Standard);
    }

    /// Runs until virtual time `until` (ms).
    pub fn run_until(&mut self, until: u64) {
        loop {
            let next_msg = self.queue.peek().map(|Reverse((at, _))| *at);
            let next_timer = self
                .nodes
                .values_mut()
                .filter_map(|d| d.next_deadline())
                .min();
            let next = match (next_msg, next_timer) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
                (None, None) => break,
            };
            if next > until {
                break;
            }
            self.now = self.now.max(next);
            if next_msg == Some(next) {
                let Reverse((_, seq)) = self.queue.pop().expect("peeked");
                let d = self.in_flight.remove(&seq).expect("queued message");
                self.deliver(d);
            } else {
                let now = self.now;
                for d in self.nodes.values_mut() {
                    d.tick(now);
                }
            }
            self.collect_all();
        }
        self.now = self.now.max(until);
        let now = self.now;
        for d in self.nodes.values_mut() {
            d.tick(now);
        }
        self.collect_all();
    }

    fn deliver(&mut self, d: Delivery) {
        if d.dest.starts_with('c') {
            self.client_inbox.push(d);
        } else if d.dest == "lin-kv" {
            if let Some(reply) = self.kv_handle(&d.body) {
                self.push(d.dest.clone(), d.src.clone(), reply, 0);
            }
        } else if let Some(node) = self.nodes.get_mut(&d.dest) {
            let line = json!({"src": d.src, "dest": d.dest, "body": d.body}).to_string();
            node.handle_line(line.as_bytes(), self.now);
        }
    }

    /// lin-kv's reply to a request, by the bench's rules (`kv_rules`); None
    /// for a body that is not a KV request, which Maelstrom leaves unanswered.
    fn kv_handle(&mut self, body: &Value) -> Option<Value> {
        let req = KvRequest::parse(body)?;
        let reply = self.kv.apply_in_place(&req, Flavor::Standard);
        Some(with_in_reply_to(reply, body))
    }

    fn collect_all(&mut self) {
        let ids: Vec<String> = self.nodes.keys().cloned().collect();
        for id in ids {
            let out = std::mem::take(self.nodes.get_mut(&id).expect("node").output());
            for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let v: Value = match serde_json::from_slice(line) {
                    Ok(v) => v,
                    Err(e) => panic!(
                        "node {id} wrote a line that is not JSON ({e}): {}",
                        String::from_utf8_lossy(line)
                    ),
                };
                let src = v["src"].as_str().unwrap_or_default().to_string();
                let dest = v["dest"].as_str().unwrap_or_default().to_string();
                let involves_client = src.starts_with('c') || dest.starts_with('c');
                let latency = if involves_client {
                    0
                } else {
                    self.rng.u64(self.latency.0..=self.latency.1)
                };
                if !involves_client {
                    self.server_msgs += 1;
                    if self.record_server_msgs {
                        self.server_log.push(Delivery {
                            src: src.clone(),
                            dest: dest.clone(),
                            body: v["body"].clone(),
                        });
                    }
                }
                let node_to_node = !involves_client
                    && self.nodes.contains_key(&dest)
                    && self.nodes.contains_key(&src);
                if node_to_node
                    && (self.cut.contains(&(src.clone(), dest.clone()))
                        || self.rng.f64() < self.loss)
                {
                    continue;
                }
                self.push(src, dest, v["body"].clone(), latency);
            }
        }
    }

    fn push(&mut self, src: String, dest: String, body: Value, latency: u64) {
        self.seq += 1;
        let at = self.now + latency;
        self.queue.push(Reverse((at, self.seq)));
        self.in_flight
            .insert(self.seq, Delivery { src, dest, body });
    }

    /// Cuts every link between the two groups, both ways.
    pub fn partition(&mut self, a: &[&str], b: &[&str]) {
        for x in a {
            for y in b {
                self.cut.insert((x.to_string(), y.to_string()));
                self.cut.insert((y.to_string(), x.to_string()));
            }
        }
    }

    /// Heals, then cuts `node` off from every other node.
    pub fn isolate(&mut self, node: &str) {
        self.heal();
        let others: Vec<String> = self.nodes.keys().filter(|n| *n != node).cloned().collect();
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        self.partition(&[node], &others);
    }

    /// Removes every cut.
    pub fn heal(&mut self) {
        self.cut.clear();
    }
}
