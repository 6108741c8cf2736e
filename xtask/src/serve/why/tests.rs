//! The why section and the cut diagram from hand-made runs: a manifest as
//! `report::why` writes it, a journal, node logs with their time index.

use super::*;
use crate::engine::node_log::NodeLog;
use crate::serve::http::Body;
use serde_json::json;

const MS: u64 = 1_000_000;
/// Engine time of history time 0 in these runs.
const OFFSET: u64 = 500 * MS;

fn journal_line(
    id: u64,
    t_ms: u64,
    kind: &str,
    msg: u64,
    src: &str,
    dest: &str,
    ty: &str,
) -> String {
    json!({"id": id, "time": OFFSET + t_ms * MS, "type": kind, "msg_id": msg,
           "src": src, "dest": dest, "body": {"type": ty}})
    .to_string()
}

/// A failing run: store/g-set/T/ with a manifest listing a context picture,
/// two anomalies (the first at history time 1000-1100 ms on n1), a journal
/// with traffic at 1 s (in the window) and 5 s (outside it), and logs.
fn run(manifest: &Value) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("g-set/20260101T000000.000Z");
    std::fs::create_dir_all(dir.join("node-logs")).unwrap();
    std::fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
    std::fs::write(
        dir.join("run.json"),
        json!({"main_phase_offset_ns": OFFSET, "args": ["-w", "g-set"]}).to_string(),
    )
    .unwrap();
    let journal = [
        journal_line(0, 1000, "send", 1, "c3", "n1", "add"),
        journal_line(1, 1001, "recv", 1, "c3", "n1", "add"),
        journal_line(2, 1002, "send", 2, "n1", "n2", "replicate"),
        journal_line(3, 1003, "recv", 2, "n1", "n2", "replicate"),
        "not json".to_string(),
        journal_line(4, 5000, "send", 3, "c4", "n2", "read"),
        journal_line(5, 5001, "recv", 3, "c4", "n2", "read"),
    ];
    std::fs::write(dir.join("net-journal.jsonl"), journal.join("\n")).unwrap();
    for node in ["n1", "n2"] {
        let mut log = NodeLog::create(&dir, node).unwrap();
        log.write_line(OFFSET, &format!("{node} starts"));
        log.write_line(
            OFFSET + 1050 * MS,
            &format!("{node} drops </script><b>x</b>"),
        );
        log.write_line(OFFSET + 4000 * MS, &format!("{node} much later"));
    }
    (root, dir)
}

fn manifest() -> Value {
    json!([
        {"file": "lost/1.svg", "title": "element 1 lost </script><b>", "anomaly": true,
         "window-ns": [1000 * MS, 1100 * MS], "nodes": ["n1", "../etc", "<b>"]},
        {"file": "elle/G1c/0.svg", "title": "G1c", "anomaly": true, "window-ns": null, "nodes": []},
        {"file": "../../outside.svg", "title": "escapes", "anomaly": true},
        {"file": "/etc/passwd", "title": "absolute", "anomaly": true},
        {"file": "timeline.html", "title": "timeline", "anomaly": false, "window-ns": null, "nodes": []}
    ])
}

#[test]
fn the_section_leads_with_the_first_anomaly_its_window_and_logs() {
    let (_root, dir) = run(&manifest());
    let s = section(&dir, "g-set/20260101T000000.000Z").unwrap();
    // The first anomaly's picture comes first, then the cut diagram and the
    // logs of its nodes (n1 only: the other two names are refused).
    let first = s
        .find("src=\"/files/g-set/20260101T000000.000Z/lost/1.svg\"")
        .unwrap();
    let cut = s
        .find("src=\"/why/g-set/20260101T000000.000Z/0/messages.svg\"")
        .unwrap();
    let logs = s
        .find("<pre class=\"log-window\" data-node=\"n1\">")
        .unwrap();
    let other = s.find("elle/G1c/0.svg").unwrap();
    assert!(first < cut && cut < logs && logs < other, "{s}");
    assert!(!s.contains("data-node=\"n2\""), "{s}");
    // The window's log line only, escaped; the title escaped.
    assert!(
        s.contains("n1 drops &lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"),
        "{s}"
    );
    assert!(!s.contains("n1 starts") && !s.contains("much later"), "{s}");
    assert!(s.contains("element 1 lost &lt;/script&gt;&lt;b&gt;"), "{s}");
    assert!(!s.contains("<b>") && !s.contains("</script>"), "{s}");
    // Paths that leave the run, and the context picture, are not shown.
    assert!(!s.contains("outside") && !s.contains("passwd"), "{s}");
    assert!(!s.contains("timeline.html"), "{s}");
}

