use super::log::POLL_TOTAL;
use super::KafkaNode;
use crate::runtime::sim::Sim;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

type KeyLogs = BTreeMap<String, BTreeMap<u64, Value>>;
/// What one poll returned for one key, and the offset it asked from.
type PolledKey = (String, u64, Vec<(u64, Value)>);

fn sim(nodes: usize, seed: u64, latency: (u64, u64)) -> Sim<KafkaNode> {
    let mut sim = Sim::<KafkaNode>::new(nodes, seed);
    sim.latency = latency;
    sim.run_until(1);
    // init_ok replies (in_reply_to 1) would shadow the first client request's reply.
    sim.client_inbox.clear();
    sim
}

fn call(sim: &mut Sim<KafkaNode>, node: &str, body: Value) -> Value {
    let id = sim.client_request("c1", node, body);
    sim.run_until(sim.now + 1);
    sim.reply_to(id).cloned().expect("a local reply")
}

fn send(sim: &mut Sim<KafkaNode>, node: &str, key: &str, msg: i64) -> u64 {
    let r = call(sim, node, json!({"type":"send","key":key,"msg":msg}));
    r["offset"]
        .as_u64()
        .unwrap_or_else(|| panic!("bad send reply {r}"))
}

fn poll(sim: &mut Sim<KafkaNode>, node: &str, offsets: Value) -> Value {
    let r = call(sim, node, json!({"type":"poll","offsets":offsets}));
    assert_eq!(r["type"], json!("poll_ok"), "{r}");
    r["msgs"].clone()
}

#[test]
fn sends_on_either_node_get_distinct_growing_offsets_and_reach_both() {
    let mut sim = sim(2, 1, (1, 3));
    let mut sent = Vec::new();
    for i in 0..20 {
        let node = if i % 3 == 0 { "n1" } else { "n0" };
        sent.push((send(&mut sim, node, "k", i), json!(i)));
    }
    sim.run_until(sim.now + 200);
    let mut offsets: Vec<u64> = sent.iter().map(|(o, _)| *o).collect();
    offsets.sort_unstable();
    offsets.dedup();
    assert_eq!(offsets.len(), 20, "offsets repeat");
    let from_n0: Vec<u64> = sent
        .iter()
        .filter(|(o, _)| o % 2 == 0)
        .map(|(o, _)| *o)
        .collect();
    assert!(
        from_n0.windows(2).all(|w| w[0] < w[1]),
        "one node's offsets must grow"
    );
    for node in ["n0", "n1"] {
        let got = poll(&mut sim, node, json!({"k":0}));
        let mut want: Vec<(u64, Value)> = sent.clone();
        want.sort_by_key(|(o, _)| *o);
        assert_eq!(got["k"], json!(want), "{node}");
    }
}

#[test]
fn a_message_is_pollable_only_once_no_earlier_offset_can_appear() {
    let mut sim = sim(2, 2, (50, 50));
    let offset = send(&mut sim, "n1", "k", 7);
    // n0 could still accept a send with a smaller clock: not stable yet.
    assert_eq!(poll(&mut sim, "n1", json!({"k":0})), json!({}));
    assert_eq!(poll(&mut sim, "n0", json!({"k":0})), json!({}));
    let early = send(&mut sim, "n0", "k", 8);
    assert!(early < offset, "n0 had not heard of n1's clock yet");
    sim.run_until(sim.now + 300);
    let want = json!({"k": [[early, 8], [offset, 7]]});
    assert_eq!(poll(&mut sim, "n1", json!({"k":0})), want);
    assert_eq!(poll(&mut sim, "n0", json!({"k":0})), want);
}

#[test]
fn commits_race_sends_replicate_and_never_go_back() {
    let mut sim = sim(2, 3, (1, 5));
    let ok = call(
        &mut sim,
        "n0",
        json!({"type":"commit_offsets","offsets":{"k":1000}}),
    );
    assert_eq!(
        ok,
        json!({"type":"commit_offsets_ok","in_reply_to":ok["in_reply_to"]})
    );
    send(&mut sim, "n1", "k", 1);
    call(
        &mut sim,
        "n1",
        json!({"type":"commit_offsets","offsets":{"k":5,"j":3}}),
    );
    sim.run_until(sim.now + 200);
    for node in ["n0", "n1"] {
        let r = call(
            &mut sim,
            node,
            json!({"type":"list_committed_offsets","keys":["k","j","none"]}),
        );
        assert_eq!(r["offsets"], json!({"k":1000,"j":3}), "{node}");
    }
}

