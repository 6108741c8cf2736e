//! Every run also writes Maelstrom's own files beside ours (issue 24):
//! `results.edn`, `history.edn` and `jepsen.log`. `xtask check` on the
//! written history.edn must give the run's results, verdict and exit status.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use support::{assert_rechecks, fixture, flags, maelstrom_test, Run, PARTITIONS};

/// jepsen.log: one op line per op, then the results and the verdict.
fn assert_jepsen_log(run: &Run) {
    let log = run.store_file("jepsen.log");
    let ops = run.history().len();
    let op_lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("jepsen.util - "))
        .collect();
    assert_eq!(op_lines.len(), ops, "one op line per op");
    assert!(
        op_lines[0].starts_with("INFO  jepsen.util - ") && op_lines[0].contains("\t:invoke\t:"),
        "{}",
        op_lines[0]
    );
    let run_verdict = run.stdout.trim_end().lines().last().unwrap_or("");
    assert!(
        log.contains("INFO  jepsen.core - {"),
        "no results in jepsen.log"
    );
    assert_eq!(log.trim_end().lines().last(), Some(run_verdict));
}

#[test]
fn a_passing_echo_run_writes_maelstroms_files() {
    let args = flags("-w echo --node-count 2 --time-limit 3 --rate 50");
    let run = maelstrom_test(&fixture("echo_ok.py"), &args);
    assert_eq!(run.code, 0, "{}", run.tail());
    let edn = run.store_file("results.edn");
    assert!(
        edn.starts_with('{') && edn.contains(":valid? true"),
        "{edn}"
    );
    assert!(edn.contains(":workload {"), "{edn}");
    let first = run.store_file("history.edn");
    let first = first.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("{:index 0, :time ") && first.contains(":type :invoke, :process "),
        "{first}"
    );
    assert_rechecks(&run, "echo", "history.edn", &[]);
    assert_jepsen_log(&run);
    assert!(run.store_file("results.json").contains("\"valid?\": true"));
    assert!(!run.store_file("history.jsonl").is_empty());
}

#[test]
fn a_failing_broadcast_run_rechecks_from_its_history_edn() {
    let args =
        format!("-w broadcast --node-count 3 --time-limit 4 --rate 40 --seed 4 {PARTITIONS}");
    let args = flags(&args);
    let run = maelstrom_test(&fixture("broadcast_once.py"), &args);
    assert_eq!(run.code, 1, "{}", run.tail());
    assert!(run.store_file("results.edn").contains(":valid? false"));
    assert!(run.store_file("history.edn").contains(":process :nemesis"));
    assert_rechecks(&run, "broadcast", "history.edn", &[]);
    assert_jepsen_log(&run);
}
