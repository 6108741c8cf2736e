//! Every run writes `summary.json` next to `results.json`: the verdict and
//! the figures `serve`'s index shows, so that the index never reads a whole
//! results file (issue 22 row 6).

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{fixture, flags, maelstrom_test};

#[test]
fn a_run_writes_its_summary_with_its_results() {
    let args =
        flags("-w broadcast --engine embedded --seed 7 --node-count 2 --time-limit 2 --rate 10");
    let run = maelstrom_test(&fixture("broadcast_gossip.py"), &args);
    let results = run.results();
    let text = run.store_file("summary.json");
    let summary: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("summary.json is not JSON ({e}): {text:?}\n{}", run.tail()));
    for path in [
        "/valid?",
        "/net/servers/msgs-per-op",
        "/net/all/msgs-per-op",
        "/workload/stable-latencies",
        "/workload/lost-count",
    ] {
        assert!(
            results.pointer(path).is_some(),
            "results.json has no {path}"
        );
        assert_eq!(summary.pointer(path), results.pointer(path), "{path}");
    }
    // Nothing else: no history-sized section (`lost`, `stats`, ...).
    assert!(summary.pointer("/workload/lost").is_none() && summary.get("stats").is_none());
    assert!(text.len() < 1024, "{} bytes: {text}", text.len());
}
