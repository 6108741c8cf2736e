//! Draws one key's `orders/<key>.svg`: offsets across (Jepsen's
//! `offset->x`), one row per :ok op in history order down, each message a
//! cell at its offset; the marks' cells red, the messages a poll skipped as
//! dashed red cells where they sat, the marks' rows tinted and numbered,
//! and the numbered explanations below.

use super::marks::Mark;
use super::rows::{KeyLog, Row};
use crate::report::svg::{canvas, esc};
use serde_json::Value;
use std::fmt::Write;

/// Offset columns drawn; offsets beyond are counted at the row's ends.
pub const MAX_COLS: usize = 40;
const COL_W: f64 = 26.0;
const ROW_H: f64 = 14.0;
const LEFT: f64 = 200.0;
const TOP: f64 = 96.0;
const RED: &str = "#d62728";

/// The SVG of `key`, its marks and rows; `more_keys` affected keys were not drawn.
pub fn render(key: &str, marks: &[Mark], log: &KeyLog, more_keys: usize) -> String {
    let (lo, hi) = columns(marks, log);
    let ncols = (hi as i128 - lo as i128 + 1) as f64;
    let width = (LEFT + ncols * COL_W + 120.0).max(760.0);
    let rows_h = log.rows.len() as f64 * ROW_H;
    let height = TOP + rows_h + 30.0 + marks.len() as f64 * 16.0 + 20.0;
    let mut s = canvas(
        width,
        height,
        &format!("kafka key {key}: the offsets each :ok send and poll saw"),
    );
    let mut notes = vec![
        "Rows: :ok sends and polls of this key in history order (time, process, op on the left). Columns: offsets.".to_string(),
        "Red cells: the anomaly's messages; dashed red: messages a poll skipped, where they sat; tinted rows: the anomaly's ops, numbered as below.".to_string(),
    ];
    let mut counted = Vec::new();
    if log.rows_not_drawn > 0 {
        counted.push(format!(
            "{} other ops on this key not drawn",
            log.rows_not_drawn
        ));
    }
    if more_keys > 0 {
        counted.push(format!("{more_keys} more affected keys not drawn"));
    }
    if !counted.is_empty() {
        notes.push(format!("{}.", counted.join("; ")));
    }
    for (i, n) in notes.iter().enumerate() {
        text(&mut s, 10.0, 36.0 + 14.0 * i as f64, "note", "#000", n);
    }
    // Offsets across the top.
    for c in lo..=hi {
        let x = LEFT + (c - lo) as f64 * COL_W + COL_W / 2.0;
        let _ = write!(
            s,
            r#"<text class="offset" x="{x:.1}" y="{}" text-anchor="middle">{c}</text>"#,
            TOP - 6.0
        );
    }
    let x_of = |o: i64| LEFT + (o - lo) as f64 * COL_W;
    for (r, row) in log.rows.iter().enumerate() {
        let y = TOP + r as f64 * ROW_H;
        let refs: Vec<usize> = marks
            .iter()
            .enumerate()
            .filter(|(_, m)| m.ops.contains(&row.index))
            .map(|(i, _)| i + 1)
            .collect();
        let _ = write!(
            s,
            r#"<g class="row" data-index="{}" data-f="{}">"#,
            row.index,
            esc(&row.f)
        );
        if !refs.is_empty() {
            let _ = write!(
                s,
                r##"<rect class="marked-row" x="0" y="{y:.1}" width="{width}" height="{ROW_H}" fill="#fde0e0"/>"##
            );
        }
        let process = row.process.map_or("?".to_string(), |p| format!("p{p}"));
        let label = format!("{:.3} s {process} {}", row.time as f64 / 1e9, row.f);
        text(&mut s, 10.0, y + 10.5, "row-label", "#000", &label);
        let (mut left, mut right, mut unknown) = (0, 0, 0);
        for (o, v) in &row.pairs {
            let Some(o) = *o else {
                unknown += 1;
                continue;
            };
            if o < lo {
                left += 1;
            } else if o > hi {
                right += 1;
            } else {
                let red = marks.iter().any(|m| m.paints(row.index, o, v));
                cell(&mut s, x_of(o), y, row, (o, v), red);
            }
        }
        for m in marks.iter().filter(|m| m.ops.last() == Some(&row.index)) {
            for v in &m.missing {
                let Some(&o) = log.missing_at.get(&v.to_string()) else {
                    continue;
                };
                if (lo..=hi).contains(&o) {
                    let _ = write!(
                        s,
                        r#"<g class="skipped" data-offset="{o}"><rect x="{:.1}" y="{:.1}" width="{}" height="{}" fill="none" stroke="{RED}" stroke-dasharray="3,2"/>"#,
                        x_of(o) + 1.0,
                        y + 1.0,
                        COL_W - 2.0,
                        ROW_H - 2.0
                    );
                    text(&mut s, x_of(o) + COL_W / 2.0, y + 10.5, "", RED, &short(v));
                    s.push_str("</g>");
                }
            }
        }
        let mut ends = Vec::new();
        if left > 0 {
            ends.push(format!("{left} below"));
        }
        if right > 0 {
            ends.push(format!("{right} above"));
        }
        if unknown > 0 {
            ends.push(format!("{unknown} at no offset"));
        }
        if row.more_pairs > 0 {
            ends.push(format!("{} more", row.more_pairs));
        }
        let refs_text: Vec<String> = refs.iter().map(|i| format!("[{i}]")).collect();
        let tail = [refs_text.join(""), ends.join(", ")].join(" ");
        text(
            &mut s,
            LEFT + ncols * COL_W + 6.0,
            y + 10.5,
            "row-end",
            RED,
            tail.trim(),
        );
        s.push_str("</g>");
    }
    let mut y = TOP + rows_h + 24.0;
    for (i, m) in marks.iter().enumerate() {
        let at: Vec<String> = m
            .op_at
            .iter()
            .map(|(t, p)| format!("{:.3} s p{p}", *t as f64 / 1e9))
            .collect();
        let mut line = format!("[{}] {}", i + 1, m.text);
        if !at.is_empty() {
            let _ = write!(line, "; ops at {}", at.join(", "));
        }
        text(&mut s, 10.0, y, "explanation", RED, &line);
        y += 16.0;
    }
    s.push_str("</svg>\n");
    s
}

