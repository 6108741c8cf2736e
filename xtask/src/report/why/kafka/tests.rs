//! The kafka order pictures from hand-made histories and results.

use super::*;
use crate::report::why::RunView;
use serde_json::json;
use std::path::Path;

use crate::report::why::test_run::{write_history, write_run_json, MS};

/// A run directory with run.json (`nodes` nodes, 2 threads each) and
/// history.jsonl from `ops` (ms, process, type, f, value).
fn run_dir(ops: &[(u64, u64, &str, &str, Value)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "-w",
        "kafka",
        "--bin",
        "x",
        "--node-count",
        "2",
        "--concurrency",
        "2n",
    ];
    write_run_json(dir.path(), &args);
    write_history(dir.path(), ops);
    dir
}

fn send(key: &str, offset: i64, v: Value) -> Value {
    json!([["send", key, [offset, v]]])
}

fn poll(key: &str, pairs: Value) -> Value {
    json!([["poll", { key: pairs }]])
}

/// Process 1 sends 1, 2, 3 at offsets 0-2 of key "9"; process 0 polls
/// offsets 0-1, then offset 3 (a message process 2 sent): it skipped 3.
fn skipping_history() -> Vec<(u64, u64, &'static str, &'static str, Value)> {
    vec![
        (1, 1, "ok", "send", send("9", 0, json!(1))),
        (2, 1, "ok", "send", send("9", 1, json!(2))),
        (3, 1, "ok", "send", send("9", 2, json!(3))),
        (4, 2, "ok", "send", send("9", 3, json!(4))),
        (5, 0, "ok", "poll", poll("9", json!([[0, 1], [1, 2]]))),
        (6, 0, "invoke", "poll", json!([["poll"]])),
        (7, 0, "ok", "poll", poll("9", json!([[3, 4]]))),
    ]
}

fn op_json(index: usize, ms: u64, process: u64, value: Value) -> Value {
    json!({"index": index, "time": ms * MS, "process": process, "type": "ok", "f": "poll", "value": value})
}

fn skip_results() -> Value {
    json!({"workload": {"valid?": false, "error-types": ["poll-skip"], "bad-error-types": ["poll-skip"],
        "poll-skip": {"count": 1, "errs": [{"key": "9", "delta": 2, "skipped": [3],
            "ops": [op_json(4, 5, 0, poll("9", json!([[0, 1], [1, 2]]))),
                    op_json(6, 7, 0, poll("9", json!([[3, 4]])))]}]}}})
}

fn draw_in(dir: &Path, workload: &str, results: &Value) -> Vec<Picture> {
    draw(&RunView {
        dir,
        workload,
        results,
    })
    .unwrap()
}

fn class_nodes<'a>(doc: &'a roxmltree::Document, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .collect()
}

#[test]
fn a_poll_skip_shows_the_skipped_message_where_it_sat_and_explains_it() {
    let dir = run_dir(&skipping_history());
    let pictures = draw_in(dir.path(), "kafka", &skip_results());
    assert_eq!(pictures.len(), 1);
    let p = &pictures[0];
    assert_eq!(p.file, "orders/009.svg", "Jepsen's name for integer key 9");
    assert_eq!(p.title, "key 9: poll-skip");
    assert!(p.anomaly);
    assert_eq!(
        p.window_ns,
        Some((5 * MS, 7 * MS)),
        "from the first poll to the skipping one"
    );
    assert_eq!(p.nodes, ["n0"], "process 0 is thread 0, on n0");
    let svg = std::fs::read_to_string(dir.path().join(&p.file)).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rows = class_nodes(&doc, "row");
    assert_eq!(rows.len(), 6, "every :ok op of the key, in history order");
    let skipped = class_nodes(&doc, "skipped");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].attribute("data-offset"), Some("2"));
    assert_eq!(
        skipped[0].parent().unwrap().attribute("data-index"),
        Some("6")
    );
    let explanations: Vec<&str> = class_nodes(&doc, "explanation")
        .iter()
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        explanations,
        ["[1] poll-skip: a process's next poll of this key jumped over messages (skipped [3], delta 2); ops at 0.005 s p0, 0.007 s p0"]
    );
    assert_eq!(class_nodes(&doc, "marked-row").len(), 2);
}

