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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::why::test_run::write_history;
    use serde_json::json;

    /// Two requests ask for the same text; only the second got a wrong
    /// reply, so only it is drawn. A reply without `echo` is shown whole.
    #[test]
    fn each_error_claims_the_op_that_asked_and_got_it() {
        let dir = tempfile::tempdir().unwrap();
        let asked = json!("Please echo 1");
        let ops = [
            (1, 0u64, "invoke", "echo", asked.clone()),
            (2, 0, "ok", "echo", json!({"echo": "Please echo 1"})),
            (3, 1, "invoke", "echo", asked.clone()),
            (4, 1, "ok", "echo", json!({"echo": "<b>"})),
            (5, 0, "invoke", "echo", json!("Please echo 2")),
            (6, 0, "fail", "echo", json!({"code": 11})),
        ];
        write_history(dir.path(), &ops);
        let errors = json!([
            ["Expected a message with :echo", asked, "But received", {"echo": "<b>"}],
            ["Expected a message with :echo", "Please echo 2", "But received", {"code": 11}]
        ]);
        let results = json!({"valid?": false, "workload": {"errors": errors}});
        let run = RunView {
            dir: dir.path(),
            workload: "echo",
            results: &results,
        };
        let drawn = draw(&run).unwrap();
        // No run.json: no nodes named, but a window from 3 ms to 6 ms.
        assert_eq!(drawn[0].window_ns, Some((3_000_000, 6_000_000)));
        assert!(drawn[0].nodes.is_empty());
        let svg = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        roxmltree::Document::parse(&svg).expect("well-formed");
        assert!(
            svg.contains("process 1: received echo &quot;&lt;b&gt;&quot; (op 3)"),
            "{svg}"
        );
        assert!(
            svg.contains("process 0: received {&quot;code&quot;:11} (op 5)"),
            "{svg}"
        );
        assert!(!svg.contains("(op 1)"), "{svg}");
    }
}
