//! `xtask check`: a run's own history.jsonl and net-journal.jsonl, re-checked
//! offline with the run's flags, give the results map and verdict the run
//! printed; unreadable input exits 254 with one clear line.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{assert_rechecks, fixture, flags, maelstrom_test, xtask};

#[test]
fn echo_run_rechecks_to_the_same_results() {
    let args = flags("-w echo --node-count 2 --time-limit 3 --rate 50 --nemesis partition --nemesis-interval 0.5");
    let run = maelstrom_test(&fixture("echo_ok.py"), &args);
    assert_eq!(run.code, 0, "{}", run.tail());
    assert_rechecks(&run, "echo", "history.jsonl", &[]);
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
    assert_rechecks(&run, "txn-rw-register", "history.jsonl", &check);
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
    let strict = xtask(&["check", "txn-rw-register", stale, "--json"]);
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
    assert_rechecks(&run, "kafka", "history.jsonl", &[]);
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
    let r = xtask(&["check", "g-set", path.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 1, "{}", r.tail());
    // Without --json the results print as a run's console ends: EDN, then
    // the verdict (fidelity X34).
    let edn = xtask(&["check", "g-set", path.to_str().unwrap()]);
    assert_eq!(edn.code, 1, "{}", edn.tail());
    let (map, verdict) = edn.stdout.rsplit_once("\n\n").expect("a verdict line");
    assert_eq!(verdict, "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻\n");
    assert!(map.starts_with("{:"), "{}", edn.tail());
    assert!(map.contains(":lost [0]"), "{}", edn.tail());
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

/// Issue 22 row 3: a value nested 10 000 deep, as an EDN history line, a
/// Jepsen log line and a JSON line, aborted `check` (SIGABRT, exit 134: the
/// recursive readers overflowed the stack). Each reader now stops at 128
/// levels (edn::MAX_DEPTH; serde_json's own limit) and the command exits
/// 254 naming the line.
#[test]
fn a_value_nested_10000_deep_exits_254_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let cases = [
        (
            "deep.edn",
            format!("{{:type :invoke, :f :read, :process 0, :time 0, :index 0, :value {deep}}}\n"),
            "line 1: EDN: nested more than 128 levels deep",
        ),
        (
            "deep.log",
            format!("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t{deep}\n"),
            "line 2: value: EDN: nested more than 128 levels deep",
        ),
        (
            "deep.jsonl",
            format!("{{\"type\":\"invoke\",\"f\":\"read\",\"process\":0,\"time\":0,\"value\":{deep}}}\n"),
            "line 1: not JSON: recursion limit exceeded",
        ),
    ];
    for (name, text, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let r = xtask(&["check", "lin-kv", path.to_str().unwrap()]);
        assert_eq!(r.code, 254, "{name}: {}", r.tail());
        assert!(r.stderr.contains(want), "{name}: {}", r.tail());
    }
}

/// `xtask check echo <args>` under a 60 s deadline and 2 GiB of address
/// space, so that a reader that hangs or grows with its input fails the
/// test instead of stalling it or the machine. Exit status and stderr.
fn check_bounded(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152; exec timeout 60 \"$0\" check echo \"$@\"")
        .arg(env!("CARGO_BIN_EXE_glomers"))
        .args(args)
        .output()
        .expect("run sh");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), stderr)
}

/// Issue 22 row 7: `check` on a device (`/dev/zero` grew without bound,
/// `/dev/urandom` too), a FIFO (hung in `open` until a writer came) or a
/// file of one 1 GiB line (~3 GiB RSS), as the history or the journal. A
/// regular file is required, and a line longer than 16 MiB is an error
/// naming it. The 1 GiB file is sparse: it takes no disk.
#[test]
fn devices_fifos_and_endless_lines_exit_254_with_a_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let ok = dir.path().join("ok.jsonl");
    std::fs::write(
        &ok,
        "{\"type\":\"invoke\",\"f\":\"echo\",\"process\":0,\"time\":0,\"value\":1}\n",
    )
    .unwrap();
    let fifo = dir.path().join("history.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let long = dir.path().join("long.edn");
    std::fs::File::create(&long)
        .and_then(|f| f.set_len(1 << 30))
        .unwrap();
    let ok = ok.to_str().unwrap();
    let fifo = fifo.to_str().unwrap();
    let long = long.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["/dev/zero"], "/dev/zero is not a regular file"),
        (&["/dev/urandom"], "/dev/urandom is not a regular file"),
        (&[fifo], "history.fifo is not a regular file"),
        (&[long], "line 1 is longer than 16777216 bytes"),
        (
            &[ok, "--journal", "/dev/zero"],
            "/dev/zero is not a regular file",
        ),
        (
            &[ok, "--journal", fifo],
            "history.fifo is not a regular file",
        ),
        (
            &[ok, "--journal", long],
            "line 1 is longer than 16777216 bytes",
        ),
    ];
    for (args, want) in cases {
        let (code, stderr) = check_bounded(args);
        assert_eq!(code, 254, "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
