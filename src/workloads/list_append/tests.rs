//! The node under the virtual-time simulator: three nodes committing
//! concurrently through one lin-kv, with conflicts.

use super::ListAppendNode;
use crate::runtime::sim::Sim;
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[test]
fn concurrent_commits_are_all_answered_and_applied_exactly_once() {
    for seed in 0..20 {
        let mut sim: Sim<ListAppendNode> = Sim::new(3, seed);
        sim.latency = (1, 4);
        sim.record_server_msgs = true;
        let mut sent = Vec::new();
        let mut next = 1u64;
        for round in 0..30u64 {
            for n in 0..3u64 {
                // Each node gets a txn appending a fresh element to a shared key
                // and reading another: every round races the other nodes.
                let txn = json!([
                    ["r", (round + n) % 3, null],
                    ["append", round % 2, next],
                    ["r", round % 2, null]
                ]);
                let id = sim.client_request(
                    &format!("c{n}"),
                    &format!("n{n}"),
                    json!({"type": "txn", "txn": txn}),
                );
                sent.push((id, next));
                next += 1;
            }
            sim.run_until(sim.now + 3);
        }
        sim.run_until(sim.now + 5_000);
        let root: Vec<Value> =
            serde_json::from_value(sim.kv_get(&json!("root")).unwrap().clone()).unwrap();
        let lists: BTreeMap<String, Vec<Value>> = root
            .iter()
            .map(|e| (e[0].to_string(), e[1].as_array().unwrap().clone()))
            .collect();
        let all: Vec<&Value> = lists.values().flatten().collect();
        let mut committed = 0;
        for (id, elem) in &sent {
            let reply = sim
                .reply_to(*id)
                .unwrap_or_else(|| panic!("seed {seed}: no reply to {id}"));
            let present = all.iter().filter(|e| **e == &json!(elem)).count();
            match reply["type"].as_str() {
                Some("txn_ok") => {
                    committed += 1;
                    assert_eq!(present, 1, "seed {seed}: {reply}");
                    // The final read includes the txn's own append, at the end.
                    let read = reply["txn"][2][2].as_array().unwrap();
                    assert_eq!(read.last(), Some(&json!(elem)));
                    let key = reply["txn"][2][1].to_string();
                    assert!(lists[&key].starts_with(read), "seed {seed}: {reply}");
                }
                Some("error") => {
                    assert_eq!(reply["code"], 30, "seed {seed}: {reply}");
                    assert_eq!(present, 0, "seed {seed}: a failed append was applied");
                }
                _ => panic!("seed {seed}: {reply}"),
            }
        }
        assert!(
            committed >= 80,
            "seed {seed}: only {committed} of 90 committed"
        );
        // The races must have made nodes re-read the database and retry.
        let rereads = sim
            .server_log
            .iter()
            .filter(|d| d.body["type"] == "read")
            .count();
        assert!(rereads > 0, "seed {seed}: no conflict happened");
    }
}

#[test]
fn a_bad_micro_op_is_malformed() {
    let mut sim: Sim<ListAppendNode> = Sim::new(1, 1);
    let id = sim.client_request("c0", "n0", json!({"type": "txn", "txn": [["w", 1, 2]]}));
    sim.run_until(100);
    assert_eq!(sim.reply_to(id).unwrap()["code"], 12);
}

/// Issue 22 row 10: with lin-kv's `root` holding something that is not a
/// database, the node re-read it every 20 ms forever (145 reads in 3 s) and
/// the client never got an answer. Every compare-and-set of the batch
/// failed definitely (the value was not its `from`), so nothing of it
/// happened: the client gets the definite error 14 (abort) once the batch
/// has retried for `RETRY_FOR_MS`, and the node stops reading.
#[test]
fn a_root_that_is_not_a_database_fails_the_txn_definitely_within_the_retry_limit() {
    let mut sim: Sim<ListAppendNode> = Sim::new(1, 1);
    sim.latency = (1, 2);
    sim.record_server_msgs = true;
    let root = json!("root");
    sim.kv_write(root.clone(), json!({"not": "a database"}));
    let id = sim.client_request(
        "c0",
        "n0",
        json!({"type": "txn", "txn": [["append", 1, 2]]}),
    );
    let mut answered = None;
    while sim.now < 3_000 && answered.is_none() {
        sim.run_until(sim.now + 10);
        answered = sim.reply_to(id).map(|r| (sim.now, r.clone()));
    }
    let (at, reply) = answered.expect("the client got no answer");
    assert!(at <= super::RETRY_FOR_MS + 100, "answered at {at} ms");
    assert_eq!(reply["type"], "error");
    assert_eq!(reply["code"], 14, "{reply}");
    sim.run_until(sim.now + 2_000);
    let reads = sim
        .server_log
        .iter()
        .filter(|d| d.body["type"] == "read")
        .count();
    assert!(reads <= 60, "{reads} reads of root");
    assert_eq!(
        sim.kv_get(&root),
        Some(&json!({"not": "a database"})),
        "left as found"
    );
}
