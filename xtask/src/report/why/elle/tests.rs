//! The Elle pictures from hand-made histories, judged by the real checkers
//! (so the pictures read what the checkers really write), and from
//! hand-made anomaly entries for the bounds and hostile texts.

use super::context::invoke_times;
use super::diagram::{cut, MAX_CHARS, MAX_ROWS};
use super::figure::{mop_text, MAX_RING};
use super::{draw, MAX_PER_TYPE};
use crate::checkers::elle::ElleOpts;
use crate::checkers::testing::op_at;
use crate::history::{History, Op, OpType, Process};
use crate::report::why::{Picture, RunView};
use crate::workloads::{txn_list_append, txn_rw_register};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;

const RUN_ARGS: &[&str] = &[
    "--workload",
    "txn-rw-register",
    "--bin",
    "node.py",
    "--node-count",
    "2",
    "--concurrency",
    "2n",
];

/// Ops in the order given: (process, type, value); time = index ms.
fn ops(list: &[(u64, OpType, Value)]) -> Vec<Op> {
    list.iter()
        .enumerate()
        .map(|(i, (p, kind, v))| {
            op_at(
                i,
                i as u64 * 1_000_000,
                Process::Client(*p),
                *kind,
                "txn",
                v.clone(),
            )
        })
        .collect()
}

/// A run directory holding `ops` as history.jsonl and RUN_ARGS as run.json.
fn run_dir(ops: &[Op]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = ops
        .iter()
        .map(|op| serde_json::to_string(op).unwrap())
        .collect();
    std::fs::write(dir.path().join("history.jsonl"), lines.join("\n")).unwrap();
    let run = json!({"args": RUN_ARGS, "main_phase_offset_ns": 0});
    std::fs::write(dir.path().join("run.json"), run.to_string()).unwrap();
    dir
}

fn draw_in(dir: &Path, workload: &str, workload_results: Value) -> Vec<Picture> {
    let results = json!({"workload": workload_results});
    draw(&RunView {
        dir,
        workload,
        results: &results,
    })
    .unwrap()
}

/// The text of every `<text>` of `svg` whose class contains `class`
/// (every text when `class` is empty); the SVG must parse as XML.
fn texts(svg: &str, class: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| {
            n.attribute("class")
                .unwrap_or("")
                .split(' ')
                .any(|c| class.is_empty() || c == class)
        })
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// T2 and T3 each read the other's write: G1c.
fn g1c_ops() -> Vec<Op> {
    use OpType::*;
    ops(&[
        (0, Invoke, json!([["w", 1, 1], ["r", 2, null]])),
        (1, Invoke, json!([["w", 2, 2], ["r", 1, null]])),
        (0, Ok, json!([["w", 1, 1], ["r", 2, 2]])),
        (1, Ok, json!([["w", 2, 2], ["r", 1, 1]])),
    ])
}

fn rw_register(ops: &[Op], model: &str) -> Value {
    let opts = ElleOpts::maelstrom(vec![model.to_string()]);
    txn_rw_register::check(&History::new(ops.to_vec()), &opts).to_json()
}

#[test]
fn a_g1c_cycle_shows_its_transactions_and_labelled_edges() {
    let ops = g1c_ops();
    let dir = run_dir(&ops);
    let results = rw_register(&ops, "read-committed");
    assert_eq!(results["anomaly-types"], json!(["G1c"]), "{results:#}");
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    assert_eq!(pictures.len(), 1);
    let p = &pictures[0];
    assert_eq!(p.file, "elle/G1c/0.svg");
    assert!(p.anomaly);
    assert_eq!(p.title, "G1c #0: a cycle of 2 transactions");
    // From the first invocation (index 0, 0 ms) to the last completion (3 ms).
    assert_eq!(p.window_ns, Some((0, 3_000_000)));
    // 2 nodes, 4 clients: process 0 talks to n0, process 1 to n1.
    assert_eq!(p.nodes, ["n0", "n1"]);

    let svg = read(dir.path(), &p.file);
    let names = texts(&svg, "txn-name");
    assert_eq!(names, ["T2", "T3"]);
    let subs = texts(&svg, "txn-sub");
    assert_eq!(subs, ["process 0 on n0, :ok", "process 1 on n1, :ok"]);
    let mut labels = texts(&svg, "label");
    labels.sort();
    assert_eq!(labels, ["wr 1: 1", "wr 2: 2"]);
    // Each edge's write and read are highlighted, in both boxes.
    let marked = texts(&svg, "marked");
    assert_eq!(marked, ["w 1 1", "r 2 2", "w 2 2", "r 1 1"]);
    // Hovering a box shows the whole transaction.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let tips: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        tips,
        [
            "process 0 on n0, :ok: w 1 1, r 2 2",
            "process 1 on n1, :ok: w 2 2, r 1 1"
        ]
    );
}

