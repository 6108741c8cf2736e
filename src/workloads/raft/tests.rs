//! The Raft node in the virtual-time simulator: elections, replication,
//! partitions, and Raft's safety properties checked on the nodes' state
//! after random schedules. Linearizability of whole runs is judged by the
//! bench's lin-kv checker (xtask/tests/our_nodes.rs).

use super::{RaftNode, Role};
use crate::runtime::sim::Sim;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn sim(nodes: usize, seed: u64) -> Sim<RaftNode> {
    let mut sim = Sim::<RaftNode>::new(nodes, seed);
    sim.latency = (1, 3);
    sim
}

fn node<'a>(sim: &'a Sim<RaftNode>, id: &str) -> &'a RaftNode {
    sim.nodes[id].node().expect("initialised")
}

/// The nodes that consider themselves leader, with their terms.
fn leaders(sim: &Sim<RaftNode>) -> Vec<(String, u64)> {
    sim.nodes
        .keys()
        .filter(|id| matches!(node(sim, id).role, Role::Leader(_)))
        .map(|id| (id.clone(), node(sim, id).term))
        .collect()
}

/// Runs until exactly one node leads; returns it.
fn settle(sim: &mut Sim<RaftNode>) -> String {
    for _ in 0..100 {
        sim.run_until(sim.now + 50);
        if let [(l, _)] = leaders(sim).as_slice() {
            return l.clone();
        }
    }
    panic!("no single leader: {:?}", leaders(sim));
}

/// Sends a request and runs until its answer (or `max_ms` pass).
fn call(sim: &mut Sim<RaftNode>, node: &str, body: Value, max_ms: u64) -> Option<Value> {
    let id = sim.client_request("c1", node, body);
    let until = sim.now + max_ms;
    while sim.now < until {
        sim.run_until(sim.now + 5);
        if let Some(r) = sim.reply_to(id) {
            return Some(r.clone());
        }
    }
    None
}

fn write(sim: &mut Sim<RaftNode>, node: &str, key: i64, value: i64) -> Option<Value> {
    call(
        sim,
        node,
        json!({"type":"write","key":key,"value":value}),
        2_000,
    )
}

fn read(sim: &mut Sim<RaftNode>, node: &str, key: i64) -> Option<Value> {
    call(sim, node, json!({"type":"read","key":key}), 2_000)
}

fn kind(reply: &Option<Value>) -> String {
    match reply {
        None => "none".into(),
        Some(r) if r["type"] == "error" => format!("error {}", r["code"]),
        Some(r) => r["type"].as_str().unwrap_or("?").to_string(),
    }
}

#[test]
fn one_leader_is_elected_and_every_node_serves_writes_and_reads() {
    let mut s = sim(3, 1);
    let leader = settle(&mut s);
    assert!(s.now < 1_000, "first election took {} ms", s.now);
    for (i, n) in ["n0", "n1", "n2"].into_iter().enumerate() {
        assert_eq!(kind(&write(&mut s, n, 1, i as i64)), "write_ok", "{n}");
        for m in ["n0", "n1", "n2"] {
            assert_eq!(read(&mut s, m, 1).unwrap()["value"], json!(i), "{m}");
        }
    }
    assert_eq!(leaders(&s), [(leader, node(&s, "n0").term)]);
}

#[test]
fn missing_keys_and_failed_cas_give_lin_kv_errors() {
    let mut s = sim(3, 2);
    settle(&mut s);
    assert_eq!(kind(&read(&mut s, "n1", 5)), "error 20");
    let cas = |from: i64, to: i64| json!({"type":"cas","key":5,"from":from,"to":to});
    assert_eq!(kind(&call(&mut s, "n2", cas(0, 1), 2_000)), "error 20");
    assert_eq!(kind(&write(&mut s, "n0", 5, 3)), "write_ok");
    assert_eq!(kind(&call(&mut s, "n1", cas(0, 1), 2_000)), "error 22");
    assert_eq!(kind(&call(&mut s, "n2", cas(3, 4), 2_000)), "cas_ok");
    assert_eq!(read(&mut s, "n0", 5).unwrap()["value"], json!(4));
}

