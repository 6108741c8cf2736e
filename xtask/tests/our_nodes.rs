//! Our own nodes through the embedded engine, with short time limits: the
//! official rows with full flags run in `cargo xtask test-all`.
//!
//! The node binaries are built here, in the same profile as this test, with
//! the cargo that runs the tests.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{flags, maelstrom_test, maelstrom_test_env};

/// target/<profile>/, where cargo put the xtask binary and will put the nodes.
fn profile_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_glomers"))
        .parent()
        .expect("xtask has a directory")
        .to_path_buf()
}

/// Builds every node binary once per test process.
fn node(bin: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let dir = profile_dir();
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(["build", "--quiet", "--package", "gossip-glomers", "--bins"]);
        if dir.file_name().and_then(|n| n.to_str()) == Some("release") {
            cmd.arg("--release");
        }
        if let Some(target) = dir.parent() {
            cmd.arg("--target-dir").arg(target);
        }
        match cmd.status() {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("building the nodes failed: {s}")),
            Err(e) => Err(format!("cannot run cargo: {e}")),
        }
    });
    if let Err(e) = built {
        panic!("{e}");
    }
    profile_dir().join(bin)
}

/// Runs `xtask maelstrom test --bin <node> <flags>` in a fresh directory;
/// returns (exit code, results.json), which the run must write.
fn run(bin: &str, flag_line: &str) -> (i32, Value) {
    let r = maelstrom_test(&node(bin), &flags(flag_line));
    let results = r.results().clone();
    (r.code, results)
}

fn assert_valid(code: i32, r: &Value) {
    assert_eq!(r["valid?"], Value::Bool(true), "{r:#}");
    assert_eq!(code, 0);
}

#[test]
fn echo_passes() {
    let (code, r) = run("echo", "-w echo --node-count 1 --time-limit 2 --rate 50");
    assert_valid(code, &r);
}

#[test]
fn unique_ids_are_totally_available_under_partitions() {
    let (code, r) = run("unique-ids", "-w unique-ids --node-count 3 --time-limit 3 --rate 500 --availability total --nemesis partition --nemesis-interval 1");
    assert_valid(code, &r);
    assert_eq!(r["workload"]["duplicated-count"], 0);
}

#[test]
fn g_counter_final_reads_are_exact_after_partitions() {
    let (code, r) = run("g-counter", "-w g-counter --node-count 3 --rate 100 --time-limit 4 --nemesis partition --nemesis-interval 1");
    assert_valid(code, &r);
    assert_eq!(r["stats"]["info-count"], 0, "{:#}", r["stats"]);
}

/// Challenge 4's flags, shortened, with the CRDT mode: exact final reads
/// at a fraction of the seq-kv design's messages.
#[test]
fn g_counter_crdt_mode_final_reads_are_exact_after_partitions() {
    let args = flags("-w g-counter --node-count 3 --rate 100 --time-limit 4 --nemesis partition --nemesis-interval 1");
    let r = maelstrom_test_env(&node("g-counter"), &args, &[("G_COUNTER_MODE", "crdt")]);
    let results = r.results();
    assert_valid(r.code, results);
    assert!(
        r.node_log("n0").contains("Crdt mode"),
        "{}",
        r.node_log("n0")
    );
    assert_eq!(results["stats"]["info-count"], 0, "{:#}", results["stats"]);
    let msgs = results["net"]["servers"]["msgs-per-op"].as_f64().unwrap();
    assert!(msgs < 0.5, "{:#}", results["net"]);
}

#[test]
fn g_set_loses_nothing_under_partitions() {
    let (code, r) = run("g-set", "-w g-set --node-count 3 --rate 40 --time-limit 4 --nemesis partition --nemesis-interval 0.5");
    assert_valid(code, &r);
    assert_eq!(r["workload"]["lost-count"], 0);
    assert_eq!(r["workload"]["never-read-count"], 0);
    assert_eq!(r["stats"]["info-count"], 0, "{:#}", r["stats"]);
}

