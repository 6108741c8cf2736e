//! Propagation: when each node first received each value.
//!
//! A value enters when a client's `broadcast` (`message`) or g-set `add`
//! (`element`) reaches a node. After that, a node has the value from the
//! first server message it receives whose body holds that integer anywhere
//! (any field, array, map key or integer string, whatever the node's
//! format), except the envelope's own `msg_id` and `in_reply_to`. So that
//! other integers (sequence numbers, counters) that happen to equal a value
//! do not count, a message counts for a value only if its sender already had
//! that value when it sent it. Message ids grow with every send, so the
//! check needs no per-message state: each (value, node) keeps the message id
//! the network would hand out next when the node got the value, and a
//! message carries the value only if its id is at least that.

use super::{is_client, quantile, Scan};
use crate::journal::{JournalEvent, JournalKind};
use crate::report::svg::{canvas, colour, esc, nice_ticks, Frame};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// When a node first had a value: engine time, and the first message id
/// sent after that moment.
#[derive(Clone, Copy)]
struct Seen {
    at_ns: u64,
    mark: u64,
}

const UNSEEN: Seen = Seen {
    at_ns: u64::MAX,
    mark: u64::MAX,
};

struct Track {
    origin_ns: u64,
    origin: usize,
    /// Indexed by node number; shorter than the node list when the last
    /// nodes never had it.
    seen: Vec<Seen>,
}

impl Track {
    fn get(&self, node: usize) -> Option<Seen> {
        self.seen.get(node).copied().filter(|s| s.at_ns != u64::MAX)
    }

    fn set_if_first(&mut self, node: usize, seen: Seen) {
        if self.seen.len() <= node {
            self.seen.resize(node + 1, UNSEEN);
        }
        if self.seen[node].at_ns == u64::MAX {
            self.seen[node] = seen;
        }
    }
}

/// First receipt of every value by every node.
#[derive(Default)]
pub struct Tracker {
    index: HashMap<i64, usize>,
    values: Vec<Track>,
    /// The message id the next send will carry at the earliest.
    next_mark: u64,
}

impl Tracker {
    pub fn observe(&mut self, e: &JournalEvent, src: Option<usize>, dest: Option<usize>) {
        if e.kind == JournalKind::Send {
            self.next_mark = self.next_mark.max(e.msg_id.saturating_add(1));
            return;
        }
        let Some(dest) = dest else {
            return;
        };
        let now = Seen {
            at_ns: e.time,
            mark: self.next_mark,
        };
        if is_client(&e.src) {
            if let Some(v) = client_value(&e.body) {
                let next = self.values.len();
                let i = *self.index.entry(v).or_insert(next);
                if i == next {
                    self.values.push(Track {
                        origin_ns: e.time,
                        origin: dest,
                        seen: Vec::new(),
                    });
                }
                self.values[i].set_if_first(dest, now);
            }
            return;
        }
        let Some(src) = src else {
            return;
        };
        let (index, values) = (&self.index, &mut self.values);
        each_integer(&e.body, true, &mut |v| {
            let Some(&i) = index.get(&v) else {
                return;
            };
            let track = &mut values[i];
            if track.get(src).is_some_and(|s| s.mark <= e.msg_id) {
                track.set_if_first(dest, now);
            }
        });
    }

    /// The figures the pictures draw, over `nodes` nodes.
    pub fn summary(&self, nodes: usize) -> Summary {
        let mut s = Summary {
            values: self.values.len(),
            nodes,
            to_all_ms: Vec::new(),
            never: vec![0; nodes],
            lag_ms: vec![Vec::new(); nodes],
        };
        for track in &self.values {
            let mut last = Some(0.0f64);
            for node in 0..nodes {
                match track.get(node) {
                    Some(seen) => {
                        let lag = seen.at_ns.saturating_sub(track.origin_ns) as f64 / 1e6;
                        last = last.map(|l| l.max(lag));
                        if node != track.origin {
                            s.lag_ms[node].push(lag);
                        }
                    }
                    None => {
                        s.never[node] += 1;
                        last = None;
                    }
                }
            }
            if let Some(ms) = last {
                s.to_all_ms.push(ms);
            }
        }
        s.to_all_ms.sort_by(f64::total_cmp);
        for lags in &mut s.lag_ms {
            lags.sort_by(f64::total_cmp);
        }
        s
    }
}

/// The propagation figures of a run.
pub struct Summary {
    /// Values clients handed to nodes.
    pub values: usize,
    pub nodes: usize,
    /// For each value that reached every node, the time from its arrival at
    /// its first node to its first receipt by the last node, ms, sorted.
    pub to_all_ms: Vec<f64>,
    /// Per node number, the values that never reached it.
    pub never: Vec<u64>,
    /// Per node number, the lag of each value it got from another node
    /// (the values a client gave it directly are left out), ms, sorted.
    pub lag_ms: Vec<Vec<f64>>,
}

/// The value a client hands a node: broadcast's `message`, g-set's `element`.
fn client_value(body: &Value) -> Option<i64> {
    let field = match body.get("type")?.as_str()? {
        "broadcast" => "message",
        "add" => "element",
        _ => return None,
    };
    body.get(field)?.as_i64()
}