#[test]
fn a_single_node_is_its_own_majority() {
    let mut s = sim(1, 3);
    settle(&mut s);
    assert_eq!(kind(&write(&mut s, "n0", 1, 9)), "write_ok");
    assert_eq!(read(&mut s, "n0", 1).unwrap()["value"], json!(9));
}

#[test]
fn a_leader_cut_off_acknowledges_nothing_and_serves_no_stale_read() {
    let mut s = sim(3, 4);
    let old = settle(&mut s);
    assert_eq!(kind(&write(&mut s, &old, 1, 1)), "write_ok");
    let others: Vec<String> = s.nodes.keys().filter(|n| **n != old).cloned().collect();
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    s.partition(&[&old], &others);
    // The old leader takes the write into its log but can never commit it.
    let lost = s.client_request("c2", &old, json!({"type":"write","key":1,"value":2}));
    let stale = s.client_request("c3", &old, json!({"type":"read","key":1}));
    s.run_until(s.now + 1_500);
    // The majority elects a new leader and moves on.
    let new = settle_among(&mut s, &others);
    assert_ne!(new, old);
    assert_eq!(kind(&write(&mut s, others[0], 1, 3)), "write_ok");
    // The old leader stepped down (check-quorum) and refused the read: it
    // never answered it from its own state.
    assert_eq!(kind(&s.reply_to(stale).cloned()), "error 11");
    assert!(!matches!(node(&s, &old).role, Role::Leader(_)));
    assert_eq!(
        s.reply_to(lost),
        None,
        "the write may still commit: no answer yet"
    );
    s.heal();
    s.run_until(s.now + 1_000);
    // Its entry was replaced by the new leader's: a definite failure, and
    // the value is the majority's.
    assert_eq!(kind(&s.reply_to(lost).cloned()), "error 11");
    for n in ["n0", "n1", "n2"] {
        assert_eq!(read(&mut s, n, 1).unwrap()["value"], json!(3), "{n}");
    }
}

fn settle_among(s: &mut Sim<RaftNode>, among: &[&str]) -> String {
    for _ in 0..100 {
        s.run_until(s.now + 50);
        let ls: Vec<_> = leaders(s)
            .into_iter()
            .filter(|(l, _)| among.contains(&l.as_str()))
            .collect();
        if let [(l, _)] = ls.as_slice() {
            return l.clone();
        }
    }
    panic!("no leader among {among:?}");
}

#[test]
fn a_node_that_knows_no_leader_answers_temporarily_unavailable() {
    let mut s = sim(3, 5);
    s.partition(&["n0"], &["n1", "n2"]);
    s.partition(&["n1"], &["n2"]);
    let r = call(
        &mut s,
        "n0",
        json!({"type":"write","key":1,"value":1}),
        2_000,
    );
    assert_eq!(kind(&r), "error 11");
    assert!(leaders(&s).is_empty());
}

#[test]
fn a_node_cut_off_from_the_majority_does_not_raise_its_term_or_depose_the_leader() {
    let mut s = sim(5, 6);
    let leader = settle(&mut s);
    let term = node(&s, &leader).term;
    let lone = s.nodes.keys().find(|n| **n != leader).cloned().unwrap();
    let rest: Vec<String> = s.nodes.keys().filter(|n| **n != lone).cloned().collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    s.partition(&[&lone], &rest);
    s.run_until(s.now + 5_000);
    assert_eq!(node(&s, &lone).term, term, "pre-votes fail, the term stays");
    s.heal();
    s.run_until(s.now + 2_000);
    assert_eq!(leaders(&s), [(leader, term)], "nobody was deposed");
}

