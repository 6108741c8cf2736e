//! One node's answers to bad adds. Reads, stale seq-kv and partitions are
//! tested on the bench against its seq-kv and counter checker:
//! xtask/src/scenarios/g_counter.rs.

use super::GCounterNode;
use crate::runtime::one_node::{deliver, reply_to, start};
use serde_json::{json, Value};

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

/// Retries of a failing write back off: one node, its seq-kv answering
/// every write with error 11 for two seconds of node time.
#[test]
fn failed_writes_are_retried_with_backoff() {
    use crate::runtime::Driver;
    let mut d = Driver::<GCounterNode>::new(0);
    let line = |v: Value| v.to_string().into_bytes();
    d.handle_line(&line(json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})), 0);
    d.handle_line(
        &line(json!({"src":"c1","dest":"n0","body":{"type":"add","msg_id":2,"delta":3}})),
        0,
    );
    let mut writes = Vec::new();
    let mut acked = false;
    for now in 0..=3_000u64 {
        d.tick(now);
        let out = std::mem::take(d.output());
        for msg in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let msg: Value = serde_json::from_slice(msg).unwrap();
            let body = &msg["body"];
            let reply = match body["type"].as_str() {
                Some("read") => json!({"type":"error","code":20,"in_reply_to":body["msg_id"]}),
                // Failing for two seconds, then the service recovers.
                Some("write") if now < 2_000 => {
                    writes.push(now);
                    json!({"type":"error","code":11,"in_reply_to":body["msg_id"]})
                }
                Some("write") => json!({"type":"write_ok","in_reply_to":body["msg_id"]}),
                Some("add_ok") => {
                    acked = true;
                    continue;
                }
                _ => continue,
            };
            d.handle_line(&line(json!({"src":"seq-kv","dest":"n0","body":reply})), now);
        }
    }
    // Gaps of 10, 20, 40, ... 640 ms: 8 writes in 2 s, not one per ms.
    assert!(
        (5..=12).contains(&writes.len()),
        "{} writes while failing: {writes:?}",
        writes.len()
    );
    assert!(writes.windows(2).all(|w| w[1] - w[0] >= 10), "{writes:?}");
    assert!(
        acked,
        "the add was never acknowledged after the service recovered"
    );
}
