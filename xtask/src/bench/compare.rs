//! `cargo xtask bench broadcast --bin A [KNOB=v1,v2,..] --bin B ...`: several
//! broadcast implementations on one messages-for-latency frontier, and
//! `--scale`: our node at growing cluster sizes.
//!
//! Each `--bin` starts a group: the binary, then any `NAME=VALUE` words
//! after it (its environment). One of them may list several values
//! (`NAME=v1,v2,...`): that knob is swept, one point per value; a group with
//! no list is one point. Every point runs the same test flags (default:
//! 3d's). Our own nodes (a `--bin` named like one of ours, e.g.
//! `target/release/broadcast`) run in-process in virtual time, `--seeds`
//! seeds per point (median, with the range); any other binary runs under the
//! embedded engine in real time, `--runs` runs per point (default 1).

use super::broadcast::{point, row, summarise, Point};
use crate::report::svg::{colour, esc};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

/// One implementation to compare: a binary, its fixed environment, and the
/// knob swept (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub bin: String,
    pub env: Vec<(String, String)>,
    pub sweep: Option<(String, Vec<String>)>,
}

impl Group {
    /// The legend label: binary name, fixed settings, swept knob.
    pub fn label(&self) -> String {
        let name = Path::new(&self.bin)
            .file_name()
            .map_or_else(|| self.bin.clone(), |n| n.to_string_lossy().into_owned());
        let mut parts = vec![name];
        parts.extend(self.env.iter().map(|(k, v)| format!("{k}={v}")));
        if let Some((k, _)) = &self.sweep {
            parts.push(format!("{k} swept"));
        }
        parts.join(" ")
    }

    /// Whether this is one of our own nodes (runs in virtual time).
    pub fn ours(&self) -> Option<&'static str> {
        let name = Path::new(&self.bin).file_name()?.to_str()?;
        gossip_glomers::nodes::NAMES
            .iter()
            .copied()
            .find(|n| *n == name)
    }

    /// (setting label, environment) for each point of the group.
    pub fn points(&self) -> Vec<(String, Vec<(String, String)>)> {
        match &self.sweep {
            None => vec![("-".into(), self.env.clone())],
            Some((k, vs)) => vs
                .iter()
                .map(|v| {
                    let mut env = self.env.clone();
                    env.push((k.clone(), v.clone()));
                    (v.clone(), env)
                })
                .collect(),
        }
    }
}

/// What `bench broadcast` was asked to do, when given `--bin` or `--scale`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareArgs {
    pub groups: Vec<Group>,
    /// Seeds per point for our nodes (virtual time).
    pub seeds: u64,
    /// Runs per point for other binaries (real time).
    pub runs: u64,
    pub docs: bool,
    /// `--replot`: redraw from `xtask/docs/broadcast-compare.json`.
    pub replot: bool,
    /// `--scale`: the node counts to run our node at (else empty).
    pub scale: Vec<usize>,
    /// Test flags added after the default ones (they override them).
    pub extra: Vec<String>,
}

/// Whether `word` is `NAME=VALUE` with NAME an environment variable name.
fn env_word(word: &str) -> Option<(&str, &str)> {
    let (k, v) = word.split_once('=')?;
    let mut chars = k.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((k, v))
}

/// Test flags that take a value (so a `NAME=VALUE` after them is theirs).
const VALUE_FLAGS: [&str; 3] = ["--node-env", "--seed", "--topology"];

