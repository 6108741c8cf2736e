//! Hand-built histories: every anomaly must be found in a history made to
//! have it and not in a near-identical one without it.

use super::{check, ElleOpts};
use crate::checkers::testing::op_at;
use crate::checkers::Validity;
use crate::history::{History, Op, OpType, Process};
use crate::workloads::txn_rw_register;
use serde_json::{json, Value};
use std::time::Duration;

/// A transaction in shorthand: "r1=5 w2=3 r1=_" (keys and values integers, `_` = nil).
fn t(s: &str) -> Value {
    Value::Array(
        s.split_whitespace()
            .map(|m| {
                let (f, rest) = m.split_at(1);
                let (k, v) = rest.split_once('=').expect("k=v");
                let v = if v == "_" {
                    Value::Null
                } else {
                    json!(v.parse::<i64>().unwrap())
                };
                json!([f, k.parse::<i64>().unwrap(), v])
            })
            .collect(),
    )
}

/// The request a client would have sent for a completed txn: reads nil.
pub(super) fn request(v: &Value) -> Value {
    Value::Array(
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| {
                if m[0] == "r" {
                    json!(["r", m[1], null])
                } else {
                    m.clone()
                }
            })
            .collect(),
    )
}

#[derive(Default)]
struct H {
    ops: Vec<Op>,
}

impl H {
    fn push(&mut self, process: Process, kind: OpType, value: Value) -> &mut Self {
        let index = self.ops.len();
        self.ops.push(op_at(
            index,
            index as u64 * 1_000_000,
            process,
            kind,
            "txn",
            value,
        ));
        self
    }
    fn invoke(&mut self, p: u64, txn: &str) -> &mut Self {
        self.push(Process::Client(p), OpType::Invoke, request(&t(txn)))
    }
    /// Completion; `:fail` / `:info` record the request, as the client does.
    fn complete(&mut self, p: u64, kind: OpType, txn: &str) -> &mut Self {
        let v = if kind == OpType::Ok {
            t(txn)
        } else {
            request(&t(txn))
        };
        self.push(Process::Client(p), kind, v)
    }
    /// Invocation immediately followed by its completion.
    fn txn(&mut self, p: u64, kind: OpType, txn: &str) -> &mut Self {
        self.invoke(p, txn).complete(p, kind, txn)
    }
    fn ok(&mut self, p: u64, txn: &str) -> &mut Self {
        self.txn(p, OpType::Ok, txn)
    }
    /// A wr dependency on an unrelated key so the graph is never empty.
    fn background(&mut self) -> &mut Self {
        self.ok(90, "w100=1").ok(91, "r100=1")
    }
    fn history(&self) -> History {
        History::new(self.ops.clone())
    }
}

struct Verdict {
    valid: Validity,
    types: Vec<String>,
    json: Value,
}

fn run(h: &H, model: &str) -> Verdict {
    run_opts(h, &ElleOpts::maelstrom(vec![model.to_string()]))
}

