//! What an anomaly entry does not say about its ops: when each op was
//! invoked (from history.jsonl, read one line at a time). Which node a
//! client process talked to is `why::client_nodes`.

use crate::history::source::Lines;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The fields of a history line this needs.
#[derive(Deserialize)]
struct Line {
    index: u64,
    time: u64,
    #[serde(default)]
    process: Value,
    #[serde(rename = "type")]
    kind: String,
}

/// The invocation time of each completion in `wanted` (history indexes):
/// the latest invoke of the same process before it. One pass over
/// history.jsonl holding one time per process; lines that do not parse are
/// skipped (the picture then spans the completion only).
pub fn invoke_times(history: &Path, wanted: &HashSet<u64>) -> HashMap<u64, u64> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    let Ok(mut lines) = Lines::open(history) else {
        return found;
    };
    let mut last_invoke: HashMap<String, u64> = HashMap::new();
    while let Some(Ok((_, text))) = lines.next_line() {
        let Ok(op) = serde_json::from_str::<Line>(text) else {
            continue;
        };
        let process = op.process.to_string();
        if op.kind == "invoke" {
            last_invoke.insert(process, op.time);
        } else if let Some(t) = last_invoke.remove(&process) {
            if wanted.contains(&op.index) {
                found.insert(op.index, t);
            }
            if found.len() == wanted.len() {
                break;
            }
        }
    }
    found
}
