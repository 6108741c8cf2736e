//! latency-raw.svg, latency-quantiles.svg and rate.svg: Jepsen's `:perf`
//! graphs (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker/perf.clj), drawn from the history.

use super::svg::{colour, esc, Frame};
use crate::history::{InFlight, Op, OpType, Process};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::rc::Rc;

/// Quantile buckets are 30 s wide and rate buckets 10 s, as in Jepsen.
const QUANTILE_BUCKET_S: f64 = 30.0;
const RATE_BUCKET_S: f64 = 10.0;
const QUANTILES: [f64; 4] = [0.5, 0.95, 0.99, 1.0];
/// latency-raw draws at most this many points (every k-th op beyond it), so
/// long runs keep a picture a browser opens.
const MAX_RAW_POINTS: usize = 20_000;

/// One completed client operation.
#[derive(Clone, Debug)]
pub struct Sample {
    pub f: Rc<str>,
    pub outcome: OpType,
    /// Invocation time, seconds since the main phase started.
    pub start_s: f64,
    /// Completion time, seconds.
    pub end_s: f64,
    pub latency_ms: f64,
}

/// What the perf graphs draw, gathered one op at a time so a history
/// streamed from `history.jsonl` is never held whole: a few words per
/// completed operation.
#[derive(Default)]
pub struct PerfData {
    /// Completed invocations with their invocation's index.
    samples: Vec<(usize, Sample)>,
    /// Each client's invocation in flight: index, time, f.
    open: InFlight<(usize, u64, Rc<str>)>,
    /// Every `f` seen, shared by the samples.
    names: HashSet<Rc<str>>,
    /// Nemesis ops: time (ns) and f.
    nemesis: Vec<(u64, String)>,
    last_time_ns: u64,
}

impl PerfData {
    pub fn observe(&mut self, op: &Op) {
        self.last_time_ns = op.time;
        let Process::Client(_) = op.process else {
            self.nemesis.push((op.time, op.f.clone()));
            return;
        };
        let names = &mut self.names;
        let intern = |op: &Op| {
            let f = match names.get(op.f.as_str()) {
                Some(f) => Rc::clone(f),
                None => {
                    let f: Rc<str> = op.f.as_str().into();
                    names.insert(Rc::clone(&f));
                    f
                }
            };
            (op.index, op.time, f)
        };
        if let Some((index, start, f)) = self.open.pair(op, intern) {
            let sample = Sample {
                f,
                outcome: op.kind,
                start_s: start as f64 / 1e9,
                end_s: op.time as f64 / 1e9,
                latency_ms: op.time.saturating_sub(start) as f64 / 1e6,
            };
            self.samples.push((index, sample));
        }
    }

    /// Every client invocation that has a completion, in invocation order,
    /// and the nemesis intervals.
    pub fn finish(mut self) -> (Vec<Sample>, Vec<(f64, f64)>) {
        self.samples.sort_by_key(|(index, _)| *index);
        let samples: Vec<Sample> = self.samples.into_iter().map(|(_, s)| s).collect();
        let end_s = samples
            .iter()
            .map(|s| s.end_s)
            .fold(self.last_time_ns as f64 / 1e9, f64::max);
        let nemesis = self.nemesis.iter().map(|(t, f)| (*t, f.as_str()));
        (samples, nemesis_intervals(nemesis, end_s))
    }
}

/// Nemesis activity as [start, end] seconds: from a `start…` op to the last
/// op of the `stop…` that follows (invocation and completion alike), open
/// intervals running to `end_s`. `ops` are the nemesis ops' times (ns) and `f`s.
pub fn nemesis_intervals<'a>(
    ops: impl IntoIterator<Item = (u64, &'a str)>,
    end_s: f64,
) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut open: Option<f64> = None;
    let mut last_was_stop = false;
    for (time, f) in ops {
        let t = time as f64 / 1e9;
        if f.starts_with("start") {
            open.get_or_insert(t);
            last_was_stop = false;
        } else if f.starts_with("stop") {
            if let Some(s) = open.take() {
                out.push((s, t));
            } else if let (true, Some(last)) = (last_was_stop, out.last_mut()) {
                last.1 = t;
            }
            last_was_stop = true;
        }
    }
    if let Some(s) = open {
        out.push((s, end_s.max(s)));
    }
    out
}

fn outcome_name(kind: OpType) -> &'static str {
    match kind {
        OpType::Ok => "ok",
        OpType::Fail => "fail",
        OpType::Info => "info",
        OpType::Invoke => "invoke",
    }
}

/// Samples grouped by "f outcome", in a stable order.
fn by_series(samples: &[Sample]) -> BTreeMap<String, Vec<&Sample>> {
    let mut series: BTreeMap<String, Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        series
            .entry(format!("{} {}", s.f, outcome_name(s.outcome)))
            .or_default()
            .push(s);
    }
    series
}

fn time_span(samples: &[Sample], intervals: &[(f64, f64)]) -> f64 {
    samples
        .iter()
        .map(|s| s.end_s)
        .chain(intervals.iter().map(|i| i.1))
        .fold(0.0, f64::max)
}

/// Partition periods are shaded in this colour (jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/nemesis/combined.clj, `partition-package` `:perf`).
const NEMESIS_FILL: &str = "#E9DCA0";

pub(super) fn shade(frame: &Frame, intervals: &[(f64, f64)]) -> String {
    intervals
        .iter()
        .map(|(a, b)| frame.band(*a, *b, "nemesis", NEMESIS_FILL))
        .collect()
}

pub(super) fn nemesis_legend(frame: &Frame, index: usize, intervals: &[(f64, f64)]) -> String {
    if intervals.is_empty() {
        String::new()
    } else {
        frame.legend(index, NEMESIS_FILL, "nemesis")
    }
}