fn run_opts(h: &H, opts: &ElleOpts) -> Verdict {
    let r = txn_rw_register::check(&h.history(), opts);
    let json = r.to_json();
    let types = json["anomaly-types"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    Verdict {
        valid: r.valid,
        types,
        json,
    }
}

fn assert_found(h: &H, model: &str, anomaly: &str) -> Verdict {
    let v = run(h, model);
    assert_eq!(v.valid, Validity::False, "{model}: {}", v.json);
    assert!(
        v.types.iter().any(|t| t == anomaly),
        "{model}: expected {anomaly} in {}",
        v.json
    );
    v
}

fn assert_valid(h: &H, model: &str) {
    let v = run(h, model);
    assert_eq!(v.valid, Validity::True, "{model}: {}", v.json);
    assert!(v.types.is_empty(), "{}", v.json);
}

#[test]
fn g1a_aborted_read() {
    let mut bad = H::default();
    bad.background().txn(0, OpType::Fail, "w1=1").ok(1, "r1=1");
    let v = assert_found(&bad, "read-committed", "G1a");
    assert_eq!(v.json["anomalies"]["G1a"][0]["mop"], json!(["r", 1, 1]));
    assert!(v.json["not"]
        .as_array()
        .unwrap()
        .contains(&json!("read-committed")));
    assert_valid(&bad, "read-uncommitted");
    // Same, but the writer's outcome is unknown: it may have committed.
    let mut good = H::default();
    good.background().txn(0, OpType::Info, "w1=1").ok(1, "r1=1");
    assert_valid(&good, "read-committed");
}

#[test]
fn g1b_intermediate_read() {
    let mut bad = H::default();
    bad.background().ok(0, "w1=1 w1=2").ok(1, "r1=1");
    assert_found(&bad, "read-committed", "G1b");
    // Allowed by read-uncommitted.
    assert_valid(&bad, "read-uncommitted");
    // The final value is fine, and so is a txn reading its own intermediate write.
    let mut good = H::default();
    good.background()
        .ok(0, "w1=1 w1=2")
        .ok(1, "r1=2")
        .ok(2, "w2=1 r2=1 w2=2");
    assert_valid(&good, "read-committed");
    // Intermediate writes of failed txns count too.
    let mut failed = H::default();
    failed
        .background()
        .txn(0, OpType::Fail, "w1=1 w1=2")
        .ok(1, "r1=1");
    assert_found(&failed, "read-committed", "G1b");
}

#[test]
fn internal_inconsistency() {
    let mut bad = H::default();
    bad.background().ok(0, "w1=1 r1=2").ok(1, "w1=2");
    assert_found(&bad, "serializable", "internal");
    assert_valid(&bad, "read-committed");
    let mut good = H::default();
    good.background()
        .ok(0, "w1=1 r1=1")
        .ok(1, "r2=_ r2=5")
        .ok(2, "w2=5");
    assert_valid(&good, "serializable");
}

#[test]
fn lost_update() {
    let mut bad = H::default();
    bad.background().ok(0, "r1=_ w1=1").ok(1, "r1=_ w1=2");
    assert_found(&bad, "serializable", "lost-update");
    assert_valid(&bad, "read-committed");
    let mut good = H::default();
    good.background().ok(0, "r1=_ w1=1").ok(1, "r1=1 w1=2");
    assert_valid(&good, "serializable");
}

#[test]
fn cyclic_versions() {
    let mut bad = H::default();
    bad.background().ok(0, "r1=1 w1=2").ok(1, "r1=2 w1=1");
    let v = assert_found(&bad, "read-uncommitted", "cyclic-versions");
    assert_eq!(
        v.json["anomalies"]["cyclic-versions"][0]["scc"],
        json!([1, 2])
    );
    assert_eq!(v.json["not"], json!(["read-uncommitted"]));
    let mut good = H::default();
    good.background()
        .ok(0, "r1=1 w1=2")
        .ok(1, "r1=2 w1=3")
        .ok(2, "w1=1");
    assert_valid(&good, "read-uncommitted");
}

#[test]
fn g1c_circular_information_flow() {
    let mut bad = H::default();
    bad.ok(0, "w1=1 r2=1").ok(1, "w2=1 r1=1");
    let v = assert_found(&bad, "read-committed", "G1c");
    let steps = &v.json["anomalies"]["G1c"][0]["steps"];
    assert_eq!(steps[0]["type"], "wr");
    assert_valid(&bad, "read-uncommitted");
    let mut good = H::default();
    good.ok(0, "w1=1 r2=_").ok(1, "w2=1 r1=1");
    assert_valid(&good, "read-committed");
}

#[test]
fn ww_cycles_are_reported_as_g1c_never_g0() {
    // T1 <ww T2 on key 1 and T2 <ww T1 on key 2, each ww also a wr.
    let mut h = H::default();
    h.ok(0, "w1=1 r2=1 w2=2").ok(1, "w2=1 r1=1 w1=2");
    let v = assert_found(&h, "read-committed", "G1c");
    assert!(!v.types.iter().any(|t| t.starts_with("G0")), "{}", v.json);
    // read-uncommitted prohibits G0, but the cycle is labelled G1c.
    assert_valid(&h, "read-uncommitted");
}

#[test]
fn blind_write_g0_is_a_blind_spot() {
    // T1 writes 1 then 2, T2 writes 2 then 1 (opposite orders), nobody reads:
    // a real G0 that Elle cannot see without a version order.
    let mut h = H::default();
    h.background()
        .ok(0, "w1=1 w2=1")
        .ok(1, "w2=2 w1=2")
        .ok(2, "w1=3 w2=3");
    assert_valid(&h, "read-uncommitted");
    assert_valid(&h, "read-committed");
    assert_valid(&h, "serializable");
}

#[test]
fn g_single_read_skew() {
    // Elle's own "initial state" test: T1 read x = nil but y = 1 from T2, which wrote x.
    let mut bad = H::default();
    bad.invoke(0, "r1=_ r2=1")
        .ok(1, "w2=1 w1=2")
        .complete(0, OpType::Ok, "r1=_ r2=1");
    let v = assert_found(&bad, "serializable", "G-single");
    assert_eq!(v.types, vec!["G-single"]);
    assert_eq!(v.json["not"], json!(["consistent-view"]));
    let steps = &v.json["anomalies"]["G-single"][0]["steps"];
    let kinds: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"rw") && kinds.contains(&"wr"), "{steps}");
    assert_valid(&bad, "read-committed");
    let mut good = H::default();
    good.invoke(0, "r1=2 r2=1")
        .ok(1, "w2=1 w1=2")
        .complete(0, OpType::Ok, "r1=2 r2=1");
    assert_valid(&good, "serializable");
}