/// The offset range drawn: around what the marks concern, at most `MAX_COLS`.
fn columns(marks: &[Mark], log: &KeyLog) -> (i64, i64) {
    let mut interesting: Vec<i64> = log.missing_at.values().copied().collect();
    interesting.extend(marks.iter().flat_map(|m| m.offsets.iter().copied()));
    for row in &log.rows {
        for (o, v) in &row.pairs {
            let Some(o) = *o else { continue };
            let in_mark = marks.iter().any(|m| {
                m.paints(row.index, o, v) || (m.ops.contains(&row.index) && m.values.is_empty())
            });
            if in_mark {
                interesting.push(o);
            }
        }
    }
    let all = log
        .rows
        .iter()
        .flat_map(|r| r.pairs.iter().filter_map(|p| p.0));
    let (min_all, max_all) = all.fold((i64::MAX, i64::MIN), |(a, b), o| (a.min(o), b.max(o)));
    let (lo, hi) = match (interesting.iter().min(), interesting.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        _ if min_all <= max_all => (min_all, max_all),
        _ => (0, 0),
    };
    // In i128: a node chooses its offsets, i64::MIN and i64::MAX included.
    let (lo, hi, min_all, max_all) = (lo as i128, hi as i128, min_all as i128, max_all as i128);
    let cols = MAX_COLS as i128;
    let clamp = |v: i128| v.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    if hi - lo + 1 >= cols {
        return (clamp(lo), clamp(lo + cols - 1));
    }
    // Widen to the offsets seen, evenly, up to MAX_COLS.
    let spare = cols - (hi - lo + 1);
    let lo2 = (lo - spare / 2).max(min_all.min(lo));
    let hi2 = (lo2 + cols - 1).min(max_all.max(hi));
    (clamp(lo2.min(lo)), clamp(hi2.max(hi)))
}

fn cell(s: &mut String, x: f64, y: f64, row: &Row, (o, v): (i64, &Value), red: bool) {
    let fill = match (red, row.f.as_str()) {
        (true, _) => RED,
        (false, "send") => "#dbe9f6",
        _ => "#eeeeee",
    };
    let class = if red { "cell anomaly" } else { "cell" };
    let ink = if red { "#fff" } else { "#000" };
    let _ = write!(
        s,
        r#"<g class="{class}" data-offset="{o}"><title>offset {o}: {}</title><rect x="{:.1}" y="{:.1}" width="{}" height="{}" fill="{fill}"/>"#,
        esc(&v.to_string()),
        x + 1.0,
        y + 1.0,
        COL_W - 2.0,
        ROW_H - 2.0
    );
    text(s, x + COL_W / 2.0, y + 10.5, "", ink, &short(v));
    s.push_str("</g>");
}

/// A message as at most 5 characters (the full value is in the title).
fn short(v: &Value) -> String {
    let t = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if t.chars().count() > 5 {
        format!("{}…", t.chars().take(4).collect::<String>())
    } else {
        t
    }
}

fn text(s: &mut String, x: f64, y: f64, class: &str, fill: &str, content: &str) {
    let anchor = if class.is_empty() {
        r#" text-anchor="middle""#
    } else {
        ""
    };
    let _ = write!(
        s,
        r#"<text class="{class}" x="{x:.1}" y="{y:.1}" fill="{fill}"{anchor}>{}</text>"#,
        esc(content)
    );
}
