//! Every run also writes Maelstrom's own files beside ours (issue 24):
//! `results.edn`, `history.edn`, `history.txt` and `jepsen.log`, and ends
//! its console as Maelstrom does, the results map in EDN and the verdict.
//! `xtask check` on the written history.edn must give the run's results,
//! verdict and exit status.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

/// The bench's own EDN reader (xtask has no library target), compiled in.
#[allow(dead_code, unused_imports)]
#[path = "../src"]
mod src {
    pub mod edn;
}

use serde_json::Value;
use support::{assert_rechecks, fixture, flags, maelstrom_test, Run, PARTITIONS};

/// The console's end (jepsen core.clj `log-results`): the results map in
/// EDN, two blank lines, the verdict; the map reads back with our EDN
/// reader to results.json's map. (Lines such as the final phase's `INFO
/// Waiting for recovery...` come before it.)
fn assert_console_ends_with_edn_results(run: &Run, verdict: &str) {
    let (before, last) = run
        .stdout
        .rsplit_once("\n\n\n")
        .unwrap_or_else(|| panic!("no verdict after two blank lines\n{}", run.tail()));
    // The map's first line is the last one to begin with `{`; the others
    // begin with ` :`.
    let map = before.rfind("\n{").map_or(before, |i| &before[i + 1..]);
    assert_eq!(last, format!("{verdict}\n"), "{}", run.tail());
    assert!(map.starts_with('{') && map.contains("\n :valid? "), "{map}");
    let parsed = src::edn::parse(map).unwrap_or_else(|e| panic!("not EDN ({e}): {map}"));
    assert_eq!(&parsed, run.results(), "{map}");
}

/// history.txt: one `prn-op` line per op, values as Maelstrom prints them.
fn assert_history_txt(run: &Run, shape: &str) {
    let txt = run.store_file("history.txt");
    assert_eq!(txt.lines().count(), run.history().len(), "one line per op");
    assert!(
        txt.lines().any(|l| l.contains(shape)),
        "no line holds {shape:?}:\n{}",
        &txt[..txt.len().min(2000)]
    );
}

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
    assert_console_ends_with_edn_results(&run, "Everything looks good! ヽ(‘ー`)ノ");
    assert_history_txt(&run, "\t:ok\t:echo\t{:echo \"Please echo ");
}

/// `--json` (ours) ends the console with results.json's map instead.
#[test]
fn json_prints_the_results_as_json() {
    // Broadcast has a final phase, whose `INFO Waiting for recovery...`
    // goes to stderr: stdout is the JSON and the verdict alone.
    let args = flags("-w broadcast --node-count 1 --time-limit 1 --rate 20 --json");
    let run = maelstrom_test(&fixture("broadcast_gossip.py"), &args);
    assert!(
        run.stderr.contains("INFO Waiting for recovery..."),
        "{}",
        run.tail()
    );
    assert_eq!(run.code, 0, "{}", run.tail());
    let (map, last) = run.stdout.rsplit_once("\n\n\n").expect("a verdict");
    assert_eq!(last, "Everything looks good! ヽ(‘ー`)ノ\n");
    let parsed: Value = serde_json::from_str(map).unwrap_or_else(|e| panic!("{e}: {map}"));
    assert_eq!(&parsed, run.results());
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
    assert_console_ends_with_edn_results(&run, "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻");
    assert_history_txt(&run, ":nemesis\t:info\t:start-partition\t");
    assert_history_txt(&run, "\t:ok\t:read\t[");
}
