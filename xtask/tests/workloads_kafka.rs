//! End-to-end runs of the kafka workload against Python fixture nodes:
//! `xtask maelstrom test -w kafka ...` in a fresh cwd, then exit code and
//! store/latest/results.json. Each run takes the time limit plus the 10 s
//! recovery sleep plus (at most 10 s of) final polls.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{assert_verdict, fixture, flags, maelstrom_test, strings, Run};

/// Runs the bench with `--node-count n --concurrency 2n`; the run must write
/// store/latest/results.json.
fn run(name: &str, nodes: u32, rate: u32) -> Run {
    run_with(name, nodes, rate, "")
}

/// `run` with extra flags.
fn run_with(name: &str, nodes: u32, rate: u32, extra: &str) -> Run {
    let line = format!(
        "-w kafka --node-count {nodes} --concurrency 2n --time-limit 3 --rate {rate} {extra}"
    );
    let r = maelstrom_test(&fixture(name), &flags(&line));
    assert!(r.results.is_some(), "no results.json\n{}", r.tail());
    r
}

fn bad_error_types(r: &Value) -> Vec<String> {
    strings(&r["workload"]["bad-error-types"])
}

/// Asserts the run failed (exit 1) with `error_type` among the checker's
/// bad error types.
fn assert_rejected(bench: &Run, error_type: &str) {
    let (r, code) = (bench.results(), bench.code);
    assert_eq!(code, 1, "{:#}", r["workload"]);
    assert_verdict(r, "workload", false);
    assert!(
        bad_error_types(r).iter().any(|t| t == error_type),
        "{:?}",
        bad_error_types(r)
    );
}

fn assert_passes(bench: &Run) {
    let (r, code) = (bench.results(), bench.code);
    assert_verdict(r, "workload", true);
    assert_eq!(r["workload"]["error-types"], serde_json::json!([]));
    assert_verdict(r, "stats", true);
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
    assert_passes(&run("kafka_single.py", 1, 1000));
}

#[test]
fn single_node_log_passes_at_rate_200() {
    assert_passes(&run("kafka_single.py", 1, 200));
}

#[test]
fn owner_forwarding_two_node_log_passes() {
    let bench = run("kafka_owner.py", 2, 200);
    assert_passes(&bench);
    let r = bench.results();
    // Forwarding shows up as server traffic.
    assert!(r["net"]["servers"]["msg-count"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn uncoordinated_offsets_are_rejected() {
    // With latency, both nodes number a hot key's messages before they hear
    // of each other's: the same offset ends up holding two messages.
    let bench = run_with("kafka_uncoordinated.py", 2, 200, "--latency 20");
    assert_rejected(&bench, "inconsistent-offsets");
}

#[test]
fn skipping_polls_are_rejected() {
    assert_rejected(&run("kafka_skipping.py", 1, 200), "poll-skip");
}