#[test]
fn a_valid_run_and_other_workloads_draw_nothing() {
    let ops = g1c_ops();
    let dir = run_dir(&ops);
    // Read uncommitted allows G1c: a valid run.
    let valid = rw_register(&ops, "read-uncommitted");
    assert_eq!(valid["valid?"], json!(true), "{valid:#}");
    assert!(draw_in(dir.path(), "txn-rw-register", valid).is_empty());
    let invalid = rw_register(&ops, "read-committed");
    assert!(draw_in(dir.path(), "lin-kv", invalid).is_empty());
    assert!(!dir.path().join("elle").exists());
}

#[test]
fn a_list_append_g_single_labels_keys_values_and_the_initial_state() {
    use crate::checkers::elle::list_append::shorthand::txn;
    use OpType::*;
    // T3 saw T2's append to y but not its append to x: read skew.
    let ops = ops(&[
        (0, Invoke, txn("ax1ay1")),
        (1, Invoke, txn("rxry")),
        (0, Ok, txn("ax1ay1")),
        (1, Ok, txn("rxry1")),
    ]);
    let dir = run_dir(&ops);
    let opts = ElleOpts::maelstrom(vec!["serializable".into()]);
    let results = txn_list_append::check(&History::new(ops.clone()), &opts).to_json();
    assert_eq!(results["anomaly-types"], json!(["G-single"]), "{results:#}");
    let pictures = draw_in(dir.path(), "txn-list-append", results);
    assert_eq!(pictures.len(), 1);
    let svg = read(dir.path(), "elle/G-single/0.svg");
    let mut labels = texts(&svg, "label");
    labels.sort();
    // wr: T2 appended 1 to y, T3 read it; rw: T3 read x's initial state,
    // which T2's append of 1 replaced.
    assert_eq!(labels, ["rw x: init → 1", "wr y: 1"]);
    let mops = texts(&svg, "mop");
    assert!(mops.contains(&"a x 1".to_string()), "{mops:?}");
    assert!(mops.contains(&"r y [1]".to_string()), "{mops:?}");
    assert!(mops.contains(&"r x nil".to_string()), "{mops:?}");
}

#[test]
fn g1a_and_g1b_show_the_writer_and_the_reader() {
    use OpType::*;
    let ops = ops(&[
        (0, Invoke, json!([["w", 1, 5]])),
        (0, Fail, json!([["w", 1, 5]])),
        (1, Invoke, json!([["w", 2, 6], ["w", 2, 7]])),
        (1, Ok, json!([["w", 2, 6], ["w", 2, 7]])),
        (2, Invoke, json!([["r", 1, null], ["r", 2, null]])),
        (2, Ok, json!([["r", 1, 5], ["r", 2, 6]])),
    ]);
    let dir = run_dir(&ops);
    let results = rw_register(&ops, "read-committed");
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    let files: Vec<&str> = pictures.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, ["elle/G1a/0.svg", "elle/G1b/0.svg"]);
    assert_eq!(pictures[0].title, "G1a #0: aborted read");
    assert_eq!(pictures[0].window_ns, Some((0, 5_000_000)));

    let g1a = read(dir.path(), "elle/G1a/0.svg");
    assert_eq!(texts(&g1a, "txn-name"), ["T1", "T5"]);
    assert_eq!(texts(&g1a, "txn-sub")[0], "process 0 on n0, :fail");
    assert_eq!(texts(&g1a, "label"), ["wr 1: 5"]);
    assert_eq!(texts(&g1a, "marked"), ["w 1 5", "r 1 5"]);

    let g1b = read(dir.path(), "elle/G1b/0.svg");
    assert_eq!(texts(&g1b, "label"), ["wr 2: 6"]);
    // The intermediate write, its overwrite (noted), and the read.
    assert_eq!(
        texts(&g1b, "marked"),
        ["w 2 6", "w 2 7  ◂ overwrote it", "r 2 6"]
    );
}

