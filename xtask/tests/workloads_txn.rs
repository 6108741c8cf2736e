//! End-to-end runs of the txn-rw-register workload against the Python
//! fixture nodes in tests/fixtures: a correct read-committed node must pass,
//! faulty ones must be caught by the Elle checker.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{assert_verdict, fixture, flags, maelstrom_test, strings, Run};

/// Runs `xtask maelstrom test -w txn-rw-register --bin <fixture> <flags>`;
/// the run must write store/latest/results.json.
fn run(node: &str, flag_line: &str) -> Run {
    let args = [&["-w", "txn-rw-register"], &flags(flag_line)[..]].concat();
    let r = maelstrom_test(&fixture(node), &args);
    assert!(r.results.is_some(), "no results.json\n{}", r.tail());
    r
}

fn anomaly_types(results: &Value) -> Vec<String> {
    strings(&results["workload"]["anomaly-types"])
}

/// Asserts the workload checker found an `anomaly` (e.g. "G1a").
fn assert_anomaly(results: &Value, anomaly: &str) {
    let found = anomaly_types(results);
    assert!(found.iter().any(|a| a == anomaly), "{found:?}");
}

/// Two nodes, two clients each, 3 s at 200 ops/s.
const TWO_NODES: &str = "--node-count 2 --concurrency 2n --time-limit 3 --rate 200";

/// `TWO_NODES` with one node.
const ONE_NODE: &str = "--node-count 1 --concurrency 2n --time-limit 3 --rate 200";

#[test]
fn correct_read_committed_node_passes_totally_available() {
    let bench = run(
        "txn_rc_node.py",
        &format!("{TWO_NODES} --consistency-models read-committed --availability total"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", true);
    assert_eq!(anomaly_types(r), Vec::<String>::new());
    assert_verdict(r, "availability", true);
    assert_eq!(r["valid?"], Value::Bool(true));
    assert_eq!(code, 0);
}

#[test]
fn correct_read_committed_node_passes_under_partitions() {
    let bench = run(
        "txn_rc_node.py",
        &format!(
            "{TWO_NODES} --consistency-models read-committed --availability total \
             --nemesis partition"
        ),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", true);
    assert_verdict(r, "availability", true);
    assert_eq!(code, 0);
}

#[test]
fn single_node_read_uncommitted_passes() {
    let bench = run(
        "txn_rc_node.py",
        &format!("{ONE_NODE} --consistency-models read-uncommitted --availability total"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", true);
    assert_eq!(code, 0);
}

#[test]
fn aborted_but_applied_writes_are_g1a() {
    let bench = run(
        "txn_g1a_node.py",
        &format!("{TWO_NODES} --consistency-models read-committed"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", false);
    assert_anomaly(r, "G1a");
    assert_eq!(r["valid?"], Value::Bool(false));
    assert_eq!(code, 1);
}

#[test]
fn exposed_intermediate_writes_are_g1b_under_read_committed() {
    let bench = run(
        "txn_g1b_node.py",
        &format!("{TWO_NODES} --consistency-models read-committed"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", false);
    assert_anomaly(r, "G1b");
    assert_eq!(code, 1);
}

#[test]
fn exposed_intermediate_writes_are_allowed_under_read_uncommitted() {
    let bench = run(
        "txn_g1b_node.py",
        &format!("{TWO_NODES} --consistency-models read-uncommitted"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_verdict(r, "workload", true);
    assert_eq!(code, 0);
}

#[test]
fn unsplit_model_list_is_unknown() {
    // Maelstrom v0.2.3 splits only on " , ": "a,b" is one unknown model.
    let bench = run(
        "txn_rc_node.py",
        &format!("{TWO_NODES} --consistency-models read-committed,serializable"),
    );
    let (code, r) = (bench.code, bench.results());
    assert_eq!(
        r["workload"]["valid?"],
        Value::String("unknown".into()),
        "{}",
        r["workload"]
    );
    assert_eq!(code, 2);
}
