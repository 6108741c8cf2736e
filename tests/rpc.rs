//! RPC semantics through the sans-IO driver: a reply, an error body or the
//! timeout resumes a continuation exactly once; late replies, and replies
//! from anyone but the node the call went to, are dropped.

use gossip_glomers::messages;
use gossip_glomers::runtime::{Ctx, Driver, ErrorCode, Node, Request, RpcResult};
use serde_json::{json, Value};

messages! {
    pub Probe {
        /// Makes the node call `dest` with a timeout.
        start { dest: String, timeout: u64 },
        /// Makes the node set a timer.
        arm { after: u64, tag: u64 },
    }
}

/// When a continuation ran, and what it got.
type Resumed = (u64, Result<Value, (ErrorCode, String)>);

#[derive(Default)]
struct Caller {
    results: Vec<Resumed>,
    fired: Vec<(u64, u64)>,
    sent: Vec<u64>,
}

impl Node for Caller {
    type Msg = ProbeRequest;
    type Timer = u64;

    fn init(_ctx: &mut Ctx<'_, Self>) -> Self {
        Caller::default()
    }

    fn on_message(&mut self, msg: Request<ProbeRequest>, ctx: &mut Ctx<'_, Self>) {
        match msg.body {
            ProbeRequest::Start(Start { dest, timeout }) => {
                let id = ctx.call(
                    &dest,
                    &json!({"type": "ping"}),
                    timeout,
                    |n: &mut Caller, ctx, r: RpcResult| {
                        let now = ctx.now();
                        n.results.push((now, r.map_err(|e| (e.code, e.text))));
                    },
                );
                self.sent.push(id);
            }
            ProbeRequest::Arm(Arm { after, tag }) => {
                ctx.set_timer(after, tag);
            }
        }
    }

    fn on_timer(&mut self, tag: u64, ctx: &mut Ctx<'_, Self>) {
        self.fired.push((ctx.now(), tag));
    }
}

fn line(v: Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

fn started(now: u64) -> Driver<Caller> {
    let mut d = Driver::new(now);
    d.handle_line(&line(json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0","n1"]}})), now);
    d.output().clear();
    d
}

fn outputs(d: &mut Driver<Caller>) -> Vec<Value> {
    let out = std::mem::take(d.output());
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn start_call(d: &mut Driver<Caller>, timeout: u64, now: u64) -> u64 {
    d.handle_line(
        &line(
            json!({"src":"c1","dest":"n0","body":{"type":"start","dest":"n1","timeout":timeout}}),
        ),
        now,
    );
    let out = outputs(d);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["dest"], "n1");
    out[0]["body"]["msg_id"]
        .as_u64()
        .expect("calls carry a msg_id")
}

#[test]
fn reply_resumes_once_and_cancels_the_timeout() {
    let mut d = started(0);
    let id = start_call(&mut d, 100, 0);
    d.handle_line(
        &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id,"x":1}})),
        10,
    );
    d.handle_line(
        &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id,"x":2}})),
        11,
    );
    d.tick(1_000);
    let n = d.node().unwrap();
    assert_eq!(
        n.results.len(),
        1,
        "resumed more than once: {:?}",
        n.results
    );
    assert_eq!(n.results[0].1.as_ref().unwrap()["x"], 1);
    assert_eq!(d.next_deadline(), None, "the timeout must be cancelled");
    assert!(d
        .take_log()
        .iter()
        .any(|l| l.contains("late or unexpected reply")));
}

#[test]
fn a_reply_from_anyone_but_the_callee_is_dropped_and_the_call_stays_pending() {
    let mut d = started(0);
    let id = start_call(&mut d, 100, 0);
    // A client (and another node) forge the callee's answer.
    for forger in ["c1", "n2"] {
        d.handle_line(
            &line(json!({"src":forger,"dest":"n0","body":{"type":"read_ok","in_reply_to":id,"value":666}})),
            5,
        );
    }
    assert!(
        d.node().unwrap().results.is_empty(),
        "a forged reply resumed the call"
    );
    let log = d.take_log();
    assert_eq!(
        log.iter()
            .filter(|l| l.contains("which went to n1"))
            .count(),
        2,
        "{log:?}"
    );
    // The real reply still resumes it, before the timeout.
    d.handle_line(
        &line(json!({"src":"n1","dest":"n0","body":{"type":"read_ok","in_reply_to":id,"value":1}})),
        10,
    );
    d.tick(1_000);
    let n = d.node().unwrap();
    assert_eq!(n.results.len(), 1);
    assert_eq!(n.results[0].0, 10);
    assert_eq!(n.results[0].1.as_ref().unwrap()["value"], 1);
}

