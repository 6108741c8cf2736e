//! Must-fire and must-not histories for every anomaly class of the
//! list-append checker, most of them transcribed from Elle 0.1.6's own
//! `test/elle/list_append_test.clj` with the verdicts and explanations its
//! tests expect. Elle's tests that pass `:anomalies [...]` (an option
//! Maelstrom never passes) are checked here under the consistency model that
//! prohibits those anomalies.

use super::super::graph::{RW, WR, WW};
use super::super::tests::request;
use super::cases;
use super::deps::{self, Indices};
use super::history::La;
use super::shorthand::txn as t;
use crate::checkers::elle::ElleOpts;
use crate::checkers::testing::op_at;
use crate::checkers::Validity;
use crate::history::{History, Op, OpType, Process};
use crate::workloads::txn_list_append;
use serde_json::{json, Value};

#[derive(Default)]
struct H {
    ops: Vec<Op>,
}

impl H {
    fn push(&mut self, p: u64, kind: OpType, value: Value) -> &mut Self {
        let i = self.ops.len();
        self.ops.push(op_at(
            i,
            i as u64 * 1_000_000,
            Process::Client(p),
            kind,
            "txn",
            value,
        ));
        self
    }
    /// A completion with no invocation (Elle's `(op "...")`), process 0.
    fn done(&mut self, kind: OpType, s: &str) -> &mut Self {
        self.push(0, kind, t(s))
    }
    fn ok(&mut self, s: &str) -> &mut Self {
        self.done(OpType::Ok, s)
    }
    fn invoke(&mut self, p: u64, s: &str) -> &mut Self {
        self.push(p, OpType::Invoke, request(&t(s)))
    }
    fn complete(&mut self, p: u64, s: &str) -> &mut Self {
        self.push(p, OpType::Ok, t(s))
    }
    /// Elle's `pair`: invocation then completion, process `p`.
    fn pair(&mut self, p: u64, s: &str) -> &mut Self {
        self.invoke(p, s).complete(p, s)
    }
    fn history(&self) -> History {
        History::new(self.ops.clone())
    }
    fn op(&self, i: usize) -> Value {
        serde_json::to_value(&self.ops[i]).unwrap()
    }
}

fn run(h: &H, model: &str) -> Value {
    let opts = ElleOpts::maelstrom(vec![model.to_string()]);
    txn_list_append::check(&h.history(), &opts).to_json()
}

