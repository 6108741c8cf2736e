//! Simulated clusters of `TxnNode`s under loss, delay, reordering and
//! partitions: every transaction is answered ok at once, recorded histories
//! hold read committed, and all replicas converge to the same registers.

use super::history::{check_read_committed, Completed, TxnGen};
use super::store::MicroOp;
use super::TxnNode;
use crate::runtime::sim::Sim;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A simulated cluster plus the client load it receives.
struct Cluster {
    sim: Sim<TxnNode>,
    gen: TxnGen,
    ids: Vec<String>,
    /// msg_id -> (request, time sent).
    sent: Vec<(u64, Vec<MicroOp>, u64)>,
}

impl Cluster {
    fn new(n: usize, seed: u64, latency: (u64, u64), loss: f64) -> Self {
        let mut sim = Sim::new(n, seed);
        sim.latency = latency;
        sim.loss = loss;
        Cluster {
            sim,
            gen: TxnGen::new(seed.wrapping_mul(31)),
            ids: (0..n).map(|i| format!("n{i}")).collect(),
            sent: Vec::new(),
        }
    }

    /// One transaction every ms from `from` to `to`, round-robin over nodes.
    fn load(&mut self, from: u64, to: u64) {
        for t in from..to {
            self.sim.run_until(t);
            let node = self.ids[t as usize % self.ids.len()].clone();
            let ops = self.gen.next_txn();
            let client = format!("c{}", t % 4);
            let id = self
                .sim
                .client_request(&client, &node, json!({"type": "txn", "txn": ops}));
            self.sent.push((id, ops, t));
        }
    }

    fn node(&self, id: &str) -> &TxnNode {
        self.sim.nodes[id].node().expect("initialised")
    }

    /// Own commits of each node so far.
    fn commits(&self) -> HashMap<String, u64> {
        self.ids
            .iter()
            .map(|id| (id.clone(), self.node(id).replicator().committed()))
            .collect()
    }

    /// Whether every node has applied at least `marks[peer]` commits of every peer.
    fn has_all(&self, marks: &HashMap<String, u64>) -> bool {
        self.ids.iter().all(|a| {
            self.ids
                .iter()
                .filter(|b| *b != a)
                .all(|b| self.node(a).replicator().applied_from(b).unwrap_or(0) >= marks[b])
        })
    }

    /// Steps 1 ms at a time (with load if `loaded`) until every node has every
    /// commit made before now; returns how long that took.
    fn catch_up_time(&mut self, loaded: bool, limit: u64) -> Option<u64> {
        let marks = self.commits();
        let start = self.sim.now;
        for t in start..start + limit {
            if loaded {
                self.load(t, t + 1);
            } else {
                self.sim.run_until(t);
            }
            if self.has_all(&marks) {
                return Some(t - start);
            }
        }
        None
    }

    /// Every node applied every commit of every other, and all hold the same registers.
    fn assert_converged(&self) {
        assert!(self.has_all(&self.commits()), "some node misses commits");
        let first = self.node(&self.ids[0]).store().snapshot();
        for id in &self.ids[1..] {
            assert_eq!(
                first,
                self.node(id).store().snapshot(),
                "{id} differs from {}",
                self.ids[0]
            );
        }
        for id in &self.ids {
            assert_eq!(
                self.node(id).replicator().unacked(),
                0,
                "{id} still has unacknowledged commits"
            );
        }
    }

    /// The completed history; panics unless every transaction got `txn_ok`
    /// at the very moment it was sent (no round trip on the client's path).
    fn history(&self) -> Vec<Completed> {
        let replies: HashMap<u64, (&Value, u64)> = self
            .sim
            .client_inbox
            .iter()
            .filter_map(|d| Some((d.body["in_reply_to"].as_u64()?, (&d.body, d.at))))
            .collect();
        self.sent
            .iter()
            .map(|(id, request, at)| {
                let (body, replied_at) = replies
                    .get(id)
                    .unwrap_or_else(|| panic!("txn {id} was never answered"));
                assert_eq!(body["type"], "txn_ok", "txn {id}: {body}");
                assert_eq!(replied_at, at, "txn {id} was not answered at once");
                let reply: Vec<MicroOp> =
                    serde_json::from_value(body["txn"].clone()).expect("txn_ok shape");
                Completed {
                    request: request.clone(),
                    reply,
                }
            })
            .collect()
    }

