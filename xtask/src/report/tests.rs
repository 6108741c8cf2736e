//! Each picture must parse as XML and hold the series and arrows its inputs imply.

use super::*;
use crate::checkers::testing::op_at;
use crate::history::{History, Op, OpType, Process};
use crate::journal::JournalKind;
use serde_json::{json, Value};

fn op(index: usize, time_ms: u64, process: Process, kind: OpType, f: &str) -> Op {
    op_at(index, time_ms * 1_000_000, process, kind, f, Value::Null)
}

/// Two clients: reads that end ok, fail and info; a broadcast; a partition
/// from 100 ms to 300 ms; an invoke that never completes.
fn history() -> History {
    use OpType::*;
    let c = Process::Client;
    let spec = [
        (0, c(0), Invoke, "read"),
        (1, c(1), Invoke, "broadcast"),
        (5, c(0), Ok, "read"),
        (8, c(1), Ok, "broadcast"),
        (10, c(0), Invoke, "read"),
        (100, Process::Nemesis, Info, "start-partition"),
        (101, Process::Nemesis, Info, "start-partition"),
        (150, c(0), Fail, "read"),
        (200, c(0), Invoke, "read"),
        (300, Process::Nemesis, Info, "stop-partition"),
        (301, Process::Nemesis, Info, "stop-partition"),
        (1200, c(0), Info, "read"),
        (1300, c(2), Invoke, "read"),
        (1400, c(1), Invoke, "read"),
        (1401, c(1), Ok, "read"),
    ];
    History::new(
        spec.iter()
            .enumerate()
            .map(|(i, (t, p, k, f))| op(i, *t, *p, *k, f))
            .collect(),
    )
}

fn event(
    id: u64,
    kind: JournalKind,
    msg_id: u64,
    src: &str,
    dest: &str,
    body: Value,
) -> JournalEvent {
    JournalEvent {
        id,
        time: id * 1_000_000,
        kind,
        msg_id,
        src: src.into(),
        dest: dest.into(),
        body,
    }
}

fn journal() -> Vec<JournalEvent> {
    use JournalKind::*;
    vec![
        event(
            0,
            Send,
            0,
            "c0",
            "n0",
            json!({"type": "init", "node_id": "n0", "node_ids": ["n0", "n1"], "msg_id": 1}),
        ),
        event(
            1,
            Recv,
            0,
            "c0",
            "n0",
            json!({"type": "init", "node_id": "n0", "node_ids": ["n0", "n1"], "msg_id": 1}),
        ),
        event(
            2,
            Send,
            1,
            "n0",
            "c0",
            json!({"type": "init_ok", "in_reply_to": 1}),
        ),
        event(
            3,
            Recv,
            1,
            "n0",
            "c0",
            json!({"type": "init_ok", "in_reply_to": 1}),
        ),
        event(4, Send, 2, "c3", "n1", json!({"type": "read", "msg_id": 1})),
        event(
            5,
            Send,
            3,
            "n1",
            "n0",
            json!({"type": "gossip", "v": "<&>"}),
        ),
        event(6, Recv, 2, "c3", "n1", json!({"type": "read", "msg_id": 1})),
        event(
            7,
            Recv,
            3,
            "n1",
            "n0",
            json!({"type": "gossip", "v": "<&>"}),
        ),
        event(
            8,
            Send,
            4,
            "n1",
            "c3",
            json!({"type": "error", "code": 11, "text": "busy", "in_reply_to": 1}),
        ),
        event(
            9,
            Recv,
            4,
            "n1",
            "c3",
            json!({"type": "error", "code": 11, "text": "busy", "in_reply_to": 1}),
        ),
        // Dropped by a partition: sent, never delivered, never drawn.
        event(10, Send, 5, "n0", "n1", json!({"type": "gossip"})),
        event(
            11,
            Send,
            6,
            "n0",
            "seq-kv",
            json!({"type": "read", "key": "k", "msg_id": 9}),
        ),
        event(
            12,
            Recv,
            6,
            "n0",
            "seq-kv",
            json!({"type": "read", "key": "k", "msg_id": 9}),
        ),
    ]
}

fn write_all(history: &History, journal: &[JournalEvent]) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut gathered = PerfData::default();
    history.ops.iter().for_each(|op| gathered.observe(op));
    write_pictures(dir.path(), gathered, journal.to_vec(), 6_000_000).unwrap();
    let texts = PICTURES
        .iter()
        .map(|name| std::fs::read_to_string(dir.path().join(name)).unwrap())
        .collect();
    (dir, texts)
}

fn series(doc: &roxmltree::Document) -> Vec<(String, usize)> {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .map(|n| {
            (
                n.attribute("data-series").unwrap().to_string(),
                n.children().filter(|c| c.has_tag_name("circle")).count(),
            )
        })
        .collect()
}

fn count_class(doc: &roxmltree::Document, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .count()
}

#[test]
fn latency_raw_has_one_series_per_f_and_outcome_and_shades_partitions() {
    let (_dir, texts) = write_all(&history(), &journal());
    let doc = roxmltree::Document::parse(&texts[0]).unwrap();
    let got = series(&doc);
    let expected: Vec<(String, usize)> = [
        ("broadcast ok", 1),
        ("read fail", 1),
        ("read info", 1),
        ("read ok", 2),
    ]
    .iter()
    .map(|(s, n)| (s.to_string(), *n))
    .collect();
    assert_eq!(got, expected);
    // Both start ops open one interval; both stop ops close it.
    assert_eq!(count_class(&doc, "nemesis"), 1);
}