#[test]
fn pn_counter_final_reads_are_exact_after_partitions() {
    let (code, r) = run("pn-counter", "-w pn-counter --node-count 3 --rate 40 --time-limit 4 --nemesis partition --nemesis-interval 0.5");
    assert_valid(code, &r);
    assert_eq!(r["stats"]["info-count"], 0, "{:#}", r["stats"]);
    let acceptable = &r["workload"]["acceptable"];
    assert_eq!(acceptable.as_array().map(Vec::len), Some(1), "{acceptable}");
}

#[test]
fn kafka_5b_flags_shortened_are_clean() {
    let (code, r) = run(
        "kafka",
        "-w kafka --node-count 2 --concurrency 2n --time-limit 4 --rate 1000",
    );
    assert_valid(code, &r);
    assert_eq!(
        r["workload"]["error-types"],
        serde_json::json!([]),
        "{:#}",
        r["workload"]
    );
    assert!(
        r["net"]["servers"]["msgs-per-op"].as_f64().unwrap() < 1.0,
        "{:#}",
        r["net"]
    );
}

#[test]
fn txn_6a_flags_shortened_pass() {
    let (code, r) = run("txn-rw-register", "-w txn-rw-register --node-count 1 --time-limit 3 --rate 1000 --concurrency 2n --consistency-models read-uncommitted --availability total");
    assert_valid(code, &r);
}

#[test]
fn txn_6c_flags_shortened_hold_read_committed_under_partitions() {
    let (code, r) = run(
        "txn-rw-register",
        "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 4 --rate 1000 --consistency-models read-committed --availability total --nemesis partition --nemesis-interval 1",
    );
    assert_valid(code, &r);
    assert_eq!(r["availability"]["ok-fraction"], 1.0);
}

#[test]
fn txn_list_append_is_strict_serializable_under_partitions() {
    let (code, r) = run("txn-list-append", "-w txn-list-append --node-count 3 --time-limit 5 --rate 100 --nemesis partition --nemesis-interval 1");
    assert_valid(code, &r);
    assert_eq!(r["stats"]["info-count"], 0, "{:#}", r["stats"]);
    assert_eq!(r["workload"], serde_json::json!({"valid?": true}));
}

/// results.json's `stats.by-f.<f>.<field>`.
fn by_f(r: &Value, f: &str, field: &str) -> u64 {
    r["stats"]["by-f"][f][field].as_u64().unwrap_or(0)
}

#[test]
fn lin_kv_raft_passes_the_tutorials_10_s_row() {
    // jepsen-io/maelstrom v0.2.3 doc/06-raft/04-committing.md's command.
    let (code, r) = run(
        "lin-kv",
        "-w lin-kv --time-limit 10 --node-count 3 --concurrency 2n --rate 100",
    );
    assert_valid(code, &r);
    // Without faults every write succeeds and nothing is left in doubt; the
    // fails are the workload's own (cas precondition, missing keys).
    assert_eq!(r["stats"]["info-count"], 0, "{:#}", r["stats"]);
    assert_eq!(by_f(&r, "write", "fail-count"), 0, "{:#}", r["stats"]);
    assert!(by_f(&r, "read", "ok-count") > 100, "{:#}", r["stats"]);
    assert!(by_f(&r, "cas", "ok-count") > 0, "{:#}", r["stats"]);
}

/// A partitioned lin-kv run of the Raft node: valid, and every kind of
/// operation succeeded at least once (partitions do not stop the majority).
fn assert_raft_survives_partitions(flag_line: &str) {
    let (code, r) = run("lin-kv", flag_line);
    assert_valid(code, &r);
    for f in ["read", "write", "cas"] {
        assert!(by_f(&r, f, "ok-count") > 0, "no ok {f}: {:#}", r["stats"]);
    }
}

#[test]
fn lin_kv_raft_stays_linearizable_under_partitions() {
    // The tutorial's partitioned row, shortened, with partitions more often.
    assert_raft_survives_partitions("-w lin-kv --node-count 3 --concurrency 4n --rate 30 --time-limit 20 --nemesis partition --nemesis-interval 3");
}

#[test]
fn lin_kv_raft_with_five_nodes_stays_linearizable_under_partitions() {
    assert_raft_survives_partitions("-w lin-kv --node-count 5 --concurrency 2n --rate 50 --time-limit 15 --nemesis partition --nemesis-interval 3");
}