/// Parses the arguments of `bench broadcast` in comparison or scale mode.
/// `Ok(None)`: neither `--bin` nor `--scale` was given (the single-knob
/// sweep applies).
pub fn parse(args: &[String]) -> Result<Option<CompareArgs>, String> {
    if !args.iter().any(|a| a == "--bin" || a == "--scale") {
        return Ok(None);
    }
    let mut c = CompareArgs {
        groups: Vec::new(),
        seeds: 10,
        runs: 1,
        docs: false,
        replot: false,
        scale: Vec::new(),
        extra: Vec::new(),
    };
    let count = |flag: &str, v: Option<&String>| -> Result<u64, String> {
        match v.map(|v| v.parse::<u64>()) {
            Some(Ok(n)) if n > 0 => Ok(n),
            _ => Err(format!("{flag} takes a positive whole number")),
        }
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bin" => {
                let bin = it
                    .next()
                    .filter(|b| !b.starts_with("--"))
                    .ok_or("--bin takes a binary (a path, or one of our node names)")?;
                c.groups.push(Group {
                    bin: bin.clone(),
                    env: Vec::new(),
                    sweep: None,
                });
            }
            "--seeds" => c.seeds = count("--seeds", it.next())?,
            "--runs" => c.runs = count("--runs", it.next())?,
            "--docs" => c.docs = true,
            "--replot" => c.replot = true,
            "--scale" => c.scale = vec![25, 50, 100, 200],
            "--nodes" => {
                let v = it.next().ok_or("--nodes takes node counts, e.g. 25,50,100")?;
                let ns: Result<Vec<usize>, _> = v.split(',').map(str::parse).collect();
                match ns {
                    Ok(ns) if !ns.is_empty() && ns.iter().all(|&n| n > 0) => c.scale = ns,
                    _ => return Err(format!("--nodes {v:?}: expected node counts, e.g. 25,50,100")),
                }
            }
            "--settings" | "--sim" => {
                return Err(format!(
                    "{a} belongs to the single-knob sweep; with --bin, give the knob as NAME=v1,v2,... after the binary"
                ))
            }
            flag if VALUE_FLAGS.contains(&flag) => {
                c.extra.push(a.clone());
                c.extra.extend(it.next().cloned());
            }
            word => match (env_word(word), c.groups.last_mut()) {
                (Some((k, v)), Some(g)) => {
                    if v.contains(',') {
                        let vs: Vec<String> = v.split(',').map(|s| s.trim().to_string()).collect();
                        if vs.iter().any(String::is_empty) {
                            return Err(format!("{word}: an empty value in the list"));
                        }
                        if let Some((other, _)) = &g.sweep {
                            return Err(format!(
                                "{word}: {} already sweeps {other}; one swept knob per --bin",
                                g.bin
                            ));
                        }
                        g.sweep = Some((k.to_string(), vs));
                    } else {
                        g.env.push((k.to_string(), v.to_string()));
                    }
                }
                (Some(_), None) => {
                    return Err(format!(
                        "{word}: a setting must follow the --bin it is for"
                    ))
                }
                (None, _) => c.extra.push(word.to_string()),
            },
        }
    }
    if !c.scale.is_empty() && c.groups.is_empty() {
        c.groups.push(Group {
            bin: "broadcast".into(),
            env: Vec::new(),
            sweep: None,
        });
    }
    if !c.scale.is_empty() && c.groups.iter().any(|g| g.ours().is_none()) {
        return Err("--scale runs our own node in virtual time: --bin broadcast".into());
    }
    Ok(Some(c))
}

/// One measured point of one implementation.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub series: String,
    pub setting: String,
    pub point: Point,
}

/// One point of our node in virtual time: `seeds` seeds in parallel.
fn run_ours(
    name: &str,
    env: &[(String, String)],
    test_flags: &[String],
    seeds: u64,
) -> Result<Point, String> {
    let mut args = row()?.test_args(test_flags)?;
    args.sim = true;
    let mut all_env = args.node_env.clone();
    all_env.extend(env.iter().cloned());
    let nodes = crate::engine::Nodes::InProcess {
        name: name.into(),
        env: all_env.into_iter().collect(),
        factory: gossip_glomers::nodes::hosted,
    };
    let first = args.seed.unwrap_or(1);
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runs = crate::explore::par_seeds(first..first + seeds, jobs, |seed| {
        let workload = crate::workloads::broadcast::Broadcast;
        let out = crate::engine::execute(&workload, &args.opts, &nodes, seed, None).ok()?;
        point(0, &out.analysis?.0, format!("seed {seed}"))
    });
    let runs: Vec<Point> = runs
        .into_iter()
        .collect::<Option<_>>()
        .ok_or("a run gave no msgs-per-op or stable latencies")?;
    summarise(0, &runs).ok_or_else(|| "no runs".into())
}

