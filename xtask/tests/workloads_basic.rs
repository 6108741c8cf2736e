//! End-to-end runs of the unique-ids, broadcast and g-counter workloads:
//! `xtask maelstrom test` against small Python nodes, correct ones that must
//! pass and faulty ones the bench must reject. Each run gets its own working
//! directory so the `store/` trees never collide.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

struct Run {
    code: i32,
    results: Value,
    history: String,
    /// store/latest/node-logs/<id>.log by node id.
    node_logs: std::collections::HashMap<String, String>,
    output: String,
}

impl Run {
    fn workload(&self) -> &Value {
        &self.results["workload"]
    }

    fn count(&self, key: &str) -> u64 {
        self.workload()[key]
            .as_u64()
            .unwrap_or_else(|| panic!("workload.{key} missing:\n{}", self.output))
    }

    /// How many partitions the nemesis started (history.jsonl, one op a line;
    /// nemesis ops are `:info` on both sides, the first one carries the shape name).
    fn partitions_started(&self) -> usize {
        self.history
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|op| op["f"] == "start-partition" && op["value"].is_string())
            .count()
    }
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fresh_dir(label: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-wl-basic-{label}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Runs `xtask maelstrom test -w <workload> --bin <fixture> <args>` and reads
/// store/latest/results.json and history.jsonl.
fn run(workload: &str, node: &str, args: &[&str]) -> Run {
    let dir = fresh_dir(node.trim_end_matches(".py"));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&dir)
        .args(["maelstrom", "test", "-w", workload, "--bin", &fixture(node)])
        .args(args)
        .output()
        .expect("run xtask");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail = |s: &str| {
        s.lines()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    };
    let output = format!(
        "--- stdout (tail)\n{}\n--- stderr (tail)\n{}",
        tail(&stdout),
        tail(&stderr)
    );
    let latest = dir.join("store").join("latest");
    let results = std::fs::read_to_string(latest.join("results.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| {
            panic!(
                "no readable store/latest/results.json in {}\n{output}",
                dir.display()
            )
        });
    let history = std::fs::read_to_string(latest.join("history.jsonl")).unwrap_or_default();
    let node_logs = std::fs::read_dir(latest.join("node-logs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e
                .file_name()
                .to_string_lossy()
                .strip_suffix(".log")?
                .to_string();
            Some((name, std::fs::read_to_string(e.path()).ok()?))
        })
        .collect();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        results,
        history,
        node_logs,
        output,
    };
    let _ = std::fs::remove_dir_all(&dir);
    run
}

/// Partitions every 0-1 s (gaps U[0, 2 x 0.5 s)), starting at t = 0.
const PARTITIONS: [&str; 4] = ["--nemesis", "partition", "--nemesis-interval", "0.5"];

fn with(base: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    base.iter().chain(extra).copied().collect()
}

