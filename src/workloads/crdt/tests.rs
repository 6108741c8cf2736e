//! Delta gossip between real nodes (`pn-counter`, `g-set`) in the
//! virtual-time simulator: what goes on the wire, how much of it, and that
//! every replica converges after partitions, for many seeds. The nodes run
//! with the default configuration: a 5 s gossip window, lone acks after
//! 5 s, resends after 7 s.

use crate::runtime::sim::Sim;
use crate::workloads::g_set::GSetNode;
use crate::workloads::pn_counter::PnCounterNode;
use serde_json::{json, Value};

fn counters(seed: u64) -> Sim<PnCounterNode> {
    let mut sim = Sim::<PnCounterNode>::new(3, seed);
    sim.latency = (0, 5);
    sim.record_server_msgs = true;
    sim
}

fn gossips(sim: &Sim<PnCounterNode>, from: &str, to: &str) -> Vec<Value> {
    sim.server_log
        .iter()
        .filter(|d| d.src == from && d.dest == to)
        .map(|d| d.body.clone())
        .collect()
}

/// Every 3 s, a new partition isolates one node picked by `rng`.
fn move_partition<N: crate::runtime::Node>(
    sim: &mut Sim<N>,
    rng: &mut fastrand::Rng,
    t: u64,
    next_cut: &mut u64,
) {
    if t >= *next_cut {
        *next_cut += 3_000;
        sim.isolate(&format!("n{}", rng.usize(0..3)));
    }
}

fn add(sim: &mut Sim<PnCounterNode>, node: &str, delta: i64) -> u64 {
    sim.client_request("c1", node, json!({"type": "add", "delta": delta}))
}

fn value(sim: &Sim<PnCounterNode>, node: &str) -> i64 {
    sim.nodes[node].node().expect("initialised").value()
}

#[test]
fn a_gossip_carries_only_the_own_entry_and_the_ack_rides_back() {
    let mut sim = counters(1);
    add(&mut sim, "n0", 5);
    add(&mut sim, "n0", -2);
    sim.run_until(200);
    let to_n1 = gossips(&sim, "n0", "n1");
    assert_eq!(to_n1.len(), 1, "{to_n1:?}");
    assert_eq!(
        to_n1[0],
        json!({"type": "gossip", "seq": 2, "delta": {"n0": [5, 2]}})
    );
    // n1 has nothing of its own: its ack waits a gossip window, then goes alone.
    sim.run_until(4_900);
    assert!(gossips(&sim, "n1", "n0").is_empty());
    sim.run_until(5_300);
    assert_eq!(
        gossips(&sim, "n1", "n0"),
        vec![json!({"type": "gossip", "ack": 2})]
    );
    // Acknowledged: n0 is quiet from now on.
    let before = sim.server_msgs;
    sim.run_until(20_000);
    assert_eq!(sim.server_msgs, before, "{:?}", &sim.server_log[..]);
    assert!(["n0", "n1", "n2"].iter().all(|n| value(&sim, n) == 3));
}

#[test]
fn acks_ride_on_gossip_when_both_sides_write() {
    let mut sim = counters(2);
    let mut t = 0;
    while t < 30_000 {
        add(&mut sim, "n0", 1);
        add(&mut sim, "n1", 1);
        t += 100;
        sim.run_until(t);
    }
    let n0_to_n1 = gossips(&sim, "n0", "n1");
    let n1_to_n0 = gossips(&sim, "n1", "n0");
    // One message per link per window (at 0.1 s, 5.1 s, ... 25.1 s), each
    // with updates and, after the first, an ack.
    assert_eq!(n0_to_n1.len(), 6, "{n0_to_n1:?}");
    assert_eq!(n1_to_n0.len(), 6, "{n1_to_n0:?}");
    let lone_acks = n0_to_n1
        .iter()
        .chain(&n1_to_n0)
        .filter(|g| g.get("delta").is_none())
        .count();
    assert_eq!(lone_acks, 0);
    assert!(
        n0_to_n1[1..].iter().all(|g| g["ack"].is_u64()),
        "{n0_to_n1:?}"
    );
}