/// One point of another binary in real time: `runs` runs, one after another.
fn run_external(
    bin: &str,
    env: &[(String, String)],
    test_flags: &[String],
    runs: u64,
) -> Result<Point, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut points = Vec::new();
    for run in 0..runs {
        let mut cmd = Command::new(&exe);
        cmd.args(["maelstrom", "test"])
            .args(row()?.words(bin, test_flags))
            .args(["--seed", &(run + 1).to_string()]);
        for (k, v) in env {
            cmd.arg("--node-env").arg(format!("{k}={v}"));
        }
        let status = cmd
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run the test: {e}"))?;
        let (dir, results) = super::latest_results()?;
        let p = point(0, &results, dir.display().to_string()).ok_or_else(|| {
            format!("the results lack msgs-per-op or stable latencies (exit {status})")
        })?;
        points.push(p);
    }
    let mut p = summarise(0, &points).ok_or("no runs")?;
    if points.len() == 1 {
        p = points.remove(0);
    }
    Ok(p)
}

/// Runs every point of every group.
pub fn run(c: &CompareArgs) -> Result<Vec<Entry>, String> {
    let test_flags = &c.extra;
    let mut entries = Vec::new();
    for g in &c.groups {
        for (setting, env) in g.points() {
            let shown: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let p = match g.ours() {
                Some(name) => {
                    eprintln!(
                        "=== {} {}: {} seeds, virtual time ===",
                        g.bin,
                        shown.join(" "),
                        c.seeds
                    );
                    run_ours(name, &env, test_flags, c.seeds)
                }
                None => {
                    eprintln!(
                        "=== {} {}: {} run(s), real time ===",
                        g.bin,
                        shown.join(" "),
                        c.runs
                    );
                    run_external(&g.bin, &env, test_flags, c.runs)
                }
            }
            .map_err(|e| format!("{} {}: {e}", g.bin, shown.join(" ")))?;
            entries.push(Entry {
                series: g.label(),
                setting,
                point: p,
            });
        }
    }
    Ok(entries)
}

/// The 3d and 3e targets: (label, msgs-per-op, median, max), all "below".
pub const TARGETS: [(&str, f64, f64, f64); 2] = [
    (
        "3d: < 30/op, median < 400, max < 600 ms",
        30.0,
        400.0,
        600.0,
    ),
    ("3e: < 20/op, median < 1 s, max < 2 s", 20.0, 1000.0, 2000.0),
];

/// Which targets a point meets.
fn meets(p: &Point) -> String {
    let names: Vec<&str> = TARGETS
        .iter()
        .zip(["3d", "3e"])
        .filter(|((_, m, med, max), _)| {
            p.valid && p.msgs_per_op < *m && p.median_ms < *med && p.max_ms < *max
        })
        .map(|(_, n)| n)
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

fn with_range(v: f64, range: Option<(f64, f64)>, digits: usize) -> String {
    match range {
        Some((lo, hi)) if lo != hi => format!("{v:.digits$} ({lo:.digits$}-{hi:.digits$})"),
        _ => format!("{v:.digits$}"),
    }
}

/// The markdown table: one row per point.
pub fn table(entries: &[Entry]) -> String {
    let mut s = String::from("| implementation | setting | runs | valid | servers msgs-per-op | median stable latency (ms) | max stable latency (ms) | meets |\n|---|---:|---:|---|---:|---:|---:|---|\n");
    for e in entries {
        let p = &e.point;
        let sp = |k: usize| p.spread.map(|s| s[k]);
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            e.series,
            e.setting,
            p.seeds,
            p.valid,
            with_range(p.msgs_per_op, sp(0), 2),
            with_range(p.median_ms, sp(1), 0),
            with_range(p.max_ms, sp(2), 0),
            meets(p)
        );
    }
    s
}

/// Plot geometry: a log x axis (msgs-per-op spans decades between a
/// batching node and a flooding one) and a linear latency axis.
struct Axes {
    x_lo: f64,
    x_hi: f64,
    y_hi: f64,
}

const W: f64 = 1040.0;
const H: f64 = 460.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 370.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 45.0;