#[test]
fn polls_past_the_end_of_unknown_keys_or_of_nothing_return_nothing() {
    let mut sim = sim(1, 4, (0, 0));
    let o = send(&mut sim, "n0", "k", 1);
    assert_eq!(poll(&mut sim, "n0", json!({"k": o + 1, "x": 0})), json!({}));
    assert_eq!(poll(&mut sim, "n0", json!({})), json!({}));
    assert_eq!(
        poll(&mut sim, "n0", json!({"k": -5})),
        json!({"k": [[o, 1]]})
    );
    // One node: a send is pollable at once.
    assert_eq!(
        poll(&mut sim, "n0", json!({"k": o})),
        json!({"k": [[o, 1]]})
    );
}

#[test]
fn odd_requests_get_errors_and_the_node_keeps_going() {
    let mut sim = sim(2, 5, (0, 0));
    let r = call(&mut sim, "n0", json!({"type":"send","msg":1}));
    assert_eq!(r["code"], json!(12));
    let r = call(&mut sim, "n0", json!({"type":"poll","offsets":{"k":"x"}}));
    assert_eq!(r["code"], json!(12));
    // A client pretending to replicate is ignored.
    sim.client_request(
        "c7",
        "n0",
        json!({"type":"replicate","from":0,"ops":[["k",2,9]],"clock":1000,"ack":0}),
    );
    let o = send(&mut sim, "n0", "k", 1);
    sim.run_until(sim.now + 200);
    assert_eq!(poll(&mut sim, "n0", json!({"k":0})), json!({"k": [[o, 1]]}));
}

#[test]
fn final_polls_of_hundreds_of_keys_catch_up_in_a_few_polls() {
    let mut sim = sim(2, 6, (0, 2));
    let mut total: usize = 0;
    for k in 0..600 {
        for m in 0..16 {
            send(
                &mut sim,
                if m % 2 == 0 { "n0" } else { "n1" },
                &k.to_string(),
                m,
            );
            total += 1;
        }
    }
    sim.run_until(sim.now + 200);
    let mut positions: BTreeMap<String, u64> = (0..600).map(|k| (k.to_string(), 0)).collect();
    let mut seen = 0;
    let mut polls = 0;
    while seen < total {
        polls += 1;
        assert!(polls <= total.div_ceil(POLL_TOTAL), "too many polls");
        let msgs = poll(&mut sim, "n1", json!(positions));
        for (k, pairs) in msgs.as_object().unwrap() {
            let pairs = pairs.as_array().unwrap();
            seen += pairs.len();
            positions.insert(k.clone(), pairs.last().unwrap()[0].as_u64().unwrap() + 1);
        }
    }
    assert_eq!(seen, total);
}

/// A client process as Maelstrom's kafka client drives one: bound to a node,
/// polling from its own positions and committing what it polled.
struct Process {
    client: String,
    node: String,
    positions: BTreeMap<String, u64>,
    last_send: HashMap<String, u64>,
    waiting: Option<u64>,
}

#[derive(Default)]
struct History {
    acked: KeyLogs,
    /// Every poll's answer per key, with the offset it was asked from.
    polls: Vec<PolledKey>,
    ops: u64,
}

impl History {
    fn record_offset(&mut self, key: &str, offset: u64, msg: &Value) {
        let log = self.acked.entry(key.to_string()).or_default();
        let at = log.entry(offset).or_insert_with(|| msg.clone());
        assert_eq!(at, msg, "inconsistent offsets: {key}@{offset}");
    }
}

