//! One node's answers, line by line: own writes inside a transaction, a
//! peer's replicated commit, odd input. Replication through loss, delay and
//! partitions, read committed and the cost are tested on the bench with
//! Elle's rw-register checker: xtask/src/scenarios/txn.rs.

use super::TxnNode;
use crate::runtime::one_node::{deliver, reply_to, start};
use serde_json::json;

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
    // The node still works: the peer's commit with the maximal clock is
    // visible, and the local write commits and is answered.
    let out = deliver(
        &mut d,
        "c1",
        json!({"type":"txn","msg_id":9,"txn":[["r",1,null],["w",1,4],["r",1,null]]}),
        2,
    );
    assert_eq!(
        reply_to(&out, "c1")["txn"],
        json!([["r", 1, 3], ["w", 1, 4], ["r", 1, 4]])
    );
}
