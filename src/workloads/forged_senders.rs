//! Every internal message type (votes, log entries, forwarded requests,
//! replication batches, gossip), sent by a name that is not in `node_ids`,
//! changes nothing: the node writes nothing, logs the refusal, and from then
//! on behaves byte for byte like a twin that never received it.
//!
//! Issue 22 row 1: a `forward` from `x9` carrying client c1's request id 5
//! with value 666 was applied by the lin-kv leader; c1's own write 42 with
//! msg_id 5 was then answered `write_ok` as a duplicate and never applied,
//! and reads returned 666. The probes below replay exactly that.

use crate::runtime::{Decode, Driver, Node, Setup};
use serde_json::{json, Value};

/// A sender that is not a cluster member.
const FORGER: &str = "x9";

/// A node `n0` of cluster `ids`, past `init`, with environment `env`.
fn started<N: Node>(ids: &[&str], env: &[(&str, &str)]) -> Driver<N> {
    let setup = Setup {
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Setup::default()
    };
    let mut d = Driver::<N>::with_setup(0, setup);
    let init = json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":ids}});
    d.handle_line(init.to_string().as_bytes(), 0);
    d.output().clear();
    d
}

fn line(src: &str, body: &Value) -> Vec<u8> {
    json!({"src": src, "dest": "n0", "body": body})
        .to_string()
        .into_bytes()
}

/// Sends each of `forged` (one body per type in `internal`, the workload's
/// `INTERNAL` list) from `FORGER` to one of two identical nodes, then the
/// client `probes` to both, and runs both for two seconds: their outputs
/// must be identical throughout.
fn forged_internal_messages_change_nothing<N: Node>(
    ids: &[&str],
    env: &[(&str, &str)],
    internal: &[&str],
    forged: &[Value],
    probes: &[(&str, Value)],
) {
    let mut kinds: Vec<&str> = forged.iter().filter_map(|b| b["type"].as_str()).collect();
    kinds.sort_unstable();
    let mut expected = internal.to_vec();
    expected.sort_unstable();
    assert_eq!(kinds, expected, "one forged body per internal type");
    for body in forged {
        let kind = body["type"].as_str().unwrap_or_default();
        assert!(N::Msg::is_internal(kind), "{kind} is internal");
        // A well-formed body: without the membership check it would be
        // handled, not refused as malformed.
        if let Err(e) = N::Msg::decode(kind, &body.to_string()) {
            panic!("forged {kind} does not decode: {e}");
        }
    }

    let mut control = started::<N>(ids, env);
    let mut attacked = started::<N>(ids, env);
    let mut now = 0;
    let step = |control: &mut Driver<N>, attacked: &mut Driver<N>, now: u64| {
        control.tick(now);
        attacked.tick(now);
        let (a, b) = (
            std::mem::take(control.output()),
            std::mem::take(attacked.output()),
        );
        assert_eq!(
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b),
            "outputs differ at {now} ms"
        );
    };
    while now < 300 {
        now += 10;
        step(&mut control, &mut attacked, now);
    }
    attacked.take_log();
    for (i, body) in forged.iter().enumerate() {
        let mut body = body.clone();
        body["msg_id"] = json!(1_000 + i);
        attacked.handle_line(&line(FORGER, &body), now);
        let out = std::mem::take(attacked.output());
        assert!(
            out.is_empty(),
            "a forged {} was answered: {}",
            body["type"],
            String::from_utf8_lossy(&out)
        );
        let log = attacked.take_log();
        assert!(
            log.iter().any(|l| l.contains("not a cluster member")),
            "a forged {} was not refused: {log:?}",
            body["type"]
        );
    }
    for (src, body) in probes {
        control.handle_line(&line(src, body), now);
        attacked.handle_line(&line(src, body), now);
        now += 10;
        step(&mut control, &mut attacked, now);
    }
    while now < 2_300 {
        now += 50;
        step(&mut control, &mut attacked, now);
    }
}