#[test]
fn a_gossip_lost_to_a_partition_is_resent_after_the_heal() {
    let mut sim = counters(3);
    sim.partition(&["n0"], &["n1", "n2"]);
    add(&mut sim, "n0", 4);
    sim.run_until(100);
    assert_eq!(gossips(&sim, "n0", "n1").len(), 1, "sent, and dropped");
    // The next add goes at the end of the window (5.1 s). From 7 s on, n1
    // has been silent for a whole timeout: the link is down, and only one
    // resend goes out per timeout (12.1 s, 19.1 s), not one per window.
    add(&mut sim, "n0", 1);
    sim.run_until(20_000);
    let tries = gossips(&sim, "n0", "n1").len();
    assert_eq!(tries, 4, "{:?}", gossips(&sim, "n0", "n1"));
    assert_eq!(value(&sim, "n1"), 0);
    // Healed at 20 s: the resend at 26.1 s gets through, within Maelstrom's
    // 10 s of quiet.
    sim.heal();
    sim.run_until(26_000);
    assert_eq!(value(&sim, "n1"), 0);
    sim.run_until(26_200);
    assert!(["n0", "n1", "n2"].iter().all(|n| value(&sim, n) == 5));
    let last = gossips(&sim, "n0", "n1").pop().unwrap();
    assert_eq!(
        last["delta"],
        json!({"n0": [5, 0]}),
        "the join of both adds"
    );
}

/// Three nodes, a partition that isolates one node at a time and moves
/// every 3 s, adds of -5..=4 everywhere: after the heal and Maelstrom's
/// 10 s of quiet, every node reads the exact sum; for 200 seeds. (g-counter's
/// `crdt` mode is this replica with no negative adds.)
#[test]
fn pn_counters_converge_after_partitions_for_200_seeds() {
    for seed in 0..200 {
        let mut sim = counters(seed);
        sim.record_server_msgs = false;
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut total = 0;
        let mut adds = 0;
        let (mut t, mut next_cut) = (0, 0);
        while t < 20_000 {
            move_partition(&mut sim, &mut rng, t, &mut next_cut);
            let node = format!("n{}", rng.usize(0..3));
            let delta = rng.i64(-5..5);
            add(&mut sim, &node, delta);
            adds += 1;
            total += delta;
            t += rng.u64(1..80);
            sim.run_until(t);
        }
        sim.heal();
        sim.run_until(t + 10_000);
        // Every add was answered add_ok (counted, not looked up one by one:
        // `reply_to` is a linear search).
        let oks = sim
            .client_inbox
            .iter()
            .filter(|d| d.body["type"] == json!("add_ok"))
            .count();
        assert_eq!(oks, adds, "seed {seed}");
        for n in ["n0", "n1", "n2"] {
            assert_eq!(value(&sim, n), total, "seed {seed}, {n}");
        }
    }
}

#[test]
fn g_sets_converge_after_partitions_for_50_seeds_and_forget_what_all_have() {
    for seed in 0..50 {
        let mut sim = Sim::<GSetNode>::new(3, seed);
        sim.latency = (0, 5);
        let mut rng = fastrand::Rng::with_seed(seed);
        let (mut t, mut next_cut) = (0, 0);
        let mut next = 0;
        while t < 20_000 {
            move_partition(&mut sim, &mut rng, t, &mut next_cut);
            let node = format!("n{}", rng.usize(0..3));
            sim.client_request("c1", &node, json!({"type": "add", "element": next}));
            next += 1;
            t += rng.u64(1..120);
            sim.run_until(t);
        }
        sim.heal();
        sim.run_until(t + 10_000);
        for (id, d) in &sim.nodes {
            let set = d.node().expect("initialised").set();
            assert_eq!(set.elements().len(), next as usize, "seed {seed}, {id}");
        }
        // The last acks may still be waiting for their delay; a while later
        // every node has forgotten its own additions.
        sim.run_until(t + 20_000);
        for (id, d) in &sim.nodes {
            let set = d.node().expect("initialised").set();
            assert_eq!(set.unacknowledged(), 0, "seed {seed}, {id}");
        }
    }
}
