//! The run's `history.jsonl`, visited one op at a time in bounded memory:
//! the drawers read it once or twice and keep only what they draw.

use crate::history::op_map::op_from_map;
use crate::history::source::Lines;
use crate::history::Op;
use std::path::Path;

/// The history file of a run directory.
pub const HISTORY: &str = "history.jsonl";

/// Calls `visit` with every op of `dir/history.jsonl`, in order. Err: the
/// file cannot be read, or a line is not an op (named by its number).
pub fn for_each_op(dir: &Path, mut visit: impl FnMut(&Op)) -> Result<(), String> {
    let path = dir.join(HISTORY);
    let mut lines = Lines::open(&path)?;
    let mut position = 0;
    while let Some(line) = lines.next_line() {
        let (n, text) = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if text.trim().is_empty() {
            continue;
        }
        let op = serde_json::from_str(text)
            .map_err(|e| e.to_string())
            .and_then(|v| op_from_map(&v, position))
            .map_err(|e| format!("{} line {n}: {e}", path.display()))?;
        visit(&op);
        position += 1;
    }
    Ok(())
}