    /// Every key some transaction wrote holds one of the values written to it.
    fn assert_registers_hold_written_values(&self, history: &[Completed]) {
        let mut written: HashMap<String, Vec<Value>> = HashMap::new();
        for t in history {
            for (f, k, v) in &t.reply {
                if f == "w" {
                    written.entry(k.to_string()).or_default().push(v.clone());
                }
            }
        }
        let store = self.node(&self.ids[0]).store();
        for (key, values) in &written {
            let k: Value = serde_json::from_str(key).unwrap();
            let held = store.value_of(&k);
            assert!(values.contains(&held), "key {key} holds {held}");
        }
    }
}

#[test]
fn two_replicas_converge_through_loss_delay_and_a_partition() {
    let mut c = Cluster::new(2, 1, (0, 8), 0.2);
    c.load(0, 1000);
    c.sim.partition(&["n0"], &["n1"]);
    c.load(1000, 4000);
    c.sim.heal();
    let took = c.catch_up_time(true, 2000).expect("replicas caught up");
    println!("two replicas, 20% loss: every pre-heal write everywhere {took} ms after the heal");
    assert!(took <= 500, "catch-up took {took} ms");
    c.load(c.sim.now, 6000);
    c.sim.run_until(8000);
    c.assert_converged();
    let h = c.history();
    check_read_committed(&h).unwrap();
    c.assert_registers_hold_written_values(&h);
}

#[test]
fn five_replicas_converge_through_reordering_and_partitions() {
    for seed in [2, 3] {
        let mut c = Cluster::new(5, seed, (1, 40), 0.1);
        c.load(0, 800);
        c.sim.partition(&["n0", "n1"], &["n2", "n3", "n4"]);
        c.load(800, 2500);
        c.sim.heal();
        c.load(2500, 3000);
        c.sim.partition(&["n3"], &["n0", "n1", "n2", "n4"]);
        c.load(3000, 5000);
        c.sim.heal();
        let took = c.catch_up_time(true, 3000).expect("replicas caught up");
        println!(
            "five replicas, seed {seed}: every pre-heal write everywhere {took} ms after the heal"
        );
        assert!(took <= 1000, "catch-up took {took} ms");
        c.load(c.sim.now, 6000);
        c.sim.run_until(9000);
        c.assert_converged();
        let h = c.history();
        check_read_committed(&h).unwrap();
        c.assert_registers_hold_written_values(&h);
    }
}

#[test]
fn idle_cluster_converges_soon_after_the_final_heal() {
    // Load only during a partition, then heal and stop: time to full convergence.
    let mut c = Cluster::new(2, 4, (0, 0), 0.0);
    c.sim.partition(&["n0"], &["n1"]);
    c.load(0, 5000);
    c.sim.heal();
    let took = c.catch_up_time(false, 3000).expect("converged");
    println!("two replicas, 5 s partition, no load after heal: converged {took} ms after it");
    assert!(took <= 200, "took {took} ms");
    c.sim.run_until(c.sim.now + 1000);
    c.assert_converged();
    check_read_committed(&c.history()).unwrap();
    // Quiescent: once all is acknowledged, nobody sends anything.
    let msgs = c.sim.server_msgs;
    c.sim.run_until(c.sim.now + 2000);
    assert_eq!(c.sim.server_msgs, msgs);
}