/// A cycle entry of `len` transactions with `mops` micro-ops each.
fn cycle_entry(len: usize, mops: usize, value: &Value) -> Value {
    let op = |i: usize| {
        // The given value in the first micro-op, small ones after it.
        let value: Vec<Value> = (0..mops)
            .map(|m| json!(["w", m, if m == 0 { value.clone() } else { json!(m) }]))
            .collect();
        json!({"index": i, "time": i, "process": i, "type": "ok", "f": "txn", "value": value})
    };
    let mut cycle: Vec<Value> = (0..len).map(op).collect();
    cycle.push(op(0));
    let steps: Vec<Value> = (0..len)
        .map(|_| json!({"type": "ww", "key": 0, "value": value, "value'": value, "a-mop-index": mops - 1, "b-mop-index": 0}))
        .collect();
    json!({"cycle": cycle, "steps": steps, "type": "G0"})
}

#[test]
fn a_long_cycle_is_cut_to_a_ring_of_bounded_boxes() {
    let dir = run_dir(&[]);
    let results = json!({"valid?": false, "anomalies": {"G0": [cycle_entry(20, 30, &json!(1))]}});
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    let svg = read(dir.path(), &pictures[0].file);
    let names = texts(&svg, "txn-name");
    assert_eq!(names.len(), MAX_RING);
    assert_eq!(names[MAX_RING - 1], "… 9 more");
    // Each box: the last micro-op (an arrow leaves from it), the first (one
    // enters it), the first unmarked ones up to MAX_ROWS, and the gap.
    let mops = texts(&svg, "mop");
    assert_eq!(mops.len(), (MAX_RING - 1) * MAX_ROWS);
    assert!(texts(&svg, "gap").iter().all(|g| g == "… 20 more"));
    // Every step to a drawn transaction, and one closing the ring.
    assert_eq!(texts(&svg, "label").len(), MAX_RING);
    assert_eq!(pictures[0].title, "G0 #0: a cycle of 20 transactions");
}

#[test]
fn at_most_max_per_type_pictures_of_bounded_size_from_a_100k_op_history() {
    // A 100 000-op history whose anomaly entries are many, long, and hold
    // huge values: the pictures stay few and small, and the history is read
    // once, line by line.
    let n = 100_000;
    let history: Vec<Op> = ops(&(0..n)
        .map(|i| {
            let kind = if i % 2 == 0 {
                OpType::Invoke
            } else {
                OpType::Ok
            };
            ((i / 2 % 7) as u64, kind, json!([["w", i % 10, i]]))
        })
        .collect::<Vec<_>>());
    let dir = run_dir(&history);
    let huge = json!("x".repeat(20_000));
    let cycles: Vec<Value> = (0..20).map(|_| cycle_entry(40, 200, &huge)).collect();
    let reads: Vec<Value> = (0..100)
        .map(|i| {
            let writer = json!({"index": 1, "time": 1_000_000, "process": 0, "type": "fail", "f": "txn", "value": [["w", 1, huge]]});
            let op = json!({"index": 2 * i + 1, "time": (2 * i + 1) * 1_000_000, "process": 1, "type": "ok", "f": "txn", "value": [["r", 1, huge]]});
            json!({"op": op, "mop": ["r", 1, huge], "writer": writer})
        })
        .collect();
    let results = json!({"anomalies": {"G2-item": cycles, "G1a": reads}});
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    assert_eq!(pictures.len(), 2 * MAX_PER_TYPE);
    for p in &pictures {
        let size = std::fs::metadata(dir.path().join(&p.file)).unwrap().len();
        assert!(size < 64 * 1024, "{}: {size} bytes", p.file);
        texts(&read(dir.path(), &p.file), "");
    }
    let last = &pictures[MAX_PER_TYPE - 1];
    assert_eq!(last.file, format!("elle/G1a/{}.svg", MAX_PER_TYPE - 1));
    // The last G1a drawn reads in op 15 (done at 15 ms); its writer, op 1,
    // was invoked at 0.
    assert_eq!(last.window_ns, Some((0, 15_000_000)));
}

