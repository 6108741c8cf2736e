use super::PnCounterNode;
use crate::runtime::sim::Sim;
use serde_json::json;

#[test]
fn negative_adds_count_down_and_reads_are_local_and_immediate() {
    let mut sim = Sim::<PnCounterNode>::new(3, 1);
    for (node, delta) in [("n0", 4), ("n1", -5), ("n1", 0), ("n2", -5)] {
        sim.client_request("c1", node, json!({"type": "add", "delta": delta}));
    }
    sim.run_until(1);
    // Before any gossip, each node knows its own adds only.
    let early = sim.client_request("c1", "n1", json!({"type": "read"}));
    sim.run_until(2);
    assert_eq!(sim.reply_to(early).unwrap()["value"], json!(-5));
    sim.run_until(3_000);
    for node in ["n0", "n1", "n2"] {
        let read = sim.client_request("c1", node, json!({"type": "read"}));
        sim.run_until(sim.now + 1);
        let reply = sim.reply_to(read).unwrap();
        assert_eq!(
            reply,
            &json!({"type": "read_ok", "value": -6, "in_reply_to": read})
        );
    }
}

#[test]
fn a_fractional_or_missing_delta_is_malformed() {
    let mut sim = Sim::<PnCounterNode>::new(1, 2);
    let frac = sim.client_request("c1", "n0", json!({"type": "add", "delta": 1.5}));
    let none = sim.client_request("c1", "n0", json!({"type": "add"}));
    sim.run_until(10);
    assert_eq!(sim.reply_to(frac).unwrap()["code"], json!(12));
    assert_eq!(sim.reply_to(none).unwrap()["code"], json!(12));
    assert_eq!(sim.nodes["n0"].node().unwrap().value(), 0);
}