#[test]
fn unique_ids_node_passes_challenge_2_flags_under_partitions() {
    let args = with(
        &[
            "--node-count",
            "3",
            "--time-limit",
            "3",
            "--rate",
            "200",
            "--availability",
            "total",
            "--seed",
            "2",
        ],
        &PARTITIONS,
    );
    let r = run("unique-ids", "unique_ids_ok.py", &args);
    assert_eq!(r.code, 0, "{}", r.output);
    assert_eq!(r.results["valid?"], Value::Bool(true), "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(true));
    assert_eq!(r.count("duplicated-count"), 0);
    let acked = r.count("acknowledged-count");
    assert!(acked > 50, "only {acked} ids acknowledged\n{}", r.output);
    assert_eq!(
        r.count("attempted-count"),
        acked,
        "every generate must succeed"
    );
    assert!(r.workload()["range"][0].is_string());
    assert!(
        r.partitions_started() >= 1,
        "no partition happened\n{}",
        r.output
    );
}

#[test]
fn colliding_unique_ids_fail() {
    let r = run(
        "unique-ids",
        "unique_ids_collide.py",
        &["--node-count", "3", "--time-limit", "3", "--rate", "100"],
    );
    assert_eq!(r.code, 1, "{}", r.output);
    assert_eq!(r.results["valid?"], Value::Bool(false));
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    assert!(r.count("duplicated-count") > 0);
    assert!(r.workload()["duplicated"]
        .as_object()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(r.workload()["range"][0], serde_json::json!(1));
}

#[test]
fn flooding_broadcast_with_retries_survives_partitions() {
    let args = with(
        &[
            "--node-count",
            "3",
            "--time-limit",
            "4",
            "--rate",
            "40",
            "--seed",
            "3",
        ],
        &PARTITIONS,
    );
    let r = run("broadcast", "broadcast_flood.py", &args);
    assert_eq!(r.code, 0, "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(true), "{}", r.output);
    assert_eq!(r.count("lost-count"), 0);
    let attempts = r.count("attempt-count");
    assert!(attempts > 10, "only {attempts} broadcasts\n{}", r.output);
    // Every broadcast was acked and then seen by the final reads.
    assert_eq!(r.count("stable-count"), attempts);
    assert_eq!(r.count("never-read-count"), 0);
    let latencies = r.workload()["stable-latencies"]
        .as_object()
        .expect("stable-latencies");
    for key in ["0", "0.5", "0.95", "0.99", "1"] {
        assert!(latencies[key].is_u64(), "stable-latencies.{key}");
    }
    assert!(
        r.partitions_started() >= 1,
        "no partition happened\n{}",
        r.output
    );
}

#[test]
fn broadcast_that_never_forwards_loses_messages() {
    let r = run(
        "broadcast",
        "broadcast_noforward.py",
        &["--node-count", "3", "--time-limit", "3", "--rate", "30"],
    );
    assert_eq!(r.code, 1, "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    assert!(r.count("lost-count") > 0);
    assert_eq!(
        r.workload()["lost"].as_array().map(Vec::len),
        Some(r.count("lost-count") as usize)
    );
}

#[test]
fn forward_once_broadcast_passes_on_a_reliable_network() {
    let r = run(
        "broadcast",
        "broadcast_once.py",
        &["--node-count", "3", "--time-limit", "3", "--rate", "30"],
    );
    assert_eq!(r.code, 0, "{}", r.output);
    assert_eq!(r.count("lost-count"), 0);
    assert_eq!(r.count("stable-count"), r.count("attempt-count"));
}

#[test]
fn forward_once_broadcast_loses_messages_under_partitions() {
    let args = with(
        &[
            "--node-count",
            "3",
            "--time-limit",
            "4",
            "--rate",
            "40",
            "--seed",
            "4",
        ],
        &PARTITIONS,
    );
    let r = run("broadcast", "broadcast_once.py", &args);
    assert!(
        r.partitions_started() >= 1,
        "no partition happened\n{}",
        r.output
    );
    assert_eq!(r.code, 1, "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    assert!(r.count("lost-count") > 0);
}

#[test]
fn every_node_gets_the_whole_line_topology() {
    let dir_args = [
        "--node-count",
        "3",
        "--time-limit",
        "1",
        "--rate",
        "20",
        "--topology",
        "line",
    ];
    let r = run("broadcast", "broadcast_flood.py", &dir_args);
    assert_eq!(r.code, 0, "{}", r.output);
    let expected = r#"topology {"n0": ["n1"], "n1": ["n0", "n2"], "n2": ["n1"]}"#;
    for node in ["n0", "n1", "n2"] {
        let log = r.node_logs.get(node).cloned().unwrap_or_default();
        assert!(
            log.lines().any(|l| l == expected),
            "{node} got no (or a wrong) topology:\n{log}"
        );
    }
}

#[test]
fn seq_kv_counter_passes_challenge_4_flags() {
    let args = with(
        &[
            "--node-count",
            "3",
            "--time-limit",
            "4",
            "--rate",
            "100",
            "--seed",
            "5",
        ],
        &PARTITIONS,
    );
    let r = run("g-counter", "g_counter_seqkv.py", &args);
    assert_eq!(r.code, 0, "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(true), "{}", r.output);
    assert_eq!(r.workload()["errors"], Value::Null);
    let finals = r.workload()["final-reads"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(finals.len(), 3, "one final read per node\n{}", r.output);
    let acceptable = r.workload()["acceptable"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!acceptable.is_empty());
    // Something was actually counted.
    assert!(
        finals.iter().all(|v| v.as_i64().is_some_and(|n| n > 0)),
        "{finals:?}"
    );
}

#[test]
fn counter_of_local_adds_only_fails() {
    let r = run(
        "g-counter",
        "g_counter_local.py",
        &["--node-count", "3", "--time-limit", "3", "--rate", "50"],
    );
    assert_eq!(r.code, 1, "{}", r.output);
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    assert!(r.workload()["errors"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    assert_eq!(
        r.workload()["final-reads"].as_array().map(Vec::len),
        Some(3)
    );
}
