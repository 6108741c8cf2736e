//! The matrix's table: one line a row, then the failing runs, each with
//! its seed, store directory and the command that runs it again.

use super::judge::{Judged, Outcome};
use std::path::Path;

/// The final table; directories are shown relative to `cwd`.
pub fn table(outcomes: &[Outcome], cwd: &Path) -> String {
    let dir = |run: &Judged| {
        run.run_dir
            .as_ref()
            .map(|d| d.strip_prefix(cwd).unwrap_or(d).display().to_string())
            .unwrap_or_else(|| "-".into())
    };
    let mut s = String::from("\n| challenge | verdict | figures | run |\n|---|---|---|---|\n");
    for o in outcomes {
        let name = format!("{} {}", o.row.id, o.row.name);
        if let Some(why) = &o.not_run {
            s.push_str(&format!("| {name} | not run | {why} | - |\n"));
            continue;
        }
        // The run the line shows: the first failing one, else the last.
        let Some(shown) = o.runs.iter().find(|r| !r.passed).or(o.runs.last()) else {
            continue;
        };
        let verdict = match o.runs.len() {
            1 => shown.verdict.clone(),
            n if o.passed() => format!("passed {n}/{n}"),
            n => format!(
                "FAIL passed {}/{n}; first: {}",
                o.passed_runs(),
                shown.verdict
            ),
        };
        s.push_str(&format!(
            "| {name} | {verdict} | {} | {} |\n",
            shown.figures,
            dir(shown)
        ));
    }
    let ran: Vec<&Outcome> = outcomes.iter().filter(|o| o.ran()).collect();
    let passed = ran.iter().filter(|o| o.passed()).count();
    s.push_str(&format!(
        "\n{passed} passed, {} failed, {} not run\n",
        ran.len() - passed,
        outcomes.len() - ran.len()
    ));
    let failing: Vec<(&Outcome, &Judged)> = ran
        .iter()
        .flat_map(|o| o.runs.iter().filter(|r| !r.passed).map(move |r| (*o, r)))
        .collect();
    if !failing.is_empty() {
        s.push_str("\nFailing runs:\n");
    }
    for (o, r) in failing {
        let seed = r.seed.map_or("-".into(), |s| s.to_string());
        s.push_str(&format!(
            "- {} seed {seed}: {}, {}\n  rerun: {}\n",
            o.row.id,
            r.verdict,
            dir(r),
            r.rerun
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::select;
    use std::path::PathBuf;

    fn run(passed: bool, seed: u64) -> Judged {
        Judged {
            passed,
            verdict: if passed { "pass" } else { "FAIL valid? false" }.into(),
            figures: format!("figures of seed {seed}"),
            run_dir: Some(PathBuf::from(format!("/w/store/echo/{seed}"))),
            seed: Some(seed),
            rerun: format!("cargo xtask test 1 --seed {seed}"),
        }
    }

    fn outcome(id: &str, runs: Vec<Judged>) -> Outcome {
        Outcome {
            row: select(id).unwrap().remove(0),
            runs,
            not_run: None,
        }
    }

    #[test]
    fn one_run_a_row_shows_its_verdict_and_not_run_rows_their_reason() {
        let rows = [
            outcome("1", vec![run(true, 7)]),
            outcome("2", vec![run(false, 7)]),
            Outcome::not_run(&select("la-2").unwrap()[0], "a tutorial".into()),
        ];
        let t = table(&rows, Path::new("/w"));
        assert!(
            t.contains("| 1 Echo | pass | figures of seed 7 | store/echo/7 |"),
            "{t}"
        );
        assert!(
            t.contains("| 2 Unique ID Generation | FAIL valid? false | figures of seed 7 |"),
            "{t}"
        );
        assert!(
            t.contains("| la-2 List-Append Transactions, 2 nodes | not run | a tutorial | - |"),
            "{t}"
        );
        assert!(t.contains("\n1 passed, 1 failed, 1 not run\n"), "{t}");
        assert!(
            t.contains("- 2 seed 7: FAIL valid? false, store/echo/7\n  rerun: cargo xtask test 1 --seed 7\n"),
            "{t}"
        );
    }

    #[test]
    fn several_runs_a_row_show_k_of_n_and_every_failing_seed() {
        let rows = [
            outcome("1", vec![run(true, 10), run(true, 11), run(true, 12)]),
            outcome("3c", vec![run(true, 10), run(false, 11), run(false, 12)]),
        ];
        let t = table(&rows, Path::new("/w"));
        assert!(
            t.contains("| 1 Echo | passed 3/3 | figures of seed 12 | store/echo/12 |"),
            "{t}"
        );
        assert!(
            t.contains("| 3c Fault Tolerant Broadcast | FAIL passed 1/3; first: FAIL valid? false | figures of seed 11 | store/echo/11 |"),
            "{t}"
        );
        assert!(t.contains("\n1 passed, 1 failed, 0 not run\n"), "{t}");
        assert!(t.contains("- 3c seed 11: "), "{t}");
        assert!(t.contains("- 3c seed 12: "), "{t}");
        assert!(!t.contains("- 1 seed"), "{t}");
    }
}
