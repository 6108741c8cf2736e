//! Regression tests for fidelity bugs found by running Maelstrom's own demo
//! nodes (demo/ at v0.2.3) through the embedded engine. The demos themselves
//! are not part of this repository: each test uses a small fixture of ours
//! that shows the same engine behaviour.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    dir: PathBuf,
}

impl Run {
    fn store_file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join("store/latest").join(name)).unwrap_or_default()
    }

    fn history(&self) -> Vec<Value> {
        self.store_file("history.jsonl")
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn context(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Run `xtask maelstrom test <args>` in a fresh directory.
fn xtask(label: &str, args: &[&str]) -> Run {
    let dir = std::env::temp_dir().join(format!("xtask-demo-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&dir)
        .args(["maelstrom", "test", "--engine", "embedded", "--seed", "7"])
        .args(args)
        .output()
        .expect("xtask runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        dir,
    }
}

/// Found with demo/ruby/pn_counter.rb, whose threads race `init` and print
/// one message with `"src": null`. Maelstrom stops reading that node's STDOUT
/// but keeps the pipe open: the node lives on, its replies vanish, and the
/// run is analysed. We used to close the pipe, so the node's next write died
/// of EPIPE/SIGPIPE and the run was reported as a crash (exit 255).
#[test]
fn node_silenced_by_a_bad_line_lives_on_and_is_not_a_crash() {
    let bin = fixture("echo_bad_line_once.py");
    let r = xtask(
        "badline-once",
        &[
            "-w",
            "echo",
            "--bin",
            &bin,
            "--node-count",
            "1",
            "--concurrency",
            "3",
            "--rate",
            "20",
            "--time-limit",
            "2",
        ],
    );
    assert!(
        !r.stderr.contains("crashed") && !r.stderr.contains("exited during the run"),
        "{}",
        r.context()
    );
    // No echo_ok ever reaches a client, so :stats is invalid: exit 1, not 255.
    assert_eq!(r.code, 1, "{}", r.context());
    let log = r.store_file("node-logs/n0.log");
    assert!(
        log.contains("answered echo #2") && log.contains("answered echo #3"),
        "the node kept answering after its bad line:\n{log}\n{}",
        r.context()
    );
    let history = r.history();
    let timeouts = history
        .iter()
        .filter(|o| o["type"] == "info" && o["error"] == "net-timeout")
        .count();
    assert!(timeouts >= 3, "{timeouts} timeouts\n{}", r.context());
    assert!(
        !history.iter().any(|o| o["type"] == "ok"),
        "{}",
        r.context()
    );
}

/// Found when a demo's init race crashed a run and store/latest still showed
/// the run before it. Jepsen updates the latest symlinks in a `finally`
/// (core.clj, with-log-snarfing), so they name the crashed run.
#[test]
fn store_latest_names_a_crashed_run() {
    let bin = fixture("init_refused.py");
    let r = xtask(
        "crash-latest",
        &["-w", "echo", "--bin", &bin, "--node-count", "1"],
    );
    assert_eq!(r.code, 255, "{}", r.context());
    let latest = std::fs::canonicalize(r.dir.join("store/latest"));
    let by_workload = std::fs::canonicalize(r.dir.join("store/echo/latest"));
    let current = std::fs::canonicalize(r.dir.join("store/current"));
    assert!(latest.is_ok(), "no store/latest\n{}", r.context());
    assert_eq!(latest.as_ref().ok(), current.as_ref().ok());
    assert_eq!(latest.as_ref().ok(), by_workload.as_ref().ok());
    let run: Value = serde_json::from_str(&r.store_file("run.json")).unwrap_or(Value::Null);
    assert_eq!(run["seed"], 7, "store/latest is this run's directory");
}
