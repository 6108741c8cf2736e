//! `linear.html`: the interactive page of one key's counterexample, in the
//! spirit of Porcupine's visualizer (porcupine visualization/index.html and
//! index.js: the history with the partial linearization drawn over it, a
//! tooltip with an op's details and the model's state; "If the history is
//! not linearizable, the visualization shows partial linearizations and
//! illegal linearization points", visualization.go `Visualize`).
//!
//! The picture is `linear.svg`'s, inline. Clicking an op shows, beside it,
//! its process, value, times and, when the prefix linearized it, its place
//! in the prefix and the register's state after it. The candidate model
//! states at the moment of failure (Knossos's `configs`) and the final paths
//! are one click away, in `<details>`; the key's whole Knossos map is
//! embedded as JSON (a config's pending ops cut to `PENDING`).
//!
//! Self-contained: no fetch, no framework. Every string from the history
//! is escaped; JSON inside `<script>` has `<`, `>` and `&` as `\u003c`...
//! so a value holding `</script>` cannot end the script.

use super::counterexample::{op_label, short, Counterexample};
use crate::report::svg::esc;
use serde_json::{json, Value};
use std::fmt::Write;

/// Pending ops kept per configuration in the embedded map and the table.
pub const PENDING: usize = 20;

/// JSON safe inside a `<script>` element.
pub fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The Knossos map with each configuration's pending ops cut to `PENDING`
/// (`pending-count` says how many there were).
pub fn trimmed(analysis: &Value) -> Value {
    let mut a = analysis.clone();
    if let Some(configs) = a.get_mut("configs").and_then(Value::as_array_mut) {
        for c in configs {
            if let Some(Value::Array(p)) = c.get_mut("pending") {
                let n = p.len();
                if n > PENDING {
                    p.truncate(PENDING);
                    c["pending-count"] = json!(n);
                }
            }
        }
    }
    a
}

fn op_text(o: &Value) -> String {
    let f = o.get("f").and_then(Value::as_str).unwrap_or("?");
    let v = o.get("value").map(short).unwrap_or_default();
    let p = o.get("process").map(|p| p.to_string()).unwrap_or_default();
    format!("p{p} {f} {v}")
}

fn configs_table(analysis: &Value) -> String {
    let mut s = String::from(
        "<table class=\"configs\"><tr><th>register holds</th><th>last op linearized</th><th>pending ops</th></tr>",
    );
    let configs = analysis.get("configs").and_then(Value::as_array);
    for c in configs.into_iter().flatten() {
        let model = c
            .get("model")
            .and_then(|m| m.get("value"))
            .map(short)
            .unwrap_or_default();
        let last = c.get("last-op").map(op_text).unwrap_or_default();
        let pending: Vec<String> = c
            .get("pending")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(PENDING)
            .map(op_text)
            .collect();
        let more = c
            .get("pending")
            .and_then(Value::as_array)
            .map_or(0, |p| p.len().saturating_sub(PENDING));
        let more = if more > 0 {
            format!(", … {more} more")
        } else {
            String::new()
        };
        let _ = write!(
            s,
            "<tr class=\"config\"><td>{}</td><td>{}</td><td>{}{}</td></tr>",
            esc(&model),
            esc(&last),
            esc(&pending.join(", ")),
            more
        );
    }
    s.push_str("</table>");
    s
}

/// The ops as the page's script reads them.
fn ops_json(cx: &Counterexample) -> Value {
    let mut lin: Vec<Option<(usize, &str)>> = vec![None; cx.ops.len()];
    for (n, p) in cx.points.iter().enumerate() {
        lin[p.op] = Some((cx.prefix_before + n + 1, &p.state));
    }
    let ops: Vec<Value> = cx
        .ops
        .iter()
        .zip(&lin)
        .map(|(o, l)| {
            json!({
                "process": o.process, "op": op_label(o), "index": o.index,
                "invoked-ns": o.time.0, "completed-ns": o.time.1,
                "linearized": l.map(|(n, _)| n), "state": l.map(|(_, s)| s),
            })
        })
        .collect();
    json!({"ops": ops, "failing": cx.failing, "refusal": cx.refusal})
}