/// Random clients on every node, batches reordered and lost: every poll must
/// return a prefix of the final log from where it asked (so no skip, no
/// reordering), offsets must be consistent and per-process growing, and
/// everything acknowledged must be pollable everywhere in the end.
fn run_clients(nodes: usize, seed: u64, loss: f64, duration: u64) -> (Sim<KafkaNode>, History) {
    let mut sim = sim(nodes, seed, (0, 12));
    sim.loss = loss;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut procs: Vec<Process> = (0..2 * nodes)
        .map(|i| Process {
            client: format!("c{}", 10 + i),
            node: format!("n{}", i % nodes),
            positions: BTreeMap::new(),
            last_send: HashMap::new(),
            waiting: None,
        })
        .collect();
    let mut asked: HashMap<u64, (usize, Value)> = HashMap::new();
    let mut history = History::default();
    let mut next_msg = 0;
    let start = sim.now;
    while sim.now < start + duration {
        for (i, p) in procs.iter_mut().enumerate() {
            if p.waiting.is_some() || rng.f64() < 0.5 {
                continue;
            }
            let key = rng.usize(0..6).to_string();
            let body = match rng.usize(0..10) {
                0..=3 => {
                    next_msg += 1;
                    json!({"type":"send","key":key,"msg":next_msg})
                }
                4..=7 => json!({"type":"poll","offsets":p.positions}),
                8 => {
                    // (Re)assign: keep positions of kept keys, new keys from 0.
                    p.positions.retain(|_, _| rng.bool());
                    p.positions.entry(key).or_insert(0);
                    json!({"type":"list_committed_offsets","keys":p.positions.keys().collect::<Vec<_>>()})
                }
                _ => json!({"type":"commit_offsets","offsets":p.positions}),
            };
            let id = sim.client_request(&p.client, &p.node, body.clone());
            history.ops += 1;
            p.waiting = Some(id);
            asked.insert(id, (i, body));
        }
        sim.run_until(sim.now + 1);
        for d in std::mem::take(&mut sim.client_inbox) {
            let id = d.body["in_reply_to"].as_u64().expect("a reply");
            let (i, req) = asked.remove(&id).expect("a reply to a request");
            let p = &mut procs[i];
            p.waiting = None;
            match req["type"].as_str().unwrap() {
                "send" => {
                    let key = req["key"].as_str().unwrap();
                    let offset = d.body["offset"].as_u64().expect("send_ok");
                    history.record_offset(key, offset, &req["msg"]);
                    let last = p.last_send.insert(key.to_string(), offset);
                    assert!(last < Some(offset), "nonmonotonic send on {key}");
                }
                "poll" => {
                    let msgs = d.body["msgs"].as_object().expect("poll_ok");
                    for (key, pairs) in msgs {
                        let pairs: Vec<(u64, Value)> =
                            serde_json::from_value(pairs.clone()).unwrap();
                        let from = req["offsets"][key].as_u64().expect("a requested key");
                        for (o, m) in &pairs {
                            history.record_offset(key, *o, m);
                        }
                        if let Some((last, _)) = pairs.last() {
                            p.positions.insert(key.clone(), last + 1);
                        }
                        history.polls.push((key.clone(), from, pairs));
                    }
                }
                _ => assert!(
                    d.body["type"].as_str().unwrap().ends_with("_ok"),
                    "{}",
                    d.body
                ),
            }
        }
    }
    sim.loss = 0.0;
    sim.run_until(sim.now + 2_000);
    for (key, from, pairs) in &history.polls {
        let want: Vec<(u64, Value)> = history.acked[key]
            .range(from..)
            .take(pairs.len())
            .map(|(o, m)| (*o, m.clone()))
            .collect();
        assert_eq!(
            *pairs, want,
            "seed {seed}: a poll of {key} from {from} is not a prefix of the log"
        );
    }
    for n in 0..nodes {
        let from: BTreeMap<&String, u64> = history.acked.keys().map(|k| (k, 0)).collect();
        let got: KeyLogs = serde_json::from_value::<BTreeMap<String, Vec<(u64, Value)>>>(poll(
            &mut sim,
            &format!("n{n}"),
            json!(from),
        ))
        .unwrap()
        .into_iter()
        .map(|(k, pairs)| (k, pairs.into_iter().collect()))
        .collect();
        let count = |logs: &KeyLogs| logs.values().map(BTreeMap::len).sum::<usize>();
        assert!(
            got == history.acked,
            "seed {seed}: n{n} polls {} of {} messages",
            count(&got),
            count(&history.acked)
        );
    }
    (sim, history)
}

#[test]
fn random_clients_on_two_nodes_with_reordering_never_see_a_skip() {
    for seed in 0..6 {
        run_clients(2, seed, 0.0, 3_000);
    }
}

