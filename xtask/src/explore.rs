//! Exploration (`cargo xtask explore`, command line in `cmd/explore.rs`): one test run on
//! many seeds in virtual time, one engine per seed on every core. Prints
//! each failing seed with the command that replays it bit for bit, and the
//! spread of the figures over all seeds. Maelstrom has no such mode: a
//! single 20 s run samples one schedule; a few hundred seeds sample the
//! schedules (partitions, latencies, interleavings) where rare bugs live.

use crate::checkers::Validity;
use crate::cli::TestArgs;
use crate::engine::{self, Nodes};
use crate::matrix::{self, Row};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

pub mod shard;

/// What one seed gave.
pub struct SeedRun {
    pub seed: u64,
    /// Valid, and every target of the row met.
    pub passed: bool,
    /// Why not, when it did not pass.
    pub why: String,
    pub figures: BTreeMap<&'static str, f64>,
}

/// The figures summarised over all seeds: label and path into results.json.
const FIGURES: [(&str, &[&str]); 4] = [
    ("servers msgs-per-op", &["net", "servers", "msgs-per-op"]),
    (
        "stable latency median ms",
        &["workload", "stable-latencies", "0.5"],
    ),
    (
        "stable latency max ms",
        &["workload", "stable-latencies", "1"],
    ),
    ("ok fraction", &["availability", "ok-fraction"]),
];

/// One exploration: a test, its nodes, which seeds and how many at once.
pub struct Plan {
    pub args: TestArgs,
    pub nodes: Nodes,
    /// The row, when explored by row id (its targets judge each seed too).
    pub row: Option<Row>,
    pub seeds: u64,
    pub first_seed: u64,
    pub jobs: usize,
}

impl Plan {
    /// The plan of `args` (a `--sim` run of one of our nodes) over `seeds`
    /// seeds from `first_seed`, `jobs` at a time; `row` when explored by
    /// row id, whose targets then judge each seed too.
    pub fn new(
        args: TestArgs,
        row: Option<Row>,
        seeds: u64,
        first_seed: u64,
        jobs: usize,
    ) -> Result<Plan, String> {
        let name = args.workload.clone().unwrap_or_default();
        if crate::workloads::by_name(&name).is_none() {
            return Err(format!("the embedded engine has no {name:?} workload"));
        }
        let nodes = crate::cmd::run::nodes(&args)?;
        Ok(Plan {
            args,
            nodes,
            row,
            seeds,
            first_seed,
            jobs,
        })
    }

    /// Row `row` with `extra` flags after its own, in virtual time: the
    /// row's run as `test-all` makes it ([`Row::test_args`]).
    pub fn for_row(
        row: Row,
        extra: &[String],
        seeds: u64,
        first_seed: u64,
        jobs: usize,
    ) -> Result<Plan, String> {
        let mut args = row.test_args(extra)?;
        args.sim = true;
        Plan::new(args, Some(row), seeds, first_seed, jobs)
    }
}

/// Every seed, `plan.jobs` at a time; results sorted by seed.
pub fn run_all(plan: &Plan) -> Vec<SeedRun> {
    run_seeds(plan, plan.first_seed..plan.first_seed + plan.seeds)
}

/// The seeds `seeds` of the plan (one shard's), `plan.jobs` at a time.
pub fn run_seeds(plan: &Plan, seeds: std::ops::Range<u64>) -> Vec<SeedRun> {
    par_seeds(seeds, plan.jobs, |seed| one_seed(plan, seed))
}

/// The report of an exploration: each failing seed with its replay
/// command, the summary table, and `N of M seeds passed` (no newline, so
/// the command can add its wall time). `--merge` prints the same.
pub fn report(runs: &[SeedRun], replay: &str) -> String {
    let mut out = String::new();
    let failed = runs.iter().filter(|r| !r.passed).count();
    for r in runs.iter().filter(|r| !r.passed) {
        out.push_str(&format!(
            "FAIL seed {}: {}\n  replay: {replay} --seed {}\n",
            r.seed, r.why, r.seed
        ));
    }
    out.push_str(&format!(
        "\n{}\n{} of {} seeds passed",
        summary(runs),
        runs.len() - failed,
        runs.len()
    ));
    out
}

