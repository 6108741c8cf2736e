//! list-append's `incompatible-order`: every `:ok` read of the key, as
//! Elle's page shows them (elle v0.1.6 src/elle/list_append.clj,
//! `render-incompatible-orders!`, written to
//! `(io/file directory "incompatible-order" (str (pr-str k) ".html"))`, and
//! `incompatible-order-viz`: a table "All Reads of <key>" with Index, Time
//! (s), Process, Fun and one cell per element, a cell whose element differs
//! from the longest read's at that position given a background colour).
//!
//! Here the rows are bounded (the first [`MAX_ROWS`] reads, plus the reads
//! that equal either of the two the checker names, marked), each at most
//! [`MAX_CELLS`] elements, and the page opens with the two reads that
//! disagree. The history is read once, line by line.

use super::diagram::cut;
use crate::edn::pr_str;
use crate::history::{Op, OpType};
use crate::report::svg::{colour, esc};
use crate::report::why::client_nodes::ClientNodes;
use crate::report::why::ops::for_each_op;
use crate::report::why::Picture;
use serde_json::Value;
use std::fmt::Write;
use std::path::Path;

/// Reads listed per key.
pub const MAX_ROWS: usize = 200;
/// Reads equal to one of the disagreeing two, listed besides those.
const MAX_MARKED: usize = 8;
/// Elements shown per read.
pub const MAX_CELLS: usize = 64;
/// Characters per element cell.
const CELL_CHARS: usize = 24;

/// One `:ok` read of the key.
struct ReadRow {
    index: u64,
    time: u64,
    process: Value,
    /// The first `MAX_CELLS` elements.
    elems: Vec<Value>,
    len: usize,
    /// Equal to one of the two reads the checker names.
    disagrees: bool,
}

/// What one case's page needs from the history.
struct KeyReads<'a> {
    key: &'a Value,
    pair: [&'a Value; 2],
    rows: Vec<ReadRow>,
    marked_beyond: usize,
    hidden: usize,
    /// The longest read's first `MAX_CELLS` elements.
    longest: Vec<Value>,
    longest_len: usize,
}

impl KeyReads<'_> {
    fn observe(&mut self, op: &Op, list: &Value) {
        let elems = list.as_array().map(Vec::as_slice).unwrap_or(&[]);
        let disagrees = self.pair.contains(&list);
        if elems.len() > self.longest_len {
            self.longest_len = elems.len();
            self.longest = elems.iter().take(MAX_CELLS).cloned().collect();
        }
        let room = if self.rows.len() < MAX_ROWS {
            true
        } else if disagrees && self.marked_beyond < MAX_MARKED {
            self.marked_beyond += 1;
            true
        } else {
            false
        };
        if !room {
            self.hidden += 1;
            return;
        }
        self.rows.push(ReadRow {
            index: op.index as u64,
            time: op.time,
            process: serde_json::to_value(op.process).unwrap_or(Value::Null),
            elems: elems.iter().take(MAX_CELLS).cloned().collect(),
            len: elems.len(),
            disagrees,
        });
    }
}

