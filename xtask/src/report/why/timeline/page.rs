//! `timeline.html` itself, fed one op at a time: Jepsen's timeline (a
//! column per process, each operation a box from its invocation's row to
//! its completion's, coloured by outcome, the op on hover), drawn in full
//! inside the windows ([`super::windows`]) and summarised outside them
//! ([`Summary`]).
//!
//! jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker/timeline.clj, followed:
//! - rows, not a time scale: `:top (* height (:sub-index start))` and
//!   `:height (* height (- (:sub-index stop) (:sub-index start)))`, where
//!   the sub-index is the op's position in the (here: the window's) history;
//! - `(= :info (:type stop))` boxes run to the end: `(* height (- (inc
//!   (count history)) (:sub-index start)))` (here: the window's end);
//! - columns: `:left (* gutter-width (get process-index p))` with
//!   `process-index` the sorted processes (here: the drawn ones);
//! - the box's body, `(str (:process op) " " (name+ (:f op)) " " (:value
//!   start) (when-not same-pair-values? (str "<br />" (:value stop))))`,
//!   and its `:title` (`render-duration`, `render-error`, `render-op`);
//! - each box is a link to itself (`[:a {:href (str "#i" (:index op))}`)
//!   and `.op:target` lifts it, so a click marks it: no script.
//!
//! Jepsen caps the page at `op-limit` (10000) pairs and drops the rest;
//! here the cap is [`MAX_ROWS`] rows and [`MAX_BOX_BYTES`] bytes of boxes,
//! and what is not drawn is counted in the summary.
//! fidelity X36: windows and a summary where Jepsen truncates.

use super::op_box::{body, class, label, op_box, secs, title, Segment};
use super::summary::Summary;
use crate::history::{Op, OpType, Process};
use crate::report::svg::esc;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

/// The most rows (invocations and completions) drawn, in all windows.
pub const MAX_ROWS: usize = 4000;
/// The most bytes of boxes; the page adds a few KiB of style and summary.
pub const MAX_BOX_BYTES: usize = 3 << 20;

// timeline.clj: `(def col-width "pixels" 100)`, `(def gutter-width "pixels"
// 106)`, `(def height "pixels" 16)`.
const COL_WIDTH: u64 = 100;
const GUTTER_WIDTH: u64 = 106;
pub const HEIGHT: u64 = 16;

