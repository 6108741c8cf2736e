//! The lost-elements picture from small hand-made run directories.

use super::*;
use crate::report::why::RunView;
use serde_json::json;
use std::path::Path;

use crate::report::why::test_run::{write_history, write_run_json, MS};

/// A run directory: run.json for `nodes` nodes and as many threads,
/// history.jsonl from `ops` (time ms, process, type, f, value), and a
/// journal routing each add to the node of `via`.
fn run_dir(
    nodes: usize,
    ops: &[(u64, Value, &str, &str, Value)],
    via: &[(Value, &str)],
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "-w",
        "broadcast",
        "--bin",
        "x",
        "--node-count",
        &nodes.to_string(),
    ];
    write_run_json(dir.path(), &args);
    write_history(dir.path(), ops);
    let journal: Vec<String> = via
        .iter()
        .enumerate()
        .map(|(i, (v, node))| {
            json!({"id": i, "time": 0, "type": "send", "msg_id": i, "src": "c9", "dest": node,
                   "body": {"type": "broadcast", "message": v, "msg_id": 1}})
            .to_string()
        })
        .collect();
    std::fs::write(dir.path().join("net-journal.jsonl"), journal.join("\n")).unwrap();
    dir
}

fn results(lost: Value) -> Value {
    let n = lost.as_array().map_or(0, Vec::len);
    json!({"workload": {"valid?": n == 0, "lost": lost, "lost-count": n, "never-read": [],
                        "never-read-count": 0, "attempt-count": 2, "stale-count": 0}})
}

fn draw_in(dir: &Path, workload: &str, results: &Value) -> Vec<Picture> {
    draw(&RunView {
        dir,
        workload,
        results,
    })
    .unwrap()
}

fn svg_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(FILE)).unwrap()
}

/// Rects of `class`, as their `data-node`s.
fn rect_nodes(doc: &roxmltree::Document, class: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("class") == Some(class))
        .map(|n| n.attribute("data-node").unwrap_or("").to_string())
        .collect()
}

/// Element 1 is added through n0 by process 0 and acked at 2 ms; a read on
/// n1 (process 1) invoked at 3 ms misses it, one on n0 at 5 ms holds it,
/// and the last, on n1 invoked at 9 ms, misses it again (done at 10 ms).
/// A read on n1 invoked at 1 ms, before the ack, is not counted.
/// A partition runs from 4 to 8 ms.
fn lost_one() -> Vec<(u64, Value, &'static str, &'static str, Value)> {
    vec![
        (0, json!(0), "invoke", "broadcast", json!(1)),
        (1, json!(1), "invoke", "read", Value::Null),
        (2, json!(0), "ok", "broadcast", json!(1)),
        (2, json!(1), "ok", "read", json!([])),
        (3, json!(1), "invoke", "read", Value::Null),
        (4, json!(1), "ok", "read", json!([])),
        (
            4,
            json!("nemesis"),
            "info",
            "start-partition",
            json!("majority"),
        ),
        (5, json!(0), "invoke", "read", Value::Null),
        (6, json!(0), "ok", "read", json!([1])),
        (
            4,
            json!("nemesis"),
            "info",
            "start-partition",
            json!(["isolated", {"n0": ["n1"], "n1": ["n0"]}]),
        ),
        (8, json!("nemesis"), "info", "stop-partition", Value::Null),
        (9, json!(1), "invoke", "read", Value::Null),
        (10, json!(1), "ok", "read", json!([])),
    ]
}

#[test]
fn a_lost_element_shows_its_add_the_reads_that_missed_it_and_the_partition() {
    let dir = run_dir(2, &lost_one(), &[(json!(1), "n0")]);
    let pictures = draw_in(dir.path(), "broadcast", &results(json!([1])));
    assert_eq!(pictures.len(), 1);
    let p = &pictures[0];
    assert_eq!(p.file, FILE);
    assert!(p.anomaly);
    assert_eq!(p.title, "1 lost, 0 never read of 2 added");
    assert_eq!(
        p.window_ns,
        Some((0, 10 * MS)),
        "from the add to the last read that missed it"
    );
    assert_eq!(p.nodes, ["n0", "n1"]);
    let svg = svg_of(dir.path());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("element"))
        .unwrap();
    assert_eq!(element.attribute("data-element"), Some("1"));
    assert_eq!(element.attribute("data-outcome"), Some("lost"));
    assert_eq!(rect_nodes(&doc, "add"), ["n0"]);
    // Two misses on n1 (the read before the ack is not one), in two columns.
    assert_eq!(rect_nodes(&doc, "missed"), ["n1", "n1"]);
    assert_eq!(rect_nodes(&doc, "seen"), ["n0"]);
    let partition = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("partition"))
        .unwrap();
    let said = partition.first_child().and_then(|t| t.text());
    assert_eq!(
        said,
        Some("partition 0.004-0.008 s: isolated: n0 cut from n1; n1 cut from n0")
    );
    let head = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("element-head"))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(
        head,
        "lost 1: added via n0 (process 0) at 0.000 s, ok at 0.002 s; missed by 2 reads on n1 (last at 0.010 s)"
    );
    let link = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
    assert_eq!(link.attribute("href"), Some("propagation.svg"));
}

#[test]
fn a_run_with_nothing_lost_or_another_workload_draws_nothing() {
    let dir = run_dir(2, &lost_one(), &[]);
    assert!(draw_in(dir.path(), "broadcast", &results(json!([]))).is_empty());
    assert!(draw_in(dir.path(), "lin-kv", &results(json!([1]))).is_empty());
    assert!(!dir.path().join(FILE).exists());
}