fn types(v: &Value) -> Vec<&str> {
    v["anomaly-types"]
        .as_array()
        .map(|a| a.iter().map(|t| t.as_str().unwrap()).collect())
        .unwrap_or_default()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

fn assert_valid(h: &H, model: &str) {
    let v = run(h, model);
    assert_eq!(v, json!({"valid?": true}), "{model}");
}

fn assert_invalid(h: &H, model: &str, expected: &[&str], not: &[&str]) -> Value {
    let v = run(h, model);
    assert_eq!(v["valid?"], json!(false), "{model}: {v:#}");
    assert_eq!(types(&v), expected, "{model}: {v:#}");
    assert_eq!(strs(&v["not"]), not, "{model}: {v:#}");
    v
}

/// A cycle `{cycle, steps}` rotated to start at its op of smallest index:
/// our search starts from the first txn in history order where Elle starts
/// from Bifurcan's hash order, so the same cycle may come out rotated.
fn rotated(c: &Value) -> Value {
    let cycle = c["cycle"].as_array().unwrap();
    let steps = c["steps"].as_array().unwrap();
    let n = steps.len();
    let start = (0..n).min_by_key(|&i| cycle[i]["index"].as_u64()).unwrap();
    let mut out_c: Vec<Value> = (0..n).map(|i| cycle[(start + i) % n].clone()).collect();
    out_c.push(out_c[0].clone());
    let out_s: Vec<Value> = (0..n).map(|i| steps[(start + i) % n].clone()).collect();
    json!({"cycle": out_c, "steps": out_s})
}

fn assert_cycle(found: &Value, cycle: Value, steps: Value) {
    assert_eq!(
        rotated(found),
        rotated(&json!({"cycle": cycle, "steps": steps})),
        "{found:#}"
    );
}

/// The edges of the ww / wr / rw graph (strict-serializable adds no
/// realtime edges between completions that have no invocation).
fn edges(h: &H) -> Vec<(u32, u32, u8)> {
    let hist = h.history();
    let la = La::new(&hist).unwrap();
    let possible: Vec<usize> = la.possible().collect();
    let idx = Indices::new(&la, &possible, &la.sorted_values(&possible));
    let g = deps::build(&la, &possible, &idx, super::super::deps::OrderGraph::None);
    let mut out = Vec::new();
    for (a, list) in g.adj.iter().enumerate() {
        for &(b, l) in list {
            out.push((a as u32, b, l));
        }
    }
    out
}

#[test]
fn graph_edges_follow_elles_graph_test() {
    // "read empty, append, read": rx -rw-> ax1 -wr-> rx1.
    let mut h = H::default();
    h.ok("rx").ok("ax1").ok("rx1");
    assert_eq!(edges(&h), vec![(0, 1, RW), (1, 2, WR)]);
    // "append, append, read": ax1 -ww-> ax2 -wr-> rx12.
    let mut h = H::default();
    h.ok("ax2").ok("ax1").ok("rx12");
    assert_eq!(edges(&h), vec![(0, 2, WR), (1, 0, WW)]);
    // One append, one empty read, no read of the append: a single append's
    // version order is known anyway ("single appends without reads").
    let mut h = H::default();
    h.ok("rx").ok("ax1");
    assert_eq!(edges(&h), vec![(0, 1, RW)]);
    // "multiple appends without reads": both come after the empty read.
    let mut h = H::default();
    h.ok("rx").ok("ax1").ok("ax2");
    assert_eq!(edges(&h), vec![(0, 1, RW), (0, 2, RW)]);
    // Adya, Liskov, O'Neil figure 3.
    let mut h = H::default();
    h.ok("az1ax1ay1").ok("rx1ay2").ok("ry12az3").ok("rz13");
    assert_eq!(
        edges(&h),
        vec![(0, 1, WR | WW), (0, 2, WW), (1, 2, WR), (2, 3, WR)]
    );
    // "info reads": an :info op's nil read is no observation.
    let mut h = H::default();
    h.push(0, OpType::Info, t("ax2ry"))
        .ok("ax1ay1")
        .ok("rx12ry1");
    assert_eq!(edges(&h), vec![(0, 2, WR), (1, 0, WW), (1, 2, WR)]);
}

#[test]
fn duplicate_appends_and_bad_micro_ops_make_the_checker_unknown() {
    let mut h = H::default();
    h.push(
        0,
        OpType::Invoke,
        json!([["append", "x", 1], ["r", "y", null]]),
    )
    .push(
        1,
        OpType::Invoke,
        json!([["append", "y", 2], ["append", "x", 1]]),
    );
    let v = run(&h, "strict-serializable");
    assert_eq!(v["valid?"], json!("unknown"));
    assert!(
        v["error"].as_str().unwrap().contains("duplicate-appends"),
        "{v}"
    );
    let mut h = H::default();
    h.push(0, OpType::Ok, json!([["w", "x", 1]]));
    assert_eq!(run(&h, "strict-serializable")["valid?"], json!("unknown"));
    let mut h = H::default();
    h.push(0, OpType::Ok, json!([["r", "x", 1]]));
    assert_eq!(run(&h, "strict-serializable")["valid?"], json!("unknown"));
}

#[test]
fn g0_write_cycle() {
    // Elle: x => t1, t2 but y => t2, t1.
    let mut bad = H::default();
    bad.ok("ax1ay1").ok("ax2ay2").ok("rx12ry21");
    let v = assert_invalid(&bad, "read-uncommitted", &["G0"], &["read-uncommitted"]);
    assert_cycle(
        &v["anomalies"]["G0"][0],
        json!([bad.op(1), bad.op(0), bad.op(1)]),
        json!([
            {"type": "ww", "key": "y", "value": 2, "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]),
    );
    // Both keys in the same order: no cycle.
    let mut good = H::default();
    good.ok("ax1ay1").ok("ax2ay2").ok("rx12ry12");
    assert_valid(&good, "read-uncommitted");
}

#[test]
fn g1a_aborted_read() {
    let mut h = H::default();
    h.done(OpType::Fail, "ax1").ok("rx1");
    // Elle: read-uncommitted only sees the empty graph.
    let v = run(&h, "read-uncommitted");
    assert_eq!(v["valid?"], json!("unknown"));
    assert_eq!(types(&v), ["empty-transaction-graph"]);
    assert_eq!(strs(&v["not"]), ["read-atomic", "read-committed"]);
    for model in ["read-committed", "repeatable-read"] {
        let v = assert_invalid(
            &h,
            model,
            &["G1a", "empty-transaction-graph"],
            &["read-atomic", "read-committed"],
        );
        assert_eq!(
            v["anomalies"]["G1a"],
            json!([{"op": h.op(1), "writer": h.op(0), "mop": ["r", "x", [1]], "element": 1}])
        );
    }
    // The writer crashed instead of failing: it may have committed.
    let mut good = H::default();
    good.done(OpType::Info, "ax1").ok("rx1");
    assert_valid(&good, "read-committed");
}

#[test]
fn g1b_intermediate_read() {
    let mut bad = H::default();
    bad.pair(0, "ax1ax2").pair(1, "rx1");
    let v = assert_invalid(
        &bad,
        "strict-serializable",
        &["G-single", "G1b"],
        &["read-committed"],
    );
    assert_eq!(
        v["anomalies"]["G1b"],
        json!([{"op": bad.op(3), "writer": bad.op(1), "mop": ["r", "x", [1]], "element": 1}])
    );
    assert_eq!(
        v["anomalies"]["G-single"][0]["steps"],
        json!([
            {"type": "rw", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 1},
            {"type": "wr", "key": "x", "value": 1, "a-mop-index": 0, "b-mop-index": 0}
        ])
    );
    assert_eq!(
        v["anomalies"]["G-single"][0]["cycle"],
        json!([bad.op(3), bad.op(1), bad.op(3)])
    );
    // Reading the final append, or one's own intermediate state, is fine.
    let mut good = H::default();
    good.pair(0, "ax1ax2").pair(1, "rx12").pair(2, "ay1ry1ay2");
    assert_valid(&good, "strict-serializable");
    let found = cases::g1b(&La::new(&good.history()).unwrap());
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn g1c_circular_information_flow() {
    // T2 appends x after T1, but T1 read T2's append to y.
    let mut bad = H::default();
    bad.ok("ax1ry1").ok("ax2ay1").ok("rx12ry1");
    let v = assert_invalid(&bad, "read-committed", &["G1c"], &["read-committed"]);
    assert_eq!(
        v["anomalies"]["G1c"][0],
        json!({"cycle": [bad.op(1), bad.op(0), bad.op(1)], "type": "G1c", "steps": [
            {"type": "wr", "key": "y", "value": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]})
    );
    assert_valid(&bad, "read-uncommitted");
    // T1 read y before T2's append: the information flows one way.
    let mut good = H::default();
    good.ok("ax1ry").ok("ax2ay1").ok("rx12ry1");
    assert_valid(&good, "read-committed");
}

#[test]
fn g_single_read_skew() {
    let mut bad = H::default();
    bad.ok("ax1ay1").ok("ax2ry").ok("rx12");
    let v = assert_invalid(&bad, "serializable", &["G-single"], &["consistent-view"]);
    assert_eq!(
        v["anomalies"]["G-single"][0]["steps"],
        json!([
            {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ])
    );
    let text = v["cycle-explanations"]["G-single"][0].as_str().unwrap();
    assert!(
        text.contains("T1 < T2, because T1 observed the initial (nil) state of \"y\", which T2 created by appending 1.")
            && text.ends_with("However, T2 < T1, because T1 appended 2 after T2 appended 1 to \"x\": a contradiction!"),
        "{text}"
    );
    for model in ["read-committed", "read-uncommitted"] {
        assert_valid(&bad, model);
    }
    // T2 saw T1's append to y: serializable (T1 then T2).
    let mut good = H::default();
    good.ok("ax1ay1").ok("ax2ry1").ok("rx12");
    assert_valid(&good, "serializable");
}

#[test]
fn g2_item_anti_dependency_cycle() {
    let mut bad = H::default();
    bad.ok("ax1ry").ok("ay1rx");
    for model in ["serializable", "repeatable-read"] {
        let v = assert_invalid(&bad, model, &["G2-item"], &["repeatable-read"]);
        assert_cycle(
            &v["anomalies"]["G2-item"][0],
            json!([bad.op(1), bad.op(0), bad.op(1)]),
            json!([
                {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0},
                {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 1, "b-mop-index": 0}
            ]),
        );
    }
    assert_valid(&bad, "read-committed");
    // One of them saw the other's append.
    let mut good = H::default();
    good.ok("ax1ry").ok("ay1rx1");
    assert_valid(&good, "serializable");
}

#[test]
fn g_nonadjacent() {
    let mut bad = H::default();
    bad.pair(0, "ax1")
        .pair(0, "rx1ry")
        .pair(0, "ay1")
        .pair(0, "ry1rx");
    let v = assert_invalid(
        &bad,
        "strict-serializable",
        &["G-nonadjacent"],
        &["snapshot-isolation"],
    );
    assert_eq!(
        v["anomalies"]["G-nonadjacent"][0]["cycle"],
        json!([bad.op(1), bad.op(3), bad.op(5), bad.op(7), bad.op(1)])
    );
    // Elle: rw rw wr rw wr has adjacent rw edges, so it is no G-nonadjacent.
    let mut good = H::default();
    good.pair(0, "rx5ay1")
        .pair(0, "ryaz2")
        .pair(0, "rzat3")
        .pair(0, "rt3au4")
        .pair(0, "ruax5");
    assert_valid(&good, "snapshot-isolation");
}

/// Elle 0.1.6 test/elle/list_append_test.clj, "G-nonadjacent-process"
/// (elle issue 17): process order plus nonadjacent rw edges.
#[test]
fn g_nonadjacent_process() {
    let mut h = H::default();
    h.pair(0, "rxrz1") // wr: sees t3's append to z; rw: misses t1's to x
        .pair(1, "ax1")
        .pair(1, "rz") // process order after t1; rw: misses t3's append
        .pair(2, "az1");
    assert_valid(&h, "serializable");
    let v = assert_invalid(
        &h,
        "strong-session-snapshot-isolation",
        &["G-nonadjacent-process"],
        &[
            "strong-session-serializable",
            "strong-session-snapshot-isolation",
        ],
    );
    let g = &v["anomalies"]["G-nonadjacent-process"][0];
    assert_eq!(
        g["cycle"],
        json!([h.op(3), h.op(5), h.op(7), h.op(1), h.op(3)])
    );
    assert_eq!(g["steps"][0], json!({"type": "process", "process": 1}));
}

#[test]
fn realtime_and_process_variants() {
    // Elle's "Strong SI violation": T2 misses T1's append though T1 finished first.
    let mut h = H::default();
    h.pair(0, "ax1")
        .pair(1, "ax2")
        .pair(2, "rx1")
        .pair(3, "rx12");
    assert_valid(&h, "serializable");
    let v = assert_invalid(
        &h,
        "strict-serializable",
        &["G-single-realtime"],
        &["strong-snapshot-isolation"],
    );
    assert_eq!(
        v["anomalies"]["G-single-realtime"][0]["steps"],
        json!([
            {"type": "rw", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
            {"type": "realtime", "a'": h.op(3), "b": h.op(4)}
        ])
    );
    let text = v["cycle-explanations"]["G-single-realtime"][0]
        .as_str()
        .unwrap();
    assert!(text.contains("T2 completed at index 3, 0.001 seconds before the invocation of T1, at index 4: a contradiction!"), "{text}");
    // Same ops, but T2's read began before T1 finished: no real-time order.
    let mut good = H::default();
    good.pair(0, "ax1")
        .invoke(1, "ax2")
        .invoke(2, "rx1")
        .complete(1, "ax2")
        .complete(2, "rx1")
        .pair(3, "rx12");
    assert_valid(&good, "strict-serializable");
    // Elle's "Strong Session SI violation": the same process ran T1 then T2.
    let mut h = H::default();
    h.pair(0, "ax1")
        .pair(1, "ax2")
        .pair(1, "rx1")
        .pair(2, "rx12");
    assert_valid(&h, "serializable");
    let v = assert_invalid(
        &h,
        "strong-session-snapshot-isolation",
        &["G-single-process"],
        &[
            "strong-session-serializable",
            "strong-session-snapshot-isolation",
        ],
    );
    assert_eq!(
        v["anomalies"]["G-single-process"][0]["steps"][1],
        json!({"type": "process", "process": 1})
    );
}

#[test]
fn incompatible_order_and_g1c() {
    // Elle's "contradictory read orders" (asked for G1 there).
    let mut bad = H::default();
    bad.ok("ax1ry1")
        .ok("ax2")
        .ok("ax3ay1")
        .ok("rx13")
        .ok("rx123");
    let v = assert_invalid(
        &bad,
        "read-committed",
        &["G1c", "incompatible-order"],
        &["read-atomic", "read-committed"],
    );
    assert_eq!(
        v["anomalies"]["incompatible-order"],
        json!([{"key": "x", "values": [[1, 3], [1, 2, 3]]}])
    );
    assert_eq!(
        v["anomalies"]["G1c"][0]["cycle"],
        json!([bad.op(2), bad.op(0), bad.op(1), bad.op(2)])
    );
    let mut good = H::default();
    good.ok("ax1").ok("ax2").ok("ax3").ok("rx12").ok("rx123");
    assert_valid(&good, "read-committed");
}

#[test]
fn dirty_update() {
    // Elle's "none": just a failed append.
    let mut h = H::default();
    h.done(OpType::Fail, "ax1");
    let v = run(&h, "read-committed");
    assert_eq!(v["valid?"], json!("unknown"));
    assert_eq!(types(&v), ["empty-transaction-graph"]);
    // "direct": an append committed on top of a failed one (also a G1a).
    let mut bad = H::default();
    bad.push(0, OpType::Fail, t("ax1"))
        .push(1, OpType::Ok, t("ax2"))
        .push(2, OpType::Ok, t("rx12"));
    let v = assert_invalid(
        &bad,
        "read-committed",
        &["G1a", "dirty-update"],
        &["read-atomic", "read-committed"],
    );
    assert_eq!(
        v["anomalies"]["dirty-update"],
        json!([{"key": "x", "values": [1, 2], "txns": [bad.op(0), "...", bad.op(1)]}])
    );
    // "indirect": fail, info, ok.
    let mut bad = H::default();
    bad.push(0, OpType::Fail, t("ax1"))
        .push(1, OpType::Info, t("ax2"))
        .push(2, OpType::Ok, t("ax3"))
        .push(3, OpType::Ok, t("rx123"));
    let v = run(&bad, "read-committed");
    assert_eq!(
        v["anomalies"]["dirty-update"],
        json!([{"key": "x", "values": [1, 2, 3], "txns": [bad.op(0), "...", bad.op(2)]}])
    );
    // The first append was the one that committed.
    let mut good = H::default();
    good.push(1, OpType::Ok, t("ax2"))
        .push(0, OpType::Fail, t("ax1"))
        .push(2, OpType::Ok, t("rx2"));
    assert_valid(&good, "read-committed");
}

#[test]
fn duplicate_elements() {
    // Elle's "duplicated elements" (also a G1c).
    let mut bad = H::default();
    bad.ok("ax1ry1").ok("ax2ay1").ok("rx121");
    let v = assert_invalid(
        &bad,
        "read-committed",
        &["G1c", "duplicate-elements"],
        &["read-uncommitted"],
    );
    assert_eq!(
        v["anomalies"]["duplicate-elements"],
        json!([{"op": bad.op(2), "mop": ["r", "x", [1, 2, 1]], "duplicates": {"1": 2}}])
    );
    let mut good = H::default();
    good.ok("ax1").ok("ax2").ok("rx12");
    assert_valid(&good, "read-uncommitted");
}

#[test]
fn internal_cases_follow_elle() {
    let ok = |v: Value| {
        let mut h = H::default();
        h.push(0, OpType::Ok, v);
        h
    };
    let found = |h: &H| cases::internal(&La::new(&h.history()).unwrap());
    let good = ok(json!([
        ["r", "y", [5, 6]],
        ["append", "x", 3],
        ["r", "x", [1, 2, 3]],
        ["append", "x", 4],
        ["r", "x", [1, 2, 3, 4]]
    ]));
    assert!(found(&good).is_empty());
    for (read, expected) in [
        (json!([1, 2]), json!([1, 2, 3])),
        (json!([0, 2, 3]), json!([1, 2, 3])),
        (json!([1, 2, 3, 4]), json!([1, 2, 3])),
        (json!([1]), json!([1, 2, 3])),
    ] {
        let h = ok(json!([
            ["r", "x", [1, 2]],
            ["append", "x", 3],
            ["r", "x", read]
        ]));
        let c = found(&h);
        assert_eq!(
            c,
            vec![json!({"op": h.op(0), "mop": ["r", "x", read], "expected": expected})]
        );
    }
    for read in [json!([1, 2, 3, 4]), json!([]), Value::Null] {
        let h = ok(json!([["append", 0, 6], ["append", 0, 3], ["r", 0, read]]));
        assert_eq!(found(&h)[0]["expected"], json!(["...", 6, 3]), "{read}");
    }
    let h = ok(json!([
        ["append", 0, 6],
        ["append", 0, 3],
        ["r", 0, [1, 6, 3]]
    ]));
    assert!(found(&h).is_empty());
    // End to end: prohibited by serializable, not by read-committed.
    let mut bad = H::default();
    bad.ok("ax1ax2ax4").ok("ax3rx1234");
    let v = run(&bad, "serializable");
    assert!(types(&v).contains(&"internal"), "{v}");
    let mut good = H::default();
    good.ok("ax1ax2ax4").ok("ax3rx12343").ok("rx12343");
    assert!(!types(&run(&good, "serializable")).contains(&"internal"));
}

#[test]
fn unobserved_writes_are_ordered_after_the_longest_read() {
    let mut h = H::default();
    for s in ["ax1ay1", "ax2ay2", "ax3ay3", "rx12", "ry2"] {
        h.invoke(0, s);
    }
    for s in ["ax1ay1", "ax2ay2", "ax3ay3", "rx12", "ry2"] {
        h.complete(0, s);
    }
    let v = run(&h, "serializable");
    assert_eq!(types(&v), ["G-single", "G0"]);
    assert_cycle(
        &v["anomalies"]["G0"][0],
        json!([h.op(6), h.op(5), h.op(6)]),
        json!([
            {"type": "ww", "key": "y", "value": 2, "value'": 1, "a-mop-index": 1, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0}
        ]),
    );
    assert_cycle(
        &v["anomalies"]["G-single"][0],
        json!([h.op(9), h.op(5), h.op(6), h.op(9)]),
        json!([
            {"type": "rw", "key": "y", "value": 2, "value'": 1, "a-mop-index": 0, "b-mop-index": 1},
            {"type": "ww", "key": "x", "value": 1, "value'": 2, "a-mop-index": 0, "b-mop-index": 0},
            {"type": "wr", "key": "y", "value": 2, "a-mop-index": 1, "b-mop-index": 0}
        ]),
    );
}

#[test]
fn lost_update() {
    let mut bad = H::default();
    bad.pair(0, "ax0").pair(0, "rx0ax1").pair(0, "rx0ax2");
    let v = assert_invalid(
        &bad,
        "strict-serializable",
        &["G2-item", "lost-update"],
        &["ROLA", "cursor-stability"],
    );
    assert_eq!(
        v["anomalies"]["lost-update"],
        json!([{"key": "x", "value": [0], "txns": [bad.op(3), bad.op(5)]}])
    );
    // One txn appending twice after its read is no lost update.
    let mut good = H::default();
    good.pair(0, "rxax1ax2").pair(0, "rx12");
    assert_valid(&good, "strict-serializable");
}

#[test]
fn repeatable_read_long_fork() {
    let mut bad = H::default();
    bad.ok("rxay1").ok("ryax1");
    assert_valid(&bad, "read-committed");
    let v = assert_invalid(&bad, "repeatable-read", &["G2-item"], &["repeatable-read"]);
    assert_cycle(
        &v["anomalies"]["G2-item"][0],
        json!([bad.op(1), bad.op(0), bad.op(1)]),
        json!([
            {"type": "rw", "key": "y", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 1},
            {"type": "rw", "key": "x", "value": "elle.list-append/init", "value'": 1, "a-mop-index": 0, "b-mop-index": 1}
        ]),
    );
}

#[test]
fn a_serial_history_of_20000_txns_is_valid() {
    use crate::workloads::txn_list_append::AppendTxns;
    use crate::workloads::txn_rw_register::WrTxns;
    let opts = crate::workloads::TestOpts::defaults(vec!["n0".into()]);
    let h = serial_history(&mut AppendTxns(WrTxns::new(&opts)), 20_000, 10);
    let v = txn_list_append::check(&h, &ElleOpts::maelstrom(vec!["strict-serializable".into()]));
    assert_eq!(v.valid, Validity::True, "{}", v.to_json());
}

/// A strict-serializable history: each txn applied to one store in the
/// order invoked, `concurrency` txns in flight.
pub fn serial_history(
    g: &mut crate::workloads::txn_list_append::AppendTxns,
    n: usize,
    concurrency: u64,
) -> History {
    let mut rng = fastrand::Rng::with_seed(1);
    let mut state: std::collections::HashMap<String, Vec<Value>> = Default::default();
    let mut ops = Vec::new();
    let push = |p: u64, kind: OpType, v: Value, ops: &mut Vec<Op>| {
        let i = ops.len();
        ops.push(op_at(
            i,
            i as u64 * 1000,
            Process::Client(p),
            kind,
            "txn",
            v,
        ));
    };
    let mut pending: Vec<(u64, Value)> = Vec::new();
    for i in 0..n {
        let txn = g.txn(&mut rng);
        let p = i as u64 % concurrency;
        push(p, OpType::Invoke, txn.clone(), &mut ops);
        let done: Vec<Value> = txn
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let k = m[1].to_string();
                if m[0] == "append" {
                    state.entry(k).or_default().push(m[2].clone());
                    m.clone()
                } else {
                    json!(["r", m[1], state.get(&k).map(|l| Value::Array(l.clone()))])
                }
            })
            .collect();
        pending.push((p, Value::Array(done)));
        if pending.len() as u64 == concurrency {
            for (p, v) in pending.drain(..) {
                push(p, OpType::Ok, v, &mut ops);
            }
        }
    }
    for (p, v) in pending.drain(..) {
        push(p, OpType::Ok, v, &mut ops);
    }
    History::new(ops)
}
