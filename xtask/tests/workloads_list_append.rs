//! End-to-end runs of the txn-list-append workload against Python fixture
//! nodes: faulty stores must be caught by Elle's list-append checker, and the
//! same fixtures made correct (one argument) must pass.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{assert_verdict, fixture, flags, maelstrom_test, strings, Run};

fn run(node: &str, flag_line: &str) -> Run {
    let args = [&["-w", "txn-list-append"], &flags(flag_line)[..]].concat();
    let r = maelstrom_test(&fixture(node), &args);
    assert!(r.results.is_some(), "no results.json\n{}", r.tail());
    r
}

fn assert_anomaly(results: &Value, anomaly: &str) {
    let found = strings(&results["workload"]["anomaly-types"]);
    assert!(found.iter().any(|a| a == anomaly), "{found:?}");
}

const ONE_NODE: &str = "--node-count 1 --time-limit 3 --rate 200";

#[test]
fn reads_from_two_snapshots_are_g_single() {
    let bench = run(
        "la_read_skew_node.py",
        &format!("{ONE_NODE} --concurrency 2n --consistency-models serializable"),
    );
    let r = bench.results();
    assert_verdict(r, "workload", false);
    assert_anomaly(r, "G-single");
    assert!(
        r["workload"]["cycle-explanations"]["G-single"][0]
            .as_str()
            .is_some_and(|t| t.contains("did not observe") || t.contains("initial (nil) state")),
        "{:#}",
        r["workload"]["cycle-explanations"]
    );
    assert_eq!(bench.code, 1);
}

#[test]
fn reads_from_one_fresh_snapshot_pass() {
    let bench = run(
        "la_read_skew_node.py",
        &format!("{ONE_NODE} --concurrency 2n fresh"),
    );
    assert_verdict(bench.results(), "workload", true);
    assert_eq!(bench.code, 0);
}

#[test]
fn interleaved_micro_ops_are_g1c() {
    let bench = run(
        "la_interleaved_node.py",
        &format!("{ONE_NODE} --concurrency 4n --consistency-models read-committed"),
    );
    let r = bench.results();
    assert_verdict(r, "workload", false);
    assert_anomaly(r, "G1c");
    assert_eq!(bench.code, 1);
}

#[test]
fn whole_transactions_in_turn_pass() {
    let bench = run(
        "la_interleaved_node.py",
        &format!("{ONE_NODE} --concurrency 4n serial"),
    );
    assert_verdict(bench.results(), "workload", true);
    assert_eq!(bench.code, 0);
}
