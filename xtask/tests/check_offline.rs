//! `xtask check`: a run's own history.jsonl and net-journal.jsonl, re-checked
//! offline with the run's flags, give the results map and verdict the run
//! printed; unreadable input exits 254 with one clear line.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{fixture, flags, maelstrom_test, xtask, Run};

/// Runs `xtask check <workload> <run's history> --journal <run's journal>
/// <check_flags>` and asserts it reproduces the run's results and verdict.
fn assert_round_trip(run: &Run, workload: &str, check_flags: &[&str]) {
    let latest = run.dir().join("store/latest");
    let history = latest.join("history.jsonl");
    let journal = latest.join("net-journal.jsonl");
    let mut args = vec![
        "check",
        workload,
        history.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
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

#[test]
fn echo_run_rechecks_to_the_same_results() {
    let args = flags("-w echo --node-count 2 --time-limit 3 --rate 50 --nemesis partition --nemesis-interval 0.5");
    let run = maelstrom_test(&fixture("echo_ok.py"), &args);
    assert_eq!(run.code, 0, "{}", run.tail());
    assert_round_trip(&run, "echo", &[]);
}

#[test]
fn txn_run_rechecks_to_the_same_results_with_its_models() {
    // Read-committed nodes under strict-serializable: the run's anomalies,
    // and whatever it concluded, must come back identical.
    let args = flags(
        "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 3 --rate 200 \
         --availability total --consistency-models read-committed",
    );
    let run = maelstrom_test(&fixture("txn_rc_node.py"), &args);
    assert_eq!(run.code, 0, "{}", run.tail());
    let check = flags("--availability total --consistency-models read-committed");
    assert_round_trip(&run, "txn-rw-register", &check);
    // The models reach the checker: a stale read (T2 starts after T1's write
    // completed and reads the initial nil) is read committed but not strict
    // serializable. A hand-written history, so the verdicts cannot depend on
    // what a short run happened to interleave.
    let stale = run.dir().join("stale.jsonl");
    std::fs::write(
        &stale,
        [
            r#"{"index":0,"time":0,"process":0,"type":"invoke","f":"txn","value":[["w",1,1]]}"#,
            r#"{"index":1,"time":10,"process":0,"type":"ok","f":"txn","value":[["w",1,1]]}"#,
            r#"{"index":2,"time":20,"process":1,"type":"invoke","f":"txn","value":[["r",1,null]]}"#,
            r#"{"index":3,"time":30,"process":1,"type":"ok","f":"txn","value":[["r",1,null]]}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let stale = stale.to_str().unwrap();
    let strict = xtask(&["check", "txn-rw-register", stale]);
    assert_eq!(strict.code, 1, "{}", strict.tail());
    let parsed: Value =
        serde_json::from_str(strict.stdout.rsplit_once("\n\n\n").unwrap().0).unwrap();
    assert!(parsed.get("net").is_none(), "no journal, no net section");
    let committed = xtask(&[
        "check",
        "txn-rw-register",
        stale,
        "--consistency-models",
        "read-committed",
    ]);
    assert_eq!(committed.code, 0, "{}", committed.tail());
}

#[test]
fn unreadable_input_exits_254_with_a_clear_line() {
    let r = xtask(&["check", "echo", "no-such-history.edn"]);
    assert_eq!(r.code, 254, "{}", r.tail());
    assert!(
        r.stderr
            .starts_with("xtask check: cannot read no-such-history.edn"),
        "{}",
        r.tail()
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.tail());
    let r = xtask(&["check"]);
    assert_eq!(r.code, 254, "{}", r.tail());
}

#[test]
fn kafka_run_rechecks_to_the_same_results() {
    // Assigns, client crashes and the final phase's seek-to-beginning assign
    // and polls all go through history.jsonl and back.
    let args = flags("-w kafka --node-count 1 --concurrency 2n --time-limit 3 --rate 200");
    let run = maelstrom_test(&fixture("kafka_single.py"), &args);
    assert_eq!(run.code, 0, "{}", run.tail());
    let history = run.history();
    assert!(history.iter().any(|op| op["f"] == "assign"), "no assign");
    assert_round_trip(&run, "kafka", &[]);
}

/// `xtask check g-set` on a Jepsen history holding an :ok read of nil:
/// set-full binds `v (c/set v)` (jepsen 0.3.1 checker.clj `set-full`), and
/// `(set nil)` is `#{}`, so the element acknowledged before that read and
/// missing from it is lost: invalid, not unknown.
#[test]
fn g_set_check_reads_an_ok_read_of_nil_as_the_empty_set() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("history.edn");
    let history = "\
{:index 0, :time 0, :type :invoke, :process 0, :f :add, :value 0}
{:index 1, :time 1000000, :type :ok, :process 0, :f :add, :value 0}
{:index 2, :time 2000000, :type :invoke, :process 1, :f :read, :value nil}
{:index 3, :time 3000000, :type :ok, :process 1, :f :read, :value [0]}
{:index 4, :time 4000000, :type :invoke, :process 1, :f :read, :value nil}
{:index 5, :time 5000000, :type :ok, :process 1, :f :read, :value nil}
";
    std::fs::write(&path, history).expect("write the history");
    let r = xtask(&["check", "g-set", path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.tail());
    let (pretty, _verdict) = r
        .stdout
        .rsplit_once("\n\n\n")
        .unwrap_or_else(|| panic!("no verdict line\n{}", r.tail()));
    let results: Value = serde_json::from_str(pretty).expect("results are JSON");
    assert_eq!(
        results["workload"]["valid?"],
        Value::Bool(false),
        "{results:#}"
    );
    assert_eq!(results["workload"]["lost"], serde_json::json!([0]));
}
