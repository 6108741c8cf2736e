//! Regression tests for fidelity bugs found by running Maelstrom's own demo
//! nodes (demo/ at v0.2.3) through the embedded engine. The demos themselves
//! are not part of this repository: each test uses a small fixture of ours
//! that shows the same engine behaviour.

#[allow(dead_code)]
mod support;

use serde_json::Value;
use support::{fixture, flags, maelstrom_test, Run};

/// `xtask maelstrom test --bin <bin> <args>` with a fixed seed, in a fresh directory.
fn seeded(bin: &str, args: &str) -> Run {
    let mut all = flags("--engine embedded --seed 7");
    all.extend(flags(args));
    maelstrom_test(&fixture(bin), &all)
}

/// Found with demo/ruby/pn_counter.rb, whose threads race `init` and print
/// one message with `"src": null`. Maelstrom stops reading that node's STDOUT
/// but keeps the pipe open: the node lives on, its replies vanish, and the
/// run is analysed. We used to close the pipe, so the node's next write died
/// of EPIPE/SIGPIPE and the run was reported as a crash (exit 255).
#[test]
fn node_silenced_by_a_bad_line_lives_on_and_is_not_a_crash() {
    let r = seeded(
        "echo_bad_line_once.py",
        "-w echo --node-count 1 --concurrency 3 --rate 20 --time-limit 2",
    );
    assert!(
        !r.stderr.contains("crashed") && !r.stderr.contains("exited during the run"),
        "{}",
        r.tail()
    );
    // No echo_ok ever reaches a client, so :stats is invalid: exit 1, not 255.
    assert_eq!(r.code, 1, "{}", r.tail());
    let log = r.node_log("n0");
    assert!(
        log.contains("answered echo #2") && log.contains("answered echo #3"),
        "the node kept answering after its bad line:\n{log}\n{}",
        r.tail()
    );
    let history = r.history();
    let timeouts = history
        .iter()
        .filter(|o| o["type"] == "info" && o["error"] == "net-timeout")
        .count();
    assert!(timeouts >= 3, "{timeouts} timeouts\n{}", r.tail());
    assert!(!history.iter().any(|o| o["type"] == "ok"), "{}", r.tail());
}

/// Found when a demo's init race crashed a run and store/latest still showed
/// the run before it. Jepsen updates the latest symlinks in a `finally`
/// (core.clj, with-log-snarfing), so they name the crashed run.
#[test]
fn store_latest_names_a_crashed_run() {
    let r = seeded("init_refused.py", "-w echo --node-count 1");
    assert_eq!(r.code, 255, "{}", r.tail());
    let latest = std::fs::canonicalize(r.dir().join("store/latest"));
    let by_workload = std::fs::canonicalize(r.dir().join("store/echo/latest"));
    let current = std::fs::canonicalize(r.dir().join("store/current"));
    assert!(latest.is_ok(), "no store/latest\n{}", r.tail());
    assert_eq!(latest.as_ref().ok(), current.as_ref().ok());
    assert_eq!(latest.as_ref().ok(), by_workload.as_ref().ok());
    let run: Value = serde_json::from_str(&r.store_file("run.json")).unwrap_or(Value::Null);
    assert_eq!(run["seed"], 7, "store/latest is this run's directory");
}
