//! `cargo xtask test-all` / `cargo xtask test <family|row>`: every
//! Gossip Glomers challenge (the Fly.io dist-sys challenge pages) with its
//! official flags, one table of verdicts and figures.
//!
//! Each row runs as a child `xtask maelstrom test ...` (so a crash in one run
//! cannot take the matrix down, and `--engine` passes straight through to a
//! real Maelstrom), then its results are read back from `store/latest`.
//! Rows whose command line is identical (3d/3e, 5b/5c) share one run and
//! are judged separately against their own targets.

use crate::cli::{self, TestArgs};
use crate::cmd::ExitCode;
use crate::engine::hosts::real;
use crate::workloads;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A performance target a row is judged by, beyond Maelstrom's verdict.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// A path into the results map, e.g. ["net", "servers", "msgs-per-op"].
    pub path: &'static [&'static str],
    pub label: &'static str,
    /// The figure must be strictly below this.
    pub below: f64,
}

/// One challenge row.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: &'static str,
    pub name: &'static str,
    pub bin: &'static str,
    /// Flags after `--bin`, exactly as the challenge page gives them.
    pub flags: &'static str,
    pub targets: &'static [Target],
    /// Environment variables the node runs with (a node's mode or knobs).
    pub env: &'static [(&'static str, &'static str)],
}

const MSGS: &[&str] = &["net", "servers", "msgs-per-op"];
const MEDIAN: &[&str] = &["workload", "stable-latencies", "0.5"];
const MAX: &[&str] = &["workload", "stable-latencies", "1"];
const G_COUNTER: &str =
    "-w g-counter --node-count 3 --rate 100 --time-limit 20 --nemesis partition";
/// Challenges 3d and 3e's flags (the broadcast benches run row 3d).
pub const BCAST_25: &str = "-w broadcast --node-count 25 --time-limit 20 --rate 100 --latency 100";

impl Row {
    /// The workload the row's `-w` names.
    pub fn workload(&self) -> &'static str {
        let mut words = self.flags.split_whitespace();
        let name = words.find(|w| *w == "-w").and_then(|_| words.next());
        name.and_then(workloads::entry).map_or("", |e| e.name)
    }

    /// The row's family (`cargo xtask test FAMILY`): its workload's, from
    /// the workload table.
    pub fn family(&self) -> &'static str {
        workloads::entry(self.workload()).map_or("", |e| e.family)
    }

    /// The `maelstrom test` words of this row's run: `--bin BIN`, the row's
    /// flags, its environment as `--node-env` (which reaches in-process
    /// nodes; a real Maelstrom's nodes get it from the child's environment),
    /// then `extra` (later flags win). The one place a row becomes a run:
    /// `test`, `test-all`, `explore` and the benches all start here.
    pub fn words(&self, bin: &str, extra: &[String]) -> Vec<String> {
        let mut words = vec!["--bin".to_string(), bin.to_string()];
        words.extend(self.flags.split_whitespace().map(String::from));
        for (k, v) in self.env {
            words.extend(["--node-env".to_string(), format!("{k}={v}")]);
        }
        words.extend(extra.iter().cloned());
        words
    }

    /// The options of this row's run with `user_flags` after its own, as a
    /// `test` child parses [`Row::words`]: the row's flags are the challenge
    /// page's command line (data, read by the flag table like any command
    /// line), and `user_flags` are words a person typed after the row id.
    /// Callers change the result as a value (`args.sim = true`), never by
    /// adding flag words of their own.
    pub fn test_args(&self, user_flags: &[String]) -> Result<TestArgs, String> {
        match cli::parse(&self.words(self.bin, user_flags)) {
            Ok(args) => Ok(args),
            Err(cli::CliError::Help) => Err("--help is no flag of a row".into()),
            Err(cli::CliError::Usage(m)) => Err(m),
        }
    }
}

