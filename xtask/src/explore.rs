//! `cargo xtask explore <row | maelstrom flags> --seeds N`: one test run on
//! many seeds in virtual time, one engine per seed on every core. Prints
//! each failing seed with the command that replays it bit for bit, and the
//! spread of the figures over all seeds. Maelstrom has no such mode: a
//! single 20 s run samples one schedule; a few hundred seeds sample the
//! schedules (partitions, latencies, interleavings) where rare bugs live.

use crate::checker::Validity;
use crate::cli::{self, TestArgs};
use crate::engine::{self, Nodes};
use crate::matrix::{self, Row};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

const USAGE: &str = "Usage: cargo xtask explore ROW|FLAGS [--seeds N] [--first-seed S] [--jobs J] [MORE FLAGS]

  ROW      a matrix row id (3d, 4, 5b, ...): its flags and node, in virtual time
  FLAGS    maelstrom test flags naming one of our nodes: -w broadcast --bin broadcast ...
  --seeds N        how many seeds (default 100)
  --first-seed S   seeds S, S+1, ... (default: random, printed)
  --jobs J         engines at once (default: every core)
Flags after ROW (e.g. --node-env BROADCAST_BATCH_MS=25, --nemesis partition) are added to the row's.";

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

struct Plan {
    args: TestArgs,
    nodes: Nodes,
    /// The row, when explored by row id (its targets judge each seed too).
    row: Option<Row>,
    seeds: u64,
    first_seed: u64,
    jobs: usize,
}

fn parse(args: &[String]) -> Result<Plan, String> {
    let mut seeds = 100;
    let mut first_seed = None;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(format!("{name} takes a whole number"))
        };
        match a.as_str() {
            "--seeds" => seeds = value("--seeds")?.max(1),
            "--first-seed" => first_seed = Some(value("--first-seed")?),
            "--jobs" => jobs = value("--jobs")?.max(1) as usize,
            "-h" | "--help" => return Err(String::new()),
            _ => rest.push(a.clone()),
        }
    }
    let (row, args) = match rest.first() {
        Some(id) if !id.starts_with('-') => {
            let row = matrix::rows()
                .into_iter()
                .find(|r| r.id == id.as_str())
                .ok_or(format!("no matrix row {id:?}"))?;
            let mut extra = rest[1..].to_vec();
            extra.push("--sim".into());
            let args = row.test_args(&extra)?;
            (Some(row), args)
        }
        Some(_) => {
            rest.push("--sim".into());
            let args = match cli::parse(&rest) {
                Ok(a) => a,
                Err(cli::CliError::Help) => return Err(String::new()),
                Err(cli::CliError::Usage(m)) => return Err(m),
            };
            (None, args)
        }
        None => return Err("explore needs a row id or test flags".into()),
    };
    let name = args.workload.clone().unwrap_or_default();
    if crate::workloads::by_name(&name).is_none() {
        return Err(format!("the embedded engine has no {name:?} workload"));
    }
    let nodes = Nodes::from_args(&args)?;
    Ok(Plan {
        args,
        nodes,
        row,
        seeds,
        first_seed: first_seed.unwrap_or_else(|| fastrand::u64(..) >> 16),
        jobs,
    })
}

/// `cargo xtask explore ...`; returns the exit status (0: every seed passed).
pub fn command(args: &[String]) -> i32 {
    let plan = match parse(args) {
        Ok(p) => p,
        Err(msg) => {
            if msg.is_empty() {
                println!("{USAGE}");
                return 0;
            }
            eprintln!("{msg}\n\n{USAGE}");
            return 254;
        }
    };
    let last = plan.first_seed + plan.seeds - 1;
    eprintln!(
        "xtask explore: {} seeds ({}..={last}) on {} engines, virtual time",
        plan.seeds, plan.first_seed, plan.jobs
    );
    let started = std::time::Instant::now();
    let runs = run_all(&plan);
    let failed: Vec<&SeedRun> = runs.iter().filter(|r| !r.passed).collect();
    let replay = replay_command(&plan.args);
    for r in &failed {
        println!(
            "FAIL seed {}: {}\n  replay: {replay} --seed {}",
            r.seed, r.why, r.seed
        );
    }
    println!("\n{}", summary(&runs));
    println!(
        "{} of {} seeds passed in {:.1} s wall",
        runs.len() - failed.len(),
        runs.len(),
        started.elapsed().as_secs_f64()
    );
    i32::from(!failed.is_empty())
}

/// Explores seeds `first_seed..first_seed + seeds` of the test that `args`
/// names (a row id or flags, as on the command line) with nodes made by
/// `factory` instead of ours: how a test hosts a fixture node.
#[cfg(test)]
pub fn explore_with(
    args: &[String],
    factory: crate::engine::sim_host::NodeFactory,
    first_seed: u64,
    seeds: u64,
) -> Result<Vec<SeedRun>, String> {
    let mut plan = parse(args)?;
    if let Nodes::InProcess { factory: f, .. } = &mut plan.nodes {
        *f = factory;
    }
    plan.first_seed = first_seed;
    plan.seeds = seeds;
    Ok(run_all(&plan))
}

