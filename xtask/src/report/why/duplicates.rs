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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::why::test_run::{write_history, write_run_json};
    use serde_json::{json, Value};

    fn run(dir: &std::path::Path, results: &Value) -> Result<Vec<Picture>, String> {
        draw(&RunView {
            dir,
            workload: "unique-ids",
            results,
        })
    }

    /// 100 000 ops: 50 000 generates, every id returned twice (by processes
    /// 0 and 1, nodes n0 and n1): the picture draws MAX_IDS ids of MAX_OPS
    /// ops at most and stays small.
    #[test]
    fn a_100_000_op_history_gives_a_bounded_picture() {
        let dir = tempfile::tempdir().unwrap();
        write_run_json(
            dir.path(),
            &["-w", "unique-ids", "--bin", "x", "--node-count", "2"],
        );
        let mut ops = Vec::new();
        for i in 0..50_000u64 {
            let (p, id) = (i % 2, json!(i / 2));
            ops.push((i, p, "invoke", "generate", Value::Null));
            ops.push((i, p, "ok", "generate", id));
        }
        write_history(dir.path(), &ops);
        let listed: serde_json::Map<String, Value> =
            (0..48).map(|i: u64| (i.to_string(), json!(2))).collect();
        let results = json!({"valid?": false, "workload": {"duplicated": listed}});
        let drawn = run(dir.path(), &results).unwrap();
        assert_eq!(drawn[0].nodes, ["n0", "n1"]);
        assert_eq!(drawn[0].title, "id 0 returned more than once");
        let svg = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        roxmltree::Document::parse(&svg).expect("well-formed");
        assert!(svg.len() < 20_000, "{} bytes", svg.len());
        assert!(
            svg.contains("process 1 on n1: generate_ok 0 (op 3)"),
            "{svg}"
        );
        assert!(svg.contains("… and 36 more not drawn"));
    }

    #[test]
    fn nothing_is_drawn_without_duplicates_and_a_missing_history_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let valid = json!({"valid?": true, "workload": {"duplicated": {}}});
        assert_eq!(run(dir.path(), &valid), Ok(vec![]));
        let invalid = json!({"valid?": false, "workload": {"duplicated": {"1": 2}}});
        let err = run(dir.path(), &invalid).unwrap_err();
        assert!(err.ends_with("has no history.jsonl"), "{err}");
        assert!(!dir.path().join(FILE).exists());
    }
}
