//! One node's answers, line by line: own writes inside a transaction, a
//! peer's replicated commit, odd input. Replication through loss, delay and
//! partitions, read committed and the cost are tested on the bench with
//! Elle's rw-register checker: xtask/src/scenarios/txn.rs.

use super::TxnNode;
use crate::runtime::one_node::{deliver, reply_to, start};
use serde_json::{json, Value};

#[test]
fn a_txn_sees_its_own_writes_and_the_next_txn_sees_them_committed() {
    let mut d = start::<TxnNode>("n0", &["n0"]);
    let out = deliver(
        &mut d,
        "c1",
        json!({"type":"txn","msg_id":2,"txn":[["r",1,null],["w",1,6],["r",1,null],["w",2,9]]}),
        1,
    );
    assert_eq!(
        reply_to(&out, "c1")["txn"],
        json!([["r", 1, null], ["w", 1, 6], ["r", 1, 6], ["w", 2, 9]])
    );
    let out = deliver(
        &mut d,
        "c2",
        json!({"type":"txn","msg_id":3,"txn":[["r",2,null],["r",1,null],["r",3,null]]}),
        2,
    );
    assert_eq!(
        reply_to(&out, "c2")["txn"],
        json!([["r", 2, 9], ["r", 1, 6], ["r", 3, null]])
    );
}

#[test]
fn odd_input_gets_errors_or_is_ignored_never_a_panic() {
    let mut d = start::<TxnNode>("n0", &["n0", "n1"]);
    for (id, txn) in [
        (2, json!([["x", 1, null]])),
        (3, json!([["r", 1]])),
        (4, json!(null)),
    ] {
        let out = deliver(&mut d, "c1", json!({"type":"txn","msg_id":id,"txn":txn}), 1);
        let r = reply_to(&out, "c1");
        assert_eq!(
            (r["type"].clone(), r["code"].clone()),
            (json!("error"), json!(12)),
            "{r}"
        );
    }
    // Replication from a client or a stranger, a huge sequence number, an
    // absurd clock.
    let odd = [
        (
            "c1",
            json!({"type":"replicate","first":1,"txns":[[5,[[1,1]]]],"ack":99,"seen":0}),
        ),
        (
            "n9",
            json!({"type":"replicate","first":1,"txns":[[5,[[1,1]]]],"ack":0,"seen":0}),
        ),
        (
            "n1",
            json!({"type":"replicate","first":u64::MAX,"txns":[[u64::MAX,[[1,1]]],[1,[[1,2]]]],"ack":u64::MAX,"seen":u64::MAX}),
        ),
        (
            "n1",
            json!({"type":"replicate","first":1,"txns":[[u64::MAX,[[1,3]]]],"ack":0,"seen":0}),
        ),
    ];
    for (src, body) in odd {
        deliver(&mut d, src, body, 1);
    }
    // The node still works: the batches carrying a clock past
    // MAX_PEER_LAMPORT were dropped whole (key 1 was never written), and the
    // local write still commits and is answered.
    let out = deliver(
        &mut d,
        "c1",
        json!({"type":"txn","msg_id":9,"txn":[["r",1,null],["w",1,4],["r",1,null]]}),
        2,
    );
    assert_eq!(
        reply_to(&out, "c1")["txn"],
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