#[test]
fn lin_kv_refuses_every_internal_type_from_a_non_member() {
    use super::raft::{LinKvRequest, RaftNode};
    let write = json!({"f":"write","key":1,"value":666});
    forged_internal_messages_change_nothing::<RaftNode>(
        &["n0"],
        &[],
        LinKvRequest::INTERNAL,
        &[
            json!({"type":"forward","op":write,"client":"c1","req":5}),
            json!({"type":"forward_read","key":1}),
            json!({"type":"request_vote","term":7,"last_log_index":9,"last_log_term":7,"pre":false}),
            json!({"type":"request_vote_result","term":1,"granted":true,"pre":false}),
            json!({"type":"append_entries","term":8,"prev_index":0,"prev_term":0,
                   "entries":[{"term":8,"op":write}],"commit":1,"round":1}),
            json!({"type":"append_entries_result","term":9,"round":1,"success":true,"index":1}),
        ],
        &[
            ("c1", json!({"type":"write","msg_id":5,"key":1,"value":42})),
            ("c1", json!({"type":"read","msg_id":6,"key":1})),
        ],
    );
}

#[test]
fn txn_rw_register_refuses_replication_from_a_non_member() {
    use super::txn::{TxnNode, TxnRwRequest};
    forged_internal_messages_change_nothing::<TxnNode>(
        &["n0", "n1"],
        &[],
        TxnRwRequest::INTERNAL,
        &[json!({"type":"replicate","first":1,"txns":[[1,[[1,666]]]],"ack":0,"seen":1})],
        &[("c1", json!({"type":"txn","msg_id":2,"txn":[["r",1,null]]}))],
    );
}

#[test]
fn txn_list_append_has_no_internal_types_to_forge() {
    // Its nodes talk only to clients and lin-kv; every reply from lin-kv is
    // matched to the call it answers, by sender (runtime/context.rs).
    assert!(super::list_append::ListAppendRequest::INTERNAL.is_empty());
}

#[test]
fn kafka_refuses_replication_from_a_non_member() {
    use super::kafka::{KafkaNode, KafkaRequest};
    forged_internal_messages_change_nothing::<KafkaNode>(
        &["n0", "n1"],
        &[],
        KafkaRequest::INTERNAL,
        &[json!({"type":"replicate","from":0,"ops":[["k",1,666]],"clock":5,"ack":0})],
        &[("c1", json!({"type":"poll","msg_id":2,"offsets":{"k":0}}))],
    );
}

#[test]
fn crdt_counters_and_sets_refuse_gossip_from_a_non_member() {
    use super::{g_counter, g_set, pn_counter};
    let read = [("c1", json!({"type":"read","msg_id":2}))];
    let counts = json!({"type":"gossip","seq":1,"delta":{"x9":[666,0],"n1":[666,0]},"ack":0});
    forged_internal_messages_change_nothing::<g_counter::GCounterNode>(
        &["n0", "n1"],
        &[("G_COUNTER_MODE", "crdt")],
        g_counter::GCounterRequest::INTERNAL,
        std::slice::from_ref(&counts),
        &read,
    );
    forged_internal_messages_change_nothing::<pn_counter::PnCounterNode>(
        &["n0", "n1"],
        &[],
        pn_counter::PnCounterRequest::INTERNAL,
        std::slice::from_ref(&counts),
        &read,
    );
    forged_internal_messages_change_nothing::<g_set::GSetNode>(
        &["n0", "n1"],
        &[],
        g_set::GSetRequest::INTERNAL,
        &[json!({"type":"gossip","seq":1,"delta":[666],"ack":0})],
        &read,
    );
}

#[test]
fn broadcast_refuses_gossip_from_a_non_member() {
    use super::broadcast::{BroadcastNode, BroadcastRequest};
    forged_internal_messages_change_nothing::<BroadcastNode>(
        &["n0", "n1"],
        &[],
        BroadcastRequest::INTERNAL,
        &[json!({"type":"gossip","seq":1,"values":[666],"acks":[]})],
        &[("c1", json!({"type":"read","msg_id":2}))],
    );
}