#[test]
fn g_single_from_writes_follow_reads() {
    // Elle's "wfr" test: T1 establishes y 1 -> 2; T2 read x = 1 from T1 but the old y.
    let mut bad = H::default();
    bad.background()
        .ok(0, "r2=1 w1=1 w2=2")
        .ok(1, "r1=1 r2=1")
        .ok(2, "w2=1");
    assert_found(&bad, "serializable", "G-single");
}

#[test]
fn g_nonadjacent() {
    // T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1
    let mut bad = H::default();
    bad.ok(0, "r1=_ r4=1")
        .ok(1, "w1=1 w2=1")
        .ok(2, "r2=1 r3=_")
        .ok(3, "w3=1 w4=1");
    let v = assert_found(&bad, "serializable", "G-nonadjacent");
    assert!(!v.types.contains(&"G-single".to_string()), "{}", v.json);
    assert_valid(&bad, "read-committed");
    let mut good = H::default();
    good.ok(0, "r1=_ r4=1")
        .ok(1, "w1=1 w2=1")
        .ok(3, "w3=1 w4=1")
        .ok(2, "r2=1 r3=1");
    assert_valid(&good, "serializable");
}

#[test]
fn g2_item_write_skew() {
    let mut bad = H::default();
    bad.ok(0, "r1=_ w2=1").ok(1, "r2=_ w1=1");
    let v = assert_found(&bad, "serializable", "G2-item");
    assert_eq!(v.types, vec!["G2-item"]);
    assert_valid(&bad, "read-committed");
    let mut good = H::default();
    good.ok(0, "r1=_ w2=1").ok(1, "r2=1 w1=1");
    assert_valid(&good, "serializable");
}

#[test]
fn realtime_anomalies_need_strict_serializable() {
    // T2 starts after T1 finished, yet misses T1's write.
    let mut bad = H::default();
    bad.background().ok(0, "w1=1").ok(1, "r1=_");
    assert_found(&bad, "strict-serializable", "G-single-realtime");
    assert_valid(&bad, "serializable");
    // Concurrent: no real-time order, nothing wrong.
    let mut good = H::default();
    good.background()
        .invoke(1, "r1=_")
        .ok(0, "w1=1")
        .complete(1, OpType::Ok, "r1=_");
    assert_valid(&good, "strict-serializable");
}

#[test]
fn process_anomalies_use_the_process_graph() {
    // strong-session-serializable prohibits process anomalies but no realtime ones.
    let mut bad = H::default();
    bad.background().ok(0, "w1=1").ok(0, "r1=_");
    assert_found(&bad, "strong-session-serializable", "G-single-process");
    let mut good = H::default();
    good.background().ok(0, "w1=1").ok(1, "r1=_");
    assert_valid(&good, "strong-session-serializable");
    // Under strict-serializable the same cycle is named for its real-time edge.
    let v = assert_found(&bad, "strict-serializable", "G-single-realtime");
    assert!(
        !v.types.iter().any(|t| t.ends_with("-process")),
        "{}",
        v.json
    );
}

