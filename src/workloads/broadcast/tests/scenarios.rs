//! Challenge-shaped scenarios: 3a-3e, loss and reordering, partitions that
//! isolate the hub or a leaf, and the cost model.

use super::harness::{Report, Run};
use super::{Defaults, LowLatency, Sweep};
use crate::runtime::sim::Sim;
use crate::workloads::broadcast::{ConfigSource, Role, SetReplica};
use serde_json::{json, Value};

fn assert_converged<C: ConfigSource>(run: &Run<C>, report: &Report) {
    assert!(report.lost.is_empty(), "lost values: {:?}", report.lost);
    assert!(
        report.never_read.is_empty(),
        "never-read values: {:?}",
        report.never_read
    );
    let missing = run.missing_anywhere();
    assert!(
        missing.is_empty(),
        "missing after the final phase: {missing:?}"
    );
    for (id, d) in &run.sim.nodes {
        let unacked = d.node().expect("initialised").unacked_values();
        assert_eq!(unacked, 0, "{id} still has unacknowledged values");
    }
}

/// Runs the 3d/3e command: 25 nodes, latency 100, rate 100, 20 s.
fn efficient_run<C: ConfigSource>(seed: u64) -> (Run<C>, Report) {
    let mut run = Run::<C>::new(25, seed, (100, 100));
    run.drive(100.0, 20_000);
    run.finish();
    let report = run.check();
    eprintln!("seed {seed}: {report:?}");
    (run, report)
}

#[test]
fn single_node_stores_any_json_and_reads_it_back() {
    let mut sim = Sim::<SetReplica<Defaults>>::new(1, 1);
    // Deliver init_ok (its msg_id would collide with the first request's).
    sim.run_until(0);
    sim.client_inbox.clear();
    let topo = sim.client_request("c1", "n0", json!({"type":"topology","topology":{"n0":[]}}));
    let values = [
        json!(1),
        json!("two"),
        json!({"b": [3], "a": null}),
        json!(1),
    ];
    let acks: Vec<u64> = values
        .iter()
        .map(|v| sim.client_request("c1", "n0", json!({"type":"broadcast","message": v})))
        .collect();
    let read = sim.client_request("c1", "n0", json!({"type":"read"}));
    sim.run_until(10);
    assert_eq!(sim.reply_to(topo).unwrap()["type"], "topology_ok");
    for a in acks {
        assert_eq!(
            sim.reply_to(a).unwrap(),
            &json!({"type":"broadcast_ok","in_reply_to":a})
        );
    }
    let mut got = sim.reply_to(read).unwrap()["messages"]
        .as_array()
        .unwrap()
        .clone();
    let mut want = vec![json!(1), json!("two"), json!({"a": null, "b": [3]})];
    got.sort_by_key(|v| v.to_string());
    want.sort_by_key(|v| v.to_string());
    assert_eq!(got, want);
    assert_eq!(sim.server_msgs, 0, "a lone node sends nothing");
}

#[test]
fn challenge_3a_one_node() {
    let mut run = Run::<Defaults>::new(1, 3, (0, 0));
    run.drive(10.0, 20_000);
    run.finish();
    let report = run.check();
    assert!(report.attempts > 50);
    assert_converged(&run, &report);
    assert_eq!(report.max(), 0);
}

#[test]
fn challenge_3b_five_nodes() {
    let mut run = Run::<Defaults>::new(5, 4, (0, 0));
    run.drive(10.0, 20_000);
    run.finish();
    let report = run.check();
    assert_converged(&run, &report);
    assert!(report.max() <= 400, "{report:?}");
}

#[test]
fn challenge_3c_five_nodes_under_rolling_partitions() {
    // Maelstrom-like nemesis: alternate random splits and heals.
    let mut run = Run::<Defaults>::new(5, 5, (0, 0));
    let ids = run.node_ids();
    let mut rng = fastrand::Rng::with_seed(55);
    let mut t = 0;
    while t < 20_000 {
        let mut shuffled = ids.clone();
        rng.shuffle(&mut shuffled);
        let k = rng.usize(1..=2);
        let (a, b): (Vec<&str>, Vec<&str>) = (
            shuffled[..k].iter().map(String::as_str).collect(),
            shuffled[k..].iter().map(String::as_str).collect(),
        );
        run.sim.partition(&a, &b);
        t = (t + rng.u64(500..5_000)).min(20_000);
        run.drive(10.0, t);
        run.sim.heal();
        t = (t + rng.u64(500..3_000)).min(20_000);
        run.drive(10.0, t);
    }
    run.finish();
    let report = run.check();
    assert_converged(&run, &report);
}

