//! The "why" pictures of issue 25 for lost elements (broadcast, g-set) and
//! kafka anomalies, drawn by real runs of faulty fixture nodes the bench
//! rejects, listed in why.json and holding what they must show.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{run_fixture, Run, PARTITIONS};

/// why.json's entries.
fn manifest(r: &Run) -> Vec<Value> {
    let text = r.store_file("why.json");
    serde_json::from_str::<Value>(&text)
        .unwrap_or_else(|e| panic!("why.json is not JSON ({e}): {text}\n{}", r.tail()))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The manifest entry for `file`, which must be an anomaly with a window
/// and nodes.
fn anomaly_entry(r: &Run, file: &str) -> Value {
    let entry = manifest(r)
        .into_iter()
        .find(|e| e["file"] == file)
        .unwrap_or_else(|| panic!("{file} not in why.json\n{}", r.tail()));
    assert_eq!(entry["anomaly"], Value::Bool(true), "{entry}");
    let window = entry["window-ns"].as_array().expect("a window");
    assert!(window[0].as_u64() <= window[1].as_u64(), "{entry}");
    assert!(!entry["nodes"].as_array().unwrap().is_empty(), "{entry}");
    entry
}

/// Checks the lost-elements picture of a run that lost elements: the first
/// lost element is drawn with the node its add went through and at least
/// one read that missed it, on a node.
fn assert_shows_a_lost_element(r: &Run) {
    assert_eq!(r.code, 1, "{}", r.tail());
    let lost = r.workload()["lost"].as_array().cloned().unwrap_or_default();
    assert!(!lost.is_empty(), "{}", r.tail());
    anomaly_entry(r, "lost-elements.svg");
    let svg = r.store_file("lost-elements.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let first = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("element"))
        .expect("an element block");
    assert_eq!(
        first.attribute("data-element"),
        Some(lost[0].to_string().as_str())
    );
    assert_eq!(first.attribute("data-outcome"), Some("lost"));
    let add = first
        .descendants()
        .find(|n| n.attribute("class") == Some("add"))
        .expect("the add");
    assert!(
        add.attribute("data-node")
            .is_some_and(|n| n.starts_with('n')),
        "{svg}"
    );
    let missed = first
        .descendants()
        .filter(|n| n.attribute("class") == Some("missed"))
        .count();
    assert!(missed > 0, "no read missed the lost element\n{svg}");
    assert!(svg.contains(r#"href="propagation.svg""#));
    assert!(
        !r.store_file("propagation.svg").is_empty(),
        "the link's target"
    );
}

#[test]
fn broadcast_that_never_forwards_shows_its_lost_messages() {
    let r = run_fixture(
        "broadcast",
        "broadcast_noforward.py",
        "--node-count 3 --time-limit 2 --rate 30",
    );
    assert_shows_a_lost_element(&r);
    // This node keeps what a client gives it and tells no one: reads on the
    // node an add went through (from the journal) hold the element, and the
    // misses are all on other nodes (reads placed by Jepsen's process ->
    // thread -> node rule): the two sources agree.
    let svg = r.store_file("lost-elements.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    fn class(n: &roxmltree::Node, c: &str) -> bool {
        n.attribute("class") == Some(c)
    }
    for element in doc.descendants().filter(|n| class(n, "element")) {
        let via = element
            .descendants()
            .find(|n| class(n, "add"))
            .and_then(|n| n.attribute("data-node"))
            .expect("the add's node");
        let missed: Vec<&str> = element
            .descendants()
            .filter(|n| class(n, "missed"))
            .filter_map(|n| n.attribute("data-node"))
            .collect();
        assert!(
            !missed.is_empty() && !missed.contains(&via),
            "added via {via}, missed on {missed:?}"
        );
        let held_on_via = element
            .descendants()
            .any(|n| class(&n, "seen") && n.attribute("data-node") == Some(via));
        assert!(held_on_via, "no read on {via} held what was added there");
    }
}

#[test]
fn g_set_that_sends_once_shows_the_elements_partitions_lost() {
    // The flags of workloads_crdt.rs `send_once_g_set_loses_elements_under_partitions`
    // (a seed whose partitions drop some sends, 4 s to give them time).
    let args = format!("--node-count 3 --time-limit 4 --rate 40 --seed 4 {PARTITIONS}");
    let r = run_fixture("g-set", "g_set_once.py", &args);
    assert_shows_a_lost_element(&r);
    let svg = r.store_file("lost-elements.svg");
    assert!(svg.contains(r#"class="partition""#), "partitions shaded");
}

#[test]
fn a_valid_broadcast_run_draws_no_lost_elements() {
    let r = run_fixture(
        "broadcast",
        "broadcast_once.py",
        "--node-count 3 --time-limit 2 --rate 30",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    assert!(r.store_file("lost-elements.svg").is_empty());
    assert!(manifest(&r)
        .iter()
        .all(|e| e["file"] != "lost-elements.svg"));
}

/// `-w kafka` with `--node-count n --concurrency 2n`, as workloads_kafka.rs runs it.
fn run_kafka(node: &str, nodes: u32, extra: &str) -> Run {
    let line = format!("--node-count {nodes} --concurrency 2n --rate 200 {extra}");
    run_fixture("kafka", node, &line)
}

/// The run's kafka pictures, each listed in why.json as an anomaly: the
/// parsed SVG text of each `orders/<key>.svg`.
fn order_pictures(r: &Run) -> Vec<String> {
    let files: Vec<String> = manifest(r)
        .iter()
        .filter_map(|e| e["file"].as_str().map(String::from))
        .filter(|f| f.starts_with("orders/"))
        .collect();
    assert!(!files.is_empty(), "no orders/ picture\n{}", r.tail());
    files
        .iter()
        .map(|f| {
            anomaly_entry(r, f);
            let svg = r.store_file(f);
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{f}: {e}"));
            svg
        })
        .collect()
}

#[test]
fn kafka_that_skips_messages_shows_the_skipped_offset() {
    let r = run_kafka("kafka_skipping.py", 1, "--time-limit 2");
    assert_eq!(r.code, 1, "{}", r.tail());
    let skip = &r.workload()["poll-skip"]["errs"][0];
    let key = skip["key"].as_str().expect("a key").to_string();
    let file = format!("orders/{:03}.svg", key.parse::<u64>().unwrap());
    order_pictures(&r);
    let svg = r.store_file(&file);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // The skipped message is drawn in the row of the poll that skipped it.
    let skipping_poll = skip["ops"][1]["index"].to_string();
    let drawn = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("skipped"))
        .any(|n| n.parent().and_then(|row| row.attribute("data-index")) == Some(&skipping_poll));
    assert!(drawn, "no skipped message in row {skipping_poll}\n{svg}");
    assert!(svg.contains("poll-skip: a process"), "the explanation");
}

#[test]
fn kafka_with_uncoordinated_offsets_shows_the_inconsistent_offsets() {
    let r = run_kafka("kafka_uncoordinated.py", 2, "--time-limit 3 --latency 20");
    assert_eq!(r.code, 1, "{}", r.tail());
    order_pictures(&r);
    // Each case's offset is red in its key's picture (when among the
    // columns drawn: at least one is).
    let cases = r.workload()["inconsistent-offsets"]["errs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let red_at = |case: &Value| {
        let key = case["key"].as_str().expect("a key");
        let offset = case["offset"].to_string();
        let svg = r.store_file(&format!("orders/{:03}.svg", key.parse::<u64>().unwrap()));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let red = doc.descendants().any(|n| {
            n.attribute("class") == Some("cell anomaly")
                && n.attribute("data-offset") == Some(offset.as_str())
        });
        red.then_some(svg)
    };
    let svg = cases
        .iter()
        .find_map(red_at)
        .unwrap_or_else(|| panic!("no inconsistent offset drawn red: {cases:?}"));
    assert!(svg.contains("inconsistent-offsets: one offset holds different messages"));
}
