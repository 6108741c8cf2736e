//! End-to-end runs of the txn-rw-register workload against the Python
//! fixture nodes in tests/fixtures: a correct read-committed node must pass,
//! faulty ones must be caught by the Elle checker.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs `xtask maelstrom test -w txn-rw-register --bin <fixture> <args>` in a
/// fresh directory; returns the exit code and store/latest/results.json.
fn run(test: &str, node: &str, args: &[&str]) -> (i32, Value) {
    let dir =
        std::env::temp_dir().join(format!("xtask-workloads-txn-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&dir)
        .args(["maelstrom", "test", "-w", "txn-rw-register", "--bin"])
        .arg(fixture(node))
        .args(args)
        .output()
        .expect("run xtask");
    let code = out.status.code().unwrap_or(-1);
    let results =
        std::fs::read_to_string(dir.join("store/latest/results.json")).unwrap_or_else(|e| {
            panic!(
                "{test}: no results.json ({e}); exit {code}\nstdout tail: {}\nstderr tail: {}",
                tail(&out.stdout),
                tail(&out.stderr)
            )
        });
    let json: Value = serde_json::from_str(&results).expect("results.json is JSON");
    let _ = std::fs::remove_dir_all(&dir);
    (code, json)
}

fn tail(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn anomaly_types(results: &Value) -> Vec<String> {
    results["workload"]["anomaly-types"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

const TWO_NODES: &[&str] = &[
    "--node-count",
    "2",
    "--concurrency",
    "2n",
    "--time-limit",
    "3",
    "--rate",
    "200",
];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    TWO_NODES
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

#[test]
fn correct_read_committed_node_passes_totally_available() {
    let (code, r) = run(
        "rc-ok",
        "txn_rc_node.py",
        &args(&[
            "--consistency-models",
            "read-committed",
            "--availability",
            "total",
        ]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(true),
        "{}",
        r["workload"]
    );
    assert_eq!(anomaly_types(&r), Vec::<String>::new());
    assert_eq!(
        r["availability"]["valid?"],
        Value::Bool(true),
        "{}",
        r["availability"]
    );
    assert_eq!(r["valid?"], Value::Bool(true));
    assert_eq!(code, 0);
}

#[test]
fn correct_read_committed_node_passes_under_partitions() {
    let (code, r) = run(
        "rc-partition",
        "txn_rc_node.py",
        &args(&[
            "--consistency-models",
            "read-committed",
            "--availability",
            "total",
            "--nemesis",
            "partition",
        ]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(true),
        "{}",
        r["workload"]
    );
    assert_eq!(
        r["availability"]["valid?"],
        Value::Bool(true),
        "{}",
        r["availability"]
    );
    assert_eq!(code, 0);
}

#[test]
fn single_node_read_uncommitted_passes() {
    let (code, r) = run(
        "ru-single",
        "txn_rc_node.py",
        &[
            "--node-count",
            "1",
            "--concurrency",
            "2n",
            "--time-limit",
            "3",
            "--rate",
            "200",
            "--consistency-models",
            "read-uncommitted",
            "--availability",
            "total",
        ],
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(true),
        "{}",
        r["workload"]
    );
    assert_eq!(code, 0);
}

#[test]
fn aborted_but_applied_writes_are_g1a() {
    let (code, r) = run(
        "g1a",
        "txn_g1a_node.py",
        &args(&["--consistency-models", "read-committed"]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(false),
        "{}",
        r["workload"]
    );
    assert!(
        anomaly_types(&r).contains(&"G1a".to_string()),
        "{:?}",
        anomaly_types(&r)
    );
    assert_eq!(r["valid?"], Value::Bool(false));
    assert_eq!(code, 1);
}

#[test]
fn exposed_intermediate_writes_are_g1b_under_read_committed() {
    let (code, r) = run(
        "g1b-rc",
        "txn_g1b_node.py",
        &args(&["--consistency-models", "read-committed"]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(false),
        "{}",
        r["workload"]
    );
    assert!(
        anomaly_types(&r).contains(&"G1b".to_string()),
        "{:?}",
        anomaly_types(&r)
    );
    assert_eq!(code, 1);
}

#[test]
fn exposed_intermediate_writes_are_allowed_under_read_uncommitted() {
    let (code, r) = run(
        "g1b-ru",
        "txn_g1b_node.py",
        &args(&["--consistency-models", "read-uncommitted"]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(true),
        "{}",
        r["workload"]
    );
    assert_eq!(code, 0);
}

#[test]
fn unsplit_model_list_is_unknown() {
    // Maelstrom v0.2.3 splits only on " , ": "a,b" is one unknown model.
    let (code, r) = run(
        "bad-model",
        "txn_rc_node.py",
        &args(&["--consistency-models", "read-committed,serializable"]),
    );
    assert_eq!(
        r["workload"]["valid?"],
        Value::String("unknown".into()),
        "{}",
        r["workload"]
    );
    assert_eq!(code, 2);
}
