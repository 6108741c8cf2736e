//! `duplicates.svg` for unique-ids: each id the checker lists as
//! `duplicated` (at most [`MAX_IDS`]), with the ops that returned it (at
//! most [`MAX_OPS`] each): process, node, and a bar from invocation to
//! completion on one time axis.

use super::op_rows::{self, Group, MarkedOp};
use super::ops::{cut, for_each_op, must_exist};
use super::{Picture, RunView};
use crate::checkers::value_order::identity_key;
use crate::history::{InFlight, OpType, Process};
use std::collections::HashMap;

pub const FILE: &str = "duplicates.svg";
/// Ids drawn; the rest are counted.
pub const MAX_IDS: usize = 12;
/// Ops drawn per id; the rest are counted.
pub const MAX_OPS: usize = 6;

/// Draws `duplicates.svg` when the unique-ids checker found duplicates.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    let listed = match run.results["workload"]["duplicated"].as_object() {
        Some(m) if run.workload == "unique-ids" && !m.is_empty() => m,
        _ => return Ok(Vec::new()),
    };
    // The checker's keys are the ids' identity keys (checkers/unique_ids.rs:
    // `identity_key(&v)`), so an op's value is matched by the same key.
    let mut groups: Vec<Group> = listed
        .keys()
        .take(MAX_IDS)
        .map(|k| Group {
            label: format!("id {k}"),
            ..Group::default()
        })
        .collect();
    let slot: HashMap<String, usize> = listed.keys().take(MAX_IDS).cloned().zip(0..).collect();
    let mut open = InFlight::default();
    let found = for_each_op(run.dir, |op| {
        let Process::Client(p) = op.process else {
            return;
        };
        let invoked = open.pair(op, |o| o.time);
        let (Some(invoked), OpType::Ok, "generate") = (invoked, op.kind, op.f.as_str()) else {
            return;
        };
        let Some(&i) = slot.get(&identity_key(&op.value)) else {
            return;
        };
        let g = &mut groups[i];
        if g.ops.len() == MAX_OPS {
            g.more += 1;
            return;
        }
        g.ops.push(MarkedOp {
            process: p,
            invoked,
            completed: op.time,
            text: format!("generate_ok {} (op {})", op.value, op.index),
        });
    })?;
    must_exist(found, run.dir)?;
    let heading = format!("unique-ids: {} duplicated ids", listed.len());
    let first = listed.keys().next().map_or("", String::as_str);
    let title = format!("id {} returned more than once", cut(first, 40));
    let more = listed.len().saturating_sub(MAX_IDS);
    op_rows::write(run.dir, FILE, (heading, title), &groups, more)
}