/// Sends `body` to `to` as if member `from` had sent it; returns the answer
/// `to` sent back within 100 ms (taken off the wire: `from` drops it, as a
/// reply to nothing it asked).
fn from_member(s: &mut Sim<RaftNode>, from: &str, to: &str, body: Value) -> Option<Value> {
    s.record_server_msgs = true;
    let id = s.client_request(from, to, body);
    s.run_until(s.now + 100);
    s.server_log
        .iter()
        .rev()
        .find(|d| d.src == to && d.dest == from && d.body["in_reply_to"] == json!(id))
        .map(|d| d.body.clone())
}

fn other_than(s: &Sim<RaftNode>, node: &str) -> String {
    s.nodes.keys().find(|n| *n != node).cloned().unwrap()
}

#[test]
fn a_request_forwarded_twice_takes_effect_once() {
    let mut s = sim(3, 7);
    let leader = settle(&mut s);
    let follower = other_than(&s, &leader);
    assert_eq!(kind(&write(&mut s, &leader, 1, 0)), "write_ok");
    let fwd =
        json!({"type":"forward","op":{"f":"cas","key":1,"from":0,"to":1},"client":"c9","req":4});
    let a = from_member(&mut s, &follower, &leader, fwd.clone());
    assert_eq!(kind(&write(&mut s, &leader, 1, 0)), "write_ok");
    // The same request again: it must not apply a second time (which would
    // turn the value back to 1), and it gets the first outcome.
    let b = from_member(&mut s, &follower, &leader, fwd);
    assert_eq!(kind(&a), "cas_ok");
    assert_eq!(kind(&b), "cas_ok");
    assert_eq!(read(&mut s, &leader, 1).unwrap()["value"], json!(0));
}

#[test]
fn a_forward_to_a_node_that_does_not_lead_is_refused_definitely() {
    let mut s = sim(3, 8);
    let leader = settle(&mut s);
    let follower = other_than(&s, &leader);
    let fwd = json!({"type":"forward","op":{"f":"write","key":1,"value":1},"client":"c9","req":1});
    let r = from_member(&mut s, &leader, &follower, fwd);
    assert_eq!(kind(&r), "error 11");
    let noop = json!({"type":"forward","op":{"f":"noop"},"client":"c9","req":2});
    let r = from_member(&mut s, &follower, &leader, noop);
    assert_eq!(kind(&r), "error 12");
}

#[test]
fn votes_from_outside_the_cluster_do_not_count() {
    let mut s = sim(3, 9);
    s.partition(&["n0"], &["n1", "n2"]);
    s.partition(&["n1"], &["n2"]);
    s.run_until(150);
    assert!(matches!(node(&s, "n0").role, Role::PreCandidate(_)));
    for c in ["c7", "c8"] {
        s.client_request(
            c,
            "n0",
            json!({"type":"request_vote_result","term":0,"granted":true,"pre":true}),
        );
    }
    s.run_until(s.now + 10);
    let term = node(&s, "n0").term;
    for c in ["c7", "c8"] {
        s.client_request(
            c,
            "n0",
            json!({"type":"request_vote_result","term":term,"granted":true,"pre":false}),
        );
    }
    s.run_until(s.now + 10);
    assert!(leaders(&s).is_empty());
    assert_eq!(
        node(&s, "n0").term,
        0,
        "no candidate without real pre-votes"
    );
}

