//! Hand-made journals whose pictures are known: a star overlay, values with
//! known receipt times, one that never reaches a node, malformed lines.

use super::*;
use crate::journal::JournalKind;
use serde_json::json;
use std::collections::HashMap;

/// A journal written event by event, in time order, with the network's
/// global message ids.
#[derive(Default)]
struct Journal {
    lines: Vec<String>,
    in_flight: HashMap<u64, (String, String, Value)>,
    next_msg: u64,
}

impl Journal {
    fn event(
        &mut self,
        ms: u64,
        kind: JournalKind,
        msg_id: u64,
        src: &str,
        dest: &str,
        body: Value,
    ) {
        let e = JournalEvent {
            id: self.lines.len() as u64,
            time: ms * 1_000_000,
            kind,
            msg_id,
            src: src.into(),
            dest: dest.into(),
            body,
        };
        self.lines.push(serde_json::to_string(&e).unwrap());
    }

    fn send(&mut self, ms: u64, src: &str, dest: &str, body: Value) -> u64 {
        let m = self.next_msg;
        self.next_msg += 1;
        self.event(ms, JournalKind::Send, m, src, dest, body.clone());
        self.in_flight.insert(m, (src.into(), dest.into(), body));
        m
    }

    fn recv(&mut self, ms: u64, msg: u64) {
        let (src, dest, body) = self.in_flight.remove(&msg).unwrap();
        self.event(ms, JournalKind::Recv, msg, &src, &dest, body);
    }

    /// A client message, delivered at once as the bench does.
    fn client(&mut self, ms: u64, client: &str, node: &str, body: Value) {
        let m = self.send(ms, client, node, body);
        self.recv(ms, m);
    }

