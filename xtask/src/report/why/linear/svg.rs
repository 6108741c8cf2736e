//! `linear.svg`: one key's counterexample, drawn as Porcupine draws a
//! partial linearization and Knossos draws `linear.svg`.
//!
//! - A row per process, each op a bar from invocation to completion
//!   (knossos v0.3.9 src/knossos/linear/report.clj `render-ops`: `svg/rect`
//!   from `(hscale t1)` over `width`, one `process-coords` track per
//!   process, the text `(str (name (:f op)) " " (pr-str (:value op)))`).
//! - The longest linearizable prefix found, as linearization points joined
//!   by a line, each no earlier than its op's invocation and a step after
//!   the previous one (porcupine visualization/index.js: `const x =
//!   previousX === null ? hereX : Math.max(hereX, previousX + EPSILON)`,
//!   `hereX = t0x + xPos[element.Start]`); the model's state after each.
//! - The op that cannot be placed, in red, with a dashed "illegal next
//!   linearization" to it (index.js `linearization-invalid`), and the
//!   model's refusal.
//! - Knossos's final paths, as text: from each configuration, the ops
//!   applied and the model after each, ending in the refusal.
//!
//! Every string from the history is escaped (`report::svg::esc`).

use super::counterexample::{op_label, Counterexample};
use crate::report::svg::esc;
use serde_json::Value;
use std::fmt::Write;

const LEFT: f64 = 90.0;
const TOP: f64 = 64.0;
/// A rank's width: at least `RANK_W`, more when there are few ranks, so a
/// short window still spans about `AXIS_W`.
const RANK_W: f64 = 26.0;
const AXIS_W: f64 = 720.0;
const RANK_W_MAX: f64 = 90.0;
const ROW_H: f64 = 34.0;
const BOX_H: f64 = 20.0;
/// Porcupine's `EPSILON` between successive points (index.js: 20).
const EPSILON: f64 = 20.0;
const LINE_H: f64 = 15.0;
/// Final paths and their steps drawn (jepsen keeps 10 paths).
const PATHS: usize = 10;
const STEPS: usize = 12;

fn x(cx: &Counterexample, rank: usize) -> f64 {
    let w = (AXIS_W / cx.ranks.max(1) as f64).clamp(RANK_W, RANK_W_MAX);
    LEFT + rank as f64 * w
}

fn row_y(cx: &Counterexample, process: u64) -> f64 {
    let row = cx.processes.iter().position(|&p| p == process).unwrap_or(0);
    TOP + row as f64 * ROW_H
}

/// The x of each linearization point in `cx.points`, then of the failing op's.
pub fn point_xs(cx: &Counterexample) -> (Vec<f64>, f64) {
    let mut xs = Vec::with_capacity(cx.points.len());
    let mut previous: Option<f64> = None;
    let mut place = |start: usize| {
        let here = x(cx, start) + 4.0;
        let at = previous.map_or(here, |p| here.max(p + EPSILON));
        previous = Some(at);
        at
    };
    for p in &cx.points {
        xs.push(place(cx.ops[p.op].start));
    }
    let fail_x = place(cx.ops[cx.failing].start);
    (xs, fail_x)
}

/// One final path as a line of text: "p0 write 1 → 1  ·  p1 read 2 → can't
/// read 2 from register 1".
pub fn path_line(path: &Value) -> String {
    let Some(steps) = path.as_array() else {
        return String::new();
    };
    let model = |m: &Value| match (m.get("value"), m.get("msg")) {
        (Some(v), _) => super::counterexample::short(v),
        (None, Some(Value::String(msg))) => msg.clone(),
        _ => "?".into(),
    };
    let op = |o: &Value| {
        if o.is_null() {
            return "initially".to_string();
        }
        let f = o.get("f").and_then(Value::as_str).unwrap_or("?");
        let v = o
            .get("value")
            .map(super::counterexample::short)
            .unwrap_or_default();
        let p = o.get("process").map(|p| p.to_string()).unwrap_or_default();
        format!("p{p} {f} {v}")
    };
    let mut out = String::new();
    // The first step is the configuration's own: the op it linearized last
    // (none: the initial state) and the register's value then.
    for (i, s) in steps.iter().enumerate().take(STEPS) {
        let m = model(s.get("model").unwrap_or(&Value::Null));
        let sep = if i == 0 { "" } else { "  ·  " };
        let op = op(s.get("op").unwrap_or(&Value::Null));
        let _ = write!(out, "{sep}{op} → {m}");
    }
    if steps.len() > STEPS {
        let _ = write!(out, "  · … {} more", steps.len() - STEPS);
    }
    out
}

