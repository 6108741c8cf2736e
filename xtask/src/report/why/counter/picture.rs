//! `counter.svg`: the range of acceptable values over time (a band), every
//! read against it (grey; one mark per time column), the final reads
//! (diamonds) with the failing ones red and labelled with their value, and
//! on the right the checker's final `acceptable` set.

use super::bounds::{Bounds, FinalRead};
use crate::checkers::value_order::integer;
use crate::report::svg::{canvas, esc, nice_ticks};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt::Write;

const W: f64 = 900.0;
const H: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 210.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 45.0;
/// The most acceptable intervals drawn on the right.
const MAX_INTERVALS: usize = 50;

const BAND: &str = "#c7e9c0";
const READ: &str = "#777";
const FINAL_OK: &str = "#1f77b4";
const FAILING: &str = "#d62728";
const ACCEPTABLE: &str = "#2ca02c";

/// What the checker said, from its section of the results map.
#[derive(Debug, Default)]
pub struct Judgement {
    /// The `:index` of each final read in `errors`.
    pub failing: HashSet<usize>,
    /// `acceptable`, `[[lower upper] ...]` inclusive.
    pub acceptable: Vec<(i128, i128)>,
}

impl Judgement {
    pub fn from_results(checker: &Value) -> Judgement {
        let failing = checker["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["index"].as_u64())
            .map(|i| i as usize)
            .collect();
        let acceptable = checker["acceptable"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((integer(&r[0])?, integer(&r[1])?)))
            .collect();
        Judgement {
            failing,
            acceptable,
        }
    }

    /// The acceptable set as the checker prints it: `[[25 25]]`.
    pub fn acceptable_text(&self) -> String {
        let parts: Vec<String> = self
            .acceptable
            .iter()
            .take(MAX_INTERVALS)
            .map(|(a, b)| format!("[{a} {b}]"))
            .collect();
        let more = if self.acceptable.len() > MAX_INTERVALS {
            " ..."
        } else {
            ""
        };
        format!("[{}{more}]", parts.join(" "))
    }
}

struct Scale {
    end_ns: f64,
    y0: f64,
    y1: f64,
}

impl Scale {
    fn x(&self, ns: u64) -> f64 {
        LEFT + ns as f64 / self.end_ns * (W - LEFT - RIGHT)
    }
    fn y(&self, v: i128) -> f64 {
        H - BOTTOM - (v as f64 - self.y0) / (self.y1 - self.y0) * (H - TOP - BOTTOM)
    }
}

/// The picture of `bounds` (a history ending at `end_ns`) and the
/// checker's `judgement`.
pub fn svg(bounds: &Bounds, end_ns: u64, judgement: &Judgement, title: &str) -> String {
    let columns = bounds.columns();
    let finals = bounds.finals();
    let values = columns
        .iter()
        .flat_map(|(_, _, c)| [c.lower, c.upper, c.read_min, c.read_max])
        .flatten()
        .chain(finals.iter().map(|f| f.value))
        .chain(
            judgement
                .acceptable
                .iter()
                .take(MAX_INTERVALS)
                .flat_map(|&(a, b)| [a, b]),
        );
    let (lo, hi) = values.fold((i128::MAX, i128::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo > hi {
        (0.0, 1.0)
    } else {
        (lo as f64, hi as f64)
    };
    let pad = (hi - lo).max(1.0) * 0.08;
    let s = Scale {
        end_ns: end_ns.max(1) as f64,
        y0: lo - pad,
        y1: hi + pad,
    };
    let mut out = canvas(W, H, title);
    axes(&mut out, &s);
    band(&mut out, &s, &columns);
    for (a, b, c) in &columns {
        let (Some(min), Some(max)) = (c.read_min, c.read_max) else {
            continue;
        };
        let x = s.x((a + b) / 2);
        let _ = write!(
            out,
            r#"<line class="read" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="{READ}" stroke-width="2" stroke-linecap="round"><title>{} read(s) from {} to {}: {min} to {max}</title></line>"#,
            s.y(min) + 1.5,
            s.y(max) - 1.5,
            c.reads,
            secs(*a),
            secs(*b)
        );
    }
    for f in finals {
        final_read(&mut out, &s, f, judgement);
    }
    let bar_x = W - RIGHT + 14.0;
    for &(a, b) in judgement.acceptable.iter().take(MAX_INTERVALS) {
        let (y_top, y_bottom) = (s.y(b) - 2.0, s.y(a) + 2.0);
        let _ = write!(
            out,
            r#"<rect class="final-acceptable" x="{bar_x}" y="{y_top:.1}" width="8" height="{:.1}" fill="{ACCEPTABLE}"><title>acceptable final values: {a} to {b} (the checker's acceptable set)</title></rect>"#,
            y_bottom - y_top
        );
    }
    let legend = [
        (BAND, "acceptable range"),
        (READ, "reads"),
        (FINAL_OK, "final read"),
        (FAILING, "failing final read"),
        (ACCEPTABLE, "acceptable at the end"),
    ];
    for (i, (colour, label)) in legend.iter().enumerate() {
        let (x, y) = (W - RIGHT + 40.0, TOP + 10.0 + 16.0 * i as f64);
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}">{label}</text>"#,
            y - 9.0,
            x + 15.0,
            y
        );
    }
    if bounds.finals_seen() > finals.len() {
        let _ = write!(
            out,
            r#"<text x="{}" y="{}">{} more final reads not drawn</text>"#,
            W - RIGHT + 40.0,
            TOP + 100.0,
            bounds.finals_seen() - finals.len()
        );
    }
    out.push_str("</svg>\n");
    out
}

fn axes(out: &mut String, s: &Scale) {
    let (x0, x1, y0, y1) = (LEFT, W - RIGHT, TOP, H - BOTTOM);
    let _ = write!(
        out,
        r##"<rect x="{x0}" y="{y0}" width="{}" height="{}" fill="none" stroke="#444"/>"##,
        x1 - x0,
        y1 - y0
    );
    for t in nice_ticks(0.0, s.end_ns / 1e9, 8) {
        let x = s.x((t * 1e9) as u64);
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
            y1 + 16.0,
            t
        );
    }
    for t in nice_ticks(s.y0, s.y1, 6) {
        // Whole values only (`-0.4` rounds to 0, never "-0").
        let t = t.round() as i128;
        let y = s.y(t);
        let _ = write!(
            out,
            r##"<line x1="{x0}" y1="{y:.1}" x2="{x1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            x0 - 6.0,
            y + 4.0,
            t
        );
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">time (s, history time)</text><text x="16" y="{2}" text-anchor="middle" transform="rotate(-90 16 {2})">counter value</text>"#,
        (x0 + x1) / 2.0,
        H - 8.0,
        (y0 + y1) / 2.0
    );
}

