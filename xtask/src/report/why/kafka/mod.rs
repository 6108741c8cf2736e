//! `orders/<key>.svg`: for each key the kafka checker found an anomaly in,
//! the offsets every :ok send and poll of that key saw, one row per op in
//! history order, with the anomaly's cells in red and its explanation in
//! text. Jepsen draws the same per key (jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/tests/kafka.clj, `render-order-viz!`: "for each key
//! with certain errors renders an HTML timeline of how each operation
//! perceived that key's log", written to `(store/path! test "orders" (if
//! (integer? k) (format "%03d.svg" k) (str k ".svg")))` from `key-order-viz`:
//! `offset->x (fn [offset] (* offset 24))`, a row per op, over `(filter
//! (comp #{:ok} :type) history)`); we use its file names and layout, and
//! mark every error kind (fidelity X38), where Jepsen picks keys only for
//! `[:inconsistent-offsets :duplicate :lost-write]` and `:unseen` and marks
//! none of them but by colour.
//!
//! Bounded: at most [`MAX_KEYS`] keys, and per key the rows of the
//! anomaly's ops, the rows between them up to [`MAX_ROWS`], and
//! [`CONTEXT`] rows either side; the history is read once.

mod draw;
mod marks;
mod rows;
#[cfg(test)]
mod tests;

use super::{Picture, RunView};
use marks::Mark;
use serde_json::Value;

/// Keys drawn; the rest are counted in each picture.
pub const MAX_KEYS: usize = 10;
/// Rows drawn per key, anomaly rows first.
pub const MAX_ROWS: usize = 120;
/// Rows of context before the first and after the last anomaly row.
pub const CONTEXT: usize = 4;

/// The drawer registered in `DRAWERS`.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    if run.workload != "kafka" {
        return Ok(Vec::new());
    }
    let Some(section) = run.results.get("workload") else {
        return Ok(Vec::new());
    };
    let (keys, more_keys) = marks::by_key(section, MAX_KEYS);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let key_names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let marks: Vec<&[Mark]> = keys.iter().map(|(_, m)| m.as_slice()).collect();
    let logs = rows::scan(run.dir, &key_names, &marks)?;
    let nodes = super::client_nodes::ClientNodes::of_run(run.dir);
    let dir = run.dir.join("orders");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create orders/: {e}"))?;
    let mut pictures = Vec::new();
    for ((key, marks), log) in keys.iter().zip(&logs) {
        let file = format!("orders/{}", file_name(key));
        let svg = draw::render(key, marks, log, more_keys);
        std::fs::write(run.dir.join(&file), svg)
            .map_err(|e| format!("cannot write {file}: {e}"))?;
        let mut kinds: Vec<&str> = marks.iter().map(|m| m.kind.as_str()).collect();
        kinds.dedup();
        pictures.push(Picture {
            file,
            title: format!("key {key}: {}", kinds.join(", ")),
            anomaly: true,
            window_ns: marks::window(marks, &log.marked_at),
            nodes: marks::nodes(marks, &log.marked_at, nodes.as_ref()),
        });
    }
    Ok(pictures)
}

/// Jepsen's name: `%03d.svg` for an integer key, else `<key>.svg`. Our
/// keys are the history's texts ("9", as Maelstrom's JSON carries them),
/// so an all-digit key is padded; any other character than a letter, a
/// digit, `-` or `_` becomes `_` (a key comes from the history).
pub fn file_name(key: &str) -> String {
    if let Ok(n) = key.parse::<u64>() {
        return format!("{n:03}.svg");
    }
    let safe: String = key
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.svg")
}

/// A key as the history writes it: a string as is, anything else as JSON.
pub fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