/// Raft's safety properties over random partitions and message loss:
/// at most one leader per term (Election Safety), committed prefixes agree
/// on every node (State Machine Safety, via Log Matching), and every
/// acknowledged write is in the final committed log.
#[test]
fn random_faults_never_break_election_or_state_machine_safety() {
    for seed in 0..40 {
        let n = if seed % 2 == 0 { 3 } else { 5 };
        let mut s = sim(n, 100 + seed);
        s.loss = 0.05;
        s.latency = (0, 8);
        let ids: Vec<String> = s.nodes.keys().cloned().collect();
        let mut leader_of_term: BTreeMap<u64, String> = BTreeMap::new();
        let mut acked = Vec::new();
        let mut sent = Vec::new();
        for step in 0..60u64 {
            if step % 10 == 0 {
                s.heal();
                let k = s.rng.usize(0..n);
                let (a, b): (Vec<&str>, Vec<&str>) = ids
                    .iter()
                    .map(String::as_str)
                    .partition(|_| s.rng.usize(0..n) <= k);
                s.partition(&a, &b);
            }
            let target = ids[s.rng.usize(0..n)].clone();
            let value = (seed * 1000 + step) as i64;
            let id = s.client_request("c1", &target, json!({"type":"write","key":0,"value":value}));
            sent.push((id, value));
            s.run_until(s.now + 97);
            for (l, t) in leaders(&s) {
                if let Some(p) = leader_of_term.insert(t, l.clone()) {
                    assert_eq!(p, l, "seed {seed}: two leaders in term {t}");
                }
            }
        }
        s.heal();
        s.loss = 0.0;
        s.run_until(s.now + 3_000);
        for (id, value) in &sent {
            if s.reply_to(*id).is_some_and(|r| r["type"] == "write_ok") {
                acked.push(*value);
            }
        }
        let logs: Vec<Vec<Value>> = ids
            .iter()
            .map(|id| {
                let nd = node(&s, id);
                (1..=nd.commit)
                    .map(|i| serde_json::to_value(nd.log.get(i).unwrap()).unwrap())
                    .collect()
            })
            .collect();
        let longest = logs.iter().max_by_key(|l| l.len()).unwrap();
        for l in &logs {
            assert_eq!(
                l[..],
                longest[..l.len()],
                "seed {seed}: committed logs differ"
            );
        }
        let committed: Vec<i64> = longest
            .iter()
            .filter_map(|e| e["op"]["value"].as_i64())
            .collect();
        for v in &acked {
            assert!(
                committed.contains(v),
                "seed {seed}: acknowledged write {v} lost"
            );
        }
        assert!(!acked.is_empty(), "seed {seed}: nothing was acknowledged");
    }
}

/// Issue 22 row 8: a member sent term u64::MAX. Every node adopted it, and
/// the next pre-vote asked for `term + 1`, which wraps to 0 (in a debug
/// build it panics): no leader could ever be elected again. Now the term is
/// refused (and logged), the leader keeps leading, and after it is cut off
/// a new one is elected.
#[test]
fn a_term_that_cannot_be_incremented_is_refused() {
    let mut s = sim(3, 11);
    let leader = settle(&mut s);
    let term = node(&s, &leader).term;
    let member = other_than(&s, &leader);
    let absurd = [
        json!({"type":"request_vote","term":u64::MAX,"last_log_index":0,"last_log_term":0,"pre":false}),
        json!({"type":"append_entries_result","term":u64::MAX,"round":1,"success":false,"index":1}),
        json!({"type":"append_entries","term":u64::MAX - 1,"prev_index":0,"prev_term":0,"entries":[],"commit":0,"round":1}),
    ];
    for body in absurd {
        for n in ["n0", "n1", "n2"] {
            s.client_request(&member, n, body.clone());
        }
    }
    s.run_until(s.now + 1_000);
    assert_eq!(leaders(&s), [(leader.clone(), term)], "nobody adopted it");
    for n in ["n0", "n1", "n2"] {
        let log = s.nodes.get_mut(n).unwrap().take_log();
        assert!(
            log.iter().any(|l| l.contains("cannot be incremented")),
            "{n}: {log:?}"
        );
    }
    s.isolate(&leader);
    let others: Vec<String> = s.nodes.keys().filter(|n| **n != leader).cloned().collect();
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    let next = settle_among(&mut s, &others);
    assert_eq!(kind(&write(&mut s, &next, 1, 7)), "write_ok");
}