#[test]
fn history_texts_are_escaped_and_cut() {
    let dir = run_dir(&[]);
    let evil = "</script><b>&\"'";
    let op = json!({"index": 3, "time": 3, "process": 0, "type": "ok", "f": "txn", "value": [["r", evil, evil]]});
    let writer = json!({"index": 1, "time": 1, "process": 1, "type": "fail", "f": "txn", "value": [["w", evil, evil]]});
    let results = json!({"anomalies": {
        "G1a": [{"op": op, "mop": ["r", evil, evil], "writer": writer}],
        // A type that cannot name a directory is not drawn.
        "../x": [cycle_entry(2, 1, &json!(1))],
    }});
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    assert_eq!(pictures.len(), 1);
    let svg = read(dir.path(), &pictures[0].file);
    assert!(!svg.contains("<b>") && !svg.contains("</script>"));
    let mops = texts(&svg, "mop");
    assert_eq!(mops.len(), 2);
    assert!(
        mops.iter().all(|m| m.chars().count() <= MAX_CHARS),
        "{mops:?}"
    );
    assert!(mops[0].starts_with("w </script><b>"), "{mops:?}");
    assert!(texts(&svg, "label")[0].starts_with("wr </script><b>"));
    assert!(!dir.path().join("x").exists());
}

#[test]
fn mop_text_is_elles() {
    assert_eq!(mop_text(&json!(["append", 9, 1])), "a 9 1");
    assert_eq!(mop_text(&json!(["r", 9, [1, 2]])), "r 9 [1 2]");
    assert_eq!(mop_text(&json!(["r", "k", null])), "r k nil");
    assert_eq!(mop_text(&json!(["w", 3, "v"])), "w 3 \"v\"");
    assert_eq!(mop_text(&json!("not a mop")), "nil  nil");
    assert_eq!(cut("ééééé", 3), "éé…");
    assert_eq!(cut("abc", 3), "abc");
}

#[test]
fn invoke_times_pair_each_completion_with_its_process_invocation() {
    let dir = run_dir(&g1c_ops());
    let wanted: HashSet<u64> = [2, 3].into();
    let found = invoke_times(dir.path(), &wanted);
    assert_eq!(found.get(&2), Some(&0));
    assert_eq!(found.get(&3), Some(&1_000_000));
    assert!(invoke_times(&dir.path().join("none"), &wanted).is_empty());
}

#[test]
fn a_history_of_thousands_of_g1c_pairs_checked_by_elle_gives_few_small_pictures() {
    // 5 000 pairs of transactions, each pair reading the other's writes:
    // the real checker reports thousands of G1c cycles. (The 100 000-op
    // bound is above, on hand-made entries: Elle takes 30 s on as many ops
    // in a debug build.)
    use OpType::*;
    let mut list = Vec::new();
    for pair in 0..5_000u64 {
        let (p, q) = (2 * (pair % 5), 2 * (pair % 5) + 1);
        let (x, y) = (pair % 100, pair % 100 + 100);
        let (a, b) = (
            json!([["w", x, pair], ["r", y, null]]),
            json!([["w", y, pair], ["r", x, null]]),
        );
        list.push((p, Invoke, a));
        list.push((q, Invoke, b));
        list.push((p, Ok, json!([["w", x, pair], ["r", y, pair]])));
        list.push((q, Ok, json!([["w", y, pair], ["r", x, pair]])));
    }
    let history = ops(&list);
    assert_eq!(history.len(), 20_000);
    let dir = run_dir(&history);
    let results = rw_register(&history, "read-committed");
    let found = results["anomalies"]["G1c"].as_array().map_or(0, Vec::len);
    assert!(found > 1000, "{found} G1c cycles");
    let pictures = draw_in(dir.path(), "txn-rw-register", results);
    assert_eq!(pictures.len(), MAX_PER_TYPE);
    let mut total = 0;
    for p in &pictures {
        let size = std::fs::metadata(dir.path().join(&p.file)).unwrap().len();
        assert!(size < 16 * 1024, "{}: {size} bytes", p.file);
        total += size;
    }
    assert!(total < 128 * 1024, "{total} bytes in all");
}

