//! A run's `history.jsonl`, one op at a time, for the drawers: bounded
//! lines and regular files only ([`Lines`]), each line an op map as the run
//! wrote it ([`op_from_map`]), so a drawer holds one op, not the history.

use crate::history::op_map::op_from_map;
use crate::history::source::Lines;
use crate::history::Op;
use std::path::Path;

/// The history file a drawer reads, in the run directory.
pub const HISTORY: &str = "history.jsonl";

/// Calls `visit` with every op of `dir`/history.jsonl in order; blank lines
/// are skipped. Ok(false): the run has no history file (nothing to draw).
/// Err: a line that cannot be read or is not an op, named by its number.
pub fn for_each_op(dir: &Path, mut visit: impl FnMut(&Op)) -> Result<bool, String> {
    let path = dir.join(HISTORY);
    if !path.exists() {
        return Ok(false);
    }
    let mut lines = Lines::open(&path)?;
    let mut position = 0;
    while let Some(line) = lines.next_line() {
        let (n, line) = line.map_err(|e| format!("{HISTORY} {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let op = serde_json::from_str(line)
            .map_err(|e| e.to_string())
            .and_then(|v| op_from_map(&v, position))
            .map_err(|e| format!("{HISTORY} line {n}: {e}"))?;
        visit(&op);
        position += 1;
    }
    Ok(true)
}

/// For a drawer that was told (by the results map) there is something to
/// draw: Ok(false) from [`for_each_op`], no history, is an error.
pub fn must_exist(found: bool, dir: &Path) -> Result<(), String> {
    match found {
        true => Ok(()),
        false => Err(format!("{} has no {HISTORY}", dir.display())),
    }
}

/// `text` cut to at most `max` characters, with an ellipsis when cut, so
/// a value from a node cannot make a picture unbounded.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_stream_in_order_and_a_bad_line_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(for_each_op(dir.path(), |_| {}), Ok(false));
        let ok = r#"{"type":"invoke","f":"read","value":null,"process":0,"time":5}"#;
        std::fs::write(dir.path().join(HISTORY), format!("{ok}\n\n{ok}\n")).unwrap();
        let mut seen = Vec::new();
        assert_eq!(for_each_op(dir.path(), |op| seen.push(op.index)), Ok(true));
        assert_eq!(seen, [0, 1]);
        std::fs::write(dir.path().join(HISTORY), format!("{ok}\n{{\"type\"\n")).unwrap();
        let err = for_each_op(dir.path(), |_| {}).unwrap_err();
        assert!(err.starts_with("history.jsonl line 2:"), "{err}");
        assert_eq!(must_exist(true, dir.path()), Ok(()));
        let missing = dir.path().join("none");
        let err = must_exist(for_each_op(&missing, |_| {}).unwrap(), &missing).unwrap_err();
        assert!(err.ends_with("none has no history.jsonl"), "{err}");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("ééé", 2), "éé…");
    }
}
