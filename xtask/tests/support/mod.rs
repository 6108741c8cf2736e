//! The harness every end-to-end test file shares: run the xtask binary in a
//! fresh temporary directory and read what it left in `store/latest`.
//!
//! Each test file is its own crate and uses a part of this module, so the
//! files declare it with `#[allow(dead_code)] mod support;`.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use tempfile::TempDir;

pub mod serve;

/// How many lines of each stream `Run::tail` shows.
const TAIL_LINES: usize = 40;

/// tests/fixtures/<name>.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `xtask maelstrom test -w <workload> --bin <fixture> <flags>`, which must
/// write store/latest/results.json.
pub fn run_fixture(workload: &str, node: &str, flag_line: &str) -> Run {
    let args = [&["-w", workload], &flags(flag_line)[..]].concat();
    let r = maelstrom_test(&fixture(node), &args);
    assert!(r.results.is_some(), "no results.json\n{}", r.tail());
    r
}

/// How many partitions the nemesis started (nemesis ops are `:info` on both
/// sides; the first one carries the shape name).
pub fn partitions_started(r: &Run) -> usize {
    r.history()
        .iter()
        .filter(|op| op["f"] == "start-partition" && op["value"].is_string())
        .count()
}

/// Partitions every 0-1 s (gaps U[0, 2 x 0.5 s)), starting at t = 0.
pub const PARTITIONS: &str = "--nemesis partition --nemesis-interval 0.5";

/// Splits a line of flags on whitespace, for flag values without spaces.
pub fn flags(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The strings of a JSON array; empty when `v` is not an array.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts that results.json's `section` (e.g. "workload") has `valid?`
/// `expected`; the message shows the section.
pub fn assert_verdict(results: &Value, section: &str, expected: bool) {
    assert_eq!(
        results[section]["valid?"],
        Value::Bool(expected),
        "{section}: {:#}",
        results[section]
    );
}

/// `xtask <args>` in a fresh temporary directory.
pub fn xtask(args: &[&str]) -> Run {
    run_in(fresh_dir(), args)
}

/// `xtask <args>` in a fresh temporary directory, with environment
/// variables for xtask and the nodes it spawns.
pub fn xtask_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in_env(fresh_dir(), args, env)
}

fn fresh_dir() -> Rc<TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("xtask-e2e-")
        .tempdir()
        .expect("create a temp dir");
    Rc::new(dir)
}

/// `xtask maelstrom test --bin <bin> <args>` in a fresh temporary directory.
pub fn maelstrom_test(bin: &Path, args: &[&str]) -> Run {
    xtask(&maelstrom_test_args(bin, args))
}

/// `maelstrom_test` with environment variables for xtask and the nodes it
/// spawns (a node's mode or knobs), without touching this process's own.
pub fn maelstrom_test_env(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_in_env(fresh_dir(), &maelstrom_test_args(bin, args), env)
}

fn maelstrom_test_args<'a>(bin: &'a Path, args: &[&'a str]) -> Vec<&'a str> {
    let bin = bin.to_str().expect("the node binary's path is UTF-8");
    ["maelstrom", "test", "--bin", bin]
        .into_iter()
        .chain(args.iter().copied())
        .collect()
}

fn run_in(dir: Rc<TempDir>, args: &[&str]) -> Run {
    run_in_env(dir, args, &[])
}

fn run_in_env(dir: Rc<TempDir>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_glomers"))
        .current_dir(dir.path())
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run the xtask binary");
    // Resolved now: a later run in the same directory moves store/latest.
    let latest = dir.path().join("store/latest");
    let mut run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        results: None,
        latest_link: std::fs::read_link(&latest).ok(),
        latest_dir: std::fs::canonicalize(&latest).ok(),
        dir,
    };
    let text = run.store_file("results.json");
    if !text.is_empty() {
        let parsed = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "store/latest/results.json is not JSON ({e}):\n{text}\n{}",
                run.tail()
            )
        });
        run.results = Some(parsed);
    }
    run
}

/// One finished xtask process and the directory it ran in, kept until the
/// last `Run` made in it is dropped.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// store/latest/results.json, when the run wrote one.
    pub results: Option<Value>,
    /// store/latest's target and the directory it named when the run ended.
    latest_link: Option<PathBuf>,
    latest_dir: Option<PathBuf>,
    dir: Rc<TempDir>,
}