/// Every challenge page's command (plus 3d's flags with partitions, which the
/// 3d page requires to stay correct).
pub fn rows() -> Vec<Row> {
    vec![
        Row { id: "1", name: "Echo", bin: "echo", flags: "-w echo --node-count 1 --time-limit 10", targets: &[], env: &[] },
        Row {
            id: "2",
            name: "Unique ID Generation",
            bin: "unique-ids",
            flags: "-w unique-ids --time-limit 30 --rate 1000 --node-count 3 --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row { id: "3a", name: "Single-Node Broadcast", bin: "broadcast", flags: "-w broadcast --node-count 1 --time-limit 20 --rate 10", targets: &[], env: &[] },
        Row { id: "3b", name: "Multi-Node Broadcast", bin: "broadcast", flags: "-w broadcast --node-count 5 --time-limit 20 --rate 10", targets: &[], env: &[] },
        Row {
            id: "3c",
            name: "Fault Tolerant Broadcast",
            bin: "broadcast",
            flags: "-w broadcast --node-count 5 --time-limit 20 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "3c-25",
            name: "Broadcast, 3d flags + partitions",
            bin: "broadcast",
            flags: "-w broadcast --node-count 25 --time-limit 20 --rate 100 --latency 100 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "3d",
            name: "Efficient Broadcast, Part I",
            bin: "broadcast",
            flags: BCAST_25,
            targets: &[
                Target { path: MSGS, label: "msgs-per-op", below: 30.0 },
                Target { path: MEDIAN, label: "median ms", below: 400.0 },
                Target { path: MAX, label: "max ms", below: 600.0 },
            ],
            env: &[],
        },
        Row {
            id: "3e",
            name: "Efficient Broadcast, Part II",
            bin: "broadcast",
            flags: BCAST_25,
            targets: &[
                Target { path: MSGS, label: "msgs-per-op", below: 20.0 },
                Target { path: MEDIAN, label: "median ms", below: 1000.0 },
                Target { path: MAX, label: "max ms", below: 2000.0 },
            ],
            env: &[],
        },
        Row {
            id: "4",
            name: "Grow-Only Counter",
            bin: "g-counter",
            flags: G_COUNTER,
            targets: &[],
            // Explicit, so a G_COUNTER_MODE in the caller's shell cannot
            // make both rows run the same design.
            env: &[("G_COUNTER_MODE", "seq-kv")],
        },
        Row {
            id: "4-crdt",
            name: "Grow-Only Counter, CRDT mode",
            bin: "g-counter",
            flags: G_COUNTER,
            targets: &[Target { path: MSGS, label: "msgs-per-op", below: 0.15 }],
            env: &[("G_COUNTER_MODE", "crdt")],
        },
        Row {
            id: "5a",
            name: "Single-Node Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "5b",
            name: "Multi-Node Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 2 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "5c",
            name: "Efficient Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 2 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6a",
            name: "Single-Node, Totally-Available Transactions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 1 --time-limit 20 --rate 1000 --concurrency 2n --consistency-models read-uncommitted --availability total",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6b-i",
            name: "Totally-Available, Read Uncommitted Transactions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-uncommitted",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6b-ii",
            name: "Totally-Available, Read Uncommitted, partitions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-uncommitted --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6c",
            name: "Totally-Available, Read Committed Transactions",
            bin: "txn-rw-register",
            // Challenge 6c's page writes `–-nemesis` (an en dash): a typo for `--nemesis`.
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-committed --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        // Maelstrom's CRDT tutorial (doc/04-crdts), not a Fly.io challenge.
        Row {
            id: "g-set",
            name: "Grow-Only Set (Maelstrom tutorial)",
            bin: "g-set",
            flags: "-w g-set --time-limit 30 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "pn-counter",
            name: "PN-Counter (Maelstrom tutorial)",
            bin: "pn-counter",
            flags: "-w pn-counter --time-limit 30 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        // Maelstrom's own tutorial (doc/05-datomic) runs txn-list-append with
        // these flags; the third row is strict serializability under partitions.
        Row {
            id: "la-2",
            name: "List-Append Transactions, 2 nodes",
            bin: "txn-list-append",
            flags: "-w txn-list-append --time-limit 10 --node-count 2 --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "la-1",
            name: "List-Append Transactions, 1 node, 10 clients",
            bin: "txn-list-append",
            flags: "-w txn-list-append --time-limit 30 --node-count 1 --concurrency 10n --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "la-3p",
            name: "List-Append, Strict Serializable, partitions",
            bin: "txn-list-append",
            flags: "-w txn-list-append --consistency-models strict-serializable --nemesis partition --node-count 3 --time-limit 20 --rate 100",
            targets: &[],
            env: &[],
        },
        // Not a Gossip Glomers challenge: Maelstrom's Raft tutorial
        // (jepsen-io/maelstrom v0.2.3 doc/06-raft), against our Raft node.
        Row {
            id: "lin-kv",
            name: "Linearizable key-value store (Raft)",
            bin: "lin-kv",
            flags: "-w lin-kv --time-limit 10 --node-count 3 --concurrency 2n --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "lin-kv-partition",
            name: "Linearizable key-value store (Raft), partitions",
            bin: "lin-kv",
            flags: "-w lin-kv --node-count 3 --concurrency 4n --rate 30 --time-limit 60 --nemesis partition --nemesis-interval 10",
            targets: &[],
            env: &[],
        },
    ]
}

/// The rows `test <selector>` names: a family, a row id, or `all`.
pub fn select(selector: &str) -> Result<Vec<Row>, String> {
    let all = rows();
    if selector == "all" {
        return Ok(all);
    }
    let picked: Vec<Row> = all
        .into_iter()
        .filter(|r| r.family() == selector || r.id == selector)
        .collect();
    if picked.is_empty() {
        let families = workloads::families();
        let ids: Vec<&str> = rows().iter().map(|r| r.id).collect();
        return Err(format!(
            "no challenge {selector:?}: use a family ({}) or a row ({})",
            families.join(", "),
            ids.join(", ")
        ));
    }
    Ok(picked)
}

/// What one row came to.
pub struct Outcome {
    pub row: Row,
    pub passed: bool,
    pub verdict: String,
    pub figures: String,
    pub run_dir: Option<PathBuf>,
}

/// A finished child run, shared by rows with the same flags.
struct Run {
    exit: i32,
    results: Option<Value>,
    run_dir: Option<PathBuf>,
    error: Option<String>,
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

fn num(v: &Value, path: &[&str]) -> Option<f64> {
    get(v, path).and_then(Value::as_f64)
}

/// The figures a family is judged by, as one short cell.
fn figures(family: &str, r: &Value) -> String {
    let f = |path: &[&str]| {
        num(r, path)
            .map(|x| {
                if x.fract() == 0.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.2}")
                }
            })
            .unwrap_or_else(|| "-".into())
    };
    let j = |path: &[&str]| {
        get(r, path)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into())
    };
    let ok = format!(
        "ok {}/{}",
        f(&["stats", "ok-count"]),
        f(&["stats", "count"])
    );
    match family {
        "echo" => format!(
            "{ok}, echo errors {}",
            get(r, &["workload", "errors"])
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        ),
        "unique-ids" => format!(
            "{ok}, ids {}, duplicated {}, availability {}",
            f(&["workload", "acknowledged-count"]),
            f(&["workload", "duplicated-count"]),
            f(&["availability", "ok-fraction"])
        ),
        "broadcast" | "g-set" => format!(
            "msgs-per-op {} (all {}), stable latency median {} ms, max {} ms, lost {}, {ok}",
            f(MSGS),
            f(&["net", "all", "msgs-per-op"]),
            f(MEDIAN),
            f(MAX),
            f(&["workload", "lost-count"])
        ),
        "g-counter" | "pn-counter" => format!(
            "final reads {}, acceptable {}, msgs-per-op {}",
            j(&["workload", "final-reads"]),
            j(&["workload", "acceptable"]),
            f(MSGS)
        ),
        "kafka" => format!(
            "msgs-per-op {}, {ok}, anomalies {}",
            f(MSGS),
            j(&["workload", "error-types"])
        ),
        "lin-kv" => format!(
            "msgs-per-op {}, {ok}, availability {}, non-linearizable keys {}",
            f(MSGS),
            f(&["availability", "ok-fraction"]),
            j(&["workload", "failures"])
        ),
        "txn" | "txn-list-append" => format!(
            "msgs-per-op {}, {ok}, availability {}, anomalies {}",
            f(MSGS),
            f(&["availability", "ok-fraction"]),
            get(r, &["workload", "anomaly-types"])
                .map(|v| v.to_string())
                .unwrap_or_else(|| "[]".into())
        ),
        _ => ok,
    }
}

/// Runs `rows` (building the nodes first) and returns their outcomes.
/// `extra` are flags appended to every run (e.g. `--engine embedded`, `--seed 1`).
pub fn run_rows(rows: &[Row], extra: &[String]) -> Vec<Outcome> {
    let bin_dir = release_dir();
    let mut runs: Vec<(String, Run)> = Vec::new();
    let mut outcomes = Vec::new();
    for row in rows {
        let key = run_key(row);
        if !runs.iter().any(|(k, _)| *k == key) {
            eprintln!("\n=== {} {}: {} ===", row.id, row.name, command_line(row));
            let run = run_one(&bin_dir.join(row.bin), row, extra);
            runs.push((key.clone(), run));
        }
        let run = &runs.iter().find(|(k, _)| *k == key).expect("just ran").1;
        outcomes.push(judge(row, run));
    }
    outcomes
}

/// What a run depends on: rows with the same key share one run.
fn run_key(row: &Row) -> String {
    format!("{} {}", row.bin, command_line(row))
}

/// The row's flags, after its environment variables (`K=V ... flags`).
fn command_line(row: &Row) -> String {
    let mut line = String::new();
    for (k, v) in row.env {
        line.push_str(&format!("{k}={v} "));
    }
    line + row.flags
}

fn run_one(bin: &Path, row: &Row, extra: &[String]) -> Run {
    // `--sim` hosts the node named by the binary's file name in-process.
    if !is_sim(extra) && !bin.exists() {
        return Run {
            exit: -1,
            results: None,
            run_dir: None,
            error: Some(format!("node not built yet: {} is missing", bin.display())),
        };
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            return Run {
                exit: -1,
                results: None,
                run_dir: None,
                error: Some(format!("cannot find xtask itself: {e}")),
            }
        }
    };
    let mut args: Vec<String> = vec!["maelstrom".into(), "test".into()];
    args.extend(row.words(&bin.display().to_string(), extra));
    let before = latest_dir();
    // The child's results map goes to its own log; the matrix prints only the table.
    let log = std::fs::File::create(std::env::temp_dir().join(format!("xtask-row-{}.log", row.id)));
    // The child passes its environment on to the node processes it spawns
    // (a real Maelstrom's, with `--engine maelstrom`).
    let status = Command::new(exe)
        .args(&args)
        .envs(row.env.iter().copied())
        .stdout(log.map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
        .stderr(Stdio::inherit())
        .status();
    let exit = match status {
        Ok(s) => s.code().unwrap_or(-1),
        Err(e) => {
            return Run {
                exit: -1,
                results: None,
                run_dir: None,
                error: Some(format!("cannot run the test: {e}")),
            }
        }
    };
    let run_dir = latest_dir().filter(|d| Some(d) != before.as_ref());
    let results = run_dir.as_ref().and_then(|d| {
        std::fs::read_to_string(d.join("results.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .or_else(|| real::read_results(d).ok())
    });
    let error = run_error(run_dir.is_some(), exit);
    Run {
        exit,
        results,
        run_dir,
        error,
    }
}

/// What went wrong with a child run that `wrote` results or not and
/// exited with `exit`, if anything.
fn run_error(wrote: bool, exit: i32) -> Option<String> {
    if !wrote {
        Some(format!("the run wrote no results (exit {exit})"))
    } else if exit == i32::from(ExitCode::CRASH) {
        Some("the run crashed (exit 255): see its output above".into())
    } else {
        None
    }
}

/// The directory store/latest points at, resolved.
fn latest_dir() -> Option<PathBuf> {
    std::fs::canonicalize("store/latest").ok()
}

/// The row's performance targets that `results` misses, one line each.
pub fn target_misses(row: &Row, results: &Value) -> Vec<String> {
    let mut misses = Vec::new();
    for t in row.targets {
        match num(results, t.path) {
            Some(x) if x < t.below => {}
            Some(x) => misses.push(format!("{} {x:.2} not < {}", t.label, t.below)),
            None => misses.push(format!("{} missing", t.label)),
        }
    }
    misses
}

fn judge(row: &Row, run: &Run) -> Outcome {
    let Some(results) = &run.results else {
        return Outcome {
            row: row.clone(),
            passed: false,
            verdict: "FAIL".into(),
            figures: run.error.clone().unwrap_or_else(|| "no results".into()),
            run_dir: run.run_dir.clone(),
        };
    };
    let misses = target_misses(row, results);
    // Both the exit status and the results map must say valid.
    let valid = run.exit == 0 && real::verdict(results) == 0;
    let passed = valid && misses.is_empty() && run.error.is_none();
    let verdict = match (valid, misses.is_empty()) {
        (true, true) => "pass".to_string(),
        (true, false) => format!("FAIL target: {}", misses.join("; ")),
        (false, _) => format!(
            "FAIL valid? {}",
            get(results, &["valid?"])
                .map(|v| v.to_string())
                .unwrap_or_else(|| format!("exit {}", run.exit))
        ),
    };
    let mut figures = figures(row.family(), results);
    if let Some(e) = &run.error {
        figures = format!("{e}; {figures}");
    }
    Outcome {
        row: row.clone(),
        passed,
        verdict,
        figures,
        run_dir: run.run_dir.clone(),
    }
}

/// How `test-all` judges a row from a run's exit status and results map
/// (None: the run wrote none).
#[cfg(test)]
pub fn judge_results(row: &Row, exit: i32, results: Option<Value>) -> Outcome {
    let error = run_error(results.is_some(), exit);
    judge(
        row,
        &Run {
            exit,
            results,
            run_dir: None,
            error,
        },
    )
}

/// The final table.
pub fn table(outcomes: &[Outcome]) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut s = String::from("\n| challenge | verdict | figures | run |\n|---|---|---|---|\n");
    for o in outcomes {
        let dir = o
            .run_dir
            .as_ref()
            .map(|d| d.strip_prefix(&cwd).unwrap_or(d).display().to_string())
            .unwrap_or_else(|| "-".into());
        s.push_str(&format!(
            "| {} {} | {} | {} | {} |\n",
            o.row.id, o.row.name, o.verdict, o.figures, dir
        ));
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    s.push_str(&format!(
        "\n{passed} passed, {} failed\n",
        outcomes.len() - passed
    ));
    s
}

/// Whether the flags ask for the in-process, virtual-time host (no binaries needed).
pub fn is_sim(extra: &[String]) -> bool {
    extra.iter().any(|a| a == "--sim")
}

/// target/release of this workspace (where `cargo build --release` puts the nodes).
pub fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target/release"))
}

/// Builds every node binary in release mode.
pub fn build_nodes() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "gossip-glomers",
            "--bins",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("building the nodes failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_challenge_of_challenges_md_has_a_row() {
        let ids: Vec<&str> = rows().iter().map(|r| r.id).collect();
        for id in [
            "1", "2", "3a", "3b", "3c", "3d", "3e", "4", "5a", "5b", "5c", "6a", "6b-i", "6b-ii",
            "6c",
        ] {
            assert!(ids.contains(&id), "missing row {id}");
        }
        assert!(select("kafka")
            .unwrap()
            .iter()
            .all(|r| r.family() == "kafka"));
        assert_eq!(select("txn-list-append").unwrap().len(), 3);
        let lin_kv = select("lin-kv").unwrap();
        assert_eq!(lin_kv.len(), 2);
        assert!(lin_kv.iter().all(|r| r.bin == "lin-kv"));
        assert_eq!(select("3d").unwrap().len(), 1);
        assert!(select("nope").is_err());
        assert!(
            rows().iter().all(|r| !r.flags.contains('\u{2013}')),
            "6c's en-dash typo must not be copied"
        );
    }

    /// The families come from the workload table: every row names a
    /// workload of it, and every workload has a row.
    #[test]
    fn every_workload_has_a_row_and_every_row_a_workload() {
        for row in rows() {
            assert!(!row.workload().is_empty(), "row {}: no known -w", row.id);
        }
        for family in workloads::families() {
            assert!(select(family).is_ok(), "no row for {family}");
        }
    }

    #[test]
    fn rows_that_differ_only_in_environment_run_separately() {
        let seq_kv = select("4").unwrap().remove(0);
        let crdt = select("4-crdt").unwrap().remove(0);
        assert_eq!(seq_kv.flags, crdt.flags);
        assert_ne!(run_key(&seq_kv), run_key(&crdt));
        assert!(command_line(&crdt).starts_with("G_COUNTER_MODE=crdt -w g-counter"));
        let d = select("3d").unwrap().remove(0);
        let e = select("3e").unwrap().remove(0);
        assert_eq!(run_key(&d), run_key(&e), "3d and 3e still share a run");
        assert_eq!(select("g-counter").unwrap().len(), 2);
        assert_eq!(select("g-set").unwrap()[0].bin, "g-set");
        assert_eq!(select("pn-counter").unwrap()[0].bin, "pn-counter");
    }

    fn run_with(exit: i32, results: Value) -> Run {
        Run {
            exit,
            results: Some(results),
            run_dir: None,
            error: None,
        }
    }

    #[test]
    fn targets_fail_a_valid_run_that_misses_them() {
        let row = select("3d").unwrap().remove(0);
        let good = json!({"valid?": true, "net": {"servers": {"msgs-per-op": 1.4}}, "workload": {"stable-latencies": {"0.5": 300, "1": 500}}});
        assert!(judge(&row, &run_with(0, good.clone())).passed);
        let slow = json!({"valid?": true, "net": {"servers": {"msgs-per-op": 1.4}}, "workload": {"stable-latencies": {"0.5": 300, "1": 650}}});
        let o = judge(&row, &run_with(0, slow));
        assert!(!o.passed);
        assert!(o.verdict.contains("max ms"), "{}", o.verdict);
        let missing = json!({"valid?": true, "net": {"servers": {}}});
        assert!(!judge(&row, &run_with(0, missing)).passed);
        assert!(
            !judge(&row, &run_with(1, good)).passed,
            "an invalid run never passes"
        );
    }

    #[test]
    fn a_missing_node_is_a_failing_row_not_a_crash() {
        let row = select("1").unwrap().remove(0);
        let run = run_one(Path::new("/nonexistent/echo"), &row, &[]);
        let o = judge(&row, &run);
        assert!(!o.passed);
        assert!(o.figures.contains("not built"), "{}", o.figures);
    }
}
