use super::GSetNode;
use crate::runtime::sim::Sim;
use serde_json::json;

#[test]
fn adds_any_json_and_reads_it_back_under_value() {
    let mut sim = Sim::<GSetNode>::new(2, 1);
    let a = sim.client_request("c1", "n0", json!({"type": "add", "element": 3}));
    sim.client_request(
        "c1",
        "n0",
        json!({"type": "add", "element": {"b": 2, "a": 1}}),
    );
    sim.client_request("c1", "n1", json!({"type": "add", "element": 3.0}));
    sim.client_request("c1", "n1", json!({"type": "add", "element": 3}));
    sim.run_until(2_000);
    assert_eq!(sim.reply_to(a).unwrap()["type"], json!("add_ok"));
    let read = sim.client_request("c1", "n1", json!({"type": "read"}));
    sim.run_until(2_001);
    let reply = sim.reply_to(read).unwrap();
    assert_eq!(reply["type"], json!("read_ok"), "{reply}");
    // 3 and 3.0 are different elements; key order in objects is not.
    let mut value = reply["value"].as_array().unwrap().clone();
    value.sort_by_key(|v| v.to_string());
    assert_eq!(value, vec![json!(3), json!(3.0), json!({"a": 1, "b": 2})]);
}

#[test]
fn malformed_requests_and_gossip_from_strangers_change_nothing() {
    let mut sim = Sim::<GSetNode>::new(2, 2);
    let bad = sim.client_request("c1", "n0", json!({"type": "add"}));
    // A client posing as gossip: not a peer, ignored.
    sim.client_request(
        "c1",
        "n0",
        json!({"type": "gossip", "seq": 1, "delta": [7]}),
    );
    sim.run_until(100);
    assert_eq!(sim.reply_to(bad).unwrap()["code"], json!(12));
    let set = sim.nodes["n0"].node().unwrap().set();
    assert!(set.elements().is_empty());
}