#[test]
fn lost_batches_are_resent() {
    for seed in 0..4 {
        run_clients(2, seed, 0.2, 3_000);
        run_clients(3, seed, 0.1, 2_000);
    }
}

#[test]
fn one_node_alone_needs_no_messages() {
    let (sim, history) = run_clients(1, 9, 0.0, 2_000);
    assert!(history.ops > 1_000);
    assert_eq!(sim.server_msgs, 0);
}

#[test]
fn two_busy_nodes_exchange_well_under_one_message_per_operation() {
    let (sim, history) = run_clients(2, 11, 0.0, 5_000);
    let per_op = sim.server_msgs as f64 / history.ops as f64;
    assert!(history.ops > 5_000, "{} ops", history.ops);
    assert!(per_op < 0.2, "{per_op} server messages per op");
}

/// A node `n0` of a 3-node cluster driven directly, so a test can forge
/// what a peer sends.
fn driven() -> crate::runtime::Driver<KafkaNode> {
    let mut d = crate::runtime::Driver::<KafkaNode>::new(0);
    d.handle_line(
        json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0","n1","n2"]}})
            .to_string()
            .as_bytes(),
        0,
    );
    d.output().clear();
    d
}

fn driven_send(d: &mut crate::runtime::Driver<KafkaNode>, msg_id: u64) -> Value {
    d.handle_line(
        json!({"src":"c1","dest":"n0","body":{"type":"send","msg_id":msg_id,"key":"k","msg":msg_id}})
            .to_string()
            .as_bytes(),
        1,
    );
    let out = std::mem::take(d.output());
    serde_json::from_slice::<Value>(out.trim_ascii()).unwrap()["body"].clone()
}

#[test]
fn a_peer_clock_that_would_overflow_offsets_is_dropped_without_a_state_change() {
    for (clock, from) in [(1u64 << 63, 0u64), (u64::MAX, 0), (5, u64::MAX)] {
        let mut d = driven();
        assert_eq!(driven_send(&mut d, 2)["offset"], json!(3));
        let replicate = json!({"src":"n1","dest":"n0","body":{"type":"replicate","from":from,
            "ops":[["k", 4, 1]],"clock":clock,"ack":0}});
        d.handle_line(replicate.to_string().as_bytes(), 1);
        let log = d.take_log();
        assert!(
            log.iter().any(|l| l.contains("malformed replicate")),
            "clock {clock} from {from}: {log:?}"
        );
        let node = d.node().unwrap();
        assert_eq!(node.clock, 1, "the clock moved");
        assert_eq!(node.peers["n1"].have, 0, "the batch was taken");
        assert_eq!(node.logs.get("k", 4), None, "an op was applied");
        // Offsets keep coming from the node's own clock: distinct, growing.
        assert_eq!(driven_send(&mut d, 3)["offset"], json!(6));
    }
}

#[test]
fn the_largest_allowed_peer_clock_still_leaves_distinct_offsets() {
    let mut d = driven();
    let max = u64::MAX / 3 / 2;
    let replicate = json!({"src":"n1","dest":"n0","body":{"type":"replicate","from":0,
        "ops":[],"clock":max,"ack":0}});
    d.handle_line(replicate.to_string().as_bytes(), 1);
    assert_eq!(d.node().unwrap().clock, max);
    let a = driven_send(&mut d, 2)["offset"].as_u64().unwrap();
    let b = driven_send(&mut d, 3)["offset"].as_u64().unwrap();
    assert_eq!(a, (max + 1) * 3);
    assert_eq!(b, (max + 2) * 3);
}

#[test]
fn a_send_that_would_overflow_its_offset_is_refused_and_stores_nothing() {
    // Only the node's own sends can take it there (peers are capped far lower).
    let top = u64::MAX / 3 - 1;
    let mut node = KafkaNode {
        index: 2,
        node_count: 3,
        clock: top - 1,
        logs: Default::default(),
        out: Default::default(),
        peers: BTreeMap::new(),
    };
    assert_eq!(node.accept("k", json!(1)), Some(top * 3 + 2));
    assert_eq!(node.accept("k", json!(2)), None);
    assert_eq!(node.clock, top, "a refused send moved the clock");
    assert_eq!(node.logs.get("k", top * 3 + 2), Some(&json!(1)));
    assert_eq!(node.out.end(), 0);
}