#[test]
fn strings_from_the_history_and_the_journal_are_escaped() {
    let evil = "</script><b>x";
    let mut ops = lost_one();
    for op in ops.iter_mut().filter(|op| op.3 == "broadcast") {
        op.4 = json!(evil);
    }
    let dir = run_dir(2, &ops, &[(json!(evil), evil)]);
    draw_in(dir.path(), "broadcast", &results(json!([evil])));
    let svg = svg_of(dir.path());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(doc
        .descendants()
        .all(|n| !n.has_tag_name("b") && !n.has_tag_name("script")));
    assert_eq!(
        rect_nodes(&doc, "add"),
        [evil],
        "the journal's node name, as text"
    );
    assert!(svg.contains("&lt;/script&gt;&lt;b&gt;x"));
}

#[test]
fn a_malformed_history_line_is_an_error_naming_it() {
    let dir = run_dir(2, &lost_one(), &[]);
    let path = dir.path().join("history.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n{\"type\": 7}\n");
    std::fs::write(&path, text).unwrap();
    let results = results(json!([1]));
    let run = RunView {
        dir: dir.path(),
        workload: "broadcast",
        results: &results,
    };
    let err = draw(&run).unwrap_err();
    assert!(err.contains("history.jsonl line 14"), "{err}");
}

/// 100 000 ops: 10 000 adds and 40 000 reads over 5 nodes, 600 elements
/// lost. The picture draws `DETAILED` of them and stays small.
#[test]
fn a_100_000_op_history_gives_a_bounded_picture() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["-w", "broadcast", "--bin", "x", "--node-count", "5"];
    write_run_json(dir.path(), &args);
    let mut lines = String::new();
    let mut index = 0;
    let mut push = |t: u64, p: u64, kind: &str, f: &str, v: Value| {
        lines.push_str(
            &json!({"index": index, "time": t, "process": p, "type": kind, "f": f, "value": v})
                .to_string(),
        );
        lines.push('\n');
        index += 1;
    };
    for i in 0..10_000u64 {
        let p = i % 5;
        push(i * 10 * MS, p, "invoke", "broadcast", json!(i));
        push(i * 10 * MS + 1, p, "ok", "broadcast", json!(i));
        for r in 0..4u64 {
            // Reads hold the last 3 values, so everything older reads as missing.
            let held: Vec<u64> = (i.saturating_sub(2)..=i).collect();
            push(
                i * 10 * MS + 2 + r,
                (p + r + 1) % 5,
                "invoke",
                "read",
                Value::Null,
            );
            push(
                i * 10 * MS + 3 + r,
                (p + r + 1) % 5,
                "ok",
                "read",
                json!(held),
            );
        }
    }
    assert_eq!(index, 100_000);
    std::fs::write(dir.path().join("history.jsonl"), lines).unwrap();
    std::fs::write(dir.path().join("net-journal.jsonl"), "").unwrap();
    let lost: Vec<u64> = (0..600).collect();
    let results = json!({"workload": {"lost": lost, "lost-count": 600, "never-read": [],
                                      "attempt-count": 10_000}});
    let pictures = draw_in(dir.path(), "broadcast", &results);
    assert_eq!(pictures.len(), 1);
    let svg = svg_of(dir.path());
    assert!(svg.len() < 150_000, "{} bytes", svg.len());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let drawn = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("element"))
        .count();
    assert_eq!(drawn, DETAILED);
    assert!(svg.contains("The first 8 are drawn; 592 more not drawn."));
}

/// An add that timed out (:info) and that no read ever returned is never
/// read: its lane runs from the invocation, and every read after it misses.
#[test]
fn a_never_read_element_is_drawn_from_its_invocation() {
    let ops = vec![
        (0, json!(0), "invoke", "broadcast", json!(7)),
        (1, json!(1), "invoke", "read", Value::Null),
        (2, json!(1), "ok", "read", json!([])),
        (5, json!(0), "info", "broadcast", json!(7)),
    ];
    let dir = run_dir(2, &ops, &[(json!(7), "n0")]);
    let results = json!({"workload": {"lost": [], "never-read": [7], "never-read-count": 1,
                                      "attempt-count": 1}});
    let pictures = draw_in(dir.path(), "broadcast", &results);
    assert_eq!(pictures[0].title, "0 lost, 1 never read of 1 added");
    assert_eq!(pictures[0].window_ns, Some((0, 2 * MS)));
    let svg = svg_of(dir.path());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let element = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("element"))
        .unwrap();
    assert_eq!(element.attribute("data-outcome"), Some("never-read"));
    assert_eq!(rect_nodes(&doc, "missed"), ["n1"]);
    assert!(svg.contains("never-read 7: added via n0 (process 0) at 0.000 s, info at 0.005 s"));
}

#[test]
fn a_lane_is_a_bounded_number_of_rectangles_however_reads_fall() {
    use super::draw::{runs, MAX_RUNS};
    use super::scan::COLUMNS;
    let mut cols = vec![false; COLUMNS];
    cols[3] = true;
    cols[4] = true;
    cols[9] = true;
    assert_eq!(runs(&cols), [(3, 5), (9, 10)], "few reads: exact columns");
    // Every other column: 400 runs become blocks of 8 columns.
    let alternating: Vec<bool> = (0..COLUMNS).map(|i| i % 2 == 0).collect();
    let r = runs(&alternating);
    assert!(r.len() <= MAX_RUNS, "{} runs", r.len());
    assert_eq!(r, [(0, COLUMNS)], "adjacent blocks merge into one run");
    let sparse: Vec<bool> = (0..COLUMNS).map(|i| i % 16 == 0).collect();
    let r = runs(&sparse);
    assert!(r.len() <= MAX_RUNS && !r.is_empty(), "{} runs", r.len());
    assert!(r.iter().all(|&(a, b)| a < b && b <= COLUMNS));
}