/// The band between the lower and upper bounds, as steps per column.
fn band(out: &mut String, s: &Scale, columns: &[(u64, u64, super::bounds::Column)]) {
    let mut upper = Vec::new();
    let mut lower = Vec::new();
    for (a, b, c) in columns {
        let (Some(lo), Some(hi)) = (c.lower, c.upper) else {
            continue;
        };
        for x in [s.x(*a), s.x(*b)] {
            upper.push(format!("{x:.1},{:.1}", s.y(hi)));
            lower.push(format!("{x:.1},{:.1}", s.y(lo)));
        }
    }
    lower.reverse();
    let _ = write!(
        out,
        r#"<polygon class="acceptable-range" points="{} {}" fill="{BAND}" stroke="{ACCEPTABLE}" stroke-width="0.5"><title>values a read may return: from the sum of the adds completed ok, widened by the adds in flight and those that ended :info</title></polygon>"#,
        upper.join(" "),
        lower.join(" ")
    );
}

fn final_read(out: &mut String, s: &Scale, f: &FinalRead, judgement: &Judgement) {
    let failing = judgement.failing.contains(&f.index);
    let (x, y) = (s.x(f.time_ns), s.y(f.value));
    let (class, colour, verdict) = if failing {
        ("final-read failing", FAILING, "outside")
    } else {
        ("final-read", FINAL_OK, "within")
    };
    let title = format!(
        "final read (op {}, process {}) from {} to {}: {}, {verdict} the acceptable values {}",
        f.index,
        match f.process {
            crate::history::Process::Client(n) => n.to_string(),
            _ => "?".into(),
        },
        secs(f.invoked_ns),
        secs(f.time_ns),
        f.value,
        judgement.acceptable_text()
    );
    let _ = write!(
        out,
        r#"<polygon class="{class}" points="{:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1}" fill="{colour}"><title>{}</title></polygon>"#,
        x - 6.0,
        y - 6.0,
        x + 6.0,
        y + 6.0,
        esc(&title)
    );
    if failing {
        let _ = write!(
            out,
            r#"<text class="failing-value" x="{:.1}" y="{:.1}" text-anchor="end" fill="{FAILING}">{}</text>"#,
            x - 8.0,
            y + 4.0,
            f.value
        );
    }
}

fn secs(ns: u64) -> String {
    format!("{:.3} s", ns as f64 / 1e9)
}
