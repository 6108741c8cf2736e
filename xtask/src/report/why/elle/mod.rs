//! Elle's anomalies as pictures, for txn-rw-register and txn-list-append
//! runs: each reported cycle (G0, G1c, G-single, G2-item, ... and their
//! -process / -realtime forms) as `elle/<anomaly>/<n>.svg`, and the direct
//! cases that involve a few ops (G1a, G1b, internal, dirty-update) as small
//! pictures of those ops under the same layout; list-append's
//! incompatible orders as Elle's page of the key's reads (`orders.rs`).
//!
//! The file layout is Elle's: jepsen 0.3.1 jepsen/src/jepsen/tests/cycle/
//! wr.clj and append.clj, `checker`, pass `(store/path! test (:subdirectory
//! checker-opts) "elle")` as `:directory`, and elle v0.1.6 src/elle/txn.clj,
//! `cycles!`, plots each reportable cycle type there:
//! `(viz/plot-analysis! (assoc analysis :sccs sccs) (io/file d (name type))
//! opts)`, where `save-dot!` names the i-th `(str i ".svg")`. Elle has no
//! pictures of G1a / G1b; they take the same layout here (`elle/G1a/0.svg`).
//!
//! What is drawn comes from the anomaly entries of the results map, which
//! carry the checker's own data (each cycle's ops, and each step's type,
//! key, values and micro-op positions): nothing is re-parsed from text.
//! At most [`MAX_PER_TYPE`] pictures per anomaly type, each bounded
//! (`diagram.rs`). Elle plots every cycle, skipping any whose Graphviz
//! input exceeds 65536 bytes (`save-dot!`, `:max-plot-bytes`).
//! fidelity X37: at most 8 pictures per type, no Graphviz, no `sccs/`.

mod arrows;
mod boxes;
mod context;
mod diagram;
mod figure;
mod orders;
#[cfg(test)]
mod tests;

use super::client_nodes::ClientNodes;
use super::{Picture, RunView};
use figure::Figure;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Pictures drawn per anomaly type.
pub const MAX_PER_TYPE: usize = 8;

/// The drawer registered in `DRAWERS`.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    if !matches!(run.workload, "txn-rw-register" | "txn-list-append") {
        return Ok(Vec::new());
    }
    let Some(anomalies) = run.results["workload"]["anomalies"].as_object() else {
        return Ok(Vec::new());
    };
    let figures = figures(anomalies);
    let cluster = ClientNodes::of_run(run.dir);
    let mut pictures = Vec::new();
    let wanted: HashSet<u64> = figures
        .iter()
        .flat_map(|(_, _, f)| f.ops().filter_map(|op| op["index"].as_u64()))
        .collect();
    let invoked = context::invoke_times(run.dir, &wanted);
    let node_of = |op: &Value| {
        let c = cluster.as_ref()?;
        Some(c.node_of(op["process"].as_u64()?).to_string())
    };
    for (kind, n, fig) in &figures {
        let subtitle = |op: &Value| {
            let node = node_of(op).map(|n| format!(" on {n}")).unwrap_or_default();
            format!(
                "process {}{node}, :{}",
                crate::edn::pr_str(&op["process"]),
                op["type"].as_str().unwrap_or("?")
            )
        };
        let svg = diagram::render(fig, &subtitle);
        let file = format!("elle/{kind}/{n}.svg");
        write(run.dir, &file, &svg)?;
        let start = fig
            .ops()
            .filter_map(|op| {
                let i = op["index"].as_u64()?;
                invoked.get(&i).copied().or(op["time"].as_u64())
            })
            .min();
        let end = fig.ops().filter_map(|op| op["time"].as_u64()).max();
        let nodes: BTreeSet<String> = fig.ops().filter_map(node_of).collect();
        pictures.push(Picture {
            file,
            title: fig.title.clone(),
            anomaly: true,
            window_ns: start.zip(end),
            nodes: nodes.into_iter().collect(),
        });
    }
    // After the cycles, which explain more.
    if let Some(cases) = anomalies
        .get("incompatible-order")
        .and_then(Value::as_array)
    {
        pictures.extend(orders::draw(
            run.dir,
            cases,
            MAX_PER_TYPE,
            cluster.as_ref(),
        )?);
    }
    Ok(pictures)
}

/// The figures to draw: per anomaly type (results map order), the first
/// [`MAX_PER_TYPE`] entries that make one, each numbered by its position
/// in the type's list (Elle's `map-indexed`).
fn figures(anomalies: &serde_json::Map<String, Value>) -> Vec<(&str, usize, Figure<'_>)> {
    let mut out = Vec::new();
    for (kind, entries) in anomalies {
        // The type names a directory: only Elle's spelling of names passes.
        if kind.is_empty()
            || kind.len() > 64
            || !kind
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            continue;
        }
        let Some(list) = entries.as_array() else {
            continue;
        };
        let drawn = list.iter().enumerate().filter_map(|(n, entry)| {
            let fig = match kind.as_str() {
                "G1a" | "G1b" => figure::read_case(kind, n, entry),
                "internal" => figure::internal(n, entry),
                "dirty-update" => figure::dirty_update(n, entry),
                // A page of its own (orders.rs).
                "incompatible-order" => None,
                _ => figure::cycle(kind, n, entry),
            };
            fig.map(|f| (kind.as_str(), n, f))
        });
        out.extend(drawn.take(MAX_PER_TYPE));
    }
    out
}

fn write(dir: &Path, file: &str, text: &str) -> Result<(), String> {
    let path = dir.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