#[test]
fn under_load_every_pre_heal_write_is_everywhere_soon_after_the_heal() {
    // Maelstrom's network for 6c: no loss, no latency; partitions only.
    for (n, bound) in [(2, 150), (5, 500)] {
        let mut c = Cluster::new(n, 9, (0, 0), 0.0);
        c.load(0, 1000);
        let (left, right) = c.ids.split_at(n / 2);
        let left: Vec<&str> = left.iter().map(String::as_str).collect();
        let right: Vec<&str> = right.iter().map(String::as_str).collect();
        c.sim.partition(&left, &right);
        c.load(1000, 6000);
        c.sim.heal();
        let took = c.catch_up_time(true, 3000).expect("caught up");
        println!("{n} replicas, 5 s partition, 1000 txn/s: every pre-heal write everywhere {took} ms after the heal");
        assert!(took <= bound, "{n} nodes took {took} ms");
        c.sim.run_until(c.sim.now + 2000);
        c.assert_converged();
        check_read_committed(&c.history()).unwrap();
    }
}

#[test]
fn two_nodes_at_1000_txns_per_second_use_under_a_tenth_of_a_message_per_txn() {
    let mut c = Cluster::new(2, 5, (0, 0), 0.0);
    c.load(0, 4000);
    c.sim.partition(&["n0"], &["n1"]);
    c.load(4000, 7000);
    c.sim.heal();
    c.load(7000, 10_000);
    let ops = c.sent.len() as f64;
    let per_op = c.sim.server_msgs as f64 / ops;
    println!("server msgs per op at 1000 txn/s, 2 nodes: {per_op:.4}");
    assert!(per_op <= 0.1, "{per_op}");
    assert!(c.sim.server_msgs > 0, "replication must send something");
    c.sim.run_until(11_000);
    c.assert_converged();
    check_read_committed(&c.history()).unwrap();
}

#[test]
fn a_single_node_answers_alone_and_sends_nothing() {
    let mut c = Cluster::new(1, 6, (0, 0), 0.0);
    c.load(0, 2000);
    c.sim.run_until(3000);
    assert_eq!(c.sim.server_msgs, 0);
    let h = c.history();
    check_read_committed(&h).unwrap();
    c.assert_registers_hold_written_values(&h);
}

#[test]
fn a_txn_sees_its_own_writes_and_the_next_txn_sees_them_committed() {
    let mut c = Cluster::new(2, 7, (0, 0), 0.0);
    let a = c.sim.client_request(
        "c1",
        "n0",
        json!({"type":"txn","txn":[["r",1,null],["w",1,6],["r",1,null],["w",2,9]]}),
    );
    c.sim.run_until(1);
    assert_eq!(
        c.sim.reply_to(a).unwrap()["txn"],
        json!([["r", 1, null], ["w", 1, 6], ["r", 1, 6], ["w", 2, 9]])
    );
    c.sim.run_until(500);
    let b = c.sim.client_request(
        "c2",
        "n1",
        json!({"type":"txn","txn":[["r",2,null],["r",1,null],["r",3,null]]}),
    );
    c.sim.run_until(501);
    assert_eq!(
        c.sim.reply_to(b).unwrap()["txn"],
        json!([["r", 2, 9], ["r", 1, 6], ["r", 3, null]])
    );
}

#[test]
fn odd_input_gets_errors_or_is_ignored_never_a_panic() {
    let mut c = Cluster::new(2, 8, (0, 0), 0.0);
    let bad_op = c
        .sim
        .client_request("c1", "n0", json!({"type":"txn","txn":[["x",1,null]]}));
    let short_op = c
        .sim
        .client_request("c1", "n0", json!({"type":"txn","txn":[["r",1]]}));
    let no_txn = c.sim.client_request("c1", "n0", json!({"type":"txn"}));
    // Replication from a stranger, a huge sequence number, an absurd clock.
    c.sim.client_request(
        "c1",
        "n0",
        json!({"type":"replicate","first":1,"txns":[[5,[[1,1]]]],"ack":99,"seen":0}),
    );
    let stranger = json!({"src":"n9","dest":"n0","body":{"type":"replicate","first":1,"txns":[[5,[[1,1]]]],"ack":0,"seen":0}});
    let huge = json!({"src":"n1","dest":"n0","body":{"type":"replicate","first":u64::MAX,"txns":[[u64::MAX,[[1,1]]],[1,[[1,2]]]],"ack":u64::MAX,"seen":u64::MAX}});
    let clock = json!({"src":"n1","dest":"n0","body":{"type":"replicate","first":1,"txns":[[u64::MAX,[[1,3]]]],"ack":0,"seen":0}});
    c.sim.run_until(1);
    for line in [stranger, huge, clock] {
        let d = c.sim.nodes.get_mut("n0").unwrap();
        d.handle_line(line.to_string().as_bytes(), 1);
    }
    let after = c.sim.client_request(
        "c1",
        "n0",
        json!({"type":"txn","txn":[["r",1,null],["w",1,4],["r",1,null]]}),
    );
    c.sim.run_until(1000);
    for id in [bad_op, short_op, no_txn] {
        let body = c.sim.reply_to(id).expect("answered");
        assert_eq!(body["type"], "error");
        assert_eq!(body["code"], 12);
    }
    // The node still works: the batches carrying a clock past
    // MAX_PEER_LAMPORT were dropped whole (key 1 was never written), and the
    // local write still commits and is answered.
    assert_eq!(
        c.sim.reply_to(after).unwrap()["txn"],
        json!([["r", 1, null], ["w", 1, 4], ["r", 1, 4]])
    );
}