/// B = [w x 1] then C = [r y ?] by process 0; D = [w y 1] then A = [r x nil]
/// by process 1; invoked and completed B D B D C A C A.
fn two_sessions(c_reads: &str) -> H {
    let c = format!("r2={c_reads}");
    let mut h = H::default();
    h.invoke(0, "w1=1")
        .invoke(1, "w2=1")
        .complete(0, OpType::Ok, "w1=1")
        .complete(1, OpType::Ok, "w2=1")
        .invoke(0, &c)
        .invoke(1, "r1=_")
        .complete(0, OpType::Ok, &c)
        .complete(1, OpType::Ok, "r1=_");
    h
}

#[test]
fn g_nonadjacent_process_has_its_own_search() {
    // A -rw-> B -process-> C -rw-> D -process-> A: two rw edges, never
    // adjacent, joined by process edges. Elle 0.1.6 searches this with its
    // own `:G-nonadjacent-process` spec (src/elle/txn.clj,
    // `cycle-anomaly-specs`), so both session models prohibiting it fail.
    let bad = two_sessions("_");
    for model in [
        "strong-session-snapshot-isolation",
        "strong-session-serializable",
    ] {
        let v = assert_found(&bad, model, "G-nonadjacent-process");
        assert_eq!(v.types, vec!["G-nonadjacent-process"], "{}", v.json);
    }
    // Without the process graph the data edges alone are acyclic.
    assert_valid(&bad, "serializable");
    assert_valid(&bad, "snapshot-isolation");
    // C reads D's write: D -wr-> C replaces C -rw-> D, and no cycle is left.
    let good = two_sessions("1");
    for model in [
        "strong-session-snapshot-isolation",
        "strong-session-serializable",
    ] {
        assert_valid(&good, model);
    }
}

#[test]
fn empty_transaction_graph_fails_through_maelstrom_wrapper() {
    let mut bad = H::default();
    bad.ok(0, "w1=1").ok(1, "r2=_");
    let v = assert_found(&bad, "read-committed", "empty-transaction-graph");
    assert_eq!(v.types, vec!["empty-transaction-graph"]);
    let elle = check(
        &bad.history(),
        &ElleOpts::maelstrom(vec!["read-committed".into()]),
    )
    .unwrap();
    assert_eq!(elle.valid, Validity::Unknown);
    let mut good = H::default();
    good.ok(0, "w1=1").ok(1, "r1=1");
    assert_valid(&good, "read-committed");
    // A self-dependency Elle links and then removes still counts as a vertex.
    let mut own = H::default();
    own.ok(0, "r1=_ w1=1");
    assert_valid(&own, "read-committed");
}

#[test]
fn cycle_search_timeout_is_tolerated() {
    let zero = |m: &str| ElleOpts {
        cycle_search_timeout: Duration::ZERO,
        ..ElleOpts::maelstrom(vec![m.into()])
    };
    // Write skew under read-committed: the search times out at once; the
    // fallback cycle is G2-item, not reportable; only the timeout remains.
    let mut skew = H::default();
    skew.ok(0, "r1=_ w2=1").ok(1, "r2=_ w1=1");
    let elle = check(&skew.history(), &zero("read-committed")).unwrap();
    assert_eq!(elle.valid, Validity::Unknown);
    assert_eq!(elle.anomaly_types, vec!["cycle-search-timeout"]);
    let v = run_opts(&skew, &zero("read-committed"));
    assert_eq!(v.valid, Validity::True, "{}", v.json);
    assert_eq!(v.json["anomalies"], json!({}));
    // A G1c history still fails: the fallback cycle is classified and reported.
    let mut g1c = H::default();
    g1c.ok(0, "w1=1 r2=1").ok(1, "w2=1 r1=1");
    let v = run_opts(&g1c, &zero("read-committed"));
    assert_eq!(
        (v.valid, v.types),
        (Validity::False, vec!["G1c".to_string()])
    );
}

