//! Judging one run of a row: Maelstrom's verdict (exit status and results
//! map) and the row's performance targets.

use super::figures::{figures, get, num};
use super::rows::Row;
use crate::cmd::ExitCode;
use crate::engine::hosts::real;
use serde_json::Value;
use std::path::PathBuf;

/// A finished child run, shared by rows with the same command line.
pub(super) struct Run {
    pub exit: i32,
    pub results: Option<Value>,
    pub run_dir: Option<PathBuf>,
    pub error: Option<String>,
    pub seed: Option<u64>,
    /// The flags that run this seed again after `cargo xtask test ROW`
    /// (rows sharing the run each name themselves).
    pub rerun_flags: String,
}

/// One run of a row, judged.
#[derive(Clone, Debug)]
pub struct Judged {
    pub passed: bool,
    pub verdict: String,
    pub figures: String,
    pub run_dir: Option<PathBuf>,
    pub seed: Option<u64>,
    pub rerun: String,
}

/// What one row came to: its runs (one a seed), or why it did not run.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub row: Row,
    pub runs: Vec<Judged>,
    /// Some: the row was not run, for this reason (never a failure).
    pub not_run: Option<String>,
}

impl Outcome {
    pub fn not_run(row: &Row, why: String) -> Outcome {
        Outcome {
            row: row.clone(),
            runs: Vec::new(),
            not_run: Some(why),
        }
    }

    pub fn ran(&self) -> bool {
        self.not_run.is_none()
    }

    /// How many of its runs passed.
    pub fn passed_runs(&self) -> usize {
        self.runs.iter().filter(|r| r.passed).count()
    }

    /// The row ran and every run of it passed.
    pub fn passed(&self) -> bool {
        self.ran() && !self.runs.is_empty() && self.passed_runs() == self.runs.len()
    }
}

/// What went wrong with a child run that `wrote` results or not and
/// exited with `exit`, if anything.
pub(super) fn run_error(wrote: bool, exit: i32) -> Option<String> {
    if !wrote {
        Some(format!("the run wrote no results (exit {exit})"))
    } else if exit == i32::from(ExitCode::CRASH) {
        Some("the run crashed (exit 255): see its output above".into())
    } else {
        None
    }
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

pub(super) fn judge(row: &Row, run: &Run) -> Judged {
    let mut judged = Judged {
        passed: false,
        verdict: "FAIL".into(),
        figures: run.error.clone().unwrap_or_else(|| "no results".into()),
        run_dir: run.run_dir.clone(),
        seed: run.seed,
        rerun: format!("cargo xtask test {} {}", row.id, run.rerun_flags),
    };
    let Some(results) = &run.results else {
        return judged;
    };
    let misses = target_misses(row, results);
    // Both the exit status and the results map must say valid.
    let valid = run.exit == 0 && real::verdict(results) == 0;
    judged.passed = valid && misses.is_empty() && run.error.is_none();
    judged.verdict = match (valid, misses.is_empty()) {
        (true, true) => "pass".to_string(),
        (true, false) => format!("FAIL target: {}", misses.join("; ")),
        (false, _) => format!(
            "FAIL valid? {}",
            get(results, &["valid?"])
                .map(|v| v.to_string())
                .unwrap_or_else(|| format!("exit {}", run.exit))
        ),
    };
    judged.figures = figures(row.family(), results);
    if let Some(e) = &run.error {
        judged.figures = format!("{e}; {}", judged.figures);
    }
    judged
}

/// How `test-all` judges a row from a run's exit status and results map
/// (None: the run wrote none).
#[cfg(test)]
pub fn judge_results(row: &Row, exit: i32, results: Option<Value>) -> Judged {
    let error = run_error(results.is_some(), exit);
    judge(
        row,
        &Run {
            exit,
            results,
            run_dir: None,
            error,
            seed: None,
            rerun_flags: String::new(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::select;
    use serde_json::json;

    fn run_with(exit: i32, results: Value) -> Run {
        Run {
            exit,
            results: Some(results),
            run_dir: None,
            error: None,
            seed: None,
            rerun_flags: String::new(),
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
}
