//! One node's answers to bad adds. Reads, stale seq-kv and partitions are
//! tested on the bench against its seq-kv and counter checker:
//! xtask/src/scenarios/g_counter.rs.

use super::GCounterNode;
use crate::runtime::one_node::{deliver, reply_to, start};
use serde_json::json;

#[test]
fn refuses_negative_and_non_numeric_deltas() {
    let mut d = start::<GCounterNode>("n0", &["n0", "n1", "n2"]);
    for (id, delta) in [(2, json!(-3)), (3, json!("x"))] {
        let out = deliver(
            &mut d,
            "c1",
            json!({"type":"add","msg_id":id,"delta":delta}),
            1,
        );
        let r = reply_to(&out, "c1");
        assert_eq!(
            (r["type"].clone(), r["code"].clone()),
            (json!("error"), json!(12)),
            "{r}"
        );
    }
}
