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