#[test]
fn checker_errors_are_unknown() {
    // A value some txn read, written by two txns.
    let mut dup = H::default();
    dup.ok(0, "w1=1").ok(1, "w1=1").ok(2, "r1=1");
    let v = run(&dup, "read-committed");
    assert_eq!(v.valid, Validity::Unknown, "{}", v.json);
    assert!(v.json["error"].as_str().unwrap().contains("more than one"));
    // Duplicate writes nobody read do not matter.
    let mut unread = H::default();
    unread.background().ok(0, "w1=1").ok(1, "w1=1");
    assert_valid(&unread, "read-committed");
    // Unknown model names, including Maelstrom's unsplit "a,b".
    let mut ok = H::default();
    ok.background();
    assert_eq!(
        run(&ok, "read-committed,serializable").valid,
        Validity::Unknown
    );
    assert_eq!(run(&ok, "snapshot-isolation").valid, Validity::True);
    // Keys of two types.
    let mut mixed = H::default();
    mixed.background().push(
        Process::Client(5),
        OpType::Invoke,
        json!([["r", "k", null]]),
    );
    assert_eq!(run(&mixed, "read-committed").valid, Validity::Unknown);
    // Garbage values never panic.
    let mut junk = H::default();
    junk.background()
        .push(Process::Client(6), OpType::Invoke, json!("junk"));
    assert_eq!(run(&junk, "read-committed").valid, Validity::Unknown);
}

#[test]
fn nemesis_ops_are_ignored() {
    let mut h = H::default();
    h.background();
    h.push(Process::Nemesis, OpType::Info, json!("start-partition"));
    assert_valid(&h, "strict-serializable");
}

#[test]
fn large_history_checks_fast() {
    use crate::workloads::txn_rw_register::WrTxns;
    use crate::workloads::{Generator, TestOpts};
    use std::collections::HashMap;
    // 20 s at 1000 txn/s, 4 processes on 2 replicas that apply locally and
    // replicate final writes after a delay: read-committed, not serializable.
    let mut opts = TestOpts::defaults(vec!["n0".into(), "n1".into()]);
    opts.concurrency = 4;
    let mut gen = WrTxns::new(&opts);
    let mut rng = fastrand::Rng::with_seed(42);
    let mut stores: [HashMap<Value, Value>; 2] = [HashMap::new(), HashMap::new()];
    // (deliver at step, to node, final writes)
    type Replication = (usize, usize, Vec<(Value, Value)>);
    let mut inflight: Vec<Replication> = Vec::new();
    let mut h = H::default();
    let mut pending: Vec<Option<Value>> = vec![None; 4];
    for step in 0..20_000usize {
        let p = step % 4;
        let node = p % 2;
        // Complete this process's previous txn, then invoke the next one.
        if let Some(done) = pending[p].take() {
            h.push(Process::Client(p as u64), OpType::Ok, done);
        }
        inflight.retain(|(at, dest, writes)| {
            if *at <= step {
                for (k, v) in writes {
                    stores[*dest].insert(k.clone(), v.clone());
                }
                false
            } else {
                true
            }
        });
        let txn = gen.next(p, 0, &mut rng).value;
        h.push(Process::Client(p as u64), OpType::Invoke, txn.clone());
        let mut finals: Vec<(Value, Value)> = Vec::new();
        let done: Vec<Value> = txn
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                if m[0] == "r" {
                    json!([
                        "r",
                        m[1],
                        stores[node].get(&m[1]).cloned().unwrap_or(Value::Null)
                    ])
                } else {
                    stores[node].insert(m[1].clone(), m[2].clone());
                    finals.retain(|(k, _)| *k != m[1]);
                    finals.push((m[1].clone(), m[2].clone()));
                    m.clone()
                }
            })
            .collect();
        if !finals.is_empty() {
            inflight.push((step + 1 + rng.usize(0..12), 1 - node, finals));
        }
        pending[p] = Some(Value::Array(done));
    }
    let history = h.history();
    for model in ["read-committed", "strict-serializable"] {
        let start = std::time::Instant::now();
        let r = txn_rw_register::check(&history, &ElleOpts::maelstrom(vec![model.into()]));
        let took = start.elapsed();
        let j = r.to_json();
        eprintln!(
            "large history ({} ops, 20k txns) under {model}: {:?} in {took:?}, anomaly types {}",
            history.ops.len(),
            r.valid,
            j["anomaly-types"]
        );
        if model == "read-committed" {
            assert_eq!(r.valid, Validity::True, "{}", j["anomaly-types"]);
        } else {
            assert_eq!(r.valid, Validity::False);
        }
    }
}
