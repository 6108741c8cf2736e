//! One node's answers to odd input, line by line. Whole-cluster behaviour
//! (goals, partitions, loss, the cost model) is tested on the bench:
//! xtask/src/scenarios/broadcast.rs.

use super::{BroadcastNode, Role};
use crate::runtime::one_node::{deliver, reply_to, start};
use serde_json::json;

#[test]
fn single_node_stores_any_json_and_reads_it_back() {
    let mut d = start::<BroadcastNode>("n0", &["n0"]);
    let topo = deliver(
        &mut d,
        "c1",
        json!({"type":"topology","msg_id":1,"topology":{"n0":[]}}),
        1,
    );
    assert_eq!(reply_to(&topo, "c1")["type"], "topology_ok");
    for (i, v) in [
        json!(1),
        json!("two"),
        json!({"b": [3], "a": null}),
        json!(1),
    ]
    .into_iter()
    .enumerate()
    {
        let id = 10 + i as u64;
        let out = deliver(
            &mut d,
            "c1",
            json!({"type":"broadcast","msg_id":id,"message":v}),
            2,
        );
        assert_eq!(
            reply_to(&out, "c1"),
            json!({"type":"broadcast_ok","in_reply_to":id})
        );
    }
    let out = deliver(&mut d, "c1", json!({"type":"read","msg_id":20}), 3);
    let mut got = reply_to(&out, "c1")["messages"].as_array().unwrap().clone();
    let mut want = vec![json!(1), json!("two"), json!({"a": null, "b": [3]})];
    got.sort_by_key(|v| v.to_string());
    want.sort_by_key(|v| v.to_string());
    assert_eq!(got, want);
    d.tick(10_000);
    assert!(
        crate::runtime::one_node::written(&mut d).is_empty(),
        "a lone node sends nothing"
    );
}

#[test]
fn duplicate_unknown_and_malformed_gossip_is_harmless() {
    let mut hub = start::<BroadcastNode>("n0", &["n0", "n1", "n2"]);
    // A peer repeats known values, adds new ones, sends junk; a stranger's
    // gossip, well-formed or not, is dropped unread (not a cluster member).
    let gossip = [
        ("n2", json!({"type":"gossip","seq":1,"values":[5, 5, "x"]})),
        ("n2", json!({"type":"gossip","seq":1,"values":[5]})),
        (
            "c9",
            json!({"type":"gossip","seq":9,"values":[6],"acks":[1,2,3]}),
        ),
        (
            "c8",
            json!({"type":"gossip","values":"not a list","msg_id":4}),
        ),
        (
            "n2",
            json!({"type":"gossip","values":"not a list","msg_id":6}),
        ),
        (
            "n2",
            json!({"type":"gossip","acks":[18446744073709551615u64]}),
        ),
        ("c8", json!({"type":"no_such_type","msg_id":5})),
    ];
    let mut errors = Vec::new();
    for (src, body) in gossip {
        for (dest, b) in deliver(&mut hub, src, body, 1) {
            if b["type"] == "error" {
                errors.push((dest, b["code"].as_u64().unwrap()));
            }
        }
    }
    assert_eq!(
        errors,
        [("n2".to_string(), 12), ("c8".to_string(), 10)],
        "malformed gossip and unknown types get errors"
    );
    let node = hub.node().unwrap();
    assert_eq!(
        node.role(),
        &Role::Hub {
            leaves: vec!["n1".into(), "n2".into()]
        }
    );
    let mut have: Vec<String> = node
        .values()
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    have.sort();
    assert_eq!(have, ["\"x\"", "5"], "6 came from a stranger");
}