#[test]
fn quantiles_and_rate_have_their_series() {
    let (_dir, texts) = write_all(&history(), &journal());
    let quantiles = roxmltree::Document::parse(&texts[1]).unwrap();
    let names: Vec<String> = series(&quantiles).into_iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        [
            "broadcast 0.5",
            "broadcast 0.95",
            "broadcast 0.99",
            "broadcast 1",
            "read 0.5",
            "read 0.95",
            "read 0.99",
            "read 1"
        ]
    );
    let rate = roxmltree::Document::parse(&texts[2]).unwrap();
    let got = series(&rate);
    let names: Vec<&str> = got.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["broadcast ok", "read fail", "read info", "read ok"]);
    // A 1.4 s run is one 10 s bucket: one point per series.
    assert!(got.iter().all(|s| s.1 == 1));
    assert_eq!(count_class(&rate, "nemesis"), 1);
}

/// The time (s) at x position `cx`, read off the x-axis tick labels.
fn time_at(doc: &roxmltree::Document, cx: f64) -> f64 {
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("x-tick"))
        .map(|n| {
            let x: f64 = n.attribute("x").unwrap().parse().unwrap();
            (n.text().unwrap().parse().unwrap(), x)
        })
        .collect();
    let ((t0, x0), (t1, x1)) = (ticks[0], ticks[ticks.len() - 1]);
    t0 + (cx - x0) / (x1 - x0) * (t1 - t0)
}

fn circles_x(doc: &roxmltree::Document) -> Vec<f64> {
    doc.descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| n.attribute("cx").unwrap().parse().unwrap())
        .collect()
}

#[test]
fn bucket_points_sit_at_bucket_midpoints_inside_the_axis() {
    // As in Jepsen, a bucket's point is drawn at its midpoint (15 s for
    // quantiles, 5 s for rate) even when the run is shorter, and the axis
    // reaches past it (gnuplot autoscales to whole tics).
    let (_dir, texts) = write_all(&history(), &journal());
    for (text, midpoint) in [(&texts[1], 15.0), (&texts[2], 5.0)] {
        let doc = roxmltree::Document::parse(text).unwrap();
        let xs = circles_x(&doc);
        assert!(!xs.is_empty());
        for cx in xs {
            let t = time_at(&doc, cx);
            assert!(
                (t - midpoint).abs() < 0.05,
                "point at {t} s, not {midpoint}"
            );
            assert!(cx < 900.0 - 190.0, "point on the plot's right border");
        }
    }
}

#[test]
fn messages_draw_one_arrow_per_delivered_non_init_message() {
    let (_dir, texts) = write_all(&history(), &journal());
    let doc = roxmltree::Document::parse(&texts[3]).unwrap();
    let arrows: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("msg"))
        .map(|g| {
            let rect = g.children().find(|c| c.has_tag_name("rect")).unwrap();
            (
                g.attribute("data-type").unwrap().to_string(),
                rect.attribute("fill").unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("read", "#81BFFC"),
        ("gossip", "#000"),
        ("error", "#FF1E90"),
        ("read", "#000"),
    ];
    assert_eq!(
        arrows,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let lanes: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        lanes,
        ["c3", "n0", "n1", "seq-kv"],
        "init-only ids have no lane"
    );
    // The label text survives escaping; the main phase starts at event 6 (third row).
    assert!(doc
        .descendants()
        .any(|n| n.text() == Some("gossip {:v \"<&>\"}")));
    assert_eq!(count_class(&doc, "main-phase"), 1);
    assert_eq!(count_class(&doc, "truncated"), 0);
    assert_eq!(
        doc.root_element().attribute("height"),
        Some("320"),
        "20 x (9 non-init events + 7)"
    );
}

#[test]
fn messages_are_capped_for_long_runs() {
    let mut long = Vec::new();
    for i in 0..6_000u64 {
        long.push(event(
            2 * i,
            JournalKind::Send,
            i,
            "n0",
            "n1",
            json!({"type": "gossip"}),
        ));
        long.push(event(
            2 * i + 1,
            JournalKind::Recv,
            i,
            "n0",
            "n1",
            json!({"type": "gossip"}),
        ));
    }
    let (_dir, texts) = write_all(&History::default(), &long);
    let doc = roxmltree::Document::parse(&texts[3]).unwrap();
    assert_eq!(count_class(&doc, "msg"), 5_000);
    let notice = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("truncated"))
        .unwrap();
    assert!(notice
        .descendants()
        .any(|n| n.text() == Some("2000 later network events not shown")));
}

#[test]
fn empty_and_odd_inputs_still_give_valid_pictures() {
    let odd = vec![
        event(0, JournalKind::Recv, 99, "x", "y", json!("not an object")),
        event(
            1,
            JournalKind::Send,
            1,
            "n0",
            "n1",
            json!({"type": "a\u{1}b", "k": [1.5, null]}),
        ),
        event(
            2,
            JournalKind::Recv,
            1,
            "n0",
            "n1",
            json!({"type": "a\u{1}b", "k": [1.5, null]}),
        ),
    ];
    for (h, j) in [(History::default(), Vec::new()), (history(), odd)] {
        let (_dir, texts) = write_all(&h, &j);
        for text in &texts {
            roxmltree::Document::parse(text).unwrap();
        }
    }
}
