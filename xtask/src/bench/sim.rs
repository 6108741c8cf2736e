//! `cargo xtask bench sim`: what a run in virtual time costs, row by row.
//!
//! Each row of `ROWS` runs `runs` times in this process, on seeds 1..=runs,
//! as `explore` runs a seed (`engine::execute`, in-process nodes, no store).
//! Per run the engine reports its events (timers fired, node output lines,
//! messages delivered) and the CPU time of this thread in the event loop
//! and in the analysis; the table gives medians over the runs, so a noisy,
//! shared machine moves the figures little. CPU time, not wall time: on two
//! cores shared with other work, wall time measures the neighbours.

use crate::engine::{self, RunCost};
use crate::matrix::{self, Row};

/// The rows measured: broadcast at scale, kafka, transactions, and the two
/// Raft rows with partitions (lin-kv's is 60 s of simulated time).
pub const ROWS: [&str; 5] = ["3d", "5c", "6c", "la-3p", "lin-kv-partition"];

/// The docs page and block the table goes to with `--docs`.
pub const PAGE: &str = "docs/bench/virtual-time.md";
pub const BLOCK: &str = "bench-sim";

/// One row's runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub row: String,
    pub runs: usize,
    /// Median events per run.
    pub events: u64,
    /// Median CPU ms per run: event loop, analysis, and both.
    pub loop_ms: f64,
    pub analysis_ms: f64,
    pub total_ms: f64,
    /// Runs whose verdict was not valid (a bench still measures them).
    pub invalid: usize,
}

impl Measured {
    /// The medians of `costs`, the runs of row `row`.
    pub fn of(row: &str, costs: &[RunCost], invalid: usize) -> Measured {
        let ms = |ns: u64| ns as f64 / 1e6;
        Measured {
            row: row.to_string(),
            runs: costs.len(),
            events: median(costs.iter().map(|c| c.events).collect()),
            loop_ms: ms(median(costs.iter().map(|c| c.loop_cpu_ns).collect())),
            analysis_ms: ms(median(costs.iter().map(|c| c.analysis_cpu_ns).collect())),
            total_ms: ms(median(
                costs
                    .iter()
                    .map(|c| c.loop_cpu_ns + c.analysis_cpu_ns)
                    .collect(),
            )),
            invalid,
        }
    }

    /// Whole runs per CPU second.
    pub fn runs_per_s(&self) -> f64 {
        1e3 / self.total_ms.max(1e-9)
    }

    /// Events per CPU second of the event loop.
    pub fn events_per_s(&self) -> f64 {
        self.events as f64 * 1e3 / self.loop_ms.max(1e-9)
    }
}

/// The median (the lower one of an even count); 0 of nothing.
fn median(mut xs: Vec<u64>) -> u64 {
    xs.sort_unstable();
    xs.get(xs.len().saturating_sub(1) / 2).copied().unwrap_or(0)
}

/// The row named `id`, in virtual time.
fn row(id: &str) -> Result<Row, String> {
    matrix::rows()
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| format!("bench sim: no matrix row {id}"))
}

/// Runs row `id` on seeds 1..=runs and measures each run.
pub fn measure(id: &str, runs: usize) -> Result<Measured, String> {
    let row = row(id)?;
    let mut args = row.test_args(&[])?;
    args.sim = true;
    let nodes = crate::cmd::run::nodes(&args)?;
    let name = args.workload.clone().unwrap_or_default();
    let workload = crate::workloads::by_name(&name)
        .ok_or_else(|| format!("bench sim: no workload {name:?}"))?;
    let mut costs = Vec::with_capacity(runs);
    let mut invalid = 0;
    for seed in 1..=runs as u64 {
        let out = engine::execute(workload.as_ref(), &args.opts, &nodes, seed, None)?;
        if !matches!(out.analysis, Some((_, crate::checkers::Validity::True))) {
            invalid += 1;
        }
        costs.push(out.cost);
    }
    Ok(Measured::of(id, &costs, invalid))
}

/// The table, in Markdown.
pub fn table(rows: &[Measured]) -> String {
    let mut out = String::from(
        "| row | runs | events per run | CPU ms per run (loop + analysis) | runs per s | events per s (loop) | invalid runs |\n|---|---|---|---|---|---|---|\n",
    );
    for m in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} ({:.1} + {:.1}) | {:.1} | {:.0} | {} |\n",
            m.row,
            m.runs,
            m.events,
            m.total_ms,
            m.loop_ms,
            m.analysis_ms,
            m.runs_per_s(),
            m.events_per_s(),
            m.invalid
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_rates_come_from_the_runs() {
        let cost = |events: u64, l: u64, a: u64| RunCost {
            events,
            loop_cpu_ns: l * 1_000_000,
            analysis_cpu_ns: a * 1_000_000,
        };
        let m = Measured::of(
            "3d",
            &[cost(100, 10, 5), cost(300, 30, 1), cost(200, 20, 2)],
            1,
        );
        assert_eq!((m.runs, m.events, m.invalid), (3, 200, 1));
        assert_eq!((m.loop_ms, m.analysis_ms, m.total_ms), (20.0, 2.0, 22.0));
        assert_eq!(m.events_per_s(), 10_000.0);
        let t = table(&[m]);
        assert!(
            t.contains("| 3d | 3 | 200 | 22.0 (20.0 + 2.0) | 45.5 | 10000 | 1 |"),
            "{t}"
        );
        assert_eq!(median(vec![]), 0);
        assert_eq!(median(vec![4, 1, 3, 2]), 2);
    }

    #[test]
    fn every_row_exists_and_a_short_run_counts_its_events_and_cpu() {
        for id in ROWS {
            row(id).unwrap();
        }
        assert!(row("nope").is_err());
        // One real run of the smallest row, shortened, in virtual time.
        let r = row("5c").unwrap();
        let mut args = r
            .test_args(&["--time-limit".to_string(), "2".to_string()])
            .unwrap();
        args.sim = true;
        let nodes = crate::cmd::run::nodes(&args).unwrap();
        let w = crate::workloads::by_name("kafka").unwrap();
        let out = engine::execute(w.as_ref(), &args.opts, &nodes, 1, None).unwrap();
        assert!(out.cost.events > 100, "{:?}", out.cost);
        assert!(out.cost.loop_cpu_ns > 0, "{:?}", out.cost);
        // Without a store the journal is counted for the net checker, not kept.
        assert!(out.journal.is_empty());
        let results = out.analysis.unwrap().0;
        assert!(results["net"]["all"]["send-count"].as_u64().unwrap() > 100);
    }

    /// The page `--docs` writes to holds the block.
    #[test]
    fn the_page_has_the_block() {
        let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(PAGE);
        let text = std::fs::read_to_string(page).unwrap();
        assert!(text.contains(&format!("<!-- {BLOCK}:begin -->")));
        assert!(text.contains(&format!("<!-- {BLOCK}:end -->")));
    }
}
