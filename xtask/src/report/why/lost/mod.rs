//! `lost-elements.svg`: the elements set-full found lost or never read
//! (broadcast, g-set), each on a time axis: when it was added and through
//! which node, the reads on each node that missed it, partitions shaded,
//! and a link to `propagation.svg` (report/broadcast/) for how values
//! travelled.
//!
//! The elements come from the results map (jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/checker.clj, `set-full`: `:lost`, `:never-read`,
//! `:attempt-count`, `:stale-count`; our checkers/set_full.rs). At most
//! [`DETAILED`] are drawn, lost ones first; the rest are counted. The
//! history is read twice, one op at a time (adds and partitions, then
//! reads), and the journal once, keeping only what concerns the drawn
//! elements, each read folded into a pixel column: the picture's size and
//! the memory used are bounded whatever the history's length.

mod draw;
mod scan;
#[cfg(test)]
mod tests;

use super::{Picture, RunView};
use serde_json::Value;

/// The picture's file, in the run directory.
pub const FILE: &str = "lost-elements.svg";
/// How many elements are drawn in detail.
pub const DETAILED: usize = 8;

/// The drawer registered in `DRAWERS`.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    let Some((add_f, add_field)) = add_op(run.workload) else {
        return Ok(Vec::new());
    };
    let Some(wanted) = Wanted::from_results(run.results) else {
        return Ok(Vec::new());
    };
    let nodes = super::client_nodes::ClientNodes::of_run(run.dir);
    let found = scan::scan(run.dir, add_f, add_field, &wanted, nodes.as_ref())?;
    let svg = draw::render(run.workload, &wanted, &found);
    std::fs::write(run.dir.join(FILE), svg).map_err(|e| format!("cannot write {FILE}: {e}"))?;
    Ok(vec![Picture {
        file: FILE.into(),
        title: wanted.title(),
        anomaly: true,
        window_ns: found.window_ns(),
        nodes: found.nodes_involved(),
    }])
}

/// The workloads drawn: the client op that adds an element, and the body
/// field its request carries it in (maelstrom v0.2.3
/// src/maelstrom/workload/broadcast.clj `{:type :broadcast, :message ..}`,
/// g_set.clj `{:type :add, :element ..}`).
fn add_op(workload: &str) -> Option<(&'static str, &'static str)> {
    match workload {
        "broadcast" => Some(("broadcast", "message")),
        "g-set" => Some(("add", "element")),
        _ => None,
    }
}

/// The elements to draw and the counts the picture states.
#[derive(Debug, Default)]
pub struct Wanted {
    /// (element, "lost" | "never-read"), lost first, at most `DETAILED`.
    pub elements: Vec<(Value, &'static str)>,
    pub lost_count: u64,
    pub never_read_count: u64,
    pub attempt_count: u64,
    pub stale_count: u64,
}

impl Wanted {
    /// From the workload section of the results; None when set-full found
    /// nothing lost or never read (nothing to explain).
    pub fn from_results(results: &Value) -> Option<Wanted> {
        let w = results.get("workload")?;
        let list = |k: &str| {
            w.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let count = |k: &str| w.get(k).and_then(Value::as_u64).unwrap_or(0);
        let (lost, never) = (list("lost"), list("never-read"));
        if lost.is_empty() && never.is_empty() {
            return None;
        }
        let elements = lost
            .iter()
            .map(|v| (v.clone(), "lost"))
            .chain(never.iter().map(|v| (v.clone(), "never-read")))
            .take(DETAILED)
            .collect();
        Some(Wanted {
            elements,
            lost_count: count("lost-count").max(lost.len() as u64),
            never_read_count: count("never-read-count").max(never.len() as u64),
            attempt_count: count("attempt-count"),
            stale_count: count("stale-count"),
        })
    }

    /// The manifest's title: "12 lost, 3 never read of 40 added".
    pub fn title(&self) -> String {
        format!(
            "{} lost, {} never read of {} added",
            self.lost_count, self.never_read_count, self.attempt_count
        )
    }

    /// How many lost or never-read elements are not drawn.
    pub fn not_drawn(&self) -> u64 {
        (self.lost_count + self.never_read_count).saturating_sub(self.elements.len() as u64)
    }
}