/// Every seed, `plan.jobs` at a time; results sorted by seed.
fn run_all(plan: &Plan) -> Vec<SeedRun> {
    let seeds = plan.first_seed..plan.first_seed + plan.seeds;
    par_seeds(seeds, plan.jobs, |seed| one_seed(plan, seed))
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
fn judge_seed(row: Option<&Row>, seed: u64, out: Result<engine::RunOutcome, String>) -> SeedRun {
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
fn replay_command(args: &TestArgs) -> String {
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

fn shell_word(s: &str) -> String {
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
fn summary(runs: &[SeedRun]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn a_row_id_brings_its_flags_and_node() {
        let p = parse(&args(
            "3d --seeds 7 --first-seed 40 --node-env BROADCAST_BATCH_MS=25",
        ))
        .unwrap();
        assert_eq!((p.seeds, p.first_seed), (7, 40));
        assert!(p.args.sim);
        assert_eq!(p.args.bin, "broadcast");
        assert_eq!(p.args.opts.node_ids.len(), 25);
        assert_eq!(
            p.args.node_env,
            [("BROADCAST_BATCH_MS".into(), "25".into())]
        );
        assert_eq!(p.row.map(|r| r.id), Some("3d"));
        let replay = replay_command(&p.args);
        assert!(
            replay.starts_with(
                "cargo xtask maelstrom test --bin broadcast --workload broadcast --node-count 25"
            ),
            "{replay}"
        );
        assert!(
            replay.ends_with("--sim --node-env BROADCAST_BATCH_MS=25"),
            "{replay}"
        );
    }

    #[test]
    fn bad_requests_are_usage_errors() {
        for bad in ["nope", "--seeds x 3d", "-w echo --bin nope", ""] {
            assert!(parse(&args(bad)).is_err_and(|m| !m.is_empty()), "{bad:?}");
        }
    }

    #[test]
    fn quantiles_over_seeds() {
        let runs: Vec<SeedRun> = (1..=20)
            .map(|k| SeedRun {
                seed: k,
                passed: true,
                why: String::new(),
                figures: [("servers msgs-per-op", k as f64)].into_iter().collect(),
            })
            .collect();
        let s = summary(&runs);
        assert!(
            s.contains("| servers msgs-per-op | 20 | 1 | 11 | 19 | 20 |"),
            "{s}"
        );
    }
}

#[cfg(test)]
mod row_env_tests {
    use super::*;

    /// Issue 23: `explore 4-crdt` dropped the row's `G_COUNTER_MODE=crdt`,
    /// so every seed ran the seq-kv design and missed the 0.15 msgs-per-op
    /// target (4.74 measured); `test 4-crdt` passes it.
    #[test]
    fn explore_4_crdt_runs_the_rows_environment() {
        let mut plan = parse(&["4-crdt".to_string(), "--jobs".into(), "1".into()]).unwrap();
        plan.first_seed = 1;
        plan.seeds = 1;
        let runs = run_all(&plan);
        assert!(runs[0].passed, "seed 1: {}", runs[0].why);
    }

    /// Issue 23: `explore` judges every row as `test-all` does. For each
    /// row, seed 1: the options test-all's child parses from the row's
    /// words are explore's, and on that one run (the same seed gives the
    /// same run: scenarios::determinism) explore's judgement agrees with
    /// `matrix::judge`'s. ~90 s in debug: one 10-60 s virtual-time run a row.
    #[test]
    fn explore_judges_every_row_as_test_all_does() {
        const SEED: u64 = 1;
        let extra = ["--sim", "--seed", "1"].map(String::from);
        let mut passed = Vec::new();
        for row in matrix::rows() {
            let child = cli::parse(&row.words(row.bin, &extra)).expect("the row parses");
            let plan = parse(&[row.id.to_string()]).unwrap();
            assert_eq!(plan.args.opts, child.opts, "row {}", row.id);
            assert_eq!(plan.args.node_env, child.node_env, "row {}", row.id);
            assert_eq!(plan.args.workload, child.workload, "row {}", row.id);
            assert_eq!(plan.args.bin, child.bin, "row {}", row.id);

            let nodes = Nodes::from_args(&child).expect("one of our nodes");
            let workload = crate::workloads::by_name(child.workload.as_deref().unwrap()).unwrap();
            let out = engine::execute(workload.as_ref(), &child.opts, &nodes, SEED, None)
                .expect("the nodes start");
            // engine::run_test's exit status: 255 when a node crashed or the
            // run was aborted, else the verdict's.
            let exit = match &out.analysis {
                Some((_, valid)) if out.crashes.is_empty() => valid.exit_code(),
                _ => 255,
            };
            let results = out.analysis.as_ref().map(|(r, _)| r.clone());
            let test_all = matrix::judge_results(&row, exit, results);
            let explored = judge_seed(plan.row.as_ref(), SEED, Ok(out));
            assert_eq!(
                explored.passed, test_all.passed,
                "row {}: explore says {:?}, test-all {:?} {:?}",
                row.id, explored.why, test_all.verdict, test_all.figures
            );
            passed.push((row.id, test_all.passed));
        }
        eprintln!("seed {SEED}: {passed:?}");
    }
}