impl Axes {
    fn x(&self, v: f64) -> f64 {
        let f = (v.max(self.x_lo).log10() - self.x_lo.log10())
            / (self.x_hi.log10() - self.x_lo.log10());
        LEFT + f.clamp(0.0, 1.0) * (W - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        H - BOTTOM - (v / self.y_hi).clamp(0.0, 1.0) * (H - TOP - BOTTOM)
    }
}

/// One plot: per implementation a median line (solid) and a max line
/// (dashed), intervals over seeds, the 3d and 3e target regions shaded.
pub fn plot(entries: &[Entry], title: &str) -> String {
    let xs = entries.iter().map(|e| e.point.msgs_per_op);
    let x_lo = 10f64.powf(xs.clone().fold(1.0, f64::min).max(0.01).log10().floor());
    let x_hi = 10f64.powf(xs.fold(30.0, f64::max).log10().ceil());
    let y_hi = entries
        .iter()
        .map(|e| e.point.max_ms)
        .fold(2000.0, f64::max)
        * 1.08;
    let a = Axes { x_lo, x_hi, y_hi };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11"><rect width="{W}" height="{H}" fill="white"/><text class="title" x="{}" y="18" text-anchor="middle" font-size="14">{}</text>"#,
        W / 2.0,
        esc(title)
    );
    // Target regions, the larger (3e) first so 3d is drawn over it.
    for (i, (label, m, med, max)) in TARGETS.iter().enumerate().rev() {
        let c = ["#2ca02c", "#1f77b4"][i];
        let (x0, x1, y0) = (a.x(x_lo), a.x(*m), a.y(*max));
        let _ = write!(
            s,
            r#"<rect class="target" x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}" fill="{c}" fill-opacity="0.07" stroke="{c}" stroke-dasharray="5,3"/><line class="target-median" x1="{x0:.1}" y1="{ym:.1}" x2="{x1:.1}" y2="{ym:.1}" stroke="{c}" stroke-dasharray="2,3"/><text x="{:.1}" y="{:.1}" font-size="9" text-anchor="end" fill="{c}">{}</text>"#,
            x1 - x0,
            a.y(0.0) - y0,
            x1 - 4.0,
            y0 + 12.0,
            esc(label),
            ym = a.y(*med),
        );
    }
    // Frame, ticks.
    let _ = write!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="#444"/>"##,
        W - LEFT - RIGHT,
        H - TOP - BOTTOM
    );
    let mut d = x_lo;
    while d <= x_hi * 1.0001 {
        for m in [1.0, 2.0, 5.0] {
            let t = d * m;
            if t > x_hi * 1.0001 {
                break;
            }
            let x = a.x(t);
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="#444"/><text class="x-tick" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"##,
                H - BOTTOM,
                H - BOTTOM + 4.0,
                H - BOTTOM + 16.0,
                t
            );
        }
        d *= 10.0;
    }
    let step = if y_hi > 3000.0 { 1000.0 } else { 250.0 };
    let mut t = 0.0;
    while t <= y_hi {
        let y = a.y(t);
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{t}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0
        );
        t += step;
    }
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">servers msgs-per-op (log scale)</text><text x="16" y="{1}" text-anchor="middle" transform="rotate(-90 16 {1})">stable latency (ms)</text>"#,
        (LEFT + W - RIGHT) / 2.0,
        H - 8.0,
    );
    let _ = write!(
        s,
        r#"<text x="{}" y="{}" font-size="9">{}</text>"#,
        LEFT + 4.0,
        TOP + 12.0,
        esc("solid: median, dashed: max; labels: the swept setting; bars: range over seeds")
    );
    // Series in order of first appearance.
    let mut names: Vec<&str> = Vec::new();
    for e in entries {
        if !names.contains(&e.series.as_str()) {
            names.push(&e.series);
        }
    }
    for (i, name) in names.iter().enumerate() {
        let c = colour(i);
        let pts: Vec<&Entry> = entries.iter().filter(|e| e.series == *name).collect();
        for (k, (which, dash)) in [("median", ""), ("max", r#" stroke-dasharray="6,3""#)]
            .into_iter()
            .enumerate()
        {
            let pick = |p: &Point| if k == 0 { p.median_ms } else { p.max_ms };
            let mut path = String::new();
            for (j, e) in pts.iter().enumerate() {
                let p = &e.point;
                let (x, y) = (a.x(p.msgs_per_op), a.y(pick(p)));
                let _ = write!(path, "{}{x:.1},{y:.1} ", if j == 0 { "M" } else { "L" });
                if let Some(sp) = p.spread {
                    let (lo, hi) = sp[k + 1];
                    let _ = write!(
                        s,
                        r#"<path class="interval {which}" d="M{x:.1},{:.1} L{x:.1},{:.1} M{:.1},{y:.1} L{:.1},{y:.1}" stroke="{c}" stroke-width="1.5" opacity="0.6"/>"#,
                        a.y(lo),
                        a.y(hi),
                        a.x(sp[0].0),
                        a.x(sp[0].1)
                    );
                }
                let _ = write!(
                    s,
                    r#"<circle class="point {which}" cx="{x:.1}" cy="{y:.1}" r="{}" fill="{c}"><title>{}: {} {:.2} msgs/op, {which} {:.0} ms</title></circle>"#,
                    if k == 0 { 4 } else { 3 },
                    esc(name),
                    esc(&e.setting),
                    p.msgs_per_op,
                    pick(p)
                );
                if k == 1 && e.setting != "-" {
                    let _ = write!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" font-size="9" fill="{c}">{}</text>"#,
                        x + 5.0,
                        y - 5.0,
                        esc(&e.setting)
                    );
                }
            }
            let _ = write!(
                s,
                r#"<path class="series {which}" d="{path}" fill="none" stroke="{c}"{dash}/>"#
            );
        }
        let (lx, ly) = (W - RIGHT + 14.0, TOP + 8.0 + 16.0 * i as f64);
        let _ = write!(
            s,
            r#"<g class="legend"><rect x="{lx}" y="{}" width="10" height="10" fill="{c}"/><text x="{}" y="{}" font-size="9">{}</text></g>"#,
            ly - 8.0,
            lx + 15.0,
            ly + 1.0,
            esc(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `--scale`: our node at each node count, `--rate` scaled so each node
/// sees the same op rate as 3d's (4 ops/s per node).
pub fn run_scale(c: &CompareArgs) -> Result<Vec<(usize, Entry)>, String> {
    let mut out = Vec::new();
    for g in &c.groups {
        let name = g.ours().ok_or("--scale needs our own node")?;
        for &n in &c.scale {
            let mut extra = c.extra.clone();
            extra.extend([
                "--node-count".to_string(),
                n.to_string(),
                "--rate".to_string(),
                (4 * n).to_string(),
            ]);
            for (setting, env) in g.points() {
                eprintln!(
                    "=== {} at {n} nodes, rate {}: {} seeds, virtual time ===",
                    g.label(),
                    4 * n,
                    c.seeds
                );
                let p =
                    run_ours(name, &env, &extra, c.seeds).map_err(|e| format!("{n} nodes: {e}"))?;
                out.push((
                    n,
                    Entry {
                        series: g.label(),
                        setting,
                        point: p,
                    },
                ));
            }
        }
    }
    Ok(out)
}

/// The scale table: one row per node count (and setting).
pub fn scale_table(rows: &[(usize, Entry)]) -> String {
    let mut s = String::from("| nodes | `--rate` | node | setting | valid | servers msgs-per-op | median stable latency (ms) | max stable latency (ms) |\n|---:|---:|---|---:|---|---:|---:|---:|\n");
    for (n, e) in rows {
        let p = &e.point;
        let sp = |k: usize| p.spread.map(|s| s[k]);
        let _ = writeln!(
            s,
            "| {n} | {} | {} | {} | {} | {} | {} | {} |",
            4 * n,
            e.series,
            e.setting,
            p.valid,
            with_range(p.msgs_per_op, sp(0), 2),
            with_range(p.median_ms, sp(1), 0),
            with_range(p.max_ms, sp(2), 0),
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn p(s: &str) -> Result<Option<CompareArgs>, String> {
        parse(&words(s))
    }

    #[test]
    fn groups_take_the_settings_that_follow_their_bin() {
        let c = p("--bin target/release/broadcast BROADCAST_BATCH_MS=0,25,100 --bin ./their-node MODE=fast KNOB=1,2 --latency 10 --seeds 3 --runs 2 --docs --node-env A=1")
            .unwrap()
            .unwrap();
        assert_eq!(c.groups.len(), 2);
        let ours = &c.groups[0];
        assert_eq!(ours.ours(), Some("broadcast"));
        assert_eq!(
            ours.sweep,
            Some((
                "BROADCAST_BATCH_MS".into(),
                vec!["0".into(), "25".into(), "100".into()]
            ))
        );
        assert_eq!(ours.points().len(), 3);
        let theirs = &c.groups[1];
        assert_eq!(theirs.ours(), None);
        assert_eq!(theirs.env, vec![("MODE".into(), "fast".into())]);
        assert_eq!(theirs.label(), "their-node MODE=fast KNOB swept");
        assert_eq!(
            theirs.points()[1],
            (
                "2".into(),
                vec![("MODE".into(), "fast".into()), ("KNOB".into(), "2".into())]
            )
        );
        assert_eq!((c.seeds, c.runs, c.docs, c.replot), (3, 2, true, false));
        assert!(p("--bin x --replot").unwrap().unwrap().replot);
        assert_eq!(c.extra, words("--latency 10 --node-env A=1"));
    }

    #[test]
    fn a_bin_with_no_knob_is_one_point_and_no_bin_is_the_old_sweep() {
        let c = p("--bin ./flood").unwrap().unwrap();
        assert_eq!(c.groups[0].points(), vec![("-".into(), vec![])]);
        assert_eq!(p("--settings 0,25 --sim").unwrap(), None);
    }

    #[test]
    fn bad_input_gives_a_clear_error() {
        for (args, says) in [
            ("--bin", "--bin takes a binary"),
            ("--bin --seeds 3", "--bin takes a binary"),
            ("KNOB=1,2 --bin x", "must follow the --bin"),
            ("--bin x A=1,2 B=3,4", "one swept knob per --bin"),
            ("--bin x A=1,,2", "an empty value"),
            ("--bin x --seeds 0", "--seeds takes a positive"),
            ("--bin x --runs many", "--runs takes a positive"),
            ("--bin x --settings 1,2", "belongs to the single-knob sweep"),
            ("--bin x --sim", "belongs to the single-knob sweep"),
            ("--scale --nodes 25,x", "expected node counts"),
            ("--scale --bin ./theirs", "our own node"),
        ] {
            let e = p(args).expect_err(args);
            assert!(e.contains(says), "{args}: {e}");
        }
    }

    #[test]
    fn scale_defaults_to_our_node_at_four_sizes() {
        let c = p("--scale --seeds 2").unwrap().unwrap();
        assert_eq!(c.scale, vec![25, 50, 100, 200]);
        assert_eq!(c.groups[0].bin, "broadcast");
        let c = p("--scale --nodes 5,10 --bin broadcast BROADCAST_LATENCY_BUDGET_MS=1900")
            .unwrap()
            .unwrap();
        assert_eq!(c.scale, vec![5, 10]);
        assert_eq!(c.groups[0].env.len(), 1);
        let c = p("--scale --bin broadcast --bin broadcast BROADCAST_LATENCY_BUDGET_MS=1900")
            .unwrap()
            .unwrap();
        assert_eq!(
            c.groups.len(),
            2,
            "our node at its default and with a budget"
        );
    }

    fn entry(series: &str, setting: &str, m: f64, med: f64, max: f64) -> Entry {
        Entry {
            series: series.into(),
            setting: setting.into(),
            point: Point::sample(0, m, med, max),
        }
    }

    #[test]
    fn table_and_plot_have_a_series_per_implementation() {
        let es = [
            entry("broadcast BATCH swept", "0", 11.8, 170.0, 197.0),
            entry("broadcast BATCH swept", "300", 1.25, 198.0, 399.0),
            entry("broadcast BUDGET swept", "1900", 0.56, 930.0, 1760.0),
            entry("gossip", "-", 55.0, 350.0, 700.0),
        ];
        let t = table(&es);
        assert!(t.lines().nth(4).unwrap().ends_with("| 3e |"), "{t}");
        assert!(t
            .lines()
            .nth(4)
            .unwrap()
            .contains("| 1900 | 1 | true | 0.56 |"));
        assert!(
            t.lines().nth(5).unwrap().ends_with("| - |"),
            "flooding costs over 30/op"
        );
        let svg = plot(&es, "t");
        let doc = roxmltree::Document::parse(&svg).expect("plot parses as XML");
        let count = |c: &str| {
            doc.descendants()
                .filter(|n| {
                    n.attribute("class")
                        .is_some_and(|a| a.split(' ').any(|x| x == c))
                })
                .count()
        };
        assert_eq!(count("legend"), 3);
        assert_eq!(count("series"), 6, "median and max per implementation");
        assert_eq!(count("target"), 2, "3d and 3e shaded");
        assert_eq!(count("point"), 8);
    }

    #[test]
    fn scale_table_scales_the_rate_with_the_nodes() {
        let t = scale_table(&[(50, entry("broadcast", "-", 1.3, 200.0, 400.0))]);
        assert!(
            t.contains("| 50 | 200 | broadcast | - | true | 1.30 | 200 | 400 |"),
            "{t}"
        );
    }
}