#[test]
fn an_inconsistent_offset_is_red_in_every_row_and_a_duplicate_wherever_it_shows() {
    let dir = run_dir(&[
        (1, 1, "ok", "send", send("k", 0, json!(10))),
        (2, 2, "ok", "send", send("k", 0, json!(20))),
        (3, 0, "ok", "poll", poll("k", json!([[0, 10], [1, 20]]))),
    ]);
    let results = json!({"workload": {"error-types": ["duplicate", "inconsistent-offsets"], "bad-error-types": ["duplicate", "inconsistent-offsets"],
        "duplicate": {"count": 1, "errs": [{"key": "k", "value": 20, "count": 2}]},
        "inconsistent-offsets": {"count": 1, "errs": [{"key": "k", "offset": 0, "index": 0, "values": [10, 20]}]}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    assert_eq!(pictures[0].file, "orders/k.svg");
    assert_eq!(
        pictures[0].window_ns,
        Some((MS, 3 * MS)),
        "the rows where it shows"
    );
    assert_eq!(pictures[0].nodes, ["n0", "n1"]);
    let svg = std::fs::read_to_string(dir.path().join("orders/k.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let red: Vec<&str> = class_nodes(&doc, "cell anomaly")
        .iter()
        .filter_map(|n| n.attribute("data-offset"))
        .collect();
    // Offset 0 in all three rows; 20 again at offset 1 in the poll.
    assert_eq!(red, ["0", "0", "0", "1"]);
}

#[test]
fn file_names_follow_jepsen_and_never_leave_orders() {
    assert_eq!(file_name("9"), "009.svg");
    assert_eq!(file_name("1234"), "1234.svg");
    assert_eq!(file_name("../x y"), "___x_y.svg");
}

#[test]
fn a_valid_run_or_another_workload_draws_nothing() {
    let dir = run_dir(&skipping_history());
    let valid = json!({"workload": {"valid?": true, "error-types": [], "bad-error-types": []}});
    assert!(draw_in(dir.path(), "kafka", &valid).is_empty());
    assert!(draw_in(dir.path(), "broadcast", &skip_results()).is_empty());
    // An allowed kind alone (kafka.clj `allowed-error-types`) is no failure.
    let allowed = json!({"workload": {"valid?": true, "error-types": ["int-send-skip"], "bad-error-types": [],
        "int-send-skip": {"count": 1, "errs": [{"key": "9", "values": [1, 4], "delta": 3, "skipped": [2, 3],
                                                "op": op_json(4, 5, 0, poll("9", json!([[0, 1]])))}]}}});
    assert!(draw_in(dir.path(), "kafka", &allowed).is_empty());
    assert!(!dir.path().join("orders").exists());
}

#[test]
fn keys_and_messages_from_the_history_are_escaped() {
    let evil = "</script><b>x";
    let dir = run_dir(&[(1, 0, "ok", "send", send(evil, 0, json!(evil)))]);
    let results = json!({"workload": {"error-types": ["duplicate"], "bad-error-types": ["duplicate"],
        "duplicate": {"count": 1, "errs": [{"key": evil, "value": evil, "count": 2}]}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    assert_eq!(pictures[0].file, "orders/__script__b_x.svg");
    let svg = std::fs::read_to_string(dir.path().join(&pictures[0].file)).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(doc
        .descendants()
        .all(|n| !n.has_tag_name("b") && !n.has_tag_name("script")));
    assert!(svg.contains("kafka key &lt;/script&gt;&lt;b&gt;x"));
}

/// 100 000 ops on one key: a send and a poll of each offset, one poll
/// skipping in the middle. The picture keeps the rows around it and stays
/// small; the rest are counted.
#[test]
fn a_100_000_op_history_gives_a_bounded_picture() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = String::new();
    let mut skip_ops = Vec::new();
    for i in 0..50_000u64 {
        let o = i as i64;
        for (j, (p, f, v)) in [
            (1, "send", send("1", o, json!(i))),
            (0, "poll", poll("1", json!([[o, i]]))),
        ]
        .into_iter()
        .enumerate()
        {
            let index = 2 * i as usize + j;
            let op = json!({"index": index, "time": index as u64 * MS, "process": p, "type": "ok", "f": f, "value": v});
            if f == "poll" && (i == 25_000 || i == 25_002) {
                skip_ops.push(op.clone());
            }
            lines.push_str(&op.to_string());
            lines.push('\n');
        }
    }
    std::fs::write(dir.path().join("history.jsonl"), lines).unwrap();
    let results = json!({"workload": {"error-types": ["poll-skip"], "bad-error-types": ["poll-skip"],
        "poll-skip": {"count": 1, "errs": [{"key": "1", "delta": 2, "skipped": [25_001], "ops": skip_ops}]}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    let svg = std::fs::read_to_string(dir.path().join(&pictures[0].file)).unwrap();
    assert!(svg.len() < 60_000, "{} bytes", svg.len());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rows = class_nodes(&doc, "row").len();
    // 5 rows in the window (2 polls, 3 ops between) and CONTEXT either side.
    assert_eq!(rows, 5 + 2 * CONTEXT);
    assert!(svg.contains(&format!(
        "{} other ops on this key not drawn",
        100_000 - rows
    )));
    assert_eq!(class_nodes(&doc, "skipped").len(), 1);
}

/// A lost write: process 1's acknowledged send of 2 at offset 1 is never
/// polled, though a poll read offset 2. Its cell is red in the send's row.
#[test]
fn a_lost_write_is_red_in_the_row_of_its_send() {
    let dir = run_dir(&[
        (1, 1, "ok", "send", send("3", 0, json!(1))),
        (2, 1, "ok", "send", send("3", 1, json!(2))),
        (3, 1, "ok", "send", send("3", 2, json!(3))),
        (4, 0, "ok", "poll", poll("3", json!([[0, 1], [2, 3]]))),
    ]);
    let writer = json!({"index": 1, "time": 2 * MS, "process": 1, "type": "ok", "f": "send",
                        "value": send("3", 1, json!(2))});
    let results = json!({"workload": {"error-types": ["lost-write"], "bad-error-types": ["lost-write"],
        "lost-write": {"count": 1, "errs": [{"key": "3", "value": 2, "index": 1, "max-read-index": 2,
                                             "writer": writer, "max-read": Value::Null}]}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    assert_eq!(pictures[0].window_ns, Some((2 * MS, 2 * MS)));
    assert_eq!(pictures[0].nodes, ["n1"]);
    let svg = std::fs::read_to_string(dir.path().join("orders/003.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let red: Vec<(&str, &str)> = class_nodes(&doc, "cell anomaly")
        .iter()
        .map(|n| {
            let row = n.parent().unwrap().attribute("data-index").unwrap();
            (row, n.attribute("data-offset").unwrap())
        })
        .collect();
    assert_eq!(red, [("1", "1")]);
    assert!(svg.contains("[1] lost-write: an acknowledged send"));
}

#[test]
fn at_most_max_keys_are_drawn_and_the_rest_counted() {
    let keys: Vec<String> = (0..MAX_KEYS + 2).map(|k| k.to_string()).collect();
    let ops: Vec<_> = keys
        .iter()
        .map(|k| (1, 0, "ok", "send", send(k, 0, json!(1))))
        .collect();
    let dir = run_dir(&ops);
    let errs: Vec<Value> = keys
        .iter()
        .map(|k| json!({"key": k, "value": 1, "count": 2}))
        .collect();
    let results = json!({"workload": {"error-types": ["duplicate"], "bad-error-types": ["duplicate"], "duplicate": {"count": errs.len(), "errs": errs}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    assert_eq!(pictures.len(), MAX_KEYS);
    let svg = std::fs::read_to_string(dir.path().join("orders/000.svg")).unwrap();
    assert!(svg.contains("2 more affected keys not drawn"), "{svg}");
}

/// A node chooses its offsets: the extremes of i64 draw without overflow.
#[test]
fn extreme_offsets_from_a_node_do_not_overflow() {
    let dir = run_dir(&[
        (1, 1, "ok", "send", send("5", i64::MIN, json!(1))),
        (2, 1, "ok", "send", send("5", i64::MAX, json!(1))),
    ]);
    let results = json!({"workload": {"error-types": ["duplicate", "inconsistent-offsets"], "bad-error-types": ["duplicate", "inconsistent-offsets"],
        "duplicate": {"count": 1, "errs": [{"key": "5", "value": 1, "count": 2}]},
        "inconsistent-offsets": {"count": 1, "errs": [{"key": "5", "offset": i64::MAX, "values": [1, 2]}]}}});
    let pictures = draw_in(dir.path(), "kafka", &results);
    let svg = std::fs::read_to_string(dir.path().join(&pictures[0].file)).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
    assert!(svg.contains("1 above"), "the far offset is counted: {svg}");
}

/// Process 0 polls offsets 0-1, then offset 0 again: the poll went back.
/// `:values [2 1]`: 2 (the last of the first poll) is red in the first
/// row, 1 (the first of the second) in the second, and nothing else.
#[test]
fn a_nonmonotonic_poll_paints_each_value_in_its_own_row() {
    let dir = run_dir(&[
        (1, 0, "ok", "poll", poll("4", json!([[0, 1], [1, 2]]))),
        (2, 0, "ok", "poll", poll("4", json!([[0, 1]]))),
    ]);
    let ops = [
        op_json(0, 1, 0, poll("4", json!([[0, 1], [1, 2]]))),
        op_json(1, 2, 0, poll("4", json!([[0, 1]]))),
    ];
    let results = json!({"workload": {"error-types": ["nonmonotonic-poll"], "bad-error-types": ["nonmonotonic-poll"],
        "nonmonotonic-poll": {"count": 1, "errs": [{"key": "4", "values": [2, 1], "delta": -1, "ops": ops}]}}});
    draw_in(dir.path(), "kafka", &results);
    let svg = std::fs::read_to_string(dir.path().join("orders/004.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let red: Vec<(&str, &str)> = class_nodes(&doc, "cell anomaly")
        .iter()
        .map(|n| {
            let row = n.parent().unwrap().attribute("data-index").unwrap();
            (row, n.attribute("data-offset").unwrap())
        })
        .collect();
    assert_eq!(red, [("0", "1"), ("1", "0")]);
    assert!(svg.contains("[1] nonmonotonic-poll: a process&apos;s next poll of this key went back"));
}