#[test]
fn without_an_anomaly_or_a_readable_manifest_there_is_no_section() {
    let context = json!([{"file": "timeline.html", "title": "t", "anomaly": false}]);
    let (_root, dir) = run(&context);
    assert!(section(&dir, "g-set/x").is_none());
    for hostile in [
        "not json".to_string(),
        "{\"file\": \"a.svg\"}".to_string(),
        "[".repeat(10_000),
        format!(
            "[{}]",
            vec!["{\"file\":\"a.svg\",\"anomaly\":true}"; 20_000].join(",")
        ),
    ] {
        std::fs::write(dir.join(MANIFEST), &hostile).unwrap();
        // Too large (over MAX_MANIFEST) or not a list: nothing, no panic.
        assert!(section(&dir, "g-set/x").is_none(), "{}", &hostile[..20]);
    }
    std::fs::remove_file(dir.join(MANIFEST)).unwrap();
    crate::serve::tests::mkfifo(&dir.join(MANIFEST));
    assert!(section(&dir, "g-set/x").is_none());
}

fn body(r: Response) -> (u16, String) {
    match r.body {
        Body::Bytes(b) => (r.status, String::from_utf8(b).unwrap()),
        Body::File(..) => panic!("a drawn diagram is bytes"),
    }
}

#[test]
fn the_cut_diagram_route_draws_the_window_and_refuses_the_rest() {
    let (root, _dir) = run(&manifest());
    let get = |path: &str| body(crate::serve::respond(root.path(), path));
    let (status, svg) = get("/why/g-set/20260101T000000.000Z/0/messages.svg");
    assert_eq!(status, 200, "{svg}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let types: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("data-type"))
        .collect();
    // n1's add from its client, in the window; n1->n2 and the read at 5 s are not.
    assert_eq!(types, ["add"], "{svg}");
    // An entry without a window, past the end, or not a number.
    for path in [
        "/why/g-set/20260101T000000.000Z/1/messages.svg",
        "/why/g-set/20260101T000000.000Z/99/messages.svg",
        "/why/g-set/20260101T000000.000Z/x/messages.svg",
        "/why/g-set/20260101T000000.000Z/0/other.svg",
        "/why/g-set/nope/0/messages.svg",
    ] {
        assert_eq!(get(path).0, 404, "{path}");
    }
    assert_eq!(get("/why/../../etc/0/messages.svg").0, 403);
}

#[test]
fn an_invalid_run_page_opens_on_why_and_a_valid_one_is_as_before() {
    let (root, dir) = run(&manifest());
    let page = |valid: bool| {
        std::fs::write(
            dir.join("results.json"),
            json!({"valid?": valid}).to_string(),
        )
        .unwrap();
        body(crate::serve::respond(
            root.path(),
            "/run/g-set/20260101T000000.000Z",
        ))
        .1
    };
    let invalid = page(false);
    let why = invalid.find("<section id=\"why\">").expect("a why section");
    assert!(why < invalid.find("<h2 id=\"pictures\">").unwrap());
    assert!(invalid.contains("<a href=\"#why\">why it failed</a>"));
    let valid = page(true);
    assert!(!valid.contains("id=\"why\"") && !valid.contains("href=\"#why\""));
}

#[test]
fn a_fifo_or_garbled_journal_or_run_json_stops_nothing() {
    let (root, dir) = run(&manifest());
    let get = |path: &str| body(crate::serve::respond(root.path(), path));
    let cut = "/why/g-set/20260101T000000.000Z/0/messages.svg";
    // run.json unreadable: offset 0, so the window (1 s) misses the
    // journal's events (at 1.5 s engine time): an empty diagram, no error.
    std::fs::write(dir.join("run.json"), "{").unwrap();
    let (status, svg) = get(cut);
    assert_eq!(status, 200);
    assert!(!svg.contains("data-type"), "{svg}");
    // A journal line of 20 MiB is skipped unread; the next one is drawn.
    std::fs::write(
        dir.join("run.json"),
        json!({"main_phase_offset_ns": OFFSET}).to_string(),
    )
    .unwrap();
    let long = format!("{{\"pad\": \"{}\"}}", "x".repeat(20 << 20));
    let journal = [
        long,
        journal_line(0, 1000, "send", 1, "c3", "n1", "add"),
        journal_line(1, 1001, "recv", 1, "c3", "n1", "add"),
    ];
    std::fs::write(dir.join("net-journal.jsonl"), journal.join("\n")).unwrap();
    assert!(get(cut).1.contains("data-type=\"add\""));
    // A FIFO as the journal: refused at once, not waited on.
    std::fs::remove_file(dir.join("net-journal.jsonl")).unwrap();
    crate::serve::tests::mkfifo(&dir.join("net-journal.jsonl"));
    assert_eq!(get(cut).0, 404);
}
