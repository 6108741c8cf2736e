//! What an anomaly entry does not say about its ops: when each op was
//! invoked (from history.jsonl, read one line at a time). Which node a
//! client process talked to is `why::client_nodes`.

use crate::history::InFlight;
use crate::report::why::ops::for_each_op;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The invocation time of each completion in `wanted` (history indexes):
/// the latest invoke of the same process before it. One pass over
/// history.jsonl holding one time per process; a missing history, or the
/// lines from a bad one on, give no time (the picture then spans the
/// completion only).
pub fn invoke_times(dir: &Path, wanted: &HashSet<u64>) -> HashMap<u64, u64> {
    let mut found = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    let mut open = InFlight::default();
    let _ = for_each_op(dir, |op| {
        if let Some(t) = open.pair(op, |o| o.time) {
            if wanted.contains(&(op.index as u64)) {
                found.insert(op.index as u64, t);
            }
        }
    });
    found
}
