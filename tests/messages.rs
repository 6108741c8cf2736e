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

/// Decodes `json` as message `kind` of `T`, serialises it back, and checks
/// the result is exactly `json` (same keys, same values): the closed-schema
/// guarantee for a message a node sends or receives.
fn round_trips<T: Decode + Serialize + std::fmt::Debug>(kind: &str, json: Value) {
    let decoded =
        T::decode(kind, &json.to_string()).unwrap_or_else(|e| panic!("{kind}: {e}: {json}"));
    let back = serde_json::to_value(&decoded).unwrap();
    assert_eq!(back, json, "{kind} does not round-trip exactly");
}

/// Every reply a workload client receives, in the exact shape Maelstrom's
/// schema accepts (workloads/*.md), and every request in the shape it sends.
#[test]
fn every_workload_message_round_trips_with_its_exact_fields() {
    use gossip_glomers::workloads::{broadcast as b, g_counter as g, kafka as k, txn as t};
    let checked: Vec<(&[&str], Vec<&str>)> = vec![
        (
            b::BroadcastReply::TYPES,
            vec!["broadcast_ok", "read_ok", "topology_ok"],
        ),
        (g::GCounterReply::TYPES, vec!["add_ok", "read_ok"]),
        (
            k::KafkaReply::TYPES,
            vec![
                "send_ok",
                "poll_ok",
                "commit_offsets_ok",
                "list_committed_offsets_ok",
            ],
        ),
        (t::TxnRwReply::TYPES, vec!["txn_ok"]),
        (echo::EchoReply::TYPES, vec!["echo_ok"]),
        (unique_ids::UniqueIdsReply::TYPES, vec!["generate_ok"]),
    ];
    for (types, covered) in checked {
        let mut types = types.to_vec();
        types.sort();
        let mut covered = covered;
        covered.sort();
        assert_eq!(types, covered, "a reply type has no round-trip case below");
    }

    round_trips::<b::BroadcastReply>("broadcast_ok", json!({"type": "broadcast_ok"}));
    round_trips::<b::BroadcastReply>(
        "read_ok",
        json!({"type": "read_ok", "messages": [0, 1, 7, 1.5, "x", [1, 2], {"a": 1}]}),
    );
    round_trips::<b::BroadcastReply>("topology_ok", json!({"type": "topology_ok"}));
    round_trips::<b::BroadcastRequest>("broadcast", json!({"type": "broadcast", "message": 1000}));
    round_trips::<b::BroadcastRequest>("read", json!({"type": "read"}));
    round_trips::<b::BroadcastRequest>(
        "topology",
        json!({"type": "topology", "topology": {"n0": ["n1"], "n1": ["n0"]}}),
    );

    round_trips::<g::GCounterReply>("add_ok", json!({"type": "add_ok"}));
    round_trips::<g::GCounterReply>("read_ok", json!({"type": "read_ok", "value": 1234}));
    round_trips::<g::GCounterRequest>("add", json!({"type": "add", "delta": 4}));
    round_trips::<g::GCounterRequest>("read", json!({"type": "read"}));

    round_trips::<k::KafkaReply>("send_ok", json!({"type": "send_ok", "offset": 1000}));
    round_trips::<k::KafkaReply>(
        "poll_ok",
        json!({"type": "poll_ok", "msgs": {"9": [[0, 1], [1, 2]], "12": [[3, 7]]}}),
    );
    round_trips::<k::KafkaReply>("commit_offsets_ok", json!({"type": "commit_offsets_ok"}));
    round_trips::<k::KafkaReply>(
        "list_committed_offsets_ok",
        json!({"type": "list_committed_offsets_ok", "offsets": {"9": 2}}),
    );
    round_trips::<k::KafkaRequest>("send", json!({"type": "send", "key": "9", "msg": 3}));
    round_trips::<k::KafkaRequest>("poll", json!({"type": "poll", "offsets": {}}));
    round_trips::<k::KafkaRequest>(
        "poll",
        json!({"type": "poll", "offsets": {"9": 0, "12": 3}}),
    );
    round_trips::<k::KafkaRequest>(
        "commit_offsets",
        json!({"type": "commit_offsets", "offsets": {"9": 2}}),
    );
    round_trips::<k::KafkaRequest>(
        "list_committed_offsets",
        json!({"type": "list_committed_offsets", "keys": ["9", "12"]}),
    );

    round_trips::<t::TxnRwReply>(
        "txn_ok",
        json!({"type": "txn_ok", "txn": [["r", 1, 3], ["w", 1, 6], ["r", 2, null]]}),
    );
    round_trips::<t::TxnRwRequest>(
        "txn",
        json!({"type": "txn", "txn": [["r", 1, null], ["w", 1, 6], ["w", 2, 9]]}),
    );
}

gossip_glomers::messages! {
    pub Marked {
        ask -> ask_ok,
        internal sync { n: u64 },
        /// A message may still be named `internal`.
        internal,
    }
}

#[test]
fn internal_marks_the_types_only_cluster_members_send() {
    assert_eq!(MarkedRequest::INTERNAL, &["sync"]);
    assert_eq!(MarkedRequest::TYPES, &["ask", "sync", "internal"]);
    assert!(MarkedRequest::is_internal("sync"));
    assert!(!MarkedRequest::is_internal("ask"));
    assert!(!MarkedRequest::is_internal("internal"));
    assert!(MarkedReply::INTERNAL.is_empty());
    assert_eq!(
        MarkedRequest::decode("internal", "{}").unwrap(),
        MarkedRequest::Internal(Internal {})
    );
}
