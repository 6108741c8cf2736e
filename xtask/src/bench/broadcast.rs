//! `cargo xtask bench broadcast`: the broadcast node's messages-for-latency
//! frontier at 3d's flags.
//!
//! For each value of the node's `BROADCAST_BATCH_MS` knob (the hub's fan-out
//! window) it runs `xtask maelstrom test` with the official 3d/3e command,
//! reads servers msgs-per-op and the stable-latency median and maximum from
//! the run's results, and renders a markdown table and an SVG plot with the
//! project's two goal points marked. With `--docs`, both replace the block
//! between the frontier markers in docs/nodes/broadcast.md.

use crate::matrix::Row;
use crate::report::svg::{colour, esc, Frame};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// The flags of challenges 3d and 3e.
pub const FLAGS: &str = crate::matrix::BCAST_25;

/// Row 3d, which the broadcast benches run (through [`Row::words`] and
/// [`Row::test_args`], as `test 3d` does).
pub fn row() -> Result<Row, String> {
    crate::matrix::select("3d").map(|mut rows| rows.remove(0))
}
/// The knob swept.
pub const KNOB: &str = "BROADCAST_BATCH_MS";
/// Default sweep (ms).
pub const DEFAULT_SETTINGS: [u64; 8] = [0, 25, 50, 100, 150, 200, 300, 500];

/// One point of the frontier: one run, or (virtual time) the median of
/// several seeds with each figure's range over them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub batch_ms: u64,
    pub valid: bool,
    pub msgs_per_op: f64,
    pub median_ms: f64,
    pub max_ms: f64,
    pub run_dir: String,
    /// How many seeds the figures summarise (1: one run).
    #[serde(default = "one")]
    pub seeds: usize,
    /// (lowest, highest) over the seeds of msgs-per-op, median and max.
    #[serde(default)]
    pub spread: Option<[(f64, f64); 3]>,
}

#[cfg(test)]
impl Point {
    /// A valid one-run point with these figures (tests).
    pub fn sample(batch_ms: u64, msgs_per_op: f64, median_ms: f64, max_ms: f64) -> Point {
        Point {
            batch_ms,
            valid: true,
            msgs_per_op,
            median_ms,
            max_ms,
            run_dir: String::new(),
            seeds: 1,
            spread: None,
        }
    }
}

fn one() -> usize {
    1
}

/// What `xtask/docs/broadcast-frontier.json` keeps: the points of the last
/// sweep and when it ran, so the plot can be redrawn (`--replot`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    pub measured_at: String,
    pub points: Vec<Point>,
}

/// A goal of issue 5, drawn on the plot.
struct Goal {
    label: &'static str,
    msgs_per_op: f64,
    median_ms: Option<f64>,
    max_ms: f64,
}

const GOALS: [Goal; 2] = [
    Goal {
        label: "goal 1: 1.5/op, 350/550 ms",
        msgs_per_op: 1.5,
        median_ms: Some(350.0),
        max_ms: 550.0,
    },
    Goal {
        label: "goal 2: 13/op, max 250 ms",
        msgs_per_op: 13.0,
        median_ms: None,
        max_ms: 250.0,
    },
];

/// Extracts a point from a run's results map.
pub fn point(batch_ms: u64, results: &Value, run_dir: String) -> Option<Point> {
    let get = |p: &[&str]| {
        p.iter()
            .try_fold(results, |v, k| v.get(*k))
            .and_then(Value::as_f64)
    };
    Some(Point {
        batch_ms,
        valid: results.get("valid?") == Some(&Value::Bool(true)),
        msgs_per_op: get(&["net", "servers", "msgs-per-op"])?,
        median_ms: get(&["workload", "stable-latencies", "0.5"])?,
        max_ms: get(&["workload", "stable-latencies", "1"])?,
        run_dir,
        seeds: 1,
        spread: None,
    })
}

/// The point of several seeds' points: each figure's median over the seeds,
/// its range as the spread; valid only if every seed was.
pub fn summarise(batch_ms: u64, runs: &[Point]) -> Option<Point> {
    let figure = |pick: fn(&Point) -> f64| {
        let mut xs: Vec<f64> = runs.iter().map(pick).collect();
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let median = if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        };
        (median, (xs[0], xs[n - 1]))
    };
    if runs.is_empty() {
        return None;
    }
    let (m, ms) = figure(|p| p.msgs_per_op);
    let (med, meds) = figure(|p| p.median_ms);
    let (max, maxs) = figure(|p| p.max_ms);
    Some(Point {
        batch_ms,
        valid: runs.iter().all(|p| p.valid),
        msgs_per_op: m,
        median_ms: med,
        max_ms: max,
        run_dir: String::new(),
        seeds: runs.len(),
        spread: Some([ms, meds, maxs]),
    })
}

