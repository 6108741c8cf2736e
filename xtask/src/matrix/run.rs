//! Running the matrix's rows: each run is a child `glomers maelstrom test
//! ... --seed S` (so a crash in one run cannot take the matrix down, and
//! `--engine` passes straight through to a real Maelstrom), read back from
//! `store/latest`. Rows whose node and command line are identical (3d/3e,
//! 5b/5c) share their runs and are judged separately against their own
//! targets. `--test-count N` is N children, seeds s, s+1, ... (fidelity X7),
//! so every run has its own store directory and verdict, and all N run
//! where Jepsen's `--test-count` stops at the first invalid one (fidelity
//! X35): the table counts how many passed.

use super::args::MatrixArgs;
use super::bins::Node;
use super::judge::{judge, run_error, Outcome, Run};
use super::rows::{rows, Row};
use crate::engine::hosts::real;
use crate::explore::shell_word;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Runs `rows` as `args` ask (our nodes must be built already) and returns
/// their outcomes, in order.
pub fn run_rows(rows_to_run: &[Row], args: &MatrixArgs) -> Vec<Outcome> {
    let all = rows();
    let bin_dir = crate::our_nodes::release_dir();
    let first_seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let mut runs: Vec<(String, Vec<Run>)> = Vec::new();
    let mut outcomes = Vec::new();
    for row in rows_to_run {
        let (bin, foreign) = match args.bins.node_for(row, &all) {
            Node::Ours => (bin_dir.join(row.bin), false),
            Node::Foreign(path) => (path, true),
            Node::NotRun(why) => {
                outcomes.push(Outcome::not_run(row, why));
                continue;
            }
        };
        // What a run depends on: rows with the same key share their runs.
        let line = if foreign {
            row.flags.to_string()
        } else {
            row.command_line()
        };
        let key = format!("{} {line}", bin.display());
        if !runs.iter().any(|(k, _)| *k == key) {
            eprintln!("\n=== {} {}: {line} ===", row.id, row.name);
            let seeds = (0..args.test_count).map(|k| first_seed.wrapping_add(k));
            let row_runs = seeds
                .map(|seed| run_one(&bin, row, foreign, args, seed))
                .collect();
            runs.push((key.clone(), row_runs));
        }
        let row_runs = &runs.iter().find(|(k, _)| *k == key).expect("just ran").1;
        outcomes.push(Outcome {
            row: row.clone(),
            runs: row_runs.iter().map(|r| judge(row, r)).collect(),
            not_run: None,
        });
    }
    outcomes
}

/// The flags that run a row again on `seed` with the same binary and
/// flags, after `cargo xtask test ROW`.
fn rerun_flags(bin: Option<&Path>, extra: &[String], seed: u64) -> String {
    let mut words = Vec::new();
    if let Some(bin) = bin {
        words.extend(["--bin".to_string(), shell_word(&bin.display().to_string())]);
    }
    words.extend(extra.iter().map(|w| shell_word(w)));
    words.extend(["--seed".to_string(), seed.to_string()]);
    words.join(" ")
}

/// One child run of `row` on `seed`.
fn run_one(bin: &Path, row: &Row, foreign: bool, args: &MatrixArgs, seed: u64) -> Run {
    let rerun_flags = rerun_flags(foreign.then_some(bin), &args.extra, seed);
    let failed = |error: String| Run {
        exit: -1,
        results: None,
        run_dir: None,
        error: Some(error),
        seed: Some(seed),
        rerun_flags: rerun_flags.clone(),
    };
    // `--sim` hosts the node named by the binary's file name in-process.
    if !foreign && !args.sim() && !bin.exists() {
        return failed(format!("node not built yet: {} is missing", bin.display()));
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return failed(format!("cannot find xtask itself: {e}")),
    };
    let mut extra = args.extra.clone();
    extra.extend(["--seed".to_string(), seed.to_string()]);
    let bin_word = bin.display().to_string();
    let mut words: Vec<String> = vec!["maelstrom".into(), "test".into()];
    words.extend(if foreign {
        row.foreign_words(&bin_word, &extra)
    } else {
        row.words(&bin_word, &extra)
    });
    let before = latest_dir();
    // The child's results map goes to its own log; the matrix prints only the table.
    let log = std::fs::File::create(
        std::env::temp_dir().join(format!("xtask-row-{}-{seed}.log", row.id)),
    );
    let mut child = Command::new(exe);
    child
        .args(&words)
        .stdout(log.map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
        .stderr(Stdio::inherit());
    // The child passes its environment on to the node processes it spawns
    // (a real Maelstrom's, with `--engine maelstrom`): our node's knobs
    // only reach our node.
    if !foreign {
        child.envs(row.env.iter().copied());
    }
    let exit = match child.status() {
        Ok(s) => s.code().unwrap_or(-1),
        Err(e) => return failed(format!("cannot run the test: {e}")),
    };
    let run_dir = latest_dir().filter(|d| Some(d) != before.as_ref());
    let results = run_dir.as_ref().and_then(|d| {
        std::fs::read_to_string(d.join("results.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .or_else(|| real::read_results(d).ok())
    });
    Run {
        exit,
        results,
        error: run_error(run_dir.is_some(), exit),
        run_dir,
        seed: Some(seed),
        rerun_flags,
    }
}

/// The directory store/latest points at, resolved.
fn latest_dir() -> Option<PathBuf> {
    std::fs::canonicalize("store/latest").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{args, select};

    #[test]
    fn a_missing_node_is_a_failing_row_not_a_crash() {
        let row = select("1").unwrap().remove(0);
        let args = args::parse(&[]).unwrap();
        let run = run_one(Path::new("/nonexistent/echo"), &row, false, &args, 5);
        let o = judge(&row, &run);
        assert!(!o.passed);
        assert!(o.figures.contains("not built"), "{}", o.figures);
        assert_eq!(o.seed, Some(5));
    }

    #[test]
    fn the_rerun_command_names_the_row_binary_flags_and_seed() {
        let extra = ["--time-limit", "3", "--node-env", "A=b c"].map(String::from);
        let run = |bin: Option<&Path>, extra: &[String], seed| Run {
            exit: 1,
            results: None,
            run_dir: None,
            error: None,
            seed: Some(seed),
            rerun_flags: rerun_flags(bin, extra, seed),
        };
        let foreign = run(Some(Path::new("/my node/bin")), &extra, 42);
        // 5b and 5c share their runs; each names itself.
        for id in ["5b", "5c"] {
            let row = select(id).unwrap().remove(0);
            assert_eq!(
                judge(&row, &foreign).rerun,
                format!("cargo xtask test {id} --bin '/my node/bin' --time-limit 3 --node-env 'A=b c' --seed 42")
            );
        }
        let row = select("3c").unwrap().remove(0);
        assert_eq!(
            judge(&row, &run(None, &[], 7)).rerun,
            "cargo xtask test 3c --seed 7"
        );
    }
}
