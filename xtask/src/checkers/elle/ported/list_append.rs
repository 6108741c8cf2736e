//! elle v0.1.6 test/elle/list_append_test.clj, ported. Keys `:x :y :z :t
//! :u` are the strings "x" "y" "z" "t" "u"; an op's `:index` is its
//! position in our history; `:elle.list-append/init` is the string
//! "elle.list-append/init" and `'...` is "...".

use super::support::{anomalies, defaults, models, result_map, up_to_rotation, H};
use crate::checkers::elle::deps::OrderGraph;
use crate::checkers::elle::graph::{sccs, ALL, WR, WW};
use crate::checkers::elle::list_append::cases;
use crate::checkers::elle::list_append::deps::{self, Indices};
use crate::checkers::elle::list_append::history::La;
use crate::checkers::elle::list_append::{check, Checked};
use crate::checkers::elle::rw_register::ElleOpts;
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The suite's `op` shorthand.
use crate::checkers::elle::list_append::shorthand::txn as op;

/// An empty history of the suite's shorthand.
fn empty() -> H {
    H::new(op)
}

/// `(h/history [(op a) (op b) ...])`.
fn of(ops: &[&str]) -> H {
    let mut h = empty();
    for s in ops {
        h.ok(s);
    }
    h
}

fn checked(opts: &ElleOpts, h: &H) -> Checked {
    check(&h.history(), opts).unwrap()
}

/// The suite's `c`: `(-> (check opts history) (dissoc :also-not))`.
fn c(opts: &ElleOpts, h: &H) -> Value {
    result_map(&checked(opts, h).result)
}

fn valid() -> Value {
    json!({"valid?": true})
}

/// The ww / wr / rw graph (Elle's `graph`, no order edges) as
/// (from, to, labels) over op positions.
fn graph(h: &H) -> Vec<(usize, usize, u8)> {
    let hist = h.history();
    let la = La::new(&hist).unwrap();
    let possible: Vec<usize> = la.possible().collect();
    let idx = Indices::new(&la, &possible, &la.sorted_values(&possible));
    let g = deps::build(&la, &possible, &idx, OrderGraph::None);
    let mut out = Vec::new();
    for (a, list) in g.adj.iter().enumerate() {
        for &(b, l) in list {
            out.push((la.p.txn(a as u32).index, la.p.txn(b).index, l));
        }
    }
    out
}

/// Edges of the given labels, unlabelled, as Elle's `g/->clj` shows them.
fn edges(h: &H, mask: u8) -> BTreeSet<(usize, usize)> {
    graph(h)
        .into_iter()
        .filter(|&(_, _, l)| l & mask != 0)
        .map(|(a, b, _)| (a, b))
        .collect()
}

