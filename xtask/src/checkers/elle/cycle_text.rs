//! Elle's text for a cycle (`elle.core/render-cycle-explanation`, v0.1.6):
//! "Let: T1 = ... Then: - T1 < T2, because ...: a contradiction!". The
//! skeleton, the op printing and the realtime / process steps are the same
//! for every transactional checker; each checker's data explainers word
//! their own steps.

use crate::edn::pr_str;
use serde_json::Value;

/// A checker's wording of a data step (`render-explanation`), or `None` for
/// a type it does not explain.
pub type StepText = fn(&Value, &str, &str) -> Option<String>;

/// The text for a rendered `{cycle, steps}`.
pub fn render(rendered: &Value, data_step: StepText) -> String {
    let cycle = rendered["cycle"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let steps = rendered["steps"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let n = cycle.len().saturating_sub(1);
    let mut s = String::from("Let:\n");
    let lets: Vec<String> = (0..n)
        .map(|i| format!("  T{} = {}", i + 1, op_text(&cycle[i])))
        .collect();
    s.push_str(&lets.join("\n"));
    s.push_str("\n\nThen:\n");
    for (i, st) in steps.iter().enumerate() {
        let (a, b) = (
            format!("T{}", i + 1),
            format!("T{}", (i + 1) % n.max(1) + 1),
        );
        let why = data_step(st, &a, &b).unwrap_or_else(|| order_step_text(st, &a, &b));
        if i + 1 == steps.len() {
            s.push_str(&format!(
                "  - However, {a} < {b}, because {why}: a contradiction!"
            ));
        } else {
            s.push_str(&format!("  - {a} < {b}, because {why}.\n"));
        }
    }
    s
}

/// `RealtimeExplainer` / `ProcessExplainer` wording.
fn order_step_text(st: &Value, a: &str, b: &str) -> String {
    match st["type"].as_str().unwrap_or("") {
        "realtime" => {
            let (ai, bi) = (&st["a'"]["index"], &st["b"]["index"]);
            let (at, bt) = (st["a'"]["time"].as_u64(), st["b"]["time"].as_u64());
            let gap = match (at, bt) {
                (Some(x), Some(y)) if y > x => format!(" {:.3} seconds", (y - x) as f64 / 1e9),
                _ => " just".to_string(),
            };
            format!("{a} completed at index {ai},{gap} before the invocation of {b}, at index {bi}")
        }
        "process" => format!("process {} executed {a} before {b}", st["process"]),
        other => format!("of a {other} dependency"),
    }
}

/// An op as Elle prints it: `{:index 3, :time 12, :type :ok, :process 0, :f :txn, :value [[:r 9 [1 2]] [:append 9 3]]}`.
fn op_text(op: &Value) -> String {
    let mops: Vec<String> = op["value"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let f = m[0].as_str().unwrap_or("?");
            format!("[:{f} {} {}]", pr_str(&m[1]), pr_str(&m[2]))
        })
        .collect();
    format!(
        "{{:index {}, :time {}, :type :{}, :process {}, :f :{}, :value [{}]}}",
        op["index"],
        op["time"],
        op["type"].as_str().unwrap_or("?"),
        op["process"],
        op["f"].as_str().unwrap_or("?"),
        mops.join(" ")
    )
}
