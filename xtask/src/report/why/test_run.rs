//! Run directories for the drawers' unit tests: run.json holding a command
//! line, history.jsonl from op rows.

use serde::Serialize;
use serde_json::json;
use std::path::Path;

pub const MS: u64 = 1_000_000;

/// `dir/run.json` with `args` as the run's command line.
pub fn write_run_json(dir: &Path, args: &[&str]) {
    let run = json!({ "args": args });
    std::fs::write(dir.join("run.json"), run.to_string()).unwrap();
}

/// `dir/history.jsonl` from (time ms, process, type, f, value) rows,
/// indexed in order.
pub fn write_history<P: Serialize>(dir: &Path, ops: &[(u64, P, &str, &str, serde_json::Value)]) {
    let lines: Vec<String> = ops
        .iter()
        .enumerate()
        .map(|(i, (t, p, kind, f, v))| {
            json!({"index": i, "time": t * MS, "process": p, "type": kind, "f": f, "value": v})
                .to_string()
        })
        .collect();
    std::fs::write(dir.join(super::ops::HISTORY), lines.join("\n")).unwrap();
}
