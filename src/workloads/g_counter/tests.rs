use super::GCounterNode;
use crate::runtime::sim::Sim;
use serde_json::{json, Value};

fn sim(seed: u64) -> Sim<GCounterNode> {
    let mut sim = Sim::<GCounterNode>::new(3, seed);
    sim.use_stale_seq_kv();
    sim.latency = (0, 5);
    sim.run_until(50);
    // init_ok replies (in_reply_to 1) would shadow the first client request's reply.
    sim.client_inbox.clear();
    sim
}

fn value_of(sim: &Sim<GCounterNode>, msg_id: u64) -> Option<u64> {
    let reply = sim.reply_to(msg_id)?;
    assert_eq!(reply["type"], json!("read_ok"), "{reply}");
    reply["value"].as_u64()
}

fn is_add_ok(reply: Option<&Value>) -> bool {
    reply.is_some_and(|r| r["type"] == json!("add_ok"))
}

/// Adds acknowledged anywhere before a read arrives are in that read, even
/// though seq-kv serves every node stale states of the others' keys.
#[test]
fn a_read_sees_every_add_acknowledged_before_it() {
    for seed in 0..40 {
        let mut sim = sim(seed);
        let mut acked = 0;
        let mut t = sim.now;
        for step in 0..30u64 {
            let node = format!("n{}", step % 3);
            let delta = step % 5;
            let add = sim.client_request("c1", &node, json!({"type":"add","delta":delta}));
            t += 20;
            sim.run_until(t);
            assert!(is_add_ok(sim.reply_to(add)), "seed {seed}: add not acked");
            acked += delta;
            let reader = format!("n{}", (step + 1) % 3);
            let read = sim.client_request("c2", &reader, json!({"type":"read"}));
            t += 20;
            sim.run_until(t);
            assert_eq!(value_of(&sim, read), Some(acked), "seed {seed} step {step}");
        }
    }
}

/// The challenge's shape: three nodes, partitions that come and go, adds and
/// reads everywhere; after the heal every node's final read is the total.
#[test]
fn final_reads_agree_after_partitions() {
    for seed in 0..3 {
        let mut sim = sim(seed);
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut adds = Vec::new();
        let mut t = sim.now;
        while t < 20_000 {
            if t % 3_000 < 10 {
                sim.isolate(&format!("n{}", rng.usize(0..3)));
            }
            let node = format!("n{}", rng.usize(0..3));
            if rng.usize(0..3) == 0 {
                let delta = rng.u64(0..5);
                adds.push((
                    sim.client_request("c1", &node, json!({"type":"add","delta":delta})),
                    delta,
                ));
            } else {
                sim.client_request("c2", &node, json!({"type":"read"}));
            }
            t += rng.u64(1..20);
            sim.run_until(t);
        }
        sim.heal();
        sim.run_until(t + 10_000);
        let total: u64 = adds
            .iter()
            .map(|(id, d)| {
                assert!(
                    is_add_ok(sim.reply_to(*id)),
                    "seed {seed}: an add was not acked"
                );
                d
            })
            .sum();
        let reads: Vec<u64> = (0..3)
            .map(|i| sim.client_request("c9", &format!("n{i}"), json!({"type":"read"})))
            .collect();
        sim.run_until(t + 11_000);
        for read in reads {
            assert_eq!(value_of(&sim, read), Some(total), "seed {seed}");
        }
    }
}

#[test]
fn adds_are_batched_into_one_write_and_reads_cost_one_write_and_a_read_per_peer() {
    let mut sim = sim(1);
    sim.latency = (5, 5);
    let before = sim.server_msgs;
    let first = sim.client_request("c1", "n0", json!({"type":"add","delta":1}));
    sim.run_until(sim.now + 1);
    let rest: Vec<u64> = (0..9)
        .map(|_| sim.client_request("c1", "n0", json!({"type":"add","delta":1})))
        .collect();
    sim.run_until(sim.now + 100);
    assert!(is_add_ok(sim.reply_to(first)));
    assert!(rest.iter().all(|id| is_add_ok(sim.reply_to(*id))));
    // The first add's write, then one write for the nine that queued behind
    // it. (`server_msgs` counts what nodes send; Maelstrom also counts the
    // service's replies, so these cost twice as much there.)
    assert_eq!(sim.server_msgs - before, 2);
    let before = sim.server_msgs;
    let read = sim.client_request("c1", "n1", json!({"type":"read"}));
    sim.run_until(sim.now + 100);
    assert_eq!(value_of(&sim, read), Some(10));
    assert_eq!(sim.server_msgs - before, 1 + 2);
}

