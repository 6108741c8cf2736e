//! Which reader a history file gets. Each format is one reader (a function
//! from the file's text to a [`History`]) and one arm in [`reader_for`];
//! adding a format is a new file and a new arm.

use super::op_map::op_from_map;
use crate::history::History;
use serde_json::Value;
use std::path::Path;

/// A reader: the file's text to a history, or a message naming the line.
pub type Reader = fn(&str) -> Result<History, String>;

/// The format of `path` by its name, else by its first non-blank line.
pub fn reader_for(path: &Path, text: &str) -> Result<(&'static str, Reader), String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    let Some(first) = first else {
        return Err("the file is empty".into());
    };
    match (ext, first) {
        ("jsonl" | "json", _) => Ok(("history.jsonl", read_jsonl)),
        ("edn", _) => Ok(("history.edn", read_edn)),
        (_, l) if l.starts_with("{\"") => Ok(("history.jsonl", read_jsonl)),
        (_, l) if l.starts_with("{:") || l.starts_with("#jepsen.history.Op{") => {
            Ok(("history.edn", read_edn))
        }
        _ if text.contains("jepsen.util - ") => Ok(("Jepsen log", read_jepsen_log)),
        _ => Err(
            "unknown history format: expected our history.jsonl (one JSON op a line), \
             Jepsen's history.edn (one EDN op map a line) or a Jepsen log \
             (`INFO jepsen.util - 3 :invoke :read nil` lines)"
                .into(),
        ),
    }
}

/// Jepsen's `INFO jepsen.util - <process> <type> <f> <value>` log lines (the
/// format of Porcupine's etcd test data).
fn read_jepsen_log(text: &str) -> Result<History, String> {
    crate::checkers::linearizable::jepsen_log::parse_jepsen_log(text).map(History::new)
}

/// Our `history.jsonl`: one JSON op map a line.
fn read_jsonl(text: &str) -> Result<History, String> {
    read_lines(text, |line| {
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))
    })
}

/// Jepsen 0.3.1's `history.edn`: jepsen/src/jepsen/store.clj,
/// `write-history!`, prints each op with `prn` on a line of its own
/// (`util/pwrite-history!`), so `#jepsen.history.Op{:index 0, ..}` for the
/// record ops Jepsen keeps, or a plain `{:type :invoke, ..}` map.
fn read_edn(text: &str) -> Result<History, String> {
    read_lines(text, crate::edn::parse)
}

/// One op a line; blank lines are skipped. Errors name the line.
fn read_lines(
    text: &str,
    parse: impl Fn(&str) -> Result<Value, String>,
) -> Result<History, String> {
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let op = parse(line).and_then(|v| op_from_map(&v, ops.len()));
        ops.push(op.map_err(|e| format!("line {}: {e}", n + 1))?);
    }
    Ok(History::new(ops))
}