const SCRIPT: &str = r#"
const data = JSON.parse(document.getElementById('ops').textContent);
const panel = document.getElementById('detail');
function show(i) {
  const o = data.ops[i];
  document.querySelectorAll('g[data-op] rect').forEach(r => r.classList.remove('picked'));
  document.querySelector('g[data-op="' + i + '"] rect').classList.add('picked');
  let text = 'process ' + o.process + ': ' + o.op + '\nhistory index ' + o.index +
    ', invoked at ' + o['invoked-ns'] + ' ns, ' +
    (o['completed-ns'] === null ? 'indeterminate' : 'completed at ' + o['completed-ns'] + ' ns');
  if (o.linearized !== null) {
    text += '\nlinearized #' + o.linearized + ' of the prefix; then the register holds ' + o.state;
  } else if (i === data.failing) {
    text += '\ncannot be linearized: ' + data.refusal;
  } else {
    text += '\nnot in the prefix';
  }
  panel.textContent = text;
}
document.querySelectorAll('g[data-op]').forEach(g => {
  g.style.cursor = 'pointer';
  g.addEventListener('click', () => show(Number(g.dataset.op)));
  g.addEventListener('mouseenter', () => show(Number(g.dataset.op)));
});
show(data.failing);
"#;

/// The page; `svg` is `linear.svg`'s text, `analysis` the key's Knossos map.
pub fn render(cx: &Counterexample, svg: &str, analysis: &Value) -> String {
    let mut s = String::new();
    let title = format!("{}: not linearizable", cx.key);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title>",
        esc(&title)
    );
    s.push_str(concat!(
        "<style>body{font-family:sans-serif;margin:1em}#detail{white-space:pre-wrap;",
        "background:#f4f4f4;padding:.5em;border-left:4px solid #C00;min-height:3em}",
        ".picked{stroke:#000 !important;stroke-width:2.5 !important}",
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;",
        "font-size:12px;text-align:left}.scroll{overflow-x:auto}</style></head><body>"
    ));
    let _ = write!(s, "<h1>{}</h1>", esc(&title));
    s.push_str(
        "<p>Point at or click an op for its details. The blue line is the longest linearizable prefix the \
         search found (its linearization points, the register's state after each); the red op \
         is the one no order lets take effect.</p>",
    );
    let _ = write!(s, "<div class=\"scroll\">{svg}</div>");
    s.push_str("<div id=\"detail\"></div>");
    let count = analysis
        .get("configs-count")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let _ = write!(
        s,
        "<details><summary>Candidate states just before it ({count} configurations, Knossos's configs)</summary>{}</details>",
        configs_table(analysis)
    );
    s.push_str("<details><summary>Final paths</summary><ol class=\"final-paths\">");
    let paths = analysis.get("final-paths").and_then(Value::as_array);
    for p in paths.into_iter().flatten() {
        let _ = write!(s, "<li>{}</li>", esc(&super::svg::path_line(p)));
    }
    s.push_str("</ol></details>");
    s.push_str("<details><summary>The key's result map (JSON)</summary><pre id=\"analysis-text\"></pre></details>");
    let _ = write!(
        s,
        "<script type=\"application/json\" id=\"analysis\">{}</script>",
        script_json(&trimmed(analysis))
    );
    let _ = write!(
        s,
        "<script type=\"application/json\" id=\"ops\">{}</script>",
        script_json(&ops_json(cx))
    );
    let _ = write!(
        s,
        "<script>{SCRIPT}document.getElementById('analysis-text').textContent = JSON.stringify(JSON.parse(document.getElementById('analysis').textContent), null, 1);</script>"
    );
    s.push_str("</body></html>\n");
    s
}
