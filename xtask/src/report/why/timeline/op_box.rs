//! One operation of `timeline.html` as HTML: its box (jepsen-io/jepsen
//! v0.3.1 jepsen/src/jepsen/checker/timeline.clj, `pair->div`), its body
//! and its hover title, every text from the history cut and escaped.

use super::page::HEIGHT;
use crate::history::{Op, OpType, Process};
use crate::report::svg::esc;
use crate::report::why::ops::cut;
use serde_json::Value;
use std::fmt::Write;

/// How much of a value a box shows, and its title.
const BODY_CHARS: usize = 60;
const TITLE_CHARS: usize = 400;

/// (section, first row or None: began before the window, last row or
/// None: runs to the window's end).
pub type Segment = (usize, Option<u64>, Option<u64>);

pub fn op_box(seg: &Segment, first: bool, op: &Op, title: &str, body: &str) -> String {
    let kind = match op.kind {
        OpType::Invoke => "invoke",
        OpType::Ok => "ok",
        OpType::Fail => "fail",
        OpType::Info => "info",
    };
    let top = seg.1.unwrap_or(0) * HEIGHT;
    let vertical = match seg.2 {
        Some(r) => format!("height:{}px", (r * HEIGHT).saturating_sub(top).max(HEIGHT)),
        None => "bottom:0".to_string(),
    };
    let cont = if seg.1.is_none() { " cont" } else { "" };
    let id = if first {
        format!(" id=\"i{}\"", op.index)
    } else {
        String::new()
    };
    format!(
        "<a href=\"#i{i}\"><div class=\"op {kind}{cont} {c}\"{id} style=\"top:{top}px;{vertical}\" title=\"{title}\">{body}</div></a>\n",
        i = op.index,
        c = class(op.process),
    )
}

/// timeline.clj `title`: `render-duration`, `render-error`, then the
/// time (history time here, where Jepsen gives wall-clock time) and
/// `render-op`.
pub fn title(start: Option<(u64, &Value)>, op: &Op) -> String {
    let mut t = String::new();
    if op.process == Process::Nemesis {
        let _ = writeln!(
            t,
            "Msg: {}",
            value_text(start.map_or(&op.value, |s| s.1), TITLE_CHARS)
        );
    }
    if let Some(s) = start.filter(|_| !op.is_invoke()) {
        let _ = writeln!(t, "Dur: {} ms", op.time.saturating_sub(s.0) / 1_000_000);
    }
    let err = op
        .error
        .as_ref()
        // `render-error`: `(pr-str (:error op))`, strings quoted.
        .map_or("nil".into(), |e| cut(&e.to_string(), TITLE_CHARS));
    let _ = writeln!(t, "Err: {err}");
    let from = start.map_or(String::new(), |s| format!("{} to ", secs(s.0)));
    let _ = writeln!(t, "Time: {from}{} since the main phase\n", secs(op.time));
    let _ = write!(
        t,
        "Op:\n{{:process {}\n :type {}\n :f {}\n :index {}",
        label(op.process),
        serde_json::to_value(op.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        cut(&op.f, TITLE_CHARS),
        op.index
    );
    if op.is_final {
        t.push_str("\n :final? true");
    }
    if let Some(x) = &op.exception {
        let _ = write!(t, "\n :exception {}", cut(x, TITLE_CHARS));
    }
    let _ = write!(t, "\n :value {}}}", value_text(&op.value, TITLE_CHARS));
    esc(&t)
}

/// timeline.clj `body`: process, f, the invocation's value, and the
/// completion's when it differs.
pub fn body(start: Option<(u64, &Value)>, op: &Op) -> String {
    let mut b = format!("{} {}", label(op.process), cut(&op.f, BODY_CHARS));
    let start_value = start.map_or(&op.value, |s| s.1);
    if op.process != Process::Nemesis {
        b.push(' ');
        b.push_str(&value_text(start_value, BODY_CHARS));
    }
    let mut out = esc(&b);
    if *start_value != op.value {
        out.push_str("<br/>");
        out.push_str(&esc(&value_text(&op.value, BODY_CHARS)));
    }
    out
}

/// A value as `(str v)` prints it in timeline.clj's body and `render-op`:
/// nil for null, a string without quotes.
fn value_text(v: &Value, max: usize) -> String {
    match v {
        Value::Null => "nil".into(),
        Value::String(s) => cut(s, max),
        v => cut(&v.to_string(), max),
    }
}

/// The CSS class of a process's column.
pub fn class(p: Process) -> String {
    match p {
        Process::Client(n) => format!("p{n}"),
        Process::Nemesis => "pn".into(),
        Process::Absent => "px".into(),
    }
}

pub fn label(p: Process) -> String {
    match p {
        Process::Client(n) => n.to_string(),
        Process::Nemesis => ":nemesis".into(),
        Process::Absent => "nil".into(),
    }
}

pub fn secs(ns: u64) -> String {
    format!("{:.3} s", ns as f64 / 1e9)
}
