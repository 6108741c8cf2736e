//! timeline.html and counter.svg (issue 25), from runs of faulty fixture
//! nodes through `maelstrom test`.

#[allow(dead_code)]
mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use support::{fixture, maelstrom_test, run_fixture};

#[path = "../src/report/why/picture_checks.rs"]
#[allow(dead_code)]
mod picture_checks;
use picture_checks::assert_balanced;

/// timeline.html's embedded data.
fn timeline_data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"timeline-data\">";
    let a = html.find(open).expect("embedded data") + open.len();
    let b = a + html[a..].find("</script>").expect("the script closes");
    serde_json::from_str(&html[a..b]).expect("embedded JSON")
}

/// Completions (and never-completed invocations) of a history.
fn operations(history: &[Value]) -> u64 {
    let mut open = BTreeSet::new();
    let mut n = 0;
    for op in history {
        let p = op["process"].to_string();
        if op["type"] == "invoke" {
            if !open.insert(p) {
                n += 1;
            }
        } else {
            open.remove(&p);
            n += 1;
        }
    }
    n + open.len() as u64
}

/// A node whose refusals and echoes are HTML: every op is drawn (a short
/// run), the refusals as fail boxes with the node's text escaped in
/// their titles, and no markup from the node reaches the page.
#[test]
fn the_timeline_draws_every_operation_of_a_short_run_and_escapes_the_nodes_text() {
    let r = maelstrom_test(
        &fixture("echo_hostile.py"),
        &[
            "-w",
            "echo",
            "--node-count",
            "1",
            "--time-limit",
            "2",
            "--rate",
            "20",
        ],
    );
    let html = r.store_file("timeline.html");
    assert!(!html.is_empty(), "no timeline.html\n{}", r.tail());
    assert_balanced(&html);
    assert!(!html.contains("<b>"), "node markup reached the page");
    assert!(
        html.contains("&lt;/script&gt;&lt;b&gt;boom&lt;/b&gt;"),
        "the refusal's text, escaped"
    );
    let history = r.jsonl("history.jsonl");
    let fails = history.iter().filter(|op| op["type"] == "fail").count();
    assert!(fails > 0, "the node refuses every other echo");
    assert_eq!(html.matches("class=\"op fail ").count(), fails);
    let data = timeline_data(&html);
    assert_eq!(data["ops"], operations(&history));
    assert_eq!(data["drawn"], data["ops"], "a short run is drawn whole");
    let why: Value = serde_json::from_str(&r.store_file("why.json")).unwrap();
    let entry = why
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["file"] == "timeline.html")
        .expect("timeline.html in why.json");
    assert_eq!(entry["anomaly"], false);
}

/// g_counter_local.py: each node counts only its own adds, so final reads
/// miss the others'. counter.svg marks exactly the checker's failing
/// final reads, with their values, and why.json lists it first, as an
/// anomaly with the failing reads' window and the nodes that answered.
#[test]
fn the_counter_picture_marks_the_failing_final_reads() {
    let r = run_fixture(
        "g-counter",
        "g_counter_local.py",
        "--node-count 3 --time-limit 3 --rate 50",
    );
    assert_eq!(r.workload()["valid?"], false, "{}", r.tail());
    let errors = r.workload()["errors"].as_array().expect("errors").clone();
    let svg = r.store_file("counter.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let failing: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("final-read failing"))
        .collect();
    assert_eq!(failing.len(), errors.len());
    let acceptable: Vec<String> = r.workload()["acceptable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("[{} {}]", x[0], x[1]))
        .collect();
    for e in &errors {
        let tip = format!("(op {}, process {})", e["index"], e["process"]);
        let node = failing
            .iter()
            .find(|n| {
                n.descendants()
                    .any(|t| t.text().is_some_and(|t| t.contains(&tip)))
            })
            .unwrap_or_else(|| panic!("no failing mark for {e}"));
        let text = node
            .descendants()
            .find_map(|t| t.text().filter(|t| t.contains(&tip)))
            .unwrap();
        assert!(
            text.contains(&format!(
                ": {}, outside the acceptable values [{}]",
                e["value"],
                acceptable.join(" ")
            )),
            "{text}"
        );
    }
    let why: Value = serde_json::from_str(&r.store_file("why.json")).unwrap();
    let first = &why[0];
    assert_eq!(
        (first["file"].as_str(), first["anomaly"].as_bool()),
        (Some("counter.svg"), Some(true))
    );
    let window = first["window-ns"].as_array().expect("a window");
    let times: Vec<u64> = errors.iter().map(|e| e["time"].as_u64().unwrap()).collect();
    assert!(window[0].as_u64() <= times.iter().min().copied());
    assert_eq!(window[1].as_u64(), times.iter().max().copied());
    let nodes = support::strings(&first["nodes"]);
    assert!(!nodes.is_empty(), "{first}");
    assert!(
        nodes
            .iter()
            .all(|n| ["n0", "n1", "n2"].contains(&n.as_str())),
        "{nodes:?}"
    );
    let timeline = r.store_file("timeline.html");
    assert_balanced(&timeline);
    for e in &errors {
        assert!(
            timeline.contains(&format!("id=\"i{}\"", e["index"])),
            "the failing read is drawn"
        );
    }
}