#[test]
fn realtime_and_process_steps_are_labelled_with_their_gap_and_process() {
    let op = |i: u64, p: u64| json!({"index": i, "time": i * 1_000_000, "process": p, "type": "ok", "f": "txn", "value": [["r", 1, 1]]});
    let entry = json!({
        "cycle": [op(1, 0), op(5, 1), op(1, 0)],
        "steps": [
            {"type": "realtime", "a'": op(1, 0), "b": {"index": 4, "time": 4_000_000}},
            {"type": "process", "process": 1},
        ],
        "type": "G-single-realtime",
    });
    let dir = run_dir(&[]);
    let results = json!({"anomalies": {"G-single-realtime": [entry]}});
    draw_in(dir.path(), "txn-list-append", results);
    let svg = read(dir.path(), "elle/G-single-realtime/0.svg");
    assert_eq!(texts(&svg, "label"), ["rt +0.003 s", "p 1"]);
    // Neither step names a micro-op: nothing is highlighted.
    assert!(texts(&svg, "marked").is_empty());
}

/// The `<tr>`s of the page's table body: (class, the texts of its cells,
/// the classes of its cells). The page must parse as XML.
fn table_rows(html: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(html, options)
        .unwrap_or_else(|e| panic!("{e}\n{}", cut(html, 2000)));
    let body = doc.descendants().find(|n| n.has_tag_name("tbody")).unwrap();
    body.children()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            let tds: Vec<_> = tr.children().filter(|n| n.has_tag_name("td")).collect();
            (
                tr.attribute("class").unwrap_or("").to_string(),
                tds.iter()
                    .map(|n| n.text().unwrap_or("").to_string())
                    .collect(),
                tds.iter()
                    .map(|n| n.attribute("class").unwrap_or("").to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn incompatible_orders_list_the_keys_reads_marking_the_two_that_disagree() {
    use OpType::*;
    let ops = ops(&[
        (0, Invoke, json!([["append", 7, 1]])),
        (0, Ok, json!([["append", 7, 1]])),
        (1, Invoke, json!([["append", 7, 2]])),
        (1, Ok, json!([["append", 7, 2]])),
        (2, Invoke, json!([["r", 7, null]])),
        (2, Ok, json!([["r", 7, [1, 2]]])),
        (3, Invoke, json!([["r", 7, null]])),
        (3, Ok, json!([["r", 7, [2, 1]]])),
        (0, Invoke, json!([["r", 7, null]])),
        (0, Ok, json!([["r", 7, [1]]])),
    ]);
    let dir = run_dir(&ops);
    let opts = ElleOpts::maelstrom(vec!["strict-serializable".into()]);
    let results = txn_list_append::check(&History::new(ops.clone()), &opts).to_json();
    let cases = &results["anomalies"]["incompatible-order"];
    assert_eq!(
        cases,
        &json!([{"key": 7, "values": [[1, 2], [2, 1]]}]),
        "{results:#}"
    );
    // The two orders also make realtime cycles; the page comes after them.
    let pictures = draw_in(dir.path(), "txn-list-append", results);
    let files: Vec<&str> = pictures.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files.last(),
        Some(&"elle/incompatible-order/7.html"),
        "{files:?}"
    );
    let page = pictures.last().unwrap();
    // The two reads that disagree: ops 5 (5 ms, process 2 on n0) and 7
    // (7 ms, process 3 on n1).
    assert_eq!(page.window_ns, Some((5_000_000, 7_000_000)));
    assert_eq!(page.nodes, ["n0", "n1"]);
    let rows = table_rows(&read(dir.path(), &page.file));
    // Longest read [1 2]: [2 1] differs from it at both positions.
    let expected = [
        (
            "disagrees",
            vec!["5", "0.01", "2", "n0", "1", "2"],
            vec!["", "", "", "", "", ""],
        ),
        (
            "disagrees",
            vec!["7", "0.01", "3", "n1", "2", "1"],
            vec!["", "", "", "", "differs", "differs"],
        ),
        (
            "",
            vec!["9", "0.01", "0", "n0", "1"],
            vec!["", "", "", "", ""],
        ),
    ];
    assert_eq!(rows.len(), expected.len());
    for (row, (class, cells, classes)) in rows.iter().zip(expected) {
        assert_eq!(row.0, class);
        assert_eq!(row.1, cells);
        assert_eq!(row.2, classes);
    }
}

#[test]
fn incompatible_order_pages_are_bounded_escaped_and_named_safely() {
    // 100 000 reads of key 1, the first thousand of 100 elements, each
    // starting with a hostile string; and a key that cannot name a file.
    let evil = "</script><b>";
    let n = 100_000;
    let lines: Vec<String> = (0..n)
        .map(|i| {
            // Long reads first (cut when drawn), short ones after: parsing
            // 100 000 long reads takes a debug build 18 s.
            let len = if i < 1000 { 99 } else { 1 };
            let mut list = vec![json!(evil)];
            list.extend((0..len).map(|e| json!(e)));
            json!({"index": i, "time": i, "process": 0, "type": "ok", "f": "txn", "value": [["r", 1, list]]}).to_string()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("history.jsonl"), lines.join("\n")).unwrap();
    let results = json!({"anomalies": {"incompatible-order": [
        {"key": 1, "values": [[0], [1]]},
        {"key": "../x", "values": [[0], [1]]},
    ]}});
    let pictures = draw_in(dir.path(), "txn-list-append", results);
    assert_eq!(pictures.len(), 1);
    // No read equals either of the two: no window.
    assert_eq!(pictures[0].window_ns, None);
    let html = read(dir.path(), &pictures[0].file);
    assert!(html.len() < 512 * 1024, "{} bytes", html.len());
    assert!(!html.contains("<b>") && !html.contains("</script>"));
    let rows = table_rows(&html);
    assert_eq!(rows.len(), super::orders::MAX_ROWS);
    // Index, time, process, node, MAX_CELLS elements, then "… 36 more".
    assert_eq!(rows[0].1.len(), 4 + super::orders::MAX_CELLS + 1);
    assert_eq!(rows[0].1.last().unwrap(), "… 36 more");
    assert_eq!(rows[0].1[4], format!("\"{evil}\""));
    assert!(html.contains(&format!("… and {} more reads", n - super::orders::MAX_ROWS)));
}

#[test]
fn internal_and_dirty_update_cases_mark_their_micro_ops() {
    let op = |i: u64, kind: &str, value: Value| json!({"index": i, "time": i * 1_000_000, "process": 0, "type": kind, "f": "txn", "value": value});
    let results = json!({"anomalies": {
        "internal": [{
            "op": op(3, "ok", json!([["append", 5, 1], ["r", 5, [2]]])),
            "mop": ["r", 5, [2]],
            "expected": ["...", 1],
        }],
        "dirty-update": [{
            "key": 5,
            "values": [1, 2],
            "txns": [op(1, "fail", json!([["append", 5, 1]])), "...", op(3, "ok", json!([["append", 5, 2]]))],
        }],
    }});
    let dir = run_dir(&[]);
    let pictures = draw_in(dir.path(), "txn-list-append", results);
    let files: Vec<&str> = pictures.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(files, ["elle/dirty-update/0.svg", "elle/internal/0.svg"]);

    let internal = read(dir.path(), "elle/internal/0.svg");
    assert_eq!(
        texts(&internal, "marked"),
        ["r 5 [2]  ◂ expected [\"...\" 1]"]
    );
    assert!(texts(&internal, "label").is_empty());

    let dirty = read(dir.path(), "elle/dirty-update/0.svg");
    assert_eq!(texts(&dirty, "txn-name"), ["T1", "T3"]);
    assert_eq!(texts(&dirty, "label"), ["ww 5: [1 2]"]);
    assert_eq!(texts(&dirty, "marked"), ["a 5 1", "a 5 2"]);
}
