//! `timeline.html` for every run with a history, as Jepsen's
//! `jepsen.checker.timeline/html` writes it: see [`page`] for what is
//! drawn and [`windows`] for where it is drawn in full.
//!
//! The history is read twice, one op at a time: first for the windows
//! and its end, then to draw. Memory holds the windows, the invocations in
//! flight and the drawn boxes (at most [`page::MAX_ROWS`] rows,
//! [`page::MAX_BOX_BYTES`] bytes); the page is at most that plus a few KiB.

pub mod op_box;
pub mod page;
pub mod summary;
pub mod windows;

use super::client_nodes::ClientNodes;
use super::ops::for_each_op;
use super::{Picture, RunView};
use crate::history::{InFlight, OpType, Process};
use page::{Page, MAX_ROWS};
use serde_json::Value;
use windows::{Focus, LostElements};

/// Maelstrom's name and place (jepsen.checker.timeline/html: `(store/path!
/// test (:subdirectory opts) "timeline.html")`).
pub const FILE: &str = "timeline.html";

/// Draws `timeline.html`; nothing when the run has no history.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    let mut focus = Focus::default();
    let mut lost = LostElements::default();
    if run.results.get("valid?") != Some(&Value::Bool(true)) {
        focus.add_quoted_ops(run.results);
        lost = LostElements::from_results(run.results);
    }
    let (mut end, mut events) = (0u64, 0usize);
    let mut open = InFlight::default();
    let has_history = for_each_op(run.dir, |op| {
        end = end.max(op.time);
        events += 1;
        // Client ops only: the nemesis's are :info by design.
        if !op.process.is_client() {
            return;
        }
        lost.visit(op, &mut focus);
        let invoked = open.pair(op, |o| o.time);
        if matches!(op.kind, OpType::Fail | OpType::Info) {
            invoked.into_iter().for_each(|t| focus.add(t));
            focus.add(op.time);
        }
    })?;
    if !has_history {
        return Ok(vec![]);
    }
    // A history that fits is drawn whole; a long one with nothing to look
    // at is drawn from its start until the rows run out, as Jepsen's
    // `op-limit` does.
    let windows = if events <= MAX_ROWS || focus.is_empty() {
        vec![(0, end)]
    } else {
        focus.windows()
    };
    // An invalid run's first window and the nodes its clients talked to:
    // what why.json gives the results browser if no drawer shows the
    // failure (`write_why_pictures` then promotes this page).
    let invalid = run.results.get("valid?") != Some(&Value::Bool(true));
    let first = focus.windows().first().copied().filter(|_| invalid);
    let mut processes = Vec::new();
    let mut page = Page::new(&windows, end);
    for_each_op(run.dir, |op| {
        if let (Some((a, b)), Process::Client(p)) = (first, op.process) {
            if a <= op.time && op.time <= b && !processes.contains(&p) {
                processes.push(p);
            }
        }
        page.push(op)
    })?;
    let html = page.finish(&format!("{} timeline", run.workload));
    std::fs::write(run.dir.join(FILE), html).map_err(|e| format!("cannot write {FILE}: {e}"))?;
    Ok(vec![Picture {
        file: FILE.into(),
        title: "Timeline: every operation by process".into(),
        anomaly: false,
        window_ns: first,
        nodes: ClientNodes::of_run(run.dir).map_or(vec![], |c| c.nodes_of(&processes)),
    }])
}

#[cfg(test)]
mod tests;