    fn text(&self) -> String {
        self.lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

fn gossip(values: &[i64]) -> Value {
    json!({"type": "gossip", "values": values})
}

/// Four nodes on a star around n0. Value 7 enters at n2 at 10 ms and is
/// everywhere at 75 ms (n0 20 ms, n1 45 ms, n3 65 ms after it entered).
/// Value 8 enters at n1 at 100 ms, reaches n0 and n2, and its copy to n3 is
/// dropped. n3 does get a message holding the integer 8 (a sequence number,
/// and the envelope's msg_id), but n0 sent it at 5 ms, before 8 existed: it
/// must not count.
fn star() -> Journal {
    let mut j = Journal::default();
    for n in 0..4 {
        j.client(
            0,
            &format!("c{n}"),
            &format!("n{n}"),
            json!({"type": "init", "msg_id": 1, "node_id": format!("n{n}")}),
        );
    }
    let early = j.send(
        5,
        "n0",
        "n3",
        json!({"type": "gossip", "seq": 8, "msg_id": 8, "values": []}),
    );
    j.client(
        10,
        "c9",
        "n2",
        json!({"type": "broadcast", "message": 7, "msg_id": 1}),
    );
    let m = j.send(10, "n2", "n0", gossip(&[7]));
    j.recv(30, m);
    let to1 = j.send(30, "n0", "n1", gossip(&[7]));
    let to3 = j.send(30, "n0", "n3", gossip(&[7]));
    j.recv(55, to1);
    j.recv(75, to3);
    j.client(
        100,
        "c9",
        "n1",
        json!({"type": "broadcast", "message": 8, "msg_id": 2}),
    );
    let m = j.send(100, "n1", "n0", gossip(&[8]));
    j.recv(120, m);
    let to2 = j.send(
        120,
        "n0",
        "n2",
        json!({"type": "sync", "seen": {"8": true}}),
    );
    let _dropped = j.send(120, "n0", "n3", gossip(&[8]));
    j.recv(140, to2);
    j.recv(200, early);
    j
}

fn scan(text: &str) -> Scan {
    Scan::read(std::io::Cursor::new(text.as_bytes()), 0).unwrap()
}

fn node(scan: &Scan, name: &str) -> usize {
    scan.nodes.index[name]
}

#[test]
fn a_star_overlay_puts_all_traffic_on_the_hubs_row_and_column() {
    let s = scan(&star().text());
    let hub = node(&s, "n0");
    let n = s.nodes.len();
    assert_eq!(n, 4);
    for src in 0..n {
        for dest in 0..n {
            if src != hub && dest != hub {
                assert_eq!(s.links.sent(src, dest), 0, "{src} -> {dest}");
            }
        }
    }
    let row: u64 = (0..n).map(|d| s.links.sent(hub, d)).sum();
    let col: u64 = (0..n).map(|src| s.links.sent(src, hub)).sum();
    assert_eq!((row, col), (5, 2));
    assert_eq!(s.links.sent(hub, node(&s, "n3")), 3);
    assert_eq!(s.links.delivered(hub, node(&s, "n3")), 2);

    // The picture draws exactly those links, and the hub's totals are the longest bars.
    let svg = links::render(&s);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let drawn: Vec<(&str, &str, &str)> = doc
        .descendants()
        .filter(|e| e.attribute("class") == Some("link"))
        .map(|e| {
            (
                e.attribute("data-src").unwrap(),
                e.attribute("data-dest").unwrap(),
                e.attribute("data-sent").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        drawn,
        [
            ("n0", "n1", "1"),
            ("n0", "n2", "1"),
            ("n0", "n3", "3"),
            ("n1", "n0", "1"),
            ("n2", "n0", "1")
        ]
    );
    let total = |class: &str, name: &str| -> u64 {
        doc.descendants()
            .find(|e| e.attribute("class") == Some(class) && e.attribute("data-node") == Some(name))
            .and_then(|e| e.attribute("data-total")?.parse().ok())
            .unwrap()
    };
    assert_eq!(total("row-total", "n0"), 5);
    assert_eq!(total("col-total", "n0"), 2);
    assert_eq!(total("row-total", "n3"), 0);
}

#[test]
fn propagation_gives_the_known_time_to_every_node_and_per_node_lags() {
    let s = scan(&star().text());
    let p = s.propagation.summary(s.nodes.len());
    assert_eq!(p.values, 2);
    // Only value 7 reached every node: 75 ms - 10 ms.
    assert_eq!(p.to_all_ms, [65.0]);
    let lag = |name: &str| p.lag_ms[node(&s, name)].clone();
    // n0 got 7 after 20 ms and 8 after 20 ms; n1 got 7 after 45 ms (8 was
    // its own, from a client); n2 got 8 after 40 ms; n3 got 7 after 65 ms.
    assert_eq!(lag("n0"), [20.0, 20.0]);
    assert_eq!(lag("n1"), [45.0]);
    assert_eq!(lag("n2"), [40.0]);
    assert_eq!(lag("n3"), [65.0]);

    let svg = propagation::render_distribution(&s);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let marker = |q: &str| {
        doc.descendants()
            .find(|e| e.attribute("class") == Some("marker") && e.attribute("data-q") == Some(q))
            .and_then(|e| e.attribute("data-ms"))
            .unwrap()
    };
    assert_eq!((marker("0.5"), marker("1")), ("65.000", "65.000"));
    assert!(svg.contains(">p50 65 ms<"), "{svg}");
}

#[test]
fn a_value_that_never_reaches_a_node_is_counted_for_that_node_and_left_out() {
    let s = scan(&star().text());
    let p = s.propagation.summary(s.nodes.len());
    let never: Vec<(&str, u64)> = (0..s.nodes.len())
        .map(|i| (s.nodes.name(i), p.never[i]))
        .collect();
    // n3 never got 8: the copy to it was dropped, and the early message
    // holding the number 8 was sent before n0 had the value.
    assert_eq!(never, [("n0", 0), ("n1", 0), ("n2", 0), ("n3", 1)]);
    assert_eq!(p.to_all_ms.len(), 1);

    let svg = propagation::render_distribution(&s);
    assert!(svg.contains(">never reached n3: 1<"), "{svg}");
    assert!(svg.contains(">2 values, 4 nodes<"), "{svg}");
    assert!(svg.contains(">1 reached every node<"), "{svg}");
    let svg = propagation::render_node_lag(&s);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rows: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|e| e.attribute("class") == Some("lag-row"))
        .map(|e| {
            (
                e.attribute("data-node").unwrap(),
                e.attribute("data-never").unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [("n0", "0"), ("n1", "0"), ("n2", "0"), ("n3", "1")]);
}

#[test]
fn malformed_lines_are_counted_not_fatal() {
    let mut bytes = star().text().into_bytes();
    bytes.extend_from_slice(b"not json\n\n{\"id\": 3}\n\xff\xfe garbage\n   \n");
    // A final line without its newline still counts.
    bytes.extend_from_slice(b"{\"id\": 4, \"time\": 1, \"type\": \"recv\"");
    let s = Scan::read(std::io::Cursor::new(bytes), 0).unwrap();
    assert_eq!(s.malformed, 4);
    assert_eq!(s.events, star().lines.len() as u64);
    // The figures are those of the good lines.
    assert_eq!(s.propagation.summary(s.nodes.len()).to_all_ms, [65.0]);
    for svg in [
        propagation::render_distribution(&s),
        propagation::render_node_lag(&s),
        links::render(&s),
        rates::render(&s, &[]),
    ] {
        roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.contains("4 malformed journal lines skipped"), "{svg}");
    }
}

#[test]
fn numbers_in_the_envelope_and_stale_messages_do_not_carry_values() {
    let mut j = Journal::default();
    j.client(
        0,
        "c1",
        "n0",
        json!({"type": "broadcast", "message": 3, "msg_id": 1}),
    );
    j.client(
        0,
        "c1",
        "n1",
        json!({"type": "broadcast", "message": 4, "msg_id": 2}),
    );
    // n0 -> n2 names 3 first only as msg_id and in_reply_to, then as a
    // string; n1 -> n2 carries 4 deep in a map.
    let a = j.send(
        1,
        "n0",
        "n2",
        json!({"type": "ping", "msg_id": 3, "in_reply_to": 3}),
    );
    let b = j.send(1, "n0", "n2", json!({"type": "x", "batch": [{"v": "3"}]}));
    let c = j.send(
        1,
        "n1",
        "n2",
        json!({"type": "x", "state": {"n1": {"vals": [4]}}}),
    );
    j.recv(5, a);
    j.recv(9, b);
    j.recv(12, c);
    let s = scan(&j.text());
    let p = s.propagation.summary(s.nodes.len());
    assert_eq!(p.lag_ms[node(&s, "n2")], [9.0, 12.0]);
}

#[test]
fn message_rates_count_sends_per_second_by_type_and_shade_partitions() {
    let mut j = Journal::default();
    for ms in [0, 100, 900, 1500] {
        let m = j.send(ms, "n0", "n1", gossip(&[]));
        j.recv(ms + 50, m);
    }
    j.client(1200, "c0", "n0", json!({"type": "read", "msg_id": 1}));
    let s = scan(&j.text());
    let lines = s.rates.lines();
    let got: Vec<(&str, &[(i64, u64)])> = lines
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_slice()))
        .collect();
    assert_eq!(
        got,
        [
            ("gossip", &[(0, 3), (1, 1)][..]),
            ("read (client)", &[(0, 0), (1, 1)][..])
        ]
    );
    let svg = rates::render(&s, &[(0.5, 1.0)]);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|e| e.attribute("class") == Some("nemesis"))
            .count(),
        1
    );
}