/// latency-raw.svg: each op's latency against its invocation time.
pub fn latency_raw(samples: &[Sample], intervals: &[(f64, f64)]) -> String {
    let span = time_span(samples, intervals);
    let max_ms = samples.iter().map(|s| s.latency_ms).fold(1.0, f64::max);
    let min_ms = samples
        .iter()
        .map(|s| s.latency_ms)
        .filter(|l| *l > 0.0)
        .fold(max_ms, f64::min);
    let frame = Frame::new((0.0, span), (min_ms, max_ms), true);
    let stride = samples.len().div_ceil(MAX_RAW_POINTS).max(1);
    let title = if stride > 1 {
        format!("Raw latency (every {stride}th op)")
    } else {
        "Raw latency".to_string()
    };
    let mut s = frame.open(&title, "Time (s)", "Latency (ms)");
    s.push_str(&shade(&frame, intervals));
    let series = by_series(samples);
    for (i, (name, points)) in series.iter().enumerate() {
        let _ = write!(
            s,
            r#"<g class="series" data-series="{}" fill="{}">"#,
            esc(name),
            colour(i)
        );
        for p in points.iter().step_by(stride) {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2"/>"#,
                frame.x(p.start_s),
                frame.y(p.latency_ms)
            );
        }
        s.push_str("</g>");
        s.push_str(&frame.legend(i, colour(i), name));
    }
    s.push_str(&nemesis_legend(&frame, series.len(), intervals));
    s.push_str("</svg>\n");
    s
}

/// The value at sorted index min(n-1, floor(n*q)), as Jepsen picks quantiles.
pub(super) fn quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    sorted[((n as f64 * q).floor() as usize).min(n - 1)]
}

/// latency-quantiles.svg: per f, latency quantiles in 30 s buckets.
pub fn latency_quantiles(samples: &[Sample], intervals: &[(f64, f64)]) -> String {
    let span = time_span(samples, intervals);
    // f -> bucket -> latencies
    let mut buckets: BTreeMap<&str, BTreeMap<u64, Vec<f64>>> = BTreeMap::new();
    for p in samples {
        let b = (p.start_s / QUANTILE_BUCKET_S).floor().max(0.0) as u64;
        buckets
            .entry(&p.f)
            .or_default()
            .entry(b)
            .or_default()
            .push(p.latency_ms);
    }
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (f, per_bucket) in &mut buckets {
        for q in QUANTILES {
            let pts = per_bucket
                .iter_mut()
                .map(|(b, lat)| {
                    lat.sort_by(f64::total_cmp);
                    // At the bucket's midpoint, as Jepsen draws it, even
                    // past the end of a short run.
                    let mid = (*b as f64 + 0.5) * QUANTILE_BUCKET_S;
                    (mid, quantile(lat, q))
                })
                .collect();
            lines.push((format!("{f} {q}"), pts));
        }
    }
    let max_ms = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .fold(1.0, f64::max);
    let min_ms = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .filter(|l| *l > 0.0)
        .fold(max_ms, f64::min);
    let frame = Frame::new((0.0, span.max(last_x(&lines))), (min_ms, max_ms), true);
    let mut s = frame.open("Latency quantiles", "Time (s)", "Latency (ms)");
    s.push_str(&shade(&frame, intervals));
    s.push_str(&draw_lines(&frame, &lines));
    s.push_str(&nemesis_legend(&frame, lines.len(), intervals));
    s.push_str("</svg>\n");
    s
}

/// rate.svg: completions per second per (f, outcome) in 10 s buckets.
pub fn rate(samples: &[Sample], intervals: &[(f64, f64)]) -> String {
    let span = time_span(samples, intervals);
    let n_buckets = (span / RATE_BUCKET_S).floor() as u64 + 1;
    let mut lines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for (name, points) in by_series(samples) {
        let mut counts = vec![0u64; n_buckets as usize];
        for p in points {
            let b = ((p.end_s / RATE_BUCKET_S).floor().max(0.0) as usize).min(counts.len() - 1);
            counts[b] += 1;
        }
        let pts = counts
            .iter()
            .enumerate()
            .map(|(b, c)| ((b as f64 + 0.5) * RATE_BUCKET_S, *c as f64 / RATE_BUCKET_S))
            .collect();
        lines.push((name, pts));
    }
    let max_hz = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let frame = Frame::new((0.0, span.max(last_x(&lines))), (0.0, max_hz), false);
    let mut s = frame.open("Rate", "Time (s)", "Throughput (hz)");
    s.push_str(&shade(&frame, intervals));
    s.push_str(&draw_lines(&frame, &lines));
    s.push_str(&nemesis_legend(&frame, lines.len(), intervals));
    s.push_str("</svg>\n");
    s
}

/// The largest x of any point (0 without points).
fn last_x(lines: &[(String, Vec<(f64, f64)>)]) -> f64 {
    lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.0))
        .fold(0.0, f64::max)
}

/// Polylines with a dot at each point (a single bucket is still visible).
pub(super) fn draw_lines(frame: &Frame, lines: &[(String, Vec<(f64, f64)>)]) -> String {
    let mut s = String::new();
    for (i, (name, pts)) in lines.iter().enumerate() {
        let c = colour(i);
        let _ = write!(
            s,
            r#"<g class="series" data-series="{}" stroke="{c}" fill="{c}">"#,
            esc(name)
        );
        let coords: Vec<String> = pts
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", frame.x(*x), frame.y(*y)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" points="{}"/>"#,
            coords.join(" ")
        );
        for (x, y) in pts {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="2.5"/>"#,
                frame.x(*x),
                frame.y(*y)
            );
        }
        s.push_str("</g>");
        s.push_str(&frame.legend(i, c, name));
    }
    s
}
