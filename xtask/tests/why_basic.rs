//! The "why" pictures of issue 25 for the simple checkers: echo's wrong
//! replies (`echo-errors.svg`), unique-ids' duplicated ids
//! (`duplicates.svg`), and a failure no drawer shows (availability): the
//! timeline promoted to the run's anomaly. Each from a real run of a
//! faulty fixture node; the results browser's page of the echo run leads
//! with its picture.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::serve::{get, start_server};
use support::{run_fixture, Run};

/// why.json's first entry, which must be an anomaly with a window and nodes.
fn first_anomaly(r: &Run) -> Value {
    let text = r.store_file("why.json");
    let manifest: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("why.json is not JSON ({e}): {text}\n{}", r.tail()));
    let first = manifest[0].clone();
    assert_eq!(first["anomaly"], Value::Bool(true), "{text}");
    let window = first["window-ns"].as_array().expect("a window");
    assert!(window[0].as_u64() <= window[1].as_u64(), "{first}");
    assert!(!first["nodes"].as_array().unwrap().is_empty(), "{first}");
    first
}

/// The text of every `<text>` element of a well-formed SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn altered_echo_run() -> Run {
    let r = run_fixture(
        "echo",
        "echo_faulty.py",
        "--node-count 2 --time-limit 1 -- alter",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    r
}

#[test]
fn a_wrong_echo_is_drawn_asked_against_received() {
    let r = altered_echo_run();
    let first = first_anomaly(&r);
    assert_eq!(first["file"], "echo-errors.svg");
    let error = &r.workload()["errors"][0];
    let (asked, got) = (&error[1], &error[3]["echo"]);
    let texts = svg_texts(&r.store_file("echo-errors.svg"));
    assert!(
        texts.contains(&format!("asked to echo {asked}")),
        "{texts:?}"
    );
    let op = texts
        .iter()
        .find(|t| t.contains(&format!("received echo {got} ")))
        .unwrap_or_else(|| panic!("no op received {got}: {texts:?}"));
    assert!(op.starts_with("process ") && op.contains(" on n"), "{op}");
}

#[test]
fn a_duplicated_id_is_drawn_with_both_ops_that_returned_it() {
    let r = run_fixture(
        "unique-ids",
        "unique_ids_collide.py",
        "--node-count 2 --time-limit 1 --rate 20",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    let first = first_anomaly(&r);
    assert_eq!(first["file"], "duplicates.svg");
    let id = r.workload()["duplicated"]
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .expect("a duplicated id");
    let texts = svg_texts(&r.store_file("duplicates.svg"));
    let at = texts
        .iter()
        .position(|t| *t == format!("id {id}"))
        .unwrap_or_else(|| panic!("id {id} not drawn: {texts:?}"));
    // The id's two ops, each on its own node (every node counts 1, 2, ...).
    let ops: Vec<&String> = texts[at + 1..]
        .iter()
        .take_while(|t| t.starts_with("process "))
        .collect();
    assert!(ops.len() >= 2, "{texts:?}");
    assert!(ops
        .iter()
        .all(|t| t.contains(&format!("generate_ok {id} "))));
    assert!(ops.iter().any(|t| t.contains(" on n0:")) && ops.iter().any(|t| t.contains(" on n1:")));
}

/// The node ignores every echo after its third: the later ops are `:info`, the
/// echo checker is content, `--availability total` is not, and no drawer
/// draws availability: the timeline, windowed on the failing ops, leads.
#[test]
fn a_failure_no_drawer_shows_leads_with_the_timeline() {
    let r = run_fixture(
        "echo",
        "echo_faulty.py",
        "--node-count 1 --time-limit 2 --availability total -- mute",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], Value::Bool(true), "{}", r.tail());
    assert_eq!(r.results()["availability"]["valid?"], Value::Bool(false));
    let first = first_anomaly(&r);
    assert_eq!(first["file"], "timeline.html");
    assert_eq!(first["nodes"], serde_json::json!(["n0"]));
    // The window holds the invocation of the first :info op (the moment it
    // was asked; its completion is only the client's timeout).
    let mut invoked = std::collections::HashMap::new();
    let t = r
        .history()
        .into_iter()
        .find_map(|op| {
            let p = op["process"].as_u64()?;
            if op["type"] == "invoke" {
                invoked.insert(p, op["time"].as_u64()?);
                return None;
            }
            (op["type"] == "info").then(|| invoked[&p])
        })
        .expect("an :info op");
    let w = &first["window-ns"];
    assert!(
        w[0].as_u64().unwrap() <= t && t <= w[1].as_u64().unwrap(),
        "{w} {t}"
    );
}

#[test]
fn the_echo_runs_page_leads_with_its_wrong_reply() {
    let r = altered_echo_run();
    let rel = r.latest_run();
    let server = start_server(r.dir());
    let (status, _, page) = get(&server, &format!("/run/{rel}"));
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    let why = page.find("<section id=\"why\">").expect("a why section");
    let first = page
        .find("class=\"anomaly first\"")
        .expect("a first anomaly");
    let picture = page
        .find(&format!("src=\"/files/{rel}/echo-errors.svg\""))
        .expect("the echo picture");
    assert!(why < first && first < picture, "{page}");
    let (status, _, svg) = get(&server, &format!("/files/{rel}/echo-errors.svg"));
    assert_eq!(status, 200);
    assert!(String::from_utf8(svg).unwrap().contains("asked to echo"));
}