/// `f` of every seed, `jobs` threads at a time (each seed its own engine),
/// in seed order.
pub fn par_seeds<T: Send>(
    seeds: std::ops::Range<u64>,
    jobs: usize,
    f: impl Fn(u64) -> T + Sync,
) -> Vec<T> {
    let next = AtomicU64::new(seeds.start);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1) {
            let (tx, next, f) = (tx.clone(), &next, &f);
            s.spawn(move || loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= seeds.end || tx.send((seed, f(seed))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
    });
    let mut out: Vec<(u64, T)> = rx.into_iter().collect();
    out.sort_by_key(|(seed, _)| *seed);
    out.into_iter().map(|(_, t)| t).collect()
}

fn one_seed(plan: &Plan, seed: u64) -> SeedRun {
    let name = plan.args.workload.as_deref().unwrap_or_default();
    let workload = crate::workloads::by_name(name).expect("checked before the runs");
    let out = engine::execute(workload.as_ref(), &plan.args.opts, &plan.nodes, seed, None);
    judge_seed(plan.row.as_ref(), seed, out)
}

/// Explore's judgement of one seed's run: valid, no node crashed, and (when
/// explored by row) every target of the row met.
pub fn judge_seed(
    row: Option<&Row>,
    seed: u64,
    out: Result<engine::RunOutcome, String>,
) -> SeedRun {
    let fail = |why: String| SeedRun {
        seed,
        passed: false,
        why,
        figures: BTreeMap::new(),
    };
    let out = match out {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let Some((results, valid)) = out.analysis else {
        return fail(out.fatal.unwrap_or_else(|| "aborted".into()));
    };
    let mut why = Vec::new();
    if valid != Validity::True {
        why.push(format!("valid? {}", results["valid?"]));
        why.extend(invalid_sections(&results));
    }
    if let Some(row) = row {
        why.extend(matrix::target_misses(row, &results));
    }
    why.extend(
        out.crashes
            .iter()
            .map(|c| c.lines().next().unwrap_or("").to_string()),
    );
    let figures = FIGURES
        .iter()
        .filter_map(|(label, path)| {
            let v = path.iter().try_fold(&results, |v, k| v.get(*k))?;
            Some((*label, v.as_f64()?))
        })
        .collect();
    SeedRun {
        seed,
        passed: why.is_empty(),
        why: why.join("; "),
        figures,
    }
}

/// `section: valid? false (anomalies ...)` for each checker that is not valid.
fn invalid_sections(results: &Value) -> Vec<String> {
    let Some(map) = results.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| v.get("valid?").is_some_and(|x| x != &Value::Bool(true)))
        .map(|(k, v)| {
            let detail = [
                "anomaly-types",
                "error-types",
                "lost",
                "duplicated",
                "errors",
            ]
            .iter()
            .find_map(|key| {
                v.get(*key)
                    .filter(|x| !is_empty(x))
                    .map(|x| format!(" {key} {x}"))
            })
            .unwrap_or_default();
            let mut line = format!("{k} invalid{detail}");
            line.truncate(300);
            line
        })
        .collect()
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The command that replays one seed: the flags as given, in virtual time.
pub fn replay_command(args: &TestArgs) -> String {
    let mut words = vec!["cargo xtask maelstrom test".to_string()];
    words.extend(args.maelstrom_args.iter().map(|a| shell_word(a)));
    words.push("--sim".into());
    for (k, v) in &args.node_env {
        words.push(format!("--node-env {}", shell_word(&format!("{k}={v}"))));
    }
    if args.opts.p_loss > 0.0 {
        words.push(format!("--p-loss {}", args.opts.p_loss));
    }
    words.join(" ")
}

pub(crate) fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A table of min, median, p95 and max of each figure over the seeds.
pub fn summary(runs: &[SeedRun]) -> String {
    let mut out =
        String::from("| figure | seeds | min | median | p95 | max |\n|---|---|---|---|---|---|\n");
    for (label, _) in FIGURES {
        let mut xs: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.figures.get(label).copied())
            .collect();
        if xs.is_empty() {
            continue;
        }
        xs.sort_by(f64::total_cmp);
        let q = |p: f64| xs[((xs.len() - 1) as f64 * p).round() as usize];
        out.push_str(&format!(
            "| {label} | {} | {} | {} | {} | {} |\n",
            xs.len(),
            fmt(q(0.0)),
            fmt(q(0.5)),
            fmt(q(0.95)),
            fmt(q(1.0))
        ));
    }
    out
}

fn fmt(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}
