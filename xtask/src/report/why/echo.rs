//! `echo-errors.svg` for echo: each reply the checker lists in `errors`
//! (at most [`MAX_ERRORS`]): what was asked, what came back, and the op's
//! process, node and time on one axis.

use super::op_rows::{self, Group, MarkedOp};
use super::ops::{cut, for_each_op, must_exist};
use super::{Picture, RunView};
use crate::history::{InFlight, OpType, Process};
use serde_json::Value;

pub const FILE: &str = "echo-errors.svg";
/// Errors drawn; the rest are counted.
pub const MAX_ERRORS: usize = 12;

/// Draws `echo-errors.svg` when the echo checker found wrong replies.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    let errors = match run.results["workload"]["errors"].as_array() {
        Some(e) if run.workload == "echo" && !e.is_empty() => e,
        _ => return Ok(Vec::new()),
    };
    // Each error is the checker's `["Expected a message with :echo" asked
    // "But received" got]` (workloads/echo.rs); it names no op, so the op
    // is the first completion, not yet claimed, that asked and got those.
    let wanted: Vec<(&Value, &Value)> = errors
        .iter()
        .take(MAX_ERRORS)
        .map(|e| (&e[1], &e[3]))
        .collect();
    let mut groups: Vec<Group> = wanted
        .iter()
        .map(|(asked, _)| Group {
            label: format!("asked to echo {asked}"),
            ..Group::default()
        })
        .collect();
    let mut open = InFlight::default();
    let found = for_each_op(run.dir, |op| {
        let Process::Client(p) = op.process else {
            return;
        };
        let Some((invoked, asked)) = open.pair(op, |o| (o.time, o.value.clone())) else {
            return;
        };
        if !matches!(op.kind, OpType::Ok | OpType::Fail) {
            return;
        }
        let claim = wanted
            .iter()
            .zip(groups.iter_mut())
            .find(|((a, got), g)| g.ops.is_empty() && **a == asked && **got == op.value);
        if let Some((_, g)) = claim {
            g.ops.push(MarkedOp {
                process: p,
                invoked,
                completed: op.time,
                text: format!("{} (op {})", received(&op.value), op.index),
            });
        }
    })?;
    must_exist(found, run.dir)?;
    let heading = format!("echo: {} replies that do not echo", errors.len());
    let title = format!(
        "a reply that does not echo {}",
        cut(&wanted[0].0.to_string(), 40)
    );
    let more = errors.len().saturating_sub(MAX_ERRORS);
    op_rows::write(run.dir, FILE, (heading, title), &groups, more)
}

/// What came back: the reply's `echo` when it has one (the thing that is
/// wrong), else the whole completion value.
fn received(value: &Value) -> String {
    match value.get("echo") {
        Some(echo) => format!("received echo {echo}"),
        None => format!("received {value}"),
    }
}