/// The sweep in virtual time: our node in-process, `seeds` seeds per
/// setting on every core, each point the median over its seeds.
pub fn sweep_sim(settings: &[u64], seeds: u64, extra: &[String]) -> Result<Vec<Point>, String> {
    let mut args = row()?.test_args(extra)?;
    args.sim = true;
    let first_seed = args.seed.unwrap_or(1);
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut points = Vec::new();
    for &ms in settings {
        eprintln!("=== {KNOB}={ms}: {FLAGS}, {seeds} seeds from {first_seed}, virtual time ===");
        let mut env = args.node_env.clone();
        env.push((KNOB.to_string(), ms.to_string()));
        let nodes = crate::engine::Nodes::InProcess {
            name: "broadcast".into(),
            env: env.into_iter().collect(),
            factory: gossip_glomers::nodes::hosted,
        };
        let runs = crate::explore::par_seeds(first_seed..first_seed + seeds, jobs, |seed| {
            let workload = crate::workloads::broadcast::Broadcast;
            let out = crate::engine::execute(&workload, &args.opts, &nodes, seed, None).ok()?;
            point(ms, &out.analysis?.0, format!("seed {seed}"))
        });
        let runs: Vec<Point> = runs
            .into_iter()
            .collect::<Option<_>>()
            .ok_or_else(|| format!("{KNOB}={ms}: a run gave no msgs-per-op or stable latencies"))?;
        points.extend(summarise(ms, &runs));
    }
    Ok(points)
}

/// Runs the sweep with the given broadcast binary.
pub fn sweep(broadcast: &Path, settings: &[u64], extra: &[String]) -> Result<Vec<Point>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let words = row()?.words(&broadcast.display().to_string(), extra);
    let mut points = Vec::new();
    for &ms in settings {
        eprintln!("\n=== {KNOB}={ms}: {FLAGS} ===");
        let status = Command::new(&exe)
            .args(["maelstrom", "test"])
            .args(&words)
            .env(KNOB, ms.to_string())
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run the test: {e}"))?;
        let (dir, results) = super::latest_results()?;
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = dir.strip_prefix(&cwd).unwrap_or(&dir).display().to_string();
        let p = point(ms, &results, shown).ok_or_else(|| {
            format!("{KNOB}={ms}: the results lack msgs-per-op or stable latencies (exit {status})")
        })?;
        points.push(p);
    }
    Ok(points)
}

/// The markdown table.
pub fn table(points: &[Point]) -> String {
    let mut s = format!("| `{KNOB}` | valid | servers msgs-per-op | median stable latency (ms) | max stable latency (ms) | meets |\n|---:|---|---:|---:|---:|---|\n");
    for p in points {
        let mut meets = Vec::new();
        if p.valid && p.msgs_per_op < 30.0 && p.median_ms < 400.0 && p.max_ms < 600.0 {
            meets.push("3d");
        }
        if p.valid && p.msgs_per_op < 20.0 && p.median_ms < 1000.0 && p.max_ms < 2000.0 {
            meets.push("3e");
        }
        if p.valid && p.msgs_per_op <= 1.5 && p.median_ms <= 350.0 && p.max_ms <= 550.0 {
            meets.push("goal 1");
        }
        if p.valid && p.msgs_per_op <= 13.0 && p.max_ms <= 250.0 {
            meets.push("goal 2");
        }
        let range = |k: usize, digits: usize| match p.spread {
            Some(sp) => format!(" ({:.*}-{:.*})", digits, sp[k].0, digits, sp[k].1),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {:.2}{} | {:.0}{} | {:.0}{} | {} |",
            p.batch_ms,
            p.valid,
            p.msgs_per_op,
            range(0, 2),
            p.median_ms,
            range(1, 0),
            p.max_ms,
            range(2, 0),
            if meets.is_empty() {
                "-".to_string()
            } else {
                meets.join(", ")
            }
        );
    }
    s
}