/// A store run directory `<tmp>/store/<workload>/<stamp>` with a journal.
fn run_dir(
    workload: &str,
    run_json: Option<Value>,
    journal: &str,
    history: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp
        .path()
        .join("store")
        .join(workload)
        .join("20261201T000000.000Z");
    std::fs::create_dir_all(&dir).unwrap();
    if let Some(run) = run_json {
        std::fs::write(dir.join("run.json"), run.to_string()).unwrap();
    }
    std::fs::write(dir.join("net-journal.jsonl"), journal).unwrap();
    std::fs::write(dir.join("history.jsonl"), history).unwrap();
    (tmp, dir)
}

#[test]
fn write_broadcast_pictures_draws_broadcast_and_g_set_runs_only() {
    let history = [
        json!({"index": 0, "time": 0, "process": 0, "type": "invoke", "f": "read", "value": null}),
        json!({"index": 1, "time": 20_000_000, "process": "nemesis", "type": "info", "f": "start-partition", "value": null}),
        json!({"index": 2, "time": 30_000_000, "process": "nemesis", "type": "info", "f": "start-partition", "value": {"n0": ["n1"]}}),
        json!({"index": 3, "time": 150_000_000, "process": "nemesis", "type": "info", "f": "stop-partition", "value": null}),
    ]
    .iter()
    .map(|v| format!("{v}\n"))
    .collect::<String>();
    let journal = star().text();
    let run = json!({"args": ["--workload", "broadcast", "--node-count", "4"], "main_phase_offset_ns": 0});
    let (_tmp, dir) = run_dir("broadcast", Some(run), &journal, &history);
    let written = write_broadcast_pictures(&dir).unwrap();
    assert_eq!(written, PICTURES);
    for name in PICTURES {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
    }
    let rates = std::fs::read_to_string(dir.join("msgs-by-type.svg")).unwrap();
    assert!(rates.contains("class=\"nemesis\""), "{rates}");

    // g-set by its store directory alone (no run.json).
    let (_tmp, dir) = run_dir("g-set", None, &journal, "");
    assert_eq!(write_broadcast_pictures(&dir).unwrap(), PICTURES);

    // Other workloads get nothing.
    let run = json!({"args": ["-w", "echo"], "main_phase_offset_ns": 0});
    let (_tmp, dir) = run_dir("echo", Some(run), &journal, "");
    assert!(write_broadcast_pictures(&dir).unwrap().is_empty());
    assert!(!dir.join("propagation.svg").exists());

    // A broadcast run without its journal is an error, not a panic.
    let run = json!({"args": ["--workload", "broadcast"]});
    let (_tmp, dir) = run_dir("broadcast", Some(run), "", "");
    std::fs::remove_file(dir.join("net-journal.jsonl")).unwrap();
    assert!(write_broadcast_pictures(&dir).is_err());
}