#[test]
fn refuses_negative_deltas_and_survives_odd_requests() {
    let mut sim = sim(2);
    let bad = sim.client_request("c1", "n0", json!({"type":"add","delta":-3}));
    let odd = sim.client_request("c1", "n0", json!({"type":"add","delta":"x"}));
    sim.run_until(sim.now + 50);
    assert_eq!(sim.reply_to(bad).unwrap()["code"], json!(12));
    assert_eq!(sim.reply_to(odd).unwrap()["code"], json!(12));
    let read = sim.client_request("c1", "n0", json!({"type":"read"}));
    sim.run_until(sim.now + 50);
    assert_eq!(value_of(&sim, read), Some(0));
}

#[test]
fn the_mode_comes_from_g_counter_mode_and_defaults_to_seq_kv() {
    use super::Mode;
    let mode = |v: Option<&str>| Mode::from_lookup(|_| v.map(String::from));
    assert_eq!(mode(None), (Mode::SeqKv, vec![]));
    assert_eq!(mode(Some("seq-kv")), (Mode::SeqKv, vec![]));
    assert_eq!(mode(Some(" crdt ")), (Mode::Crdt, vec![]));
    let (m, w) = mode(Some("gossip"));
    assert_eq!(m, Mode::SeqKv);
    assert_eq!(w.len(), 1);
    // The simulator's nodes see no G_COUNTER_MODE: the seq-kv design.
    let sim = sim(3);
    assert!(sim
        .nodes
        .values()
        .all(|d| d.node().unwrap().mode() == Mode::SeqKv));
}

/// Retries of a failing write back off: one node, its seq-kv answering
/// every write with error 11 for two seconds of node time.
#[test]
fn failed_writes_are_retried_with_backoff() {
    use crate::runtime::Driver;
    let mut d = Driver::<GCounterNode>::new(0);
    let line = |v: Value| v.to_string().into_bytes();
    d.handle_line(&line(json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})), 0);
    d.handle_line(
        &line(json!({"src":"c1","dest":"n0","body":{"type":"add","msg_id":2,"delta":3}})),
        0,
    );
    let mut writes = Vec::new();
    let mut acked = false;
    for now in 0..=3_000u64 {
        d.tick(now);
        let out = std::mem::take(d.output());
        for msg in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let msg: Value = serde_json::from_slice(msg).unwrap();
            let body = &msg["body"];
            let reply = match body["type"].as_str() {
                Some("read") => json!({"type":"error","code":20,"in_reply_to":body["msg_id"]}),
                // Failing for two seconds, then the service recovers.
                Some("write") if now < 2_000 => {
                    writes.push(now);
                    json!({"type":"error","code":11,"in_reply_to":body["msg_id"]})
                }
                Some("write") => json!({"type":"write_ok","in_reply_to":body["msg_id"]}),
                Some("add_ok") => {
                    acked = true;
                    continue;
                }
                _ => continue,
            };
            d.handle_line(&line(json!({"src":"seq-kv","dest":"n0","body":reply})), now);
        }
    }
    // Gaps of 10, 20, 40, ... 640 ms: 8 writes in 2 s, not one per ms.
    assert!(
        (5..=12).contains(&writes.len()),
        "{} writes while failing: {writes:?}",
        writes.len()
    );
    assert!(writes.windows(2).all(|w| w[1] - w[0] >= 10), "{writes:?}");
    assert!(
        acked,
        "the add was never acknowledged after the service recovered"
    );
}