impl Run {
    /// The working directory the run had.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A further `xtask maelstrom test --bin <bin> <args>` in this run's
    /// directory, so that both runs share one `store/`. Should it fail before
    /// moving store/latest, its store files are the earlier run's.
    pub fn maelstrom_test_again(&self, bin: &Path, args: &[&str]) -> Run {
        run_in(Rc::clone(&self.dir), &maelstrom_test_args(bin, args))
    }

    /// results.json; panics with the output tail when the run wrote none.
    pub fn results(&self) -> &Value {
        self.results
            .as_ref()
            .unwrap_or_else(|| panic!("no store/latest/results.json\n{}", self.tail()))
    }

    /// The `workload` section of results.json.
    pub fn workload(&self) -> &Value {
        &self.results()["workload"]
    }

    /// A count in the `workload` section; panics with the output tail when absent.
    pub fn workload_count(&self, key: &str) -> u64 {
        self.workload()[key]
            .as_u64()
            .unwrap_or_else(|| panic!("workload.{key} missing\n{}", self.tail()))
    }

    /// store/latest/<name> as store/latest was when the run ended; empty
    /// when it does not exist.
    pub fn store_file(&self, name: &str) -> String {
        self.latest_dir
            .as_ref()
            .and_then(|d| std::fs::read_to_string(d.join(name)).ok())
            .unwrap_or_default()
    }

    /// store/latest/<name> as JSON lines; every line must parse.
    pub fn jsonl(&self, name: &str) -> Vec<Value> {
        self.store_file(name)
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {l}\n{}", self.tail()))
            })
            .collect()
    }

    /// store/latest/history.jsonl, one op a line.
    pub fn history(&self) -> Vec<Value> {
        self.jsonl("history.jsonl")
    }

    /// store/latest/node-logs/<node>.log, empty when it does not exist.
    pub fn node_log(&self, node: &str) -> String {
        self.store_file(&format!("node-logs/{node}.log"))
    }

    /// Where store/latest pointed when the run ended, store-relative:
    /// `<workload>/<timestamp>`.
    pub fn latest_run(&self) -> String {
        let target = self
            .latest_link
            .as_ref()
            .unwrap_or_else(|| panic!("no store/latest link\n{}", self.tail()));
        target.to_string_lossy().trim_matches('/').to_string()
    }

    /// The exit code and the last lines of stdout and stderr, for assertion messages.
    pub fn tail(&self) -> String {
        format!(
            "--- exit code {}\n--- stdout (tail)\n{}\n--- stderr (tail)\n{}",
            self.code,
            last_lines(&self.stdout),
            last_lines(&self.stderr)
        )
    }
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
}

/// A run of fixtures/null_final_reads.py (broadcast or g-set, 3 clients):
/// every final read is an :ok read of null, and every element is lost.
pub fn assert_null_final_reads_lose_everything(r: &Run) {
    assert_eq!(r.code, 1, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    let attempts = r.workload_count("attempt-count");
    assert!(attempts > 10, "only {attempts} adds\n{}", r.tail());
    assert_eq!(
        r.workload_count("lost-count"),
        attempts,
        "{:#}",
        r.workload()
    );
    assert_eq!(r.workload_count("stable-count"), 0);
    let null_reads = r
        .history()
        .iter()
        .filter(|op| op["f"] == "read" && op["type"] == "ok" && op["value"].is_null())
        .count();
    assert_eq!(null_reads, 3, "one :ok null final read per client");
}

/// Runs `xtask check <workload> store/latest/<history_file> --journal
/// store/latest/net-journal.jsonl <check_flags>` in `run`'s directory and
/// asserts it reproduces the run's results map, verdict line and exit status.
pub fn assert_rechecks(run: &Run, workload: &str, history_file: &str, check_flags: &[&str]) {
    let latest = run.dir().join("store/latest");
    let history = latest.join(history_file);
    let journal = latest.join("net-journal.jsonl");
    let mut args = vec![
        "check",
        workload,
        history.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(check_flags);
    let again = xtask(&args);
    let (pretty, verdict) = again
        .stdout
        .rsplit_once("\n\n\n")
        .unwrap_or_else(|| panic!("no verdict line\n{}", again.tail()));
    let rechecked: Value = serde_json::from_str(pretty)
        .unwrap_or_else(|e| panic!("results are not JSON ({e})\n{}", again.tail()));
    assert_eq!(&rechecked, run.results(), "{}", again.tail());
    let run_verdict = run.stdout.trim_end().lines().last().unwrap_or("");
    assert_eq!(verdict.trim_end(), run_verdict);
    assert_eq!(again.code, run.code, "{}", again.tail());
}