/// Calls `f` with every integer in `body`: numbers, map keys and strings
/// that are whole integers, at any depth; at the top level `type`, `msg_id`
/// and `in_reply_to` are the protocol's, not the node's, and are skipped.
fn each_integer(body: &Value, top: bool, f: &mut impl FnMut(i64)) {
    match body {
        Value::Number(n) => {
            if let Some(v) = n.as_i64() {
                f(v);
            }
        }
        Value::String(s) => {
            if let Ok(v) = s.parse::<i64>() {
                f(v);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| each_integer(v, false, f)),
        Value::Object(map) => {
            for (k, v) in map {
                if top && matches!(k.as_str(), "type" | "msg_id" | "in_reply_to") {
                    continue;
                }
                if let Ok(key) = k.parse::<i64>() {
                    f(key);
                }
                each_integer(v, false, f);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 10.0 || ms.fract() == 0.0 {
        format!("{ms:.0}")
    } else {
        format!("{ms:.1}")
    }
}

/// At most this many points of the distribution are drawn.
const MAX_CDF_POINTS: usize = 2_000;

/// propagation.svg: the cumulative distribution of time-to-every-node, with
/// its median, 95th percentile and maximum marked; values that missed a
/// node are left out and counted per node in the legend.
pub fn render_distribution(scan: &Scan) -> String {
    let s = scan.propagation.summary(scan.nodes.len());
    let n = s.to_all_ms.len();
    let max_ms = s.to_all_ms.last().copied().unwrap_or(0.0);
    let frame = Frame::new((0.0, max_ms), (0.0, 1.0), false);
    let mut out = frame.open(
        "Propagation: time for each value to reach every node",
        "Time from a value's arrival at its first node to its first receipt by the last node (ms)",
        "Fraction of values",
    );
    if n == 0 {
        let _ = write!(
            out,
            r#"<text class="empty" x="{:.1}" y="{:.1}" text-anchor="middle">no value reached every node</text>"#,
            frame.x(max_ms / 2.0),
            frame.y(0.5)
        );
    } else {
        // A step line: each value raises the fraction by 1/n at its time.
        let stride = n.div_ceil(MAX_CDF_POINTS).max(1);
        let mut points = vec![format!("{:.1},{:.1}", frame.x(0.0), frame.y(0.0))];
        let mut prev = 0.0;
        for i in (0..n).step_by(stride).chain([n - 1]) {
            let (x, y) = (s.to_all_ms[i], (i + 1) as f64 / n as f64);
            points.push(format!("{:.1},{:.1}", frame.x(x), frame.y(prev)));
            points.push(format!("{:.1},{:.1}", frame.x(x), frame.y(y)));
            prev = y;
        }
        let _ = write!(
            out,
            r#"<polyline class="cdf" fill="none" stroke="{}" stroke-width="2" points="{}"/>"#,
            colour(0),
            points.join(" ")
        );
    }
    let mut legend: Vec<(&str, String)> = vec![(colour(0), "time to every node".into())];
    let marks = [(0.5, "p50", "6 3"), (0.95, "p95", "2 3"), (1.0, "max", "")];
    for (row, (q, name, dash)) in marks.into_iter().enumerate() {
        let Some(ms) = quantile(&s.to_all_ms, q) else {
            continue;
        };
        let x = frame.x(ms);
        // Near the right edge the label goes left of its line, off the legend.
        let anchor = if ms > 0.8 * max_ms { "end" } else { "start" };
        let _ = write!(
            out,
            r##"<g class="marker" data-q="{q}" data-ms="{ms:.3}"><line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#444" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}" fill="#444" text-anchor="{anchor}">{name}</text></g>"##,
            frame.y(0.0),
            frame.y(1.05),
            x + if anchor == "end" { -3.0 } else { 3.0 },
            // One line each, so close markers do not print over each other.
            frame.y(1.05) + 10.0 + 12.0 * row as f64,
        );
        legend.push(("#444", format!("{name} {} ms", fmt_ms(ms))));
    }
    legend.push(("none", format!("{} values, {} nodes", s.values, s.nodes)));
    legend.push(("none", format!("{n} reached every node")));
    legend.extend(never_lines(scan, &s.never));
    if let Some(note) = scan.malformed_note() {
        legend.push(("none", note));
    }
    for (i, (c, text)) in legend.iter().enumerate() {
        out.push_str(&frame.legend(i, c, text));
    }
    out.push_str("</svg>\n");
    out
}

/// "never reached n3: 12" per node that missed values, the worst first.
fn never_lines(scan: &Scan, never: &[u64]) -> Vec<(&'static str, String)> {
    const SHOWN: usize = 8;
    let mut missed: Vec<(usize, u64)> = never
        .iter()
        .enumerate()
        .filter(|(_, k)| **k > 0)
        .map(|(i, k)| (i, *k))
        .collect();
    missed.sort_by_key(|(i, k)| (std::cmp::Reverse(*k), *i));
    let mut lines: Vec<(&'static str, String)> = missed
        .iter()
        .take(SHOWN)
        .map(|(i, k)| {
            (
                colour(1),
                format!("never reached {}: {k}", scan.nodes.name(*i)),
            )
        })
        .collect();
    if missed.len() > SHOWN {
        lines.push((
            "none",
            format!("… {} more nodes missed values", missed.len() - SHOWN),
        ));
    }
    lines
}

/// node-lag.svg: one strip per node; along it, how many values reached the
/// node after each lag (darker: more values, scaled per node), with the
/// node's median (black) and 95th percentile (red) marked and its figures
/// on the right. Values a client gave the node directly are left out.
pub fn render_node_lag(scan: &Scan) -> String {
    const BINS: usize = 100;
    let s = scan.propagation.summary(scan.nodes.len());
    let order = scan.nodes.display_order();
    let max_ms = s
        .lag_ms
        .iter()
        .filter_map(|l| l.last().copied())
        .fold(0.0, f64::max);
    let step = {
        let t = nice_ticks(0.0, max_ms.max(1.0), 8);
        t.get(1).map_or(1.0, |t1| t1 - t[0])
    };
    let x_max = (max_ms.max(1.0) / step).ceil() * step;
    let ticks = nice_ticks(0.0, x_max, 8);
    let row_h = (540.0 / order.len().max(1) as f64).clamp(4.0, 18.0);
    let label_every = (12.0 / row_h).ceil() as usize;
    let (left, right, top, bottom) = (60.0, 230.0, 56.0, 45.0);
    let width = 900.0;
    let plot_w = width - left - right;
    let height = top + row_h * order.len() as f64 + bottom;
    let x = |ms: f64| left + ms / x_max * plot_w;

    let mut out = canvas(
        width,
        height,
        "Lag per node: time from a value's arrival at its first node to this node's first receipt",
    );
    let mut note = format!(
        "{} values, {} nodes; darker: more values at that lag (scaled per node); black tick p50, red tick p95",
        s.values, s.nodes
    );
    if let Some(m) = scan.malformed_note() {
        let _ = write!(note, "; {m}");
    }
    let _ = write!(
        out,
        r##"<text class="note" x="{}" y="36" text-anchor="middle" fill="#555">{}</text>"##,
        width / 2.0,
        esc(&note)
    );
    let plot_bottom = top + row_h * order.len() as f64;
    for t in &ticks {
        let tx = x(*t);
        let _ = write!(
            out,
            r##"<line x1="{tx:.1}" y1="{top}" x2="{tx:.1}" y2="{:.1}" stroke="#eee"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            plot_bottom + 4.0,
            plot_bottom + 16.0,
            fmt_ms(*t)
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">Lag (ms)</text>"#,
        left + plot_w / 2.0,
        height - 8.0
    );
    for (row, &node) in order.iter().enumerate() {
        let y = top + row_h * row as f64;
        let name = scan.nodes.name(node);
        let lags = &s.lag_ms[node];
        let _ = write!(
            out,
            r#"<g class="lag-row" data-node="{}" data-values="{}" data-never="{}">"#,
            esc(name),
            lags.len(),
            s.never[node]
        );
        if row % label_every == 0 {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
                left - 6.0,
                y + row_h / 2.0,
                esc(name)
            );
        }
        let mut bins = [0u64; BINS];
        for l in lags {
            bins[((l / x_max * BINS as f64) as usize).min(BINS - 1)] += 1;
        }
        let peak = bins.iter().copied().max().unwrap_or(0).max(1) as f64;
        let bin_w = plot_w / BINS as f64;
        for (b, k) in bins.iter().enumerate().filter(|(_, k)| **k > 0) {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
                left + bin_w * b as f64,
                bin_w + 0.3,
                (row_h - 1.0).max(1.0),
                super::heat(0.15 + 0.85 * *k as f64 / peak)
            );
        }
        let mut text = String::new();
        for (q, stroke) in [(0.5, "#000"), (0.95, "#d62728")] {
            if let Some(ms) = quantile(lags, q) {
                let _ = write!(
                    out,
                    r#"<rect class="q" data-q="{q}" x="{:.1}" y="{y:.1}" width="2" height="{:.1}" fill="{stroke}"/>"#,
                    x(ms) - 1.0,
                    (row_h - 1.0).max(1.0)
                );
                let _ = write!(text, "p{} {}  ", (q * 100.0) as u32, fmt_ms(ms));
            }
        }
        if s.never[node] > 0 {
            let _ = write!(text, "never {}", s.never[node]);
        }
        if row_h >= 10.0 && !text.is_empty() {
            let fill = if s.never[node] > 0 { "#d62728" } else { "#000" };
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" dominant-baseline="middle" fill="{fill}">{}</text>"#,
                width - right + 8.0,
                y + row_h / 2.0,
                esc(text.trim_end())
            );
        }
        out.push_str("</g>");
    }
    let _ = write!(
        out,
        r##"<rect x="{left}" y="{top}" width="{plot_w}" height="{:.1}" fill="none" stroke="#444"/>"##,
        plot_bottom - top
    );
    out.push_str("</svg>\n");
    out
}