fn set(xs: &[(usize, usize)]) -> BTreeSet<(usize, usize)> {
    xs.iter().copied().collect()
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest op-test.
#[test]
fn op_test() {
    assert_eq!(
        op("ax1ax2"),
        json!([["append", "x", 1], ["append", "x", 2]])
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest ww-graph-test. Our
/// graph is built whole; Elle's `ww-graph` is its ww-labelled edges.
#[test]
fn ww_graph_test() {
    // "write-write": {t1 #{t2} t2 #{}}; T3 has no ww edge.
    assert_eq!(edges(&of(&["ax1", "ax2", "rx12"]), WW), set(&[(0, 1)]));
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest wr-graph-test (the
/// wr-labelled edges of our graph).
#[test]
fn wr_graph_test() {
    // "basic read": {t1 #{t2}, t2 #{}, t3 #{t4}, t4 #{}}
    assert_eq!(
        edges(&of(&["ax1", "rx1", "ax2", "rx12"]), WR),
        set(&[(0, 1), (2, 3)])
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest graph-test: each
/// `testing` block's history, in the order the block passes its ops.
#[test]
fn graph_test() {
    let g = |ops: &[&str]| edges(&of(ops), ALL);
    // "empty history", "one append", "empty read"
    assert_eq!(g(&[]), set(&[]));
    assert_eq!(g(&["ax1"]), set(&[]));
    assert_eq!(g(&["rx"]), set(&[]));
    // "one append one read": {ax1 #{rx1}, rx1 #{}}
    assert_eq!(g(&["ax1", "rx1"]), set(&[(0, 1)]));
    // "read empty, append, read": {rx #{ax1} ax1 #{rx1} rx1 #{}}
    assert_eq!(g(&["rx", "ax1", "rx1"]), set(&[(0, 1), (1, 2)]));
    // "append, append, read" (g ax2 ax1 rx12): {ax1 #{ax2}, ax2 #{rx12}}
    assert_eq!(g(&["ax2", "ax1", "rx12"]), set(&[(1, 0), (0, 2)]));
    // "serializable figure 3 from Adya, Liskov, O'Neil"
    assert_eq!(
        g(&["az1ax1ay1", "rx1ay2", "ry12az3", "rz13"]),
        set(&[(0, 1), (0, 2), (1, 2), (2, 3)])
    );
    // "G0: write cycle": {t1 #{t2 t3}, t2 #{t1 t3}, t3 #{}}
    assert_eq!(
        g(&["ax1ay1", "ax2ay2", "rx12ry21"]),
        set(&[(0, 1), (0, 2), (1, 0), (1, 2)])
    );
    // "G1c: circular information flow": {t1 #{t2}, t2 #{t3 t1}, t3 #{}}
    assert_eq!(
        g(&["ax1ry1", "ax2ay1", "rx12"]),
        set(&[(0, 1), (1, 2), (1, 0)])
    );
    // "G2: anti-dependency cycle":
    // {rxay1 #{ryax1 rx1ry1}, ryax1 #{rxay1 rx1ry1}, rx1ry1 #{}}
    assert_eq!(
        g(&["rxay1", "ryax1", "rx1ry1"]),
        set(&[(0, 1), (0, 2), (1, 0), (1, 2)])
    );
    // "info reads": {t1 #{t3}, t2 #{t3 t1}, t3 #{}}
    let mut h = empty();
    h.done(0, OpType::Info, "ax2ry").ok("ax1ay1").ok("rx12ry1");
    assert_eq!(edges(&h, ALL), set(&[(0, 2), (1, 2), (1, 0)]));
    // "single appends without reads": {rx #{ax1} ax1 #{}}
    assert_eq!(g(&["rx", "ax1"]), set(&[(0, 1)]));
    // "multiple appends without reads": {rx #{ax1 ax2} ax1 #{} ax2 #{}}
    assert_eq!(g(&["rx", "ax1", "ax2"]), set(&[(0, 1), (0, 2)]));
    // "duplicate inserts attempts": throws {:type :duplicate-appends, :op
    // ay2ax1, :key :x, :value 1}; ours is an error naming the same.
    let mut h = empty();
    h.push(0, OpType::Invoke, op("ax1ry"))
        .push(0, OpType::Invoke, op("ay2ax1"));
    let err = check(&h.history(), &defaults()).err().unwrap();
    assert_eq!(
        err,
        "duplicate-appends: value 1 appended to key \"x\" multiple times! (op 1)"
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest graph-test, "G2:
/// anti-dependency cycle", its second assertion: `(elle/check {:analyzer
/// graph} ...)` is `{:valid? false, :scc-count 1, :cycles [text]}`. We have
/// no bare `elle/check`: the SCC count is over our graph, and the text is
/// our checker's explanation of that cycle (G2-item). Elle prints ops as
/// EDN records (`:index 8, :time -1, :f nil`, keyword keys); ours print
/// our ops, whose keys are strings. The reasoning lines are compared with
/// `"x"` read as `:x`.
/// fidelity E2: texts compared with our ops read as Elle's.
#[test]
fn graph_test_g2_explanation() {
    let h = of(&["rxay1", "ryax1", "rx1ry1"]);
    let whole = graph(&h);
    let adj = {
        let mut adj = vec![Vec::new(); 3];
        for (a, b, l) in whole {
            adj[a].push((b as u32, l));
        }
        adj
    };
    assert_eq!(sccs(&adj, ALL).len(), 1);
    let checked = checked(&anomalies(&["G2"]), &h);
    let text = checked.explanations["G2-item"][0].as_str().unwrap();
    let (lets, then) = text.split_once("\n\nThen:\n").unwrap();
    // Elle: T1 = ryax1 (index 8), T2 = rxay1 (index 7), then "T1 < T2,
    // because T1 observed the initial (nil) state of :y, which T2 created by
    // appending 1." and "However, T2 < T1, because T2 observed the initial
    // (nil) state of :x, which T1 created by appending 1: a contradiction!"
    // Our cycle starts at rxay1 (see `up_to_rotation`): the same two lines
    // with T1 and T2 swapped, in the other order.
    assert_eq!(
        lets,
        format!("Let:\n  T1 = {}\n  T2 = {}", op_text(&h, 0), op_text(&h, 1))
    );
    assert_eq!(
        then.replace("\"x\"", ":x").replace("\"y\"", ":y"),
        "  - T1 < T2, because T1 observed the initial (nil) state of :x, which T2 created by appending 1.\n  - However, T2 < T1, because T2 observed the initial (nil) state of :y, which T1 created by appending 1: a contradiction!"
    );
}

/// Op i of `h` as our explanations print it.
fn op_text(h: &H, i: usize) -> String {
    let o = h.op(i);
    let mops: Vec<String> = o["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("[:{} {} {}]", m[0].as_str().unwrap(), m[1], edn(&m[2])))
        .collect();
    format!(
        "{{:index {}, :time {}, :type :{}, :process {}, :f :txn, :value [{}]}}",
        o["index"],
        o["time"],
        o["type"].as_str().unwrap(),
        o["process"],
        mops.join(" ")
    )
}

fn edn(v: &Value) -> String {
    match v {
        Value::Null => "nil".into(),
        Value::Array(xs) => {
            let xs: Vec<String> = xs.iter().map(edn).collect();
            format!("[{}]", xs.join(" "))
        }
        v => v.to_string(),
    }
}

fn cases_of(h: &H, f: fn(&La) -> Vec<Value>) -> Vec<Value> {
    let hist = h.history();
    f(&La::new(&hist).unwrap())
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest g1a-cases-test.
#[test]
fn g1a_cases_test() {
    assert_eq!(cases_of(&empty(), cases::g1a), Vec::<Value>::new());
    // [t2 t3 t1]: t1 is the failed append.
    let mut h = of(&["rx1ax2", "rx12ry3"]);
    h.done(0, OpType::Fail, "ax1");
    assert_eq!(
        cases_of(&h, cases::g1a),
        vec![
            json!({"op": h.op(0), "mop": ["r", "x", [1]], "writer": h.op(2), "element": 1}),
            json!({"op": h.op(1), "mop": ["r", "x", [1, 2]], "writer": h.op(2), "element": 1}),
        ]
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest g1b-cases-test.
#[test]
fn g1b_cases_test() {
    assert_eq!(cases_of(&empty(), cases::g1b), Vec::<Value>::new());
    // "valid and invalid reads": [t2 t3 t1 t4]
    let h = of(&["rx1", "rx12ry3", "ax1ax2", "rx123"]);
    assert_eq!(
        cases_of(&h, cases::g1b),
        vec![json!({"op": h.op(0), "mop": ["r", "x", [1]], "writer": h.op(2), "element": 1})]
    );
    // "internal reads"
    assert_eq!(
        cases_of(&of(&["ax1rx1ax2"]), cases::g1b),
        Vec::<Value>::new()
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest internal-cases-test.
#[test]
fn internal_cases_test() {
    assert_eq!(cases_of(&empty(), cases::internal), Vec::<Value>::new());
    // "good"
    let mut good = empty();
    good.push(
        0,
        OpType::Ok,
        json!([
            ["r", "y", [5, 6]],
            ["append", "x", 3],
            ["r", "x", [1, 2, 3]],
            ["append", "x", 4],
            ["r", "x", [1, 2, 3, 4]]
        ]),
    );
    assert_eq!(cases_of(&good, cases::internal), Vec::<Value>::new());
    // "read-append-read": [stale bad-prefix extension short-read]
    let mut h = empty();
    for read in [
        json!([1, 2]),
        json!([0, 2, 3]),
        json!([1, 2, 3, 4]),
        json!([1]),
    ] {
        h.push(
            0,
            OpType::Ok,
            json!([["r", "x", [1, 2]], ["append", "x", 3], ["r", "x", read]]),
        );
    }
    let reads = [
        json!([1, 2]),
        json!([0, 2, 3]),
        json!([1, 2, 3, 4]),
        json!([1]),
    ];
    let want: Vec<Value> = reads
        .iter()
        .enumerate()
        .map(|(i, r)| json!({"op": h.op(i), "mop": ["r", "x", r], "expected": [1, 2, 3]}))
        .collect();
    assert_eq!(cases_of(&h, cases::internal), want);
    // "append-read": [disagreement short-read]
    let mut h = empty();
    h.push(
        0,
        OpType::Ok,
        json!([["append", "x", 3], ["r", "x", [1, 2, 3, 4]]]),
    )
    .push(0, OpType::Ok, json!([["append", "x", 3], ["r", "x", []]]));
    assert_eq!(
        cases_of(&h, cases::internal),
        vec![
            json!({"op": h.op(0), "mop": ["r", "x", [1, 2, 3, 4]], "expected": ["...", 3]}),
            json!({"op": h.op(1), "mop": ["r", "x", []], "expected": ["...", 3]}),
        ]
    );
    // "FaunaDB example": invoke then ok of [[:append 0 6] [:r 0 nil]]
    let mut h = empty();
    h.push(1, OpType::Invoke, json!([["append", 0, 6], ["r", 0, null]]))
        .push(1, OpType::Ok, json!([["append", 0, 6], ["r", 0, null]]));
    assert_eq!(
        cases_of(&h, cases::internal),
        vec![json!({"expected": ["...", 6], "mop": ["r", 0, null], "op": h.op(1)})]
    );
}

/// A cycle anomaly `{cycle, steps, type}` over ops of `h` at `cycle`.
fn cycle(h: &H, kind: &str, cycle: &[usize], steps: Value) -> Value {
    let ops: Vec<Value> = cycle.iter().map(|&i| h.op(i)).collect();
    json!({"cycle": ops, "steps": steps, "type": kind})
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test, "G0".
#[test]
fn checker_test_g0() {
    let h = of(&["ax1ay1", "ax2ay2", "rx12ry21"]);
    let msg = cycle(
        &h,
        "G0",
        &[1, 0, 1],
        json!([
            {"type": "ww", "key": "y", "value": 2, "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]),
    );
    let want = json!({
        "valid?": false, "anomaly-types": ["G0"], "not": ["read-uncommitted"],
        "anomalies": {"G0": [msg]}
    });
    // Elle's cycle starts at t2, ours at t1 (see `up_to_rotation`).
    let want = up_to_rotation(&want);
    assert_eq!(up_to_rotation(&c(&anomalies(&["G0"]), &h)), want);
    assert_eq!(up_to_rotation(&c(&anomalies(&["G1"]), &h)), want);
    // "G2 doesn't actually include G0, so it won't."
    assert_eq!(c(&anomalies(&["G2"]), &h), valid());
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test, "G1a".
#[test]
fn checker_test_g1a() {
    let mut h = empty();
    h.done(0, OpType::Fail, "ax1").ok("rx1");
    let unseen = json!({
        "valid?": "unknown", "anomaly-types": ["empty-transaction-graph"],
        "anomalies": {"empty-transaction-graph": true},
        "not": ["read-atomic", "read-committed"]
    });
    assert_eq!(c(&models(&["read-uncommitted"]), &h), unseen);
    let seen = json!({
        "valid?": false, "anomaly-types": ["G1a", "empty-transaction-graph"],
        "not": ["read-atomic", "read-committed"],
        "anomalies": {
            "empty-transaction-graph": true,
            "G1a": [{"op": h.op(1), "writer": h.op(0), "mop": ["r", "x", [1]], "element": 1}]
        }
    });
    assert_eq!(c(&models(&["read-committed"]), &h), seen);
    assert_eq!(c(&anomalies(&["G2"]), &h), unseen);
    assert_eq!(c(&models(&["repeatable-read"]), &h), seen);
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test, "G1b".
#[test]
fn checker_test_g1b() {
    let mut h = empty();
    h.pair(0, "ax1ax2").pair(0, "rx1");
    assert_eq!(c(&anomalies(&["G0"]), &h), valid());
    let g1b = json!([{"op": h.op(3), "writer": h.op(1), "mop": ["r", "x", [1]], "element": 1}]);
    assert_eq!(
        c(&anomalies(&["G1"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G1b"], "not": ["read-committed"],
            "anomalies": {"G1b": g1b}
        })
    );
    // "G2 catches G-single but won't actually report G1b" (select-keys)
    let v = c(&anomalies(&["G2"]), &h);
    assert_eq!(
        json!({"valid?": v["valid?"], "not": v["not"], "anomaly-types": v["anomaly-types"]}),
        json!({"valid?": false, "not": ["read-committed"], "anomaly-types": ["G-single"]})
    );
    assert_eq!(
        c(&models(&["strict-serializable"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G-single", "G1b"], "not": ["read-committed"],
            "anomalies": {
                "G1b": g1b,
                "G-single": [cycle(&h, "G-single", &[3, 1, 3], json!([
                    {"type": "rw", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 1},
                    {"type": "wr", "key": "x", "value": 1, "a-mop-index": 0, "b-mop-index": 0}
                ]))]
            }
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test, "G1c".
#[test]
fn checker_test_g1c() {
    let h = of(&["ax1ry1", "ax2ay1", "rx12ry1"]);
    let msg = cycle(
        &h,
        "G1c",
        &[1, 0, 1],
        json!([
            {"type": "wr", "key": "y", "value": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]),
    );
    assert_eq!(c(&anomalies(&["G0"]), &h), valid());
    assert_eq!(
        c(&anomalies(&["G1"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G1c"], "not": ["read-committed"],
            "anomalies": {"G1c": [msg]}
        })
    );
    assert_eq!(c(&anomalies(&["G2"]), &h), valid());
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "G-single".
#[test]
fn checker_test_g_single() {
    let h = of(&["ax1ay1", "ax2ry", "rx12"]);
    let msg = cycle(
        &h,
        "G-single",
        &[1, 0, 1],
        json!([
            {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]),
    );
    assert_eq!(c(&anomalies(&["G0"]), &h), valid());
    assert_eq!(c(&anomalies(&["G1"]), &h), valid());
    let want = json!({
        "valid?": false, "anomaly-types": ["G-single"], "not": ["consistent-view"],
        "anomalies": {"G-single": [msg]}
    });
    assert_eq!(c(&anomalies(&["G-single"]), &h), want);
    assert_eq!(c(&anomalies(&["G2"]), &h), want);
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test, "G2".
#[test]
fn checker_test_g2() {
    let h = of(&["ax1ry", "ay1rx"]);
    assert_eq!(c(&anomalies(&["G0"]), &h), valid());
    assert_eq!(c(&anomalies(&["G1"]), &h), valid());
    assert_eq!(c(&models(&["read-committed"]), &h), valid());
    let err = json!({
        "valid?": false, "anomaly-types": ["G2-item"], "not": ["repeatable-read"],
        "anomalies": {"G2-item": [cycle(&h, "G2-item", &[1, 0, 1], json!([
            {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0},
            {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0}
        ]))]}
    });
    // Elle's cycle starts at t2, ours at t1 (see `up_to_rotation`).
    let err = up_to_rotation(&err);
    assert_eq!(up_to_rotation(&c(&anomalies(&["G2"]), &h)), err);
    assert_eq!(up_to_rotation(&c(&models(&["serializable"]), &h)), err);
    assert_eq!(up_to_rotation(&c(&models(&["repeatable-read"]), &h)), err);
}

/// The four-txn histories of "Strong SI violation" and "Strong Session SI
/// violation": t0 appends x 1, t1 appends x 2, t2 reads [1], t3 reads
/// [1 2]; t1 and t2 by `p12` (1 for the session case), others by their own
/// process.
fn strong_si(p2: u64) -> H {
    let mut h = empty();
    for (p, s) in [(0, "ax1"), (1, "ax2"), (p2, "rx1"), (3, "rx12")] {
        h.invoke(p, s).done(p, OpType::Ok, s);
    }
    h
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "Strong SI violation".
#[test]
fn checker_test_strong_si_violation() {
    let h = strong_si(2);
    assert_eq!(c(&anomalies(&["G2"]), &h), valid());
    assert_eq!(c(&models(&["serializable"]), &h), valid());
    assert_eq!(
        c(&models(&["strict-serializable"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G-single-realtime"],
            "not": ["strong-snapshot-isolation"],
            "anomalies": {"G-single-realtime": [cycle(&h, "G-single-realtime", &[5, 3, 5], json!([
                {"type": "rw", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
                {"type": "realtime", "a'": h.op(3), "b": h.op(4)}
            ]))]}
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "Strong Session SI violation".
#[test]
fn checker_test_strong_session_si_violation() {
    let h = strong_si(1);
    assert_eq!(c(&models(&["serializable"]), &h), valid());
    assert_eq!(
        c(&models(&["strong-session-snapshot-isolation"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G-single-process"],
            "not": ["strong-session-serializable", "strong-session-snapshot-isolation"],
            "anomalies": {"G-single-process": [cycle(&h, "G-single-process", &[5, 3, 5], json!([
                {"type": "rw", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
                {"type": "process", "process": 1}
            ]))]}
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "G-nonadjacent-process" (elle issue 17).
#[test]
fn checker_test_g_nonadjacent_process() {
    let mut h = empty();
    h.push(
        0,
        OpType::Invoke,
        json!([["r", "x", null], ["r", "z", null]]),
    )
    .push(0, OpType::Ok, json!([["r", "x", null], ["r", "z", [1]]]))
    .invoke(1, "ax1")
    .done(1, OpType::Ok, "ax1")
    .invoke(1, "rz")
    .done(1, OpType::Ok, "rz")
    .invoke(2, "az1")
    .done(2, OpType::Ok, "az1");
    assert_eq!(c(&models(&["serializable"]), &h), valid());
    assert_eq!(
        c(&models(&["strong-session-snapshot-isolation"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G-nonadjacent-process"],
            "not": ["strong-session-serializable", "strong-session-snapshot-isolation"],
            "anomalies": {"G-nonadjacent-process": [cycle(&h, "G-nonadjacent-process", &[3, 5, 7, 1, 3], json!([
                {"type": "process", "process": 1},
                {"type": "rw", "key": "z", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 0},
                {"type": "wr", "key": "z", "value": 1, "a-mop-index": 0, "b-mop-index": 1},
                {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 0}
            ]))]}
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "contradictory read orders" (its `:directory` only writes files).
#[test]
fn checker_test_contradictory_read_orders() {
    let h = of(&["ax1ry1", "ax2", "ax3ay1", "rx13", "rx123"]);
    assert_eq!(
        c(&anomalies(&["G1"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G1c", "incompatible-order"],
            "not": ["read-atomic", "read-committed"],
            "anomalies": {
                "incompatible-order": [{"key": "x", "values": [[1, 3], [1, 2, 3]]}],
                "G1c": [cycle(&h, "G1c", &[2, 0, 1, 2], json!([
                    {"type": "wr", "key": "y", "value": 1, "a-mop-index": 1, "b-mop-index": 1},
                    {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
                    {"type": "ww", "key": "x", "value": 2, "value'": 3, "a-mop-index": 0, "b-mop-index": 0}
                ]))]
            }
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "dirty update" ("none", "direct", "indirect").
#[test]
fn checker_test_dirty_update() {
    let dirty = anomalies(&["dirty-update"]);
    let mut none = empty();
    none.done(0, OpType::Fail, "ax1");
    assert_eq!(
        c(&dirty, &none),
        json!({
            "valid?": "unknown", "anomaly-types": ["empty-transaction-graph"], "not": [],
            "anomalies": {"empty-transaction-graph": true}
        })
    );
    let mut direct = empty();
    direct
        .done(0, OpType::Fail, "ax1")
        .done(1, OpType::Ok, "ax2")
        .done(2, OpType::Ok, "rx12");
    assert_eq!(
        c(&dirty, &direct),
        json!({
            "valid?": false, "anomaly-types": ["dirty-update"],
            "not": ["read-atomic", "read-committed"],
            "anomalies": {"dirty-update": [
                {"key": "x", "values": [1, 2], "txns": [direct.op(0), "...", direct.op(1)]}
            ]}
        })
    );
    let mut indirect = empty();
    indirect
        .done(0, OpType::Fail, "ax1")
        .done(1, OpType::Info, "ax2")
        .done(2, OpType::Ok, "ax3")
        .done(3, OpType::Ok, "rx123");
    assert_eq!(
        c(&dirty, &indirect),
        json!({
            "valid?": false, "anomaly-types": ["dirty-update"],
            "not": ["read-atomic", "read-committed"],
            "anomalies": {"dirty-update": [
                {"key": "x", "values": [1, 2, 3], "txns": [indirect.op(0), "...", indirect.op(2)]}
            ]}
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "duplicated elements".
#[test]
fn checker_test_duplicated_elements() {
    let h = of(&["ax1ry1", "ax2ay1", "rx121"]);
    assert_eq!(
        c(&models(&["read-committed"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["G1c", "duplicate-elements"],
            "not": ["read-uncommitted"],
            "anomalies": {
                "duplicate-elements": [{"op": h.op(2), "mop": ["r", "x", [1, 2, 1]], "duplicates": {"1": 2}}],
                "G1c": [cycle(&h, "G1c", &[1, 0, 1], json!([
                    {"type": "wr", "key": "y", "value": 1, "a-mop-index": 1, "b-mop-index": 1},
                    {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
                ]))]
            }
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest checker-test,
/// "internal consistency violation".
#[test]
fn checker_test_internal_consistency_violation() {
    let h = of(&["ax1ax2ax4", "ax3rx1234"]);
    assert_eq!(
        c(&anomalies(&["internal"]), &h),
        json!({
            "valid?": false, "anomaly-types": ["internal"],
            "not": ["read-atomic", "read-uncommitted"],
            "anomalies": {"internal": [
                {"op": h.op(1), "mop": ["r", "x", [1, 2, 3, 4]], "expected": ["...", 3]}
            ]}
        })
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest unobserved-write-test.
#[test]
fn unobserved_write_test() {
    let mut h = empty();
    let txns = ["ax1ay1", "ax2ay2", "ax3ay3", "rx12", "ry2"];
    for s in txns {
        h.invoke(0, s);
    }
    for s in txns {
        h.ok(s);
    }
    // [w1 w2 w3 rx ry w1' w2' w3' rx' ry'] = positions 0..9. Elle's G0
    // cycle starts at w2', ours at w1' (see `up_to_rotation`).
    assert_eq!(
        up_to_rotation(&c(&models(&["serializable"]), &h)),
        up_to_rotation(&json!({
            "valid?": false, "anomaly-types": ["G-single", "G0"], "not": ["read-uncommitted"],
            "anomalies": {
                "G-single": [cycle(&h, "G-single", &[9, 5, 6, 9], json!([
                    {"type": "rw", "key": "y", "value": 2, "value'": 1, "a-mop-index": 0, "b-mop-index": 1},
                    {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
                    {"type": "wr", "key": "y", "value": 2, "a-mop-index": 1, "b-mop-index": 0}
                ]))],
                "G0": [cycle(&h, "G0", &[6, 5, 6], json!([
                    {"type": "ww", "key": "y", "value": 2, "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
                    {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
                ]))]
            }
        }))
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest repeatable-read-test.
#[test]
fn repeatable_read_test() {
    let h = of(&["rxay1", "ryax1"]);
    assert_eq!(c(&models(&["read-committed"]), &h), valid());
    // Elle's cycle starts at t2, ours at t1 (see `up_to_rotation`).
    assert_eq!(
        up_to_rotation(&c(&models(&["repeatable-read"]), &h)),
        up_to_rotation(&json!({
            "valid?": false, "not": ["repeatable-read"], "anomaly-types": ["G2-item"],
            "anomalies": {"G2-item": [cycle(&h, "G2-item", &[1, 0, 1], json!([
                {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 1},
                {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 1}
            ]))]}
        }))
    );
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest G-nonadjacent-test,
/// with Elle's default options (`(c {} h)`).
#[test]
fn g_nonadjacent_test() {
    let mut h = empty();
    h.pair(0, "ax1")
        .pair(0, "rx1ry")
        .pair(0, "ay1")
        .pair(0, "ry1rx");
    assert_eq!(
        c(&defaults(), &h),
        json!({
            "valid?": false, "not": ["snapshot-isolation"], "anomaly-types": ["G-nonadjacent"],
            "anomalies": {"G-nonadjacent": [cycle(&h, "G-nonadjacent", &[1, 3, 5, 7, 1], json!([
                {"type": "wr", "key": "x", "value": 1, "a-mop-index": 0, "b-mop-index": 0},
                {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0},
                {"type": "wr", "key": "y", "value": 1, "a-mop-index": 0, "b-mop-index": 0},
                {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0}
            ]))]}
        })
    );
    // rw rw wr rw wr: two of the rw edges are adjacent.
    let mut h = empty();
    h.pair(0, "rx5ay1")
        .pair(0, "ryaz2")
        .pair(0, "rzat3")
        .pair(0, "rt3au4")
        .pair(0, "ruax5");
    assert_eq!(c(&models(&["snapshot-isolation"]), &h), valid());
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest lost-update-test.
#[test]
fn lost_update_test() {
    let mut h = empty();
    h.pair(0, "ax0").pair(0, "rx0ax1").pair(0, "rx0ax2");
    assert_eq!(
        c(&defaults(), &h),
        json!({
            "valid?": false, "not": ["ROLA", "cursor-stability"],
            "anomaly-types": ["G2-item", "lost-update"],
            "anomalies": {
                "lost-update": [{"key": "x", "value": [0], "txns": [h.op(3), h.op(5)]}],
                "G2-item": [cycle(&h, "G2-item", &[3, 5, 3], json!([
                    {"type": "rw", "key": "x", "value": 0, "value'": 2, "a-mop-index": 0, "b-mop-index": 1},
                    {"type": "rw", "key": "x", "value": 0, "value'": 1, "a-mop-index": 0, "b-mop-index": 1}
                ]))]
            }
        })
    );
    // "one txn, double write"
    let mut h = empty();
    h.pair(0, "rxax1ax2").pair(0, "rx12");
    assert_eq!(c(&defaults(), &h), valid());
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest ^:perf
/// perfect-perf-test: txns of Elle's generator run one at a time against a
/// perfect store, each by a random one of 10 processes; `(check h)` is
/// valid. Our generator is Maelstrom's `append-txns` (the same Elle
/// function). Elle runs 1e6 txns; see `PERFECT_PERF_TXNS`.
#[test]
fn perfect_perf_test() {
    use crate::workloads::txn_list_append::AppendTxns;
    use crate::workloads::txn_rw_register::WrTxns;
    use std::collections::HashMap;
    let opts = crate::workloads::TestOpts::defaults(vec!["n0".into()]);
    let mut gen = AppendTxns(WrTxns::new(&opts));
    let mut rng = fastrand::Rng::with_seed(11);
    let mut state: HashMap<String, Vec<Value>> = HashMap::new();
    let mut h = empty();
    for _ in 0..PERFECT_PERF_TXNS {
        let process = rng.u64(0..10);
        let txn = gen.txn(&mut rng);
        h.push(process, OpType::Invoke, txn.clone());
        let done: Vec<Value> = txn
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let list = state.entry(m[1].to_string()).or_default();
                if m[0] == "append" {
                    list.push(m[2].clone());
                    m.clone()
                } else if list.is_empty() {
                    json!(["r", m[1], null])
                } else {
                    json!(["r", m[1], list.clone()])
                }
            })
            .collect();
        h.push(process, OpType::Ok, Value::Array(done));
    }
    let started = std::time::Instant::now();
    assert_eq!(c(&defaults(), &h), valid());
    eprintln!(
        "list-append perfect-perf-test: {PERFECT_PERF_TXNS} txns checked in {:?}",
        started.elapsed()
    );
}

/// Elle's 1e6 takes too long for a debug `cargo test` (see docs/fidelity.md,
/// "Ported test suites: Elle", for the measured times).
const PERFECT_PERF_TXNS: usize = 100_000;