#[test]
fn goal_1_default_configuration_meets_all_three_targets_at_once() {
    for seed in [11, 12, 13] {
        let (run, report) = efficient_run::<Defaults>(seed);
        assert_converged(&run, &report);
        assert!(report.msgs_per_op <= 1.5, "{report:?}");
        assert!(report.median() <= 350, "{report:?}");
        assert!(report.max() <= 550, "{report:?}");
    }
}

#[test]
fn goal_2_low_latency_configuration() {
    let (run, report) = efficient_run::<LowLatency>(21);
    assert_converged(&run, &report);
    assert!(report.max() <= 250, "{report:?}");
    assert!(report.msgs_per_op <= 13.0, "{report:?}");
}

#[test]
fn cost_model_one_uplink_per_leaf_broadcast_and_one_fan_out_per_window() {
    // The hub's broadcasts need no uplink; every other broadcast costs one
    // leaf->hub message. Each hub window costs 24 messages. So with B
    // broadcasts over T ms, messages ~ B*24/25 + 24*T/(window+gap) + acks.
    let mut run = Run::<Defaults>::new(25, 31, (100, 100));
    run.sim.record_server_msgs = true;
    run.drive(100.0, 20_000);
    run.finish();
    let report = run.check();
    assert_converged(&run, &report);
    let log = &run.sim.server_log;
    let uplinks = log
        .iter()
        .filter(|d| d.dest == "n0" && d.body["seq"].is_u64())
        .count();
    let fan_outs = log
        .iter()
        .filter(|d| d.src == "n0" && d.body["seq"].is_u64())
        .count();
    let lone_acks = log.iter().filter(|d| d.body.get("seq").is_none()).count();
    let hub_broadcasts = report.attempts / 25;
    eprintln!("uplinks {uplinks}, fan-out messages {fan_outs}, lone acks {lone_acks}, {report:?}");
    assert!(
        uplinks <= report.attempts - hub_broadcasts * 3 / 4,
        "one uplink per leaf broadcast"
    );
    assert!(uplinks >= report.attempts * 3 / 4);
    // 20 s at one window per ~300 ms + the gap to the next arrival: about
    // 64 fan-outs of 24 (and never more than one per window).
    assert!(fan_outs <= 24 * 20_000 / 300, "fan-outs: {fan_outs}");
    assert!(fan_outs >= 24 * 20_000 / 350, "fan-outs: {fan_outs}");
    assert!(lone_acks <= report.ops / 10, "lone acks: {lone_acks}");
    assert_eq!(log.len(), uplinks + fan_outs + lone_acks);
    // Deltas, never the whole set: each value travels about 25 times.
    let carried: usize = log
        .iter()
        .filter_map(|d| d.body["values"].as_array().map(Vec::len))
        .sum();
    assert!(
        carried <= report.attempts * 26,
        "carried {carried} values for {} broadcasts",
        report.attempts
    );
}

#[test]
fn without_a_window_each_value_costs_exactly_24_messages_plus_lone_acks() {
    // BROADCAST_BATCH_MS=0: a leaf's value is one uplink plus 23 fan-outs
    // (not echoed to its origin); a hub value is 24 fan-outs.
    Sweep::set_batch_ms(0);
    let mut run = Run::<Sweep>::new(25, 71, (100, 100));
    run.sim.record_server_msgs = true;
    run.drive(100.0, 20_000);
    run.finish();
    let report = run.check();
    assert_converged(&run, &report);
    let log = &run.sim.server_log;
    let carrying = log.iter().filter(|d| d.body["seq"].is_u64()).count();
    let lone_acks = log.len() - carrying;
    eprintln!("{carrying} value messages, {lone_acks} lone acks, {report:?}");
    assert_eq!(carrying, 24 * report.attempts);
    assert!(lone_acks <= report.ops / 20, "{lone_acks} lone acks");
    assert!(report.max() <= 200, "{report:?}");
}

#[test]
fn lost_and_reordered_messages_still_converge() {
    let mut run = Run::<Defaults>::new(25, 41, (0, 200));
    run.sim.loss = 0.2;
    run.drive(100.0, 10_000);
    run.sim.loss = 0.0;
    run.finish();
    let report = run.check();
    eprintln!("{report:?}");
    assert_converged(&run, &report);
}

#[test]
fn isolated_hub_catches_up_after_the_heal() {
    let mut run = Run::<Defaults>::new(25, 51, (100, 100));
    let ids = run.node_ids();
    let leaves: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    run.drive(100.0, 2_000);
    run.sim.partition(&["n0"], &leaves);
    run.drive(100.0, 12_000);
    run.sim.heal();
    run.drive(100.0, 20_000);
    run.finish();
    let report = run.check();
    eprintln!("hub isolated 2-12 s: {report:?}");
    assert_converged(&run, &report);
    // Resending is one merged message per link per timeout, not a flood.
    assert!(report.msgs_per_op <= 2.0, "{report:?}");
}