/// Draws a page per case (at most `max`) whose key can name a file.
pub fn draw(
    dir: &Path,
    cases: &[Value],
    max: usize,
    cluster: Option<&ClientNodes>,
) -> Result<Vec<Picture>, String> {
    let mut keys: Vec<(String, KeyReads)> = Vec::new();
    for case in cases {
        if keys.len() >= max {
            break;
        }
        let (Some(key), Some([a, b])) = (
            case.get("key"),
            case.get("values")
                .and_then(Value::as_array)
                .map(Vec::as_slice),
        ) else {
            continue;
        };
        let name = pr_str(key);
        let safe = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !safe || keys.iter().any(|(n, _)| *n == name) {
            continue;
        }
        keys.push((
            name,
            KeyReads {
                key,
                pair: [a, b],
                rows: Vec::new(),
                marked_beyond: 0,
                hidden: 0,
                longest: Vec::new(),
                longest_len: 0,
            },
        ));
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    read_history(dir, &mut keys);
    let node_of = |p: &Value| {
        let (c, p) = cluster.zip(p.as_u64())?;
        Some(c.node_of(p).to_string())
    };
    let mut pictures = Vec::new();
    for (name, reads) in &keys {
        let file = format!("elle/incompatible-order/{name}.html");
        let path = dir.join(&file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, page(reads, &node_of))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let marked = reads.rows.iter().filter(|r| r.disagrees);
        let times: Vec<u64> = marked.clone().map(|r| r.time).collect();
        let mut nodes: Vec<String> = marked.filter_map(|r| node_of(&r.process)).collect();
        nodes.sort();
        nodes.dedup();
        pictures.push(Picture {
            file,
            title: format!("incompatible-order: key {}", cut(name, 24)),
            anomaly: true,
            window_ns: times.iter().min().copied().zip(times.iter().max().copied()),
            nodes,
        });
    }
    Ok(pictures)
}

/// One pass over history.jsonl: each `:ok` op's reads of the keys.
/// Lines that do not parse are skipped.
fn read_history(dir: &Path, keys: &mut [(String, KeyReads)]) {
    // A history that ends early or has a bad line gives the reads before
    // it: the page is context for the checker's verdict, not a verdict.
    let _ = for_each_op(dir, |op| {
        if op.kind != OpType::Ok {
            return;
        }
        for mop in op.value.as_array().into_iter().flatten() {
            if mop[0] != "r" {
                continue;
            }
            if let Some((_, reads)) = keys.iter_mut().find(|(_, r)| *r.key == mop[1]) {
                reads.observe(op, &mop[2]);
            }
        }
    });
}

/// A colour per element, as Elle's `rand-bg-color` gives one per element.
fn elem_colour(e: &Value) -> &'static str {
    let h = pr_str(e)
        .bytes()
        .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    colour(h)
}

fn cells(elems: &[Value], len: usize, longest: &[Value]) -> String {
    let mut s = String::new();
    for (i, e) in elems.iter().enumerate() {
        let text = esc(&cut(&pr_str(e), CELL_CHARS));
        if longest.get(i) == Some(e) {
            let _ = write!(s, "<td>{text}</td>");
        } else {
            let _ = write!(
                s,
                r#"<td class="differs" style="background: {}33">{text}</td>"#,
                elem_colour(e)
            );
        }
    }
    if len > elems.len() {
        let _ = write!(s, r#"<td class="more">… {} more</td>"#, len - elems.len());
    }
    s
}

fn page(r: &KeyReads, node_of: &dyn Fn(&Value) -> Option<String>) -> String {
    let key = esc(&cut(&pr_str(r.key), CELL_CHARS));
    let list = |v: &Value| esc(&cut(&pr_str(v), 200));
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>incompatible-order: key {key}</title>\
         <style>body {{ font-family: sans-serif; }} th {{ text-align: left; }} \
         td, th {{ padding: 1px 6px; font-family: monospace; }} tr.disagrees {{ outline: 2px solid #A50053; }} \
         td.more {{ color: gray; font-style: italic; }}</style></head><body>"
    );
    let _ = write!(s, "<h1>All reads of {key}</h1>");
    let _ = write!(
        s,
        "<p>Elle found two reads of key {key} that no single order of appends explains: \
         neither is a prefix of the other.</p><ul><li><code>{}</code></li><li><code>{}</code></li></ul>\
         <p>Below, every <code>:ok</code> read of the key in history order (Elle's table); reads equal \
         to one of those two are outlined, and an element that differs from the longest read's at \
         that position is coloured.</p>",
        list(r.pair[0]),
        list(r.pair[1])
    );
    s.push_str(
        "<table><thead><tr><th>Index</th><th>Time (s)</th><th>Process</th><th>Node</th>\
         <th>Value</th></tr></thead><tbody>",
    );
    for row in &r.rows {
        let class = if row.disagrees {
            " class=\"disagrees\""
        } else {
            ""
        };
        let _ = write!(
            s,
            "<tr{class}><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td>{}</tr>",
            row.index,
            row.time as f64 / 1e9,
            esc(&cut(&pr_str(&row.process), CELL_CHARS)),
            esc(&node_of(&row.process).unwrap_or_default()),
            cells(&row.elems, row.len, &r.longest)
        );
    }
    s.push_str("</tbody></table>");
    if r.hidden > 0 {
        let _ = write!(s, "<p>… and {} more reads of this key.</p>", r.hidden);
    }
    s.push_str("</body></html>\n");
    s
}
