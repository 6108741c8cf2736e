//! The matrix on someone else's binary (issue 24, item 1): `test-all --bin
//! PATH`, `--bin FAMILY=PATH`, `--test-count N`, and `test -w ...` as
//! Maelstrom's own `test`. The binary is `fixtures/one_binary.py` (echo,
//! unique ids and broadcast in one program, as people build theirs).

#[allow(dead_code)]
mod support;

use std::collections::BTreeMap;
use support::{fixture, xtask, xtask_env, Run};

fn one_binary() -> String {
    fixture("one_binary.py").display().to_string()
}

/// The table's verdict cell of each row, by row id.
fn verdicts(r: &Run) -> BTreeMap<String, String> {
    r.stdout
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| challenge"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let id = cells[0].trim_start_matches("| ").split(' ').next()?;
            Some((id.to_string(), cells.get(1)?.to_string()))
        })
        .collect()
}

/// The ids of the rows whose verdict starts with `prefix`.
fn rows_with(v: &BTreeMap<String, String>, prefix: &str) -> Vec<String> {
    v.iter()
        .filter(|(_, verdict)| verdict.starts_with(prefix))
        .map(|(id, _)| id.clone())
        .collect()
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Every Fly.io row runs on the one binary: the ones it implements pass,
/// the others fail, and the tutorials and our node's CRDT mode are not
/// run, never failed. `--node-count 5` (later flags win) keeps the 25-node
/// rows to 5 Python nodes, which start within the init timeout on a
/// loaded 2-core machine; 3d and 3e still share one run, judged twice.
/// About two minutes: the broadcast rows wait out the recovery phase.
#[test]
fn test_all_runs_every_fly_io_row_on_one_binary() {
    let bin = one_binary();
    let args = [
        "test-all",
        "--bin",
        &bin,
        "--time-limit",
        "2",
        "--node-count",
        "5",
        "--seed",
        "1",
    ];
    let r = xtask(&args);
    let v = verdicts(&r);
    let show = format!("{}\n{}", r.stdout, r.tail());
    assert_eq!(
        rows_with(&v, "pass"),
        sorted(&["1", "2", "3a", "3b", "3c", "3c-25", "3d", "3e"]),
        "{show}"
    );
    assert_eq!(
        rows_with(&v, "FAIL valid?"),
        sorted(&["4", "5a", "5b", "5c", "6a", "6b-i", "6b-ii", "6c"]),
        "{show}"
    );
    assert_eq!(
        rows_with(&v, "not run"),
        sorted(&[
            "4-crdt",
            "g-set",
            "pn-counter",
            "la-1",
            "la-2",
            "la-3p",
            "lin-kv",
            "lin-kv-partition"
        ]),
        "{show}"
    );
    assert!(
        r.stdout.contains("\n8 passed, 8 failed, 8 not run\n"),
        "{show}"
    );
    assert!(
        r.stdout.contains(&format!(
            "rerun: cargo xtask test 5c --bin {bin} --time-limit 2 --node-count 5 --seed 1"
        )),
        "5c shares 5b's run and names itself: {show}"
    );
    assert_eq!(r.code, 1, "{show}");
}

/// `--bin FAMILY=PATH` runs only the mapped families, and wins over
/// `--bin PATH` for its family: here the one binary alters its echoes, and
/// echo_ok.py, mapped to echo, passes.
#[test]
fn a_family_mapping_runs_only_that_family_and_wins_over_bin_path() {
    let ok = fixture("echo_ok.py").display().to_string();
    let echo = format!("echo={ok}");
    let r = xtask(&["test-all", "--bin", &echo, "--time-limit", "2"]);
    let v = verdicts(&r);
    assert_eq!(rows_with(&v, "pass"), ["1"], "{}", r.stdout);
    assert_eq!(rows_with(&v, "not run").len(), v.len() - 1, "{}", r.stdout);
    assert_eq!(v.len(), 24, "every row is shown: {}", r.stdout);
    assert!(
        v["5a"].starts_with("not run")
            && r.stdout.contains("no binary for kafka: --bin kafka=PATH"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("1 passed, 0 failed, 23 not run"),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 0, "{}", r.tail());

    let bin = one_binary();
    let faulty = [("ONE_BINARY_ALTER_ECHO", "1")];
    let args = [
        "test",
        "echo",
        "--bin",
        &bin,
        "--bin",
        &echo,
        "--time-limit",
        "2",
    ];
    let r = xtask_env(&args, &faulty);
    assert_eq!(verdicts(&r)["1"], "pass", "{}\n{}", r.stdout, r.tail());
    assert_eq!(r.code, 0);
}

/// A faulty binary's row fails and the exit status says so.
#[test]
fn a_faulty_row_fails_and_sets_the_exit_status() {
    let bin = one_binary();
    let args = ["test", "1", "--bin", &bin, "--time-limit", "2"];
    let r = xtask_env(&args, &[("ONE_BINARY_ALTER_ECHO", "1")]);
    assert!(
        verdicts(&r)["1"].starts_with("FAIL valid? false"),
        "{}\n{}",
        r.stdout,
        r.tail()
    );
    assert_eq!(r.code, 1);
}

/// Row 4 runs our node with `G_COUNTER_MODE=seq-kv`; someone else's binary
/// gets the page's flags only.
#[test]
fn our_nodes_environment_is_not_given_to_another_binary() {
    let bin = one_binary();
    let r = xtask(&["test", "4", "--bin", &bin, "--time-limit", "1"]);
    let log = r.node_log("n0");
    assert!(log.contains("G_COUNTER_MODE=unset"), "{log}\n{}", r.tail());
}

/// `--test-count 3`: three runs of the row, seeds 100, 101, 102, each in
/// its own store directory; the fixture fails its second run only, so the
/// row passed 2 of 3 and seed 101 is listed with its directory and rerun.
/// Before, the child ran three times and the matrix read store/latest only.
#[test]
fn test_count_runs_each_row_n_times_and_lists_the_failing_seed() {
    let bin = one_binary();
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let env = [
        ("ONE_BINARY_RUN_FILE", runs.to_str().unwrap()),
        ("ONE_BINARY_ALTER_RUN", "2"),
    ];
    let args = [
        "test",
        "echo",
        "--bin",
        &bin,
        "--test-count",
        "3",
        "--seed",
        "100",
        "--time-limit",
        "2",
    ];
    let r = xtask_env(&args, &env);
    let show = format!("{}\n{}", r.stdout, r.tail());
    assert!(
        verdicts(&r)["1"].starts_with("FAIL passed 2/3; first: FAIL valid? false"),
        "{show}"
    );
    assert_eq!(r.code, 1, "{show}");
    let failing: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("- 1 seed"))
        .collect();
    assert_eq!(failing.len(), 1, "{show}");
    assert!(
        failing[0].starts_with("- 1 seed 101: FAIL valid? false, store/echo/"),
        "{show}"
    );
    let failed_dir = failing[0].rsplit(", ").next().unwrap();
    let run_json = std::fs::read_to_string(r.dir().join(failed_dir).join("run.json")).unwrap();
    assert!(run_json.contains("\"seed\":101"), "{run_json}");
    assert!(
        r.stdout.contains(&format!(
            "rerun: cargo xtask test 1 --bin {bin} --time-limit 2 --seed 101"
        )),
        "{show}"
    );
    let stored = std::fs::read_dir(r.dir().join("store/echo"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "latest")
        .count();
    assert_eq!(stored, 3, "one store directory a run");
}

/// Usage errors are one line and exit 254 (the tool's usage status, as
/// Maelstrom's), before any run: `--sim` cannot
/// host another binary, a family must exist, a path must be an executable.
#[test]
fn bad_matrix_command_lines_are_one_line_and_run_nothing() {
    let bin = one_binary();
    let text = fixture("maelstrom_node.py").display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (
            &["test-all", "--sim", "--bin", &bin],
            "virtual time hosts our own nodes in-process; run without --sim",
        ),
        (
            &["test", "3c", "--bin", &bin, "--sim"],
            "virtual time hosts our own nodes in-process",
        ),
        (
            &["test-all", "--bin", &format!("brodcast={bin}")],
            "no family \"brodcast\"",
        ),
        (
            &["test-all", "--bin", "/nonexistent/node"],
            "--bin /nonexistent/node does not exist",
        ),
        (&["test", "echo", "--bin", &text], "is not executable"),
        (
            &["test-all", "--test-count", "0", "--bin", &bin],
            "must be a positive integer",
        ),
    ];
    for (args, want) in cases {
        let r = xtask(args);
        assert_eq!(r.code, 254, "{args:?}\n{}", r.tail());
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert!(!r.dir().join("store").exists(), "{args:?} ran something");
    }
}

/// Rows all not run: nothing ran, which is no pass (exit 2, unknown).
#[test]
fn a_selection_with_no_binary_runs_nothing_and_says_so() {
    let echo = format!("echo={}", one_binary());
    let r = xtask(&["test", "kafka", "--bin", &echo]);
    assert!(r.stderr.contains("nothing ran"), "{}", r.tail());
    assert!(
        r.stdout.contains("0 passed, 0 failed, 3 not run"),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 2);
}

/// The Fly.io page's command line, with `glomers` in place of
/// `./maelstrom`: a flag right after `test` is Maelstrom's `test`.
#[test]
fn test_with_a_flag_first_is_maelstroms_test() {
    let bin = one_binary();
    let r = xtask(&[
        "test",
        "-w",
        "echo",
        "--bin",
        &bin,
        "--node-count",
        "1",
        "--time-limit",
        "2",
    ]);
    assert_eq!(r.code, 0, "{}", r.tail());
    support::assert_verdict(r.results(), "workload", true);
    assert!(r.stdout.contains("Everything looks good!"), "{}", r.tail());

    for command in ["test", "test-all"] {
        let help = xtask(&[command, "--help"]);
        assert_eq!(help.code, 0);
        assert!(
            help.stdout
                .contains("cargo xtask test <family|row> [--bin PATH]"),
            "{}",
            help.stdout
        );
        assert!(
            help.stdout
                .contains("cargo xtask test -w WORKLOAD --bin PATH"),
            "{}",
            help.stdout
        );
    }
}
