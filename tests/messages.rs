//! Every generated message type round-trips through JSON with exactly its
//! declared fields (Maelstrom's reply schemas are closed), and decoding never
//! panics on arbitrary input.

use gossip_glomers::runtime::{Decode, DecodeError};
use gossip_glomers::workloads::{echo, unique_ids};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

fn keys<T: Serialize>(m: &T) -> Vec<String> {
    let v = serde_json::to_value(m).unwrap();
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[test]
fn echo_messages_have_exact_fields_and_round_trip() {
    let req = echo::Echo {
        echo: json!({"nested": [1, 2.5, "x"]}),
    };
    assert_eq!(keys(&req), ["echo", "type"]);
    let ok = echo::EchoOk { echo: json!("hi") };
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        json!({"type":"echo_ok","echo":"hi"})
    );
    let text = serde_json::to_string(&req).unwrap();
    let back = echo::EchoRequest::decode("echo", &text).unwrap();
    assert_eq!(back, echo::EchoRequest::Echo(req));
    let reply = echo::EchoReply::decode("echo_ok", &serde_json::to_string(&ok).unwrap()).unwrap();
    assert_eq!(reply, echo::EchoReply::EchoOk(ok));
    assert_eq!(echo::EchoRequest::TYPES, &["echo"]);
}

#[test]
fn unique_ids_messages_have_exact_fields() {
    assert_eq!(
        serde_json::to_value(unique_ids::Generate {}).unwrap(),
        json!({"type":"generate"})
    );
    let ok = unique_ids::GenerateOk {
        id: "n0-1-2".into(),
    };
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        json!({"type":"generate_ok","id":"n0-1-2"})
    );
}

gossip_glomers::messages! {
    pub Opt {
        probe { need: u64, maybe?: String } -> probe_ok,
    }
}

#[test]
fn optional_fields_are_omitted_when_absent_and_read_when_present() {
    assert_eq!(
        serde_json::to_value(Probe {
            need: 1,
            maybe: None
        })
        .unwrap(),
        json!({"type":"probe","need":1})
    );
    assert_eq!(
        serde_json::to_value(Probe {
            need: 1,
            maybe: Some("x".into())
        })
        .unwrap(),
        json!({"type":"probe","need":1,"maybe":"x"})
    );
    assert_eq!(
        serde_json::to_value(ProbeOk {}).unwrap(),
        json!({"type":"probe_ok"})
    );
    let p = OptRequest::decode("probe", r#"{"type":"probe","need":3,"msg_id":9}"#).unwrap();
    assert_eq!(
        p,
        OptRequest::Probe(Probe {
            need: 3,
            maybe: None
        })
    );
}

#[test]
fn unknown_and_malformed_bodies_are_told_apart() {
    assert!(matches!(
        echo::EchoRequest::decode("nope", "{}"),
        Err(DecodeError::UnknownType)
    ));
    assert!(matches!(
        echo::EchoRequest::decode("echo", r#"{"type":"echo"}"#),
        Err(DecodeError::Malformed(_))
    ));
    assert!(matches!(
        OptRequest::decode("probe", r#"{"need":"three"}"#),
        Err(DecodeError::Malformed(_))
    ));
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any bytes at all: the driver never panics and only ever writes complete
    /// JSON lines (error replies), never garbage.
    #[test]
    fn driver_survives_arbitrary_bytes(lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..20)) {
        let mut d = gossip_glomers::runtime::Driver::<echo::EchoNode>::new(0);
        d.handle_line(br#"{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#, 0);
        for l in &lines {
            d.handle_line(l, 1);
        }
        let out = std::mem::take(d.output());
        for l in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let v: Value = serde_json::from_slice(l).expect("output is JSON");
            prop_assert!(v.get("body").is_some());
        }
    }

    /// Well-formed envelopes with arbitrary bodies: every request with a
    /// msg_id gets exactly one answer: echo_ok, or error 10 / 12.
    #[test]
    fn every_request_gets_one_answer(bodies in prop::collection::vec((arb_json(), prop_oneof![Just("echo"), Just("read"), Just("")]), 1..20)) {
        let mut d = gossip_glomers::runtime::Driver::<echo::EchoNode>::new(0);
        d.handle_line(br#"{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#, 0);
        d.output().clear();
        let mut expected = 0;
        for (i, (v, kind)) in bodies.iter().enumerate() {
            let mut body = match v { Value::Object(m) => m.clone(), _ => serde_json::Map::new() };
            body.insert("type".into(), json!(kind));
            body.insert("msg_id".into(), json!(i + 1));
            body.remove("in_reply_to");
            let line = json!({"src":"c1","dest":"n0","body":body}).to_string();
            d.handle_line(line.as_bytes(), 1);
            expected += 1;
        }
        let out = std::mem::take(d.output());
        let replies: Vec<Value> = out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
        prop_assert_eq!(replies.len(), expected);
        for r in &replies {
            let t = r["body"]["type"].as_str().unwrap();
            prop_assert!(t == "echo_ok" || (t == "error" && [10, 12].contains(&r["body"]["code"].as_u64().unwrap())));
        }
    }
}