/// Node n0 of two, driven directly so a test can forge n1's batches.
fn driven() -> crate::runtime::Driver<TxnNode> {
    let mut d = crate::runtime::Driver::<TxnNode>::new(0);
    d.handle_line(
        json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0","n1"]}})
            .to_string()
            .as_bytes(),
        0,
    );
    d.output().clear();
    d
}

fn driven_txn(d: &mut crate::runtime::Driver<TxnNode>, msg_id: u64, txn: Value) -> Value {
    d.handle_line(
        json!({"src":"c1","dest":"n0","body":{"type":"txn","msg_id":msg_id,"txn":txn}})
            .to_string()
            .as_bytes(),
        1,
    );
    let out = std::mem::take(d.output());
    serde_json::from_slice::<Value>(out.trim_ascii()).unwrap()["body"].clone()
}

#[test]
fn a_peer_lamport_time_past_the_bound_is_dropped_without_a_state_change() {
    for lamport in [(1u64 << 63), u64::MAX, super::store::MAX_PEER_LAMPORT + 1] {
        let mut d = driven();
        driven_txn(&mut d, 2, json!([["w", 1, 10]]));
        let forged = json!({"src":"n1","dest":"n0","body":{"type":"replicate","first":1,
            "txns":[[lamport, [[1, 666]]]],"ack":0,"seen":0}});
        d.handle_line(forged.to_string().as_bytes(), 2);
        assert!(
            d.take_log()
                .iter()
                .any(|l| l.contains("malformed replicate")),
            "{lamport}"
        );
        let node = d.node().unwrap();
        assert_eq!(node.store().clock(), 1, "the clock moved to {lamport}");
        assert_eq!(node.replicator().applied_from("n1"), Some(0));
        assert_eq!(node.store().value_of(&json!(1)), json!(10));
        // Later acknowledged writes still win.
        driven_txn(&mut d, 3, json!([["w", 1, 11]]));
        let r = driven_txn(&mut d, 4, json!([["r", 1, null]]));
        assert_eq!(r["txn"], json!([["r", 1, 11]]), "{lamport}");
    }
}

#[test]
fn the_largest_allowed_peer_lamport_time_is_taken_and_later_writes_still_win() {
    let mut d = driven();
    let max = super::store::MAX_PEER_LAMPORT;
    let batch = json!({"src":"n1","dest":"n0","body":{"type":"replicate","first":1,
        "txns":[[max, [[1, 5]]]],"ack":0,"seen":0}});
    d.handle_line(batch.to_string().as_bytes(), 2);
    assert_eq!(d.node().unwrap().store().value_of(&json!(1)), json!(5));
    driven_txn(&mut d, 2, json!([["w", 1, 6]]));
    let r = driven_txn(&mut d, 3, json!([["r", 1, null]]));
    assert_eq!(r["txn"], json!([["r", 1, 6]]));
    assert_eq!(d.node().unwrap().store().clock(), max + 1);
}
