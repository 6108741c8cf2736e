//! What an anomaly entry does not say about its ops: which node each
//! client process talked to (from run.json's command line) and when each op
//! was invoked (from history.jsonl, read one line at a time).

use crate::history::source::Lines;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The cluster as the run's command line set it.
pub struct Cluster {
    node_ids: Vec<String>,
    concurrency: usize,
}

impl Cluster {
    /// From `<run>/run.json`'s `args`, parsed as the run parsed them; None
    /// when it is missing or does not parse (then no node is named).
    pub fn read(run_dir: &Path) -> Option<Cluster> {
        let text = std::fs::read_to_string(run_dir.join("run.json")).ok()?;
        let run: Value = serde_json::from_str(&text).ok()?;
        let args: Vec<String> = run["args"]
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        let parsed = crate::cli::parse_options(&args).ok()?;
        Some(Cluster {
            node_ids: parsed.opts.node_ids,
            concurrency: parsed.opts.concurrency,
        })
    }

    #[cfg(test)]
    pub fn new(node_ids: Vec<String>, concurrency: usize) -> Cluster {
        Cluster {
            node_ids,
            concurrency,
        }
    }

    /// The node client process `process` talked to. Each worker thread t
    /// keeps one node, `t mod node-count` (engine/workers.rs, `Workers::new`:
    /// `node: t % n`), and a process is its thread plus a multiple of the
    /// concurrency (jepsen 0.3.1 interpreter.clj: a crashed process is
    /// replaced by `(+ process concurrency)`).
    pub fn node_of(&self, process: u64) -> Option<&str> {
        if self.concurrency == 0 || self.node_ids.is_empty() {
            return None;
        }
        let thread = (process % self.concurrency as u64) as usize;
        self.node_ids
            .get(thread % self.node_ids.len())
            .map(String::as_str)
    }
}

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