#[test]
fn error_body_resumes_with_the_code() {
    let mut d = started(0);
    let id = start_call(&mut d, 100, 0);
    d.handle_line(&line(json!({"src":"n1","dest":"n0","body":{"type":"error","in_reply_to":id,"code":22,"text":"no"}})), 5);
    d.tick(500);
    let n = d.node().unwrap();
    assert_eq!(
        n.results,
        vec![(5, Err((ErrorCode::PreconditionFailed, "no".to_string())))]
    );
}

#[test]
fn timeout_resumes_once_and_a_late_reply_is_dropped() {
    let mut d = started(0);
    let id = start_call(&mut d, 100, 0);
    d.tick(99);
    assert!(d.node().unwrap().results.is_empty(), "timed out early");
    d.tick(100);
    d.handle_line(
        &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id}})),
        150,
    );
    d.tick(10_000);
    let n = d.node().unwrap();
    assert_eq!(n.results.len(), 1);
    assert_eq!(n.results[0].0, 100);
    assert_eq!(n.results[0].1.as_ref().unwrap_err().0, ErrorCode::Timeout);
    assert!(d
        .take_log()
        .iter()
        .any(|l| l.contains("late or unexpected reply")));
}

#[test]
fn many_calls_get_distinct_ids_and_each_resumes_once() {
    let mut d = started(0);
    let ids: Vec<u64> = (0..1000).map(|_| start_call(&mut d, 50, 0)).collect();
    let mut uniq = ids.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), ids.len());
    // Answer the even ones, let the odd ones time out; then answer everything again.
    for id in ids.iter().step_by(2) {
        d.handle_line(
            &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id}})),
            1,
        );
    }
    d.tick(60);
    for id in &ids {
        d.handle_line(
            &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id}})),
            70,
        );
    }
    let n = d.node().unwrap();
    assert_eq!(n.results.len(), 1000);
    assert_eq!(n.results.iter().filter(|r| r.1.is_ok()).count(), 500);
    // Reused slab slots must not let an old reply resume a new call.
    let fresh = start_call(&mut d, 50, 80);
    assert!(!ids.contains(&fresh));
    for id in &ids {
        d.handle_line(
            &line(json!({"src":"n1","dest":"n0","body":{"type":"pong","in_reply_to":id}})),
            81,
        );
    }
    assert_eq!(
        d.node().unwrap().results.len(),
        1000,
        "an old reply resumed a new call"
    );
}

#[test]
fn user_timers_fire_in_order_at_their_deadline() {
    let mut d = started(0);
    for (after, tag) in [(30, 3), (10, 1), (20, 2)] {
        d.handle_line(
            &line(json!({"src":"c1","dest":"n0","body":{"type":"arm","after":after,"tag":tag}})),
            0,
        );
    }
    assert_eq!(d.next_deadline(), Some(10));
    d.tick(25);
    assert_eq!(d.node().unwrap().fired, vec![(25, 1), (25, 2)]);
    d.tick(30);
    assert_eq!(d.node().unwrap().fired.last(), Some(&(30, 3)));
}

#[test]
fn messages_before_init_are_replayed_after_it() {
    let mut d: Driver<Caller> = Driver::new(0);
    d.handle_line(
        &line(json!({"src":"c1","dest":"n0","body":{"type":"arm","after":5,"tag":9}})),
        0,
    );
    assert!(d.output().is_empty());
    d.handle_line(&line(json!({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})), 1);
    let out = outputs(&mut d);
    assert_eq!(out[0]["body"], json!({"type":"init_ok","in_reply_to":1}));
    d.tick(10);
    assert_eq!(d.node().unwrap().fired, vec![(10, 9)]);
}