/// The picture; `analysis` is the key's Knossos map (`final-paths`).
pub fn render(cx: &Counterexample, analysis: &Value) -> String {
    let paths: Vec<&Value> = analysis
        .get("final-paths")
        .and_then(Value::as_array)
        .map(|a| a.iter().take(PATHS).collect())
        .unwrap_or_default();
    let rows_h = cx.processes.len() as f64 * ROW_H;
    let (xs, fail_x) = point_xs(cx);
    let right = xs
        .iter()
        .copied()
        .fold(fail_x, f64::max)
        .max(x(cx, cx.ranks))
        + 160.0;
    let w = right.max(LEFT + AXIS_W + 160.0).ceil();
    let paths_top = TOP + rows_h + 30.0;
    let h = (paths_top + 20.0 + (paths.len().max(1) as f64) * LINE_H + 20.0).ceil();
    let failing = &cx.ops[cx.failing];
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">"#
    );
    s.push_str(concat!(
        "<style>.op{stroke:#555;stroke-width:0.5}.op.ok{fill:#B7E4B0}.op.info{fill:#FFE9A8}",
        ".op.unplaceable{fill:#F6B1B1;stroke:#C00;stroke-width:2.5}",
        ".lin-line{stroke:#1f77b4;stroke-width:1.5;fill:none}.lin-point{stroke:#1f77b4;stroke-width:3}",
        ".lin-illegal{stroke:#C00;stroke-width:2;stroke-dasharray:4 3}.state{fill:#1f77b4;font-size:9px}",
        ".refusal{fill:#C00}.muted{fill:#666}</style>"
    ));
    let _ = write!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = write!(
        s,
        r#"<text class="title" x="10" y="18" font-size="14">{}: process {}'s {} cannot be linearized</text>"#,
        esc(&cx.key),
        failing.process,
        esc(&op_label(failing))
    );
    let _ = write!(
        s,
        r#"<text class="refusal" x="10" y="36">{}</text>"#,
        esc(&cx.refusal)
    );
    let _ = write!(
        s,
        r#"<text class="muted" x="10" y="52">longest linearizable prefix: {} of {} ops ({} before this window, {} shown); {} ops drawn, times condensed to their order</text>"#,
        cx.prefix_len,
        cx.key_ops,
        cx.prefix_before,
        cx.points.len(),
        cx.ops.len()
    );
    for &p in &cx.processes {
        let y = row_y(cx, p);
        let _ = write!(
            s,
            r#"<text class="process" x="8" y="{}">process {p}</text>"#,
            y + BOX_H / 2.0 + 4.0
        );
    }
    for (i, op) in cx.ops.iter().enumerate() {
        let y = row_y(cx, op.process);
        let x0 = x(cx, op.start);
        let width = (x(cx, op.end) - x0).max(6.0);
        let class = if i == cx.failing {
            "op unplaceable"
        } else if op.ok {
            "op ok"
        } else {
            "op info"
        };
        let done = match op.time.1 {
            Some(t) => format!("completed at {t} ns"),
            None => "indeterminate".into(),
        };
        let _ = write!(
            s,
            r#"<g data-op="{i}"><rect class="{class}" x="{x0:.1}" y="{y:.1}" width="{width:.1}" height="{BOX_H}" rx="3"><title>process {}: {} (history index {}, invoked at {} ns, {done})</title></rect><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{}</text></g>"#,
            op.process,
            esc(&op_label(op)),
            op.index,
            op.time.0,
            x0 + width / 2.0,
            y + BOX_H / 2.0 + 4.0,
            esc(&op_label(op))
        );
    }
    // The prefix: points joined by a line, the state after each above it.
    let ys: Vec<f64> = cx
        .points
        .iter()
        .map(|p| row_y(cx, cx.ops[p.op].process))
        .collect();
    if cx.points.len() > 1 {
        let pts: Vec<String> = xs
            .iter()
            .zip(&ys)
            .map(|(x, y)| format!("{x:.1},{:.1}", y + BOX_H / 2.0))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="lin-line" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (n, ((p, &px), &py)) in cx.points.iter().zip(&xs).zip(&ys).enumerate() {
        let nth = cx.prefix_before + n + 1;
        let _ = write!(
            s,
            r#"<g data-point="{n}"><line class="lin-point" x1="{px:.1}" x2="{px:.1}" y1="{:.1}" y2="{:.1}"><title>linearized #{nth}: {}; then the register holds {}</title></line><text class="state" x="{:.1}" y="{:.1}">{}</text></g>"#,
            py - 4.0,
            py + BOX_H + 4.0,
            esc(&op_label(&cx.ops[p.op])),
            esc(&p.state),
            px + 2.0,
            py - 5.0,
            esc(&p.state)
        );
    }
    // The illegal next step: to the failing op.
    let fy = row_y(cx, failing.process);
    if let (Some(&lx), Some(&ly)) = (xs.last(), ys.last()) {
        let _ = write!(
            s,
            r#"<line class="lin-illegal" x1="{lx:.1}" y1="{:.1}" x2="{fail_x:.1}" y2="{:.1}"/>"#,
            ly + BOX_H / 2.0,
            fy + BOX_H / 2.0
        );
    }
    let _ = write!(
        s,
        r#"<line class="lin-illegal" x1="{fail_x:.1}" x2="{fail_x:.1}" y1="{:.1}" y2="{:.1}"><title>{}</title></line>"#,
        fy - 4.0,
        fy + BOX_H + 4.0,
        esc(&cx.refusal)
    );
    let _ = write!(
        s,
        r#"<text x="10" y="{:.1}" font-size="12">Final paths (Knossos): a configuration just before it (its last op, the register), pending ops applied, the refusal</text>"#,
        paths_top
    );
    if paths.is_empty() {
        let _ = write!(
            s,
            r#"<text class="muted final-path" x="14" y="{:.1}">none</text>"#,
            paths_top + LINE_H
        );
    }
    for (i, p) in paths.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text class="final-path" x="14" y="{:.1}">{}</text>"#,
            paths_top + (i + 1) as f64 * LINE_H,
            esc(&path_line(p))
        );
    }
    s.push_str("</svg>");
    s
}