/// msgs-per-op (x) against median and max stable latency (y), each point
/// labelled with its setting; goal regions drawn as dashed boxes.
pub fn plot(points: &[Point]) -> String {
    let x_hi = points.iter().map(|p| p.msgs_per_op).fold(14.0, f64::max) * 1.05;
    let y_hi = points.iter().map(|p| p.max_ms).fold(600.0, f64::max);
    let f = Frame::new((0.0, x_hi), (0.0, y_hi), false);
    let mut s = f.open(
        &format!("broadcast frontier at 3d flags ({KNOB} swept)"),
        "servers msgs-per-op",
        "stable latency (ms)",
    );
    // Goal regions: everything left of and below the goal point is inside.
    for (i, g) in GOALS.iter().enumerate() {
        let c = colour(i + 2);
        let (x0, x1) = (f.x(0.0), f.x(g.msgs_per_op));
        let (y0, y1) = (f.y(g.max_ms), f.y(0.0));
        let _ = write!(
            s,
            r#"<rect class="goal" x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}" fill="{c}" fill-opacity="0.08" stroke="{c}" stroke-dasharray="5,3"/>"#,
            x1 - x0,
            y1 - y0
        );
        if let Some(m) = g.median_ms {
            let y = f.y(m);
            let _ = write!(
                s,
                r#"<line class="goal" x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}" stroke="{c}" stroke-dasharray="2,2"/>"#
            );
        }
        let _ = write!(
            s,
            r#"<circle class="goal-point" cx="{x1:.1}" cy="{y0:.1}" r="5" fill="none" stroke="{c}" stroke-width="2"/>"#
        );
        s.push_str(&f.legend(i + 2, c, g.label));
    }
    for (series, (name, pick)) in [
        ("median", (|p: &Point| p.median_ms) as fn(&Point) -> f64),
        ("max", |p: &Point| p.max_ms),
    ]
    .into_iter()
    .enumerate()
    {
        let c = colour(series);
        let mut path = String::new();
        for (i, p) in points.iter().enumerate() {
            let (x, y) = (f.x(p.msgs_per_op), f.y(pick(p)));
            let _ = write!(path, "{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" });
            if let Some(sp) = p.spread {
                // The range over the seeds: latency vertically, messages across.
                let (lo, hi) = sp[series + 1];
                let (x0, x1) = (f.x(sp[0].0), f.x(sp[0].1));
                let _ = write!(
                    s,
                    r#"<path class="interval {name}" d="M{x:.1},{:.1} L{x:.1},{:.1} M{x0:.1},{y:.1} L{x1:.1},{y:.1}" stroke="{c}" stroke-width="1.5" opacity="0.6"/>"#,
                    f.y(lo),
                    f.y(hi)
                );
            }
            let _ = write!(
                s,
                r#"<circle class="point {name}" cx="{x:.1}" cy="{y:.1}" r="4" fill="{c}"><title>{KNOB}={}: {:.2} msgs/op, {name} {:.0} ms</title></circle><text x="{:.1}" y="{:.1}" font-size="9">{}</text>"#,
                p.batch_ms,
                p.msgs_per_op,
                pick(p),
                x + 5.0,
                y - 5.0,
                p.batch_ms
            );
        }
        let _ = write!(
            s,
            r#"<path class="series {name}" d="{path}" fill="none" stroke="{c}"/>"#
        );
        s.push_str(&f.legend(series, c, &format!("{name} stable latency")));
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" font-size="9">{}</text>"#,
        f.x(0.0) + 4.0,
        f.y(y_hi) + 12.0,
        esc("labels: batch window in ms")
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pt(ms: u64, m: f64, med: f64, max: f64) -> Point {
        Point::sample(ms, m, med, max)
    }

    #[test]
    fn points_come_from_results_and_missing_figures_are_refused() {
        let r = json!({"valid?": true, "net": {"servers": {"msgs-per-op": 1.4}}, "workload": {"stable-latencies": {"0.5": 310, "1": 480}}});
        assert_eq!(
            point(250, &r, "d".into()),
            Some(Point {
                batch_ms: 250,
                valid: true,
                msgs_per_op: 1.4,
                median_ms: 310.0,
                max_ms: 480.0,
                run_dir: "d".into(),
                seeds: 1,
                spread: None,
            })
        );
        assert_eq!(point(250, &json!({"valid?": true}), "d".into()), None);
    }

    #[test]
    fn several_seeds_summarise_to_medians_with_ranges() {
        let runs = [
            pt(25, 3.0, 120.0, 190.0),
            pt(25, 3.4, 110.0, 210.0),
            pt(25, 3.2, 130.0, 200.0),
        ];
        let p = summarise(25, &runs).unwrap();
        assert_eq!(
            (p.msgs_per_op, p.median_ms, p.max_ms, p.seeds),
            (3.2, 120.0, 200.0, 3)
        );
        assert_eq!(p.spread, Some([(3.0, 3.4), (110.0, 130.0), (190.0, 210.0)]));
        let mut bad = runs.to_vec();
        bad[1].valid = false;
        assert!(!summarise(25, &bad).unwrap().valid);
        let line = table(std::slice::from_ref(&p));
        assert!(
            line.contains("| 3.20 (3.00-3.40) | 120 (110-130) | 200 (190-210) |"),
            "{line}"
        );
        let svg = plot(&[p]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let intervals = doc
            .descendants()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|a| a.starts_with("interval"))
            })
            .count();
        assert_eq!(intervals, 2, "one interval mark per series");
    }

    #[test]
    fn table_names_the_targets_each_point_meets() {
        let t = table(&[
            pt(250, 1.4, 310.0, 480.0),
            pt(0, 12.0, 180.0, 240.0),
            pt(900, 1.1, 700.0, 1500.0),
        ]);
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[2].ends_with("| 3d, 3e, goal 1 |"), "{}", lines[2]);
        assert!(lines[3].ends_with("| 3d, 3e, goal 2 |"), "{}", lines[3]);
        assert!(lines[4].ends_with("| 3e |"), "{}", lines[4]);
    }

    #[test]
    fn plot_is_svg_with_both_series_and_goals() {
        let svg = plot(&[pt(250, 1.4, 310.0, 480.0), pt(0, 12.0, 180.0, 240.0)]);
        let doc = roxmltree::Document::parse(&svg).expect("plot parses as XML");
        let class = |c: &str| {
            doc.descendants()
                .filter(|n| {
                    n.attribute("class")
                        .is_some_and(|a| a.split(' ').any(|x| x == c))
                })
                .count()
        };
        assert_eq!(class("median"), 3, "2 points + 1 path");
        assert_eq!(class("max"), 3);
        assert_eq!(class("goal-point"), 2);
    }
}