/// timeline.clj's `stylesheet`, with `.ops` relative (a page holds several
/// windows) and a dashed top for a box that began before its window.
const STYLESHEET: &str = "\
.ops        { position: relative; margin-bottom: 24px; }
.op         { position: absolute; padding: 2px; border-radius: 2px; box-shadow: 0 1px 3px rgba(0,0,0,0.12), 0 1px 2px rgba(0,0,0,0.24); transition: all 0.3s cubic-bezier(.25,.8,.25,1); overflow: hidden; }
.op.invoke  { background: #eeeeee; }
.op.ok      { background: #6DB6FE; }
.op.info    { background: #FFAA26; }
.op.fail    { background: #FEB5DA; }
.op:target  { box-shadow: 0 14px 28px rgba(0,0,0,0.25), 0 10px 10px rgba(0,0,0,0.22); }
.op.cont    { border-top: 2px dashed #555; }
.procs      { position: relative; height: 18px; font-weight: bold; }
.proc       { position: absolute; }
body        { font-family: sans-serif; font-size: 11px; }
table.summary td, table.summary th { padding: 1px 8px; text-align: right; }
";

/// An invocation waiting for its completion.
struct Open {
    time: u64,
    index: usize,
    f: String,
    value: Value,
    /// Its window and row, when it has one.
    at: Option<(usize, u64)>,
}

struct Section {
    window: (u64, u64),
    rows: u64,
    boxes: usize,
    html: String,
}

/// The page being built.
pub struct Page {
    sections: Vec<Section>,
    open: HashMap<Process, Open>,
    rows_left: usize,
    bytes_left: usize,
    summary: Summary,
    processes: BTreeSet<Process>,
    ops: u64,
    drawn: u64,
}

impl Page {
    /// A page drawing in full inside `windows` (sorted, disjoint), for a
    /// history ending at `end_ns`.
    pub fn new(windows: &[(u64, u64)], end_ns: u64) -> Page {
        Page::with_limits(windows, end_ns, MAX_ROWS, MAX_BOX_BYTES)
    }

    pub fn with_limits(windows: &[(u64, u64)], end_ns: u64, rows: usize, bytes: usize) -> Page {
        Page {
            sections: windows
                .iter()
                .map(|&window| Section {
                    window,
                    rows: 0,
                    boxes: 0,
                    html: String::new(),
                })
                .collect(),
            open: HashMap::new(),
            rows_left: rows,
            bytes_left: bytes,
            summary: Summary::new(end_ns),
            processes: BTreeSet::new(),
            ops: 0,
            drawn: 0,
        }
    }

    /// A row for an event at `time`: its window's next, while rows last.
    fn place(&mut self, time: u64) -> Option<(usize, u64)> {
        let i = self.sections.partition_point(|s| s.window.1 < time);
        let s = self.sections.get_mut(i)?;
        if time < s.window.0 || self.rows_left == 0 {
            return None;
        }
        self.rows_left -= 1;
        s.rows += 1;
        Some((i, s.rows - 1))
    }

    /// The next op of the history.
    pub fn push(&mut self, op: &Op) {
        let at = self.place(op.time);
        if op.is_invoke() {
            let open = Open {
                time: op.time,
                index: op.index,
                f: op.f.clone(),
                value: op.value.clone(),
                at,
            };
            if let Some(left) = self.open.insert(op.process, open) {
                // A second invocation with none completed: the first is
                // never completed, as at the end of the history.
                self.close_never_completed(op.process, left);
            }
            return;
        }
        self.ops += 1;
        let start = self.open.remove(&op.process);
        let segments = segments(
            start.as_ref().and_then(|s| s.at),
            at,
            start.is_some(),
            op.kind,
        );
        if !self.draw(&segments, start.as_ref(), op) {
            self.summary.count(op.time, op.kind);
        }
    }

    /// An invocation that no completion followed: drawn grey to its
    /// window's end when it has a row, else counted as info.
    fn close_never_completed(&mut self, process: Process, left: Open) {
        self.ops += 1;
        let as_op = Op {
            index: left.index,
            time: left.time,
            process,
            kind: OpType::Invoke,
            f: left.f.clone(),
            value: left.value.clone(),
            error: None,
            exception: None,
            is_final: false,
        };
        let segments = left
            .at
            .map(|(s, r)| vec![(s, Some(r), None)])
            .unwrap_or_default();
        if !self.draw(&segments, Some(&left), &as_op) {
            self.summary.count(left.time, OpType::Info);
        }
    }

    /// Draws `op` (with its invocation `start`) as `segments`, if any and if
    /// they fit in the byte budget; whether it did.
    fn draw(&mut self, segments: &[Segment], start: Option<&Open>, op: &Op) -> bool {
        if segments.is_empty() {
            return false;
        }
        let start = start.map(|s| (s.time, &s.value));
        let title = title(start, op);
        let body = body(start, op);
        let boxes: Vec<String> = segments
            .iter()
            .enumerate()
            .map(|(k, seg)| op_box(seg, k == 0, op, &title, &body))
            .collect();
        let bytes: usize = boxes.iter().map(String::len).sum();
        if bytes > self.bytes_left {
            self.bytes_left = 0;
            return false;
        }
        self.bytes_left -= bytes;
        for (seg, html) in segments.iter().zip(boxes) {
            let s = &mut self.sections[seg.0];
            s.html.push_str(&html);
            s.boxes += 1;
        }
        self.processes.insert(op.process);
        self.drawn += 1;
        true
    }

    /// The whole page. `heading` names the run.
    pub fn finish(mut self, heading: &str) -> String {
        let left: Vec<(Process, Open)> = self.open.drain().collect();
        let mut left = left;
        left.sort_by_key(|(_, o)| o.index);
        for (p, o) in left {
            self.close_never_completed(p, o);
        }
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title><style>\n{STYLESHEET}",
            esc(heading)
        );
        for (k, p) in self.processes.iter().enumerate() {
            let _ = writeln!(
                out,
                ".{} {{ left: {}px; width: {COL_WIDTH}px; }}",
                class(*p),
                k as u64 * GUTTER_WIDTH
            );
        }
        out.push_str("</style></head><body>\n");
        let _ = writeln!(out, "<h1>{}</h1>", esc(heading));
        let summarised = self.summary.total();
        let _ = writeln!(
            out,
            "<p class=\"note\">{} operations: {} drawn in full (within {} window(s) of history time, \
             at most {MAX_ROWS} rows), {summarised} counted in the summary. Hover over an operation for \
             its details; click it to mark it.</p>",
            self.ops,
            self.drawn,
            self.sections.len(),
        );
        if self.sections.len() > 1 {
            out.push_str("<p class=\"windows\">Windows:");
            for (k, s) in self.sections.iter().enumerate() {
                let _ = write!(
                    out,
                    " <a href=\"#w{k}\">{} to {}</a>",
                    secs(s.window.0),
                    secs(s.window.1)
                );
            }
            out.push_str("</p>\n");
        }
        let data = json!({
            "ops": self.ops,
            "drawn": self.drawn,
            "summarised": summarised,
            "max-rows": MAX_ROWS,
            "windows-ns": self.sections.iter().map(|s| json!([s.window.0, s.window.1])).collect::<Vec<_>>(),
            "summary": self.summary.to_json(),
        });
        let _ = writeln!(
            out,
            "<script type=\"application/json\" id=\"timeline-data\">{}</script>",
            script_safe(&data.to_string())
        );
        let rows: Vec<_> = self.summary.rows().collect();
        let mut next_row = 0;
        for (k, s) in self.sections.iter().enumerate() {
            let upto = rows[next_row..]
                .iter()
                .take_while(|r| r.0 < s.window.0)
                .count();
            summary_table(&mut out, &rows[next_row..next_row + upto]);
            next_row += upto;
            let _ = writeln!(
                out,
                "<h2 id=\"w{k}\">{} to {}: {} operation boxes</h2>",
                secs(s.window.0),
                secs(s.window.1),
                s.boxes
            );
            if s.boxes == 0 {
                continue;
            }
            out.push_str("<div class=\"procs\">");
            for p in &self.processes {
                let _ = write!(
                    out,
                    "<span class=\"proc {}\">{}</span>",
                    class(*p),
                    label(*p)
                );
            }
            out.push_str("</div>\n");
            let _ = writeln!(
                out,
                "<div class=\"ops\" style=\"height:{}px\">{}</div>",
                (s.rows + 1) * HEIGHT,
                s.html
            );
        }
        summary_table(&mut out, &rows[next_row..]);
        out.push_str("</body></html>\n");
        out
    }
}

/// Where a pair is drawn: `start_at` is its invocation's place (if it
/// had one and `has_start`), `end_at` its completion's.
fn segments(
    start_at: Option<(usize, u64)>,
    end_at: Option<(usize, u64)>,
    has_start: bool,
    kind: OpType,
) -> Vec<Segment> {
    // An :info may take effect at any later time: to the window's end.
    let end = |row: u64| (kind != OpType::Info).then_some(row);
    match (start_at, end_at) {
        (Some((a, ra)), Some((b, rb))) if a == b => vec![(a, Some(ra), end(rb))],
        (Some((a, ra)), later) => {
            let mut v = vec![(a, Some(ra), None)];
            v.extend(later.map(|(b, rb)| (b, None, end(rb))));
            v
        }
        // Jepsen's unmatched completion, `[op]`: one row of its own.
        (None, Some((b, rb))) if !has_start => vec![(b, Some(rb), Some(rb + 1))],
        (None, Some((b, rb))) => vec![(b, None, end(rb))],
        (None, None) => vec![],
    }
}

/// JSON inside `<script>`: no `<`, `>` or `&` that could close it.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn summary_table(out: &mut String, rows: &[(u64, u64, super::summary::Counts)]) {
    if rows.is_empty() {
        return;
    }
    let n: u64 = rows.iter().map(|r| r.2.total()).sum();
    let _ = writeln!(
        out,
        "<p>Summarised: {n} operations completed from {} to {}, outside the windows or past the limits.</p>",
        secs(rows[0].0),
        secs(rows[rows.len() - 1].1)
    );
    out.push_str("<table class=\"summary\"><tr><th>from</th><th>to</th><th>ok</th><th>fail</th><th>info</th></tr>\n");
    for (a, b, c) in rows {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            secs(*a),
            secs(*b),
            c.ok,
            c.fail,
            c.info
        );
    }
    out.push_str("</table>\n");
}
