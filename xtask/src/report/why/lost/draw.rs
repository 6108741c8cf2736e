//! Draws `lost-elements.svg` from what `scan` found: per element a block
//! with its add (a bar from invocation to completion, labelled with the
//! node it went through) and one lane per node of the reads that began
//! once the add was acknowledged: red where a read missed the element,
//! green where one held it; partitions shaded over every block.

use super::scan::{Found, Lane, Track, COLUMNS};
use super::Wanted;
use crate::report::svg::{canvas, esc, nice_ticks};
use serde_json::Value;
use std::fmt::Write;

const WIDTH: f64 = 1000.0;
/// The plot's left edge: one pixel per column from here.
const LEFT: f64 = 70.0;
const LANE_H: f64 = 14.0;
const HEAD_H: f64 = 18.0;
const GAP: f64 = 10.0;
/// Lanes drawn per element; nodes beyond are counted.
pub const MAX_LANES: usize = 12;
/// The longest element text shown.
const MAX_VALUE_CHARS: usize = 40;

const PARTITION_FILL: &str = "#e6e6e6";
const ADD_FILL: &str = "#1f77b4";
const MISSED_FILL: &str = "#d62728";
const SEEN_FILL: &str = "#2ca02c";

/// The whole SVG document.
pub fn render(workload: &str, wanted: &Wanted, found: &Found) -> String {
    let lanes_of = |t: &Track| t.lanes.len().min(MAX_LANES) as f64;
    let blocks: f64 = found
        .tracks
        .iter()
        .map(|t| HEAD_H + LANE_H * (1.0 + lanes_of(t)) + GAP)
        .sum();
    let top = 118.0;
    let height = top + blocks + 20.0;
    let mut s = canvas(
        WIDTH,
        height,
        &format!("{workload}: lost and never-read elements"),
    );
    let _ = write!(s, r#"<g class="summary">"#);
    text(&mut s, LEFT, 38.0, "", &summary(wanted));
    text(&mut s, LEFT, 54.0, "", &format!(
        "Each block: the add (blue, invocation to completion) through its node, then per node the :ok reads that began after the add was acknowledged: red missed it, green held it. Grey: partitions (hover: which).{}",
        if found.journal_errors > 0 { format!(" {} malformed journal lines skipped.", found.journal_errors) } else { String::new() }
    ));
    let _ = write!(
        s,
        r##"<a class="propagation-link" href="propagation.svg"><text x="{LEFT}" y="70" fill="#1f4fbf" text-decoration="underline">How every value travelled between nodes: propagation.svg</text></a>"##
    );
    let _ = write!(s, "</g>");
    axis(&mut s, found, 100.0, height - 20.0);
    for (i, &(a, b)) in found.partitions.iter().enumerate() {
        let (x0, x1) = (x_of(found, (a * 1e9) as u64), x_of(found, (b * 1e9) as u64));
        let label = found.partition_labels.get(i).map_or("", String::as_str);
        let _ = write!(
            s,
            r#"<rect class="partition" x="{x0:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="{PARTITION_FILL}" fill-opacity="0.8"><title>partition {a:.3}-{b:.3} s: {}</title></rect>"#,
            (x1 - x0).max(1.0),
            blocks,
            esc(label)
        );
    }
    let mut y = top;
    for ((value, outcome), track) in wanted.elements.iter().zip(&found.tracks) {
        y = block(&mut s, found, value, outcome, track, y);
    }
    s.push_str("</svg>\n");
    s
}

fn summary(w: &Wanted) -> String {
    let mut line = format!(
        "{} lost, {} never read of {} added; {} stale (read late).",
        w.lost_count, w.never_read_count, w.attempt_count, w.stale_count
    );
    let rest = w.not_drawn();
    if rest > 0 {
        let _ = write!(
            line,
            " The first {} are drawn; {rest} more not drawn.",
            w.elements.len()
        );
    }
    line
}

/// Time ticks (seconds) along the top and faint grid lines down the plot.
fn axis(s: &mut String, found: &Found, y: f64, bottom: f64) {
    let end_s = found.end_ns as f64 / 1e9;
    let _ = write!(s, r#"<g class="axis">"#);
    text(s, 8.0, y, "", "time (s)");
    for t in nice_ticks(0.0, end_s.max(1e-3), 10) {
        let x = x_of(found, (t * 1e9) as u64);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{bottom}" stroke="#eee"/><text x="{x:.1}" y="{y}" text-anchor="middle">{}</text>"##,
            y + 6.0,
            (t * 1000.0).round() / 1000.0
        );
    }
    let _ = write!(s, "</g>");
}

/// One element's block from `y`; returns the next block's `y`.
fn block(s: &mut String, found: &Found, value: &Value, outcome: &str, t: &Track, y: f64) -> f64 {
    let shown = short_value(value);
    let _ = write!(
        s,
        r#"<g class="element" data-element="{}" data-outcome="{outcome}">"#,
        esc(&shown)
    );
    text(s, 8.0, y + 13.0, "element-head", &head(&shown, outcome, t));
    let mut ly = y + HEAD_H;
    // The add's lane.
    let via = t.via.as_deref().unwrap_or("?");
    text(s, 8.0, ly + 10.0, "", &format!("add→{via}"));
    if let Some(a) = t.add_invoke {
        let b = t.add_done.map_or(found.end_ns, |d| d.0);
        let (x0, x1) = (x_of(found, a), x_of(found, b));
        let _ = write!(
            s,
            r#"<rect class="add" data-node="{}" x="{x0:.1}" y="{:.1}" width="{:.1}" height="8" fill="{ADD_FILL}"><title>add {} via {}</title></rect>"#,
            esc(via),
            ly + 3.0,
            (x1 - x0).max(2.0),
            esc(&shown),
            esc(via)
        );
    }
    ly += LANE_H;
    for lane in t.lanes.iter().take(MAX_LANES) {
        lane_row(s, lane, ly);
        ly += LANE_H;
    }
    if t.lanes.len() > MAX_LANES {
        text(
            s,
            LEFT + COLUMNS as f64 + 8.0,
            ly,
            "",
            &format!("+{} nodes", t.lanes.len() - MAX_LANES),
        );
    }
    let _ = write!(s, "</g>");
    ly + GAP
}

fn head(shown: &str, outcome: &str, t: &Track) -> String {
    let secs = |ns: u64| format!("{:.3} s", ns as f64 / 1e9);
    let mut h = format!("{outcome} {shown}: added");
    if let Some(v) = &t.via {
        let _ = write!(h, " via {v}");
    }
    if let Some(p) = t.process {
        let _ = write!(h, " (process {p})");
    }
    if let Some(a) = t.add_invoke {
        let _ = write!(h, " at {}", secs(a));
    }
    match t.add_done {
        Some((d, kind)) => {
            let _ = write!(h, ", {} at {}", format!("{kind:?}").to_lowercase(), secs(d));
        }
        None => h.push_str(", never completed"),
    }
    let missed = t.missed();
    let nodes: Vec<&str> = t
        .lanes
        .iter()
        .filter(|l| l.missed > 0)
        .map(|l| l.node.as_str())
        .collect();
    let _ = write!(
        h,
        "; missed by {missed} read{}",
        if missed == 1 { "" } else { "s" }
    );
    if !nodes.is_empty() {
        let _ = write!(h, " on {}", nodes.join(" "));
    }
    if let Some(l) = t.last_missed {
        let _ = write!(h, " (last at {})", secs(l));
    }
    h
}

/// A node's lane: runs of columns with a read, missed over seen.
fn lane_row(s: &mut String, lane: &Lane, y: f64) {
    s.push_str(r#"<g class="lane">"#);
    let node = esc(&lane.node);
    let _ = write!(
        s,
        "<title>{node}: {} reads missed it, {} held it</title>",
        lane.missed, lane.seen
    );
    text(s, 8.0, y + 10.0, "", &lane.node);
    let _ = write!(
        s,
        r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#ccc"/>"##,
        y + 7.0,
        LEFT + COLUMNS as f64
    );
    for (cols, class, fill, h) in [
        (&lane.seen_cols, "seen", SEEN_FILL, 6.0),
        (&lane.missed_cols, "missed", MISSED_FILL, 10.0),
    ] {
        for (a, b) in runs(cols) {
            let _ = write!(
                s,
                r#"<rect class="{class}" data-node="{node}" x="{:.1}" y="{:.1}" width="{}" height="{h}" fill="{fill}"/>"#,
                LEFT + a as f64,
                y + 7.0 - h / 2.0,
                (b - a) as f64
            );
        }
    }
    text(
        s,
        LEFT + COLUMNS as f64 + 8.0,
        y + 10.0,
        "lane-count",
        &format!("{} missed, {} held", lane.missed, lane.seen),
    );
    s.push_str("</g>");
}

/// Maximal runs [a, b) of set columns, at most `MAX_RUNS`: when there are
/// more, columns are merged in blocks of 2, 4, 8... until there are not, so
/// a lane is at most `MAX_RUNS` rectangles however its reads fall.
pub fn runs(cols: &[bool]) -> Vec<(usize, usize)> {
    let mut block = 1;
    loop {
        let coarse: Vec<bool> = cols.chunks(block).map(|c| c.iter().any(|&b| b)).collect();
        let found = exact_runs(&coarse);
        if found.len() <= MAX_RUNS || block >= cols.len() {
            return found
                .into_iter()
                .map(|(a, b)| (a * block, (b * block).min(cols.len())))
                .collect();
        }
        block *= 2;
    }
}

/// Rectangles per lane and kind (missed, held).
pub const MAX_RUNS: usize = 60;

fn exact_runs(cols: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &c) in cols.iter().chain(std::iter::once(&false)).enumerate() {
        match (c, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn x_of(found: &Found, t: u64) -> f64 {
    LEFT + found.column(t) as f64
}

fn text(s: &mut String, x: f64, y: f64, class: &str, content: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(r#" class="{class}""#)
    };
    let _ = write!(
        s,
        r#"<text{class} x="{x:.1}" y="{y:.1}">{}</text>"#,
        esc(content)
    );
}

/// An element as text, cut to `MAX_VALUE_CHARS` characters.
fn short_value(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}