#[test]
fn an_empty_journal_still_draws_well_formed_pictures() {
    let s = scan("");
    for svg in [
        propagation::render_distribution(&s),
        propagation::render_node_lag(&s),
        links::render(&s),
        rates::render(&s, &[]),
    ] {
        roxmltree::Document::parse(&svg).unwrap();
    }
}

#[test]
fn message_rates_keep_the_nodes_own_types_and_sum_the_rest_as_other() {
    let mut j = Journal::default();
    for k in 0..12 {
        j.client(0, "c0", "n0", json!({"type": format!("req{k:02}")}));
    }
    for _ in 0..3 {
        j.send(0, "n0", "n1", json!({"type": "gossip_ok"}));
    }
    j.send(0, "n0", "n1", gossip(&[]));
    let s = scan(&j.text());
    let names: Vec<String> = s.rates.lines().into_iter().map(|l| l.0).collect();
    // The nodes' types first (busiest first), then nine less the two client
    // types, then the other five client types summed.
    let mut expected = vec!["gossip_ok".to_string(), "gossip".to_string()];
    expected.extend((0..7).map(|k| format!("req{k:02} (client)")));
    expected.push("other".into());
    assert_eq!(names, expected);
    let other = &s.rates.lines()[9].1;
    assert_eq!(other, &[(0, 5)]);
}

#[test]
fn time_before_the_main_phase_is_negative_and_the_zero_tick_has_no_sign() {
    let mut j = Journal::default();
    j.client(100, "c0", "n0", json!({"type": "init", "msg_id": 1}));
    j.send(14_900, "n0", "n1", gossip(&[]));
    // The main phase starts 1 s into the engine's clock; the axis runs from
    // -1 s in steps of 2 s, so its first tick is computed as -0.
    let s = Scan::read(std::io::Cursor::new(j.text().into_bytes()), 1_000_000_000).unwrap();
    let lines = s.rates.lines();
    assert_eq!(lines[1].1[..2], [(-1, 1), (0, 0)]);
    assert_eq!(lines[0].1.last(), Some(&(13, 1)));
    let svg = rates::render(&s, &[]);
    assert!(
        svg.contains(">0</text>") && !svg.contains(">-0</text>"),
        "{svg}"
    );
}
