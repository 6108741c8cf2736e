//! One node's answers, line by line: polls past the end, odd requests, and
//! the cap on one poll's answer. Replication between nodes through loss,
//! delay and partitions is tested on the bench with its kafka checker:
//! xtask/src/scenarios/kafka.rs.

use super::log::POLL_TOTAL;
use super::KafkaNode;
use crate::runtime::one_node::{deliver, reply_to, start};
use crate::runtime::Driver;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn call(d: &mut Driver<KafkaNode>, body: Value) -> Value {
    let mut body = body;
    body["msg_id"] = json!(7);
    reply_to(&deliver(d, "c1", body, 1), "c1")
}

fn send(d: &mut Driver<KafkaNode>, key: &str, msg: i64) -> u64 {
    let r = call(d, json!({"type":"send","key":key,"msg":msg}));
    r["offset"]
        .as_u64()
        .unwrap_or_else(|| panic!("bad send reply {r}"))
}

fn poll(d: &mut Driver<KafkaNode>, offsets: Value) -> Value {
    let r = call(d, json!({"type":"poll","offsets":offsets}));
    assert_eq!(r["type"], json!("poll_ok"), "{r}");
    r["msgs"].clone()
}

#[test]
fn polls_past_the_end_of_unknown_keys_or_of_nothing_return_nothing() {
    let mut d = start::<KafkaNode>("n0", &["n0"]);
    let o = send(&mut d, "k", 1);
    assert_eq!(poll(&mut d, json!({"k": o + 1, "x": 0})), json!({}));
    assert_eq!(poll(&mut d, json!({})), json!({}));
    assert_eq!(poll(&mut d, json!({"k": -5})), json!({"k": [[o, 1]]}));
    // One node: a send is pollable at once.
    assert_eq!(poll(&mut d, json!({"k": o})), json!({"k": [[o, 1]]}));
}

#[test]
fn odd_requests_get_errors_and_the_node_keeps_going() {
    let mut d = start::<KafkaNode>("n0", &["n0"]);
    let r = call(&mut d, json!({"type":"send","msg":1}));
    assert_eq!(r["code"], json!(12));
    let r = call(&mut d, json!({"type":"poll","offsets":{"k":"x"}}));
    assert_eq!(r["code"], json!(12));
    // A client pretending to replicate is ignored.
    deliver(
        &mut d,
        "c7",
        json!({"type":"replicate","from":0,"ops":[["k",2,9]],"clock":1000,"ack":0}),
        1,
    );
    let o = send(&mut d, "k", 1);
    assert_eq!(poll(&mut d, json!({"k":0})), json!({"k": [[o, 1]]}));
}

#[test]
fn final_polls_of_hundreds_of_keys_catch_up_in_a_few_polls() {
    let mut d = start::<KafkaNode>("n0", &["n0"]);
    let mut total: usize = 0;
    for k in 0..600 {
        for m in 0..16 {
            send(&mut d, &k.to_string(), m);
            total += 1;
        }
    }
    let mut positions: BTreeMap<String, u64> = (0..600).map(|k| (k.to_string(), 0)).collect();
    let mut seen = 0;
    let mut polls = 0;
    while seen < total {
        polls += 1;
        assert!(polls <= total.div_ceil(POLL_TOTAL), "too many polls");
        let msgs = poll(&mut d, json!(positions));
        for (k, pairs) in msgs.as_object().unwrap() {
            let pairs = pairs.as_array().unwrap();
            seen += pairs.len();
            positions.insert(k.clone(), pairs.last().unwrap()[0].as_u64().unwrap() + 1);
        }
    }
    assert_eq!(seen, total);
}

/// A node `n0` of a 3-node cluster driven directly, so a test can forge
/// what a peer sends.
fn driven() -> crate::runtime::Driver<KafkaNode> {
    let mut d = crate::runtime::Driver::<KafkaNode>::new(0);
    d.handle_line(
        json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0","n1","n2"]}})
            .to_string()
            .as_bytes(),
        0,
    );
    d.output().clear();
    d
}

fn driven_send(d: &mut crate::runtime::Driver<KafkaNode>, msg_id: u64) -> Value {
    d.handle_line(
        json!({"src":"c1","dest":"n0","body":{"type":"send","msg_id":msg_id,"key":"k","msg":msg_id}})
            .to_string()
            .as_bytes(),
        1,
    );
    let out = std::mem::take(d.output());
    serde_json::from_slice::<Value>(out.trim_ascii()).unwrap()["body"].clone()
}

#[test]
fn a_peer_clock_that_would_overflow_offsets_is_dropped_without_a_state_change() {
    for (clock, from) in [(1u64 << 63, 0u64), (u64::MAX, 0), (5, u64::MAX)] {
        let mut d = driven();
        assert_eq!(driven_send(&mut d, 2)["offset"], json!(3));
        let replicate = json!({"src":"n1","dest":"n0","body":{"type":"replicate","from":from,
            "ops":[["k", 4, 1]],"clock":clock,"ack":0}});
        d.handle_line(replicate.to_string().as_bytes(), 1);
        let log = d.take_log();
        assert!(
            log.iter().any(|l| l.contains("malformed replicate")),
            "clock {clock} from {from}: {log:?}"
        );
        let node = d.node().unwrap();
        assert_eq!(node.clock, 1, "the clock moved");
        assert_eq!(node.peers["n1"].have, 0, "the batch was taken");
        assert_eq!(node.logs.get("k", 4), None, "an op was applied");
        // Offsets keep coming from the node's own clock: distinct, growing.
        assert_eq!(driven_send(&mut d, 3)["offset"], json!(6));
    }
}

#[test]
fn the_largest_allowed_peer_clock_still_leaves_distinct_offsets() {
    let mut d = driven();
    let max = u64::MAX / 3 / 2;
    let replicate = json!({"src":"n1","dest":"n0","body":{"type":"replicate","from":0,
        "ops":[],"clock":max,"ack":0}});
    d.handle_line(replicate.to_string().as_bytes(), 1);
    assert_eq!(d.node().unwrap().clock, max);
    let a = driven_send(&mut d, 2)["offset"].as_u64().unwrap();
    let b = driven_send(&mut d, 3)["offset"].as_u64().unwrap();
    assert_eq!(a, (max + 1) * 3);
    assert_eq!(b, (max + 2) * 3);
}

#[test]
fn a_send_that_would_overflow_its_offset_is_refused_and_stores_nothing() {
    // Only the node's own sends can take it there (peers are capped far lower).
    let top = u64::MAX / 3 - 1;
    let mut node = KafkaNode {
        index: 2,
        node_count: 3,
        clock: top - 1,
        logs: Default::default(),
        out: Default::default(),
        peers: BTreeMap::new(),
    };
    assert_eq!(node.accept("k", json!(1)), Some(top * 3 + 2));
    assert_eq!(node.accept("k", json!(2)), None);
    assert_eq!(node.clock, top, "a refused send moved the clock");
    assert_eq!(node.logs.get("k", top * 3 + 2), Some(&json!(1)));
    assert_eq!(node.out.end(), 0);
}
