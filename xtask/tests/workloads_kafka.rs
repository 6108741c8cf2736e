//! End-to-end runs of the kafka workload against Python fixture nodes:
//! `xtask maelstrom test -w kafka ...` in a fresh cwd, then exit code and
//! store/latest/results.json. Each run takes the time limit plus the 10 s
//! recovery sleep plus (at most 10 s of) final polls.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs the bench with `--node-count n --concurrency 2n` and returns
/// (exit code, results.json).
fn run(name: &str, nodes: u32, rate: u32) -> (i32, Value) {
    run_with(name, nodes, rate, &[])
}

/// `run` with extra flags.
fn run_with(name: &str, nodes: u32, rate: u32, extra: &[&str]) -> (i32, Value) {
    let cwd = std::env::temp_dir().join(format!(
        "xtask-kafka-{}-{}-{}",
        name.trim_end_matches(".py"),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&cwd).expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&cwd)
        .args(["maelstrom", "test", "-w", "kafka", "--bin"])
        .arg(fixture(name))
        .args([
            "--node-count",
            &nodes.to_string(),
            "--concurrency",
            "2n",
            "--time-limit",
            "3",
        ])
        .args(["--rate", &rate.to_string()])
        .args(extra)
        .output()
        .expect("run xtask");
    let results =
        std::fs::read_to_string(cwd.join("store/latest/results.json")).unwrap_or_else(|e| {
            panic!(
                "no results.json ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let results: Value = serde_json::from_str(&results).expect("results.json is JSON");
    let _ = std::fs::remove_dir_all(&cwd);
    (out.status.code().unwrap_or(-1), results)
}

fn bad_error_types(r: &Value) -> Vec<String> {
    r["workload"]["bad-error-types"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn assert_passes(r: &Value, code: i32) {
    assert_eq!(
        r["workload"]["valid?"],
        Value::Bool(true),
        "{:#}",
        r["workload"]
    );
    assert_eq!(r["workload"]["error-types"], serde_json::json!([]));
    assert_eq!(r["stats"]["valid?"], Value::Bool(true), "{:#}", r["stats"]);
    assert_eq!(r["valid?"], Value::Bool(true));
    assert_eq!(code, 0);
    // Every kind of op succeeded at least once, crashes included in the history.
    for f in ["send", "poll", "assign"] {
        assert!(
            r["stats"]["by-f"][f]["ok-count"].as_u64().unwrap_or(0) > 0,
            "no :ok {f}"
        );
    }
    assert!(
        r["stats"]["by-f"]["crash"]["info-count"]
            .as_u64()
            .unwrap_or(0)
            > 0,
        "no crash ops"
    );
}

#[test]
fn single_node_log_passes_5a_flags_shortened() {
    let (code, r) = run("kafka_single.py", 1, 1000);
    assert_passes(&r, code);
}

#[test]
fn single_node_log_passes_at_rate_200() {
    let (code, r) = run("kafka_single.py", 1, 200);
    assert_passes(&r, code);
}

#[test]
fn owner_forwarding_two_node_log_passes() {
    let (code, r) = run("kafka_owner.py", 2, 200);
    assert_passes(&r, code);
    // Forwarding shows up as server traffic.
    assert!(r["net"]["servers"]["msg-count"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn uncoordinated_offsets_are_rejected() {
    // With latency, both nodes number a hot key's messages before they hear
    // of each other's: the same offset ends up holding two messages.
    let (code, r) = run_with("kafka_uncoordinated.py", 2, 200, &["--latency", "20"]);
    assert_eq!(code, 1, "{:#}", r["workload"]);
    assert_eq!(r["workload"]["valid?"], Value::Bool(false));
    assert!(
        bad_error_types(&r).contains(&"inconsistent-offsets".to_string()),
        "{:?}",
        bad_error_types(&r)
    );
}

#[test]
fn skipping_polls_are_rejected() {
    let (code, r) = run("kafka_skipping.py", 1, 200);
    assert_eq!(code, 1, "{:#}", r["workload"]);
    assert_eq!(r["workload"]["valid?"], Value::Bool(false));
    assert!(
        bad_error_types(&r).contains(&"poll-skip".to_string()),
        "{:?}",
        bad_error_types(&r)
    );
}