#[test]
fn everything_is_everywhere_within_5_s_of_healing_a_long_hub_partition() {
    // Retransmission timeouts have backed off to their 4 s cap by the heal.
    let mut run = Run::<Defaults>::new(25, 81, (100, 100));
    let ids = run.node_ids();
    let leaves: Vec<&str> = ids[1..].iter().map(String::as_str).collect();
    run.sim.partition(&["n0"], &leaves);
    run.drive(100.0, 20_000);
    run.sim.heal();
    run.idle_until(25_000);
    let missing = run.missing_anywhere();
    assert!(missing.is_empty(), "{} values still missing", missing.len());
    let unacked: usize = run
        .sim
        .nodes
        .values()
        .map(|d| d.node().unwrap().unacked_values())
        .sum();
    assert_eq!(unacked, 0);
}

#[test]
fn isolated_leaf_catches_up_after_the_heal() {
    let mut run = Run::<Defaults>::new(25, 61, (100, 100));
    let ids = run.node_ids();
    let others: Vec<&str> = ids
        .iter()
        .filter(|i| *i != "n7")
        .map(String::as_str)
        .collect();
    run.drive(100.0, 3_000);
    run.sim.partition(&["n7"], &others);
    run.drive(100.0, 15_000);
    // The partition is still in force at the end of the main phase: the
    // final heal alone must bring n7 up to date within the 10 s quiet period.
    run.finish();
    let report = run.check();
    eprintln!("leaf isolated 3-20 s: {report:?}");
    assert_converged(&run, &report);
}

#[test]
fn duplicate_unknown_and_malformed_gossip_is_harmless() {
    let mut sim = Sim::<SetReplica<Defaults>>::new(3, 7);
    sim.latency = (1, 1);
    let b = sim.client_request("c1", "n1", json!({"type":"broadcast","message": 5}));
    sim.run_until(1_000);
    assert!(sim.reply_to(b).is_some());
    // A stranger and a peer repeat known values, add new ones, send junk.
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
            json!({"type":"gossip","acks":[18446744073709551615u64]}),
        ),
        ("c8", json!({"type":"no_such_type","msg_id":5})),
    ];
    for (src, body) in gossip {
        sim.client_request(src, "n0", body);
    }
    sim.run_until(5_000);
    let hub = sim.nodes["n0"].node().unwrap();
    assert_eq!(
        hub.role(),
        &Role::Hub {
            leaves: vec!["n1".into(), "n2".into()]
        }
    );
    let mut have: Vec<String> = hub
        .values()
        .iter()
        .map(|e| e.as_str().to_string())
        .collect();
    have.sort();
    assert_eq!(have, ["\"x\"", "5", "6"]);
    let errors: Vec<&Value> = sim
        .client_inbox
        .iter()
        .map(|d| &d.body)
        .filter(|b| b["type"] == "error")
        .collect();
    let codes: Vec<u64> = errors.iter().filter_map(|b| b["code"].as_u64()).collect();
    assert_eq!(
        codes,
        [12, 10],
        "malformed gossip and unknown types get errors"
    );
    // Everyone converges on every value anyway.
    sim.run_until(10_000);
    for d in sim.nodes.values() {
        assert_eq!(d.node().unwrap().values().len(), 3);
    }
}

/// The messages/latency frontier of `BROADCAST_BATCH_MS` on the 3d/3e
/// command (run with `--release -- --ignored --nocapture`).
#[test]
#[ignore = "prints a table; slow in debug builds"]
fn frontier_of_the_hub_window() {
    eprintln!("| BROADCAST_BATCH_MS | msgs-per-op | median ms | max ms |");
    eprintln!("|---:|---:|---:|---:|");
    for batch_ms in [0, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000] {
        Sweep::set_batch_ms(batch_ms);
        let runs: Vec<Report> = [101, 102, 103]
            .into_iter()
            .map(|seed| {
                let (run, report) = efficient_run::<Sweep>(seed);
                assert_converged(&run, &report);
                report
            })
            .collect();
        let n = runs.len() as f64;
        let msgs = runs.iter().map(|r| r.msgs_per_op).sum::<f64>() / n;
        let median = runs.iter().map(|r| r.median()).sum::<u64>() as f64 / n;
        let max = runs.iter().map(|r| r.max()).max().unwrap_or(0);
        eprintln!("| {batch_ms} | {msgs:.2} | {median:.0} | {max} |");
    }
}
