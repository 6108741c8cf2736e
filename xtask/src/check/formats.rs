//! Which reader a history file gets. Each format is one reader (a function
//! from the file's lines to a [`History`]) and one arm in [`reader_for`];
//! adding a format is a new reader and a new arm. Every reader streams the
//! file through [`Lines`] (bounded lines, regular files only) into an
//! [`Assembler`], so memory holds the parsed ops and one line.

use super::assemble::Assembler;
use crate::history::jepsen_log;
use crate::history::source::Lines;
use crate::history::History;
use std::path::Path;

/// A reader: the file's lines to a history, or a message naming the line.
pub type Reader = fn(&mut Lines) -> Result<History, String>;

/// The format of `path` by its name, else by its first line that is not
/// blank or a `;` comment, else by whether any line is a Jepsen log op line.
pub fn reader_for(path: &Path) -> Result<(&'static str, Reader), String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "jsonl" | "json" => return Ok(("history.jsonl", read_jsonl)),
        "edn" => return Ok(("history.edn", read_edn)),
        _ => {}
    }
    let mut lines = Lines::open(path)?;
    let mut first = None;
    let mut log_line = false;
    while let Some(line) = lines.next_line() {
        let (_, line) = line?;
        let body = line.trim();
        if first.is_none() && !body.is_empty() && !body.starts_with(';') {
            first = Some(body.chars().take(20).collect::<String>());
        }
        if jepsen_log::is_op_line(line) {
            log_line = true;
            break;
        }
        if first.is_some() && !first.as_deref().is_some_and(might_be_log) {
            break;
        }
    }
    let Some(first) = first else {
        return Err("the file is empty".into());
    };
    match first.as_str() {
        l if l.starts_with("{\"") => Ok(("history.jsonl", read_jsonl)),
        l if l.starts_with("{:")
            || l.starts_with("#jepsen.history.Op{")
            || l.starts_with('[')
            || l.starts_with('(') =>
        {
            Ok(("history.edn", read_edn))
        }
        _ if log_line => Ok(("Jepsen log", read_jepsen_log)),
        _ => Err(
            "unknown history format: expected our history.jsonl (one JSON op a line), \
             Jepsen's history.edn (EDN op maps, or one vector of them) or a Jepsen log \
             (`INFO jepsen.util - 3 :invoke :read nil` lines)"
                .into(),
        ),
    }
}

/// Whether a file starting with this line may still be a Jepsen log (whose
/// op lines can follow any number of other log lines).
fn might_be_log(first: &str) -> bool {
    !first.starts_with(['{', '[', '(', '#'])
}

/// Jepsen's `INFO jepsen.util - <process> <type> <f> <value>` log lines (the
/// format of Porcupine's etcd test data); other lines are skipped.
fn read_jepsen_log(lines: &mut Lines) -> Result<History, String> {
    let mut history = Assembler::default();
    let mut count = 0;
    while let Some(line) = lines.next_line() {
        let (n, line) = line?;
        if let Some(op) = jepsen_log::op_in_line(line, count) {
            history.push(n, op.map_err(|e| format!("line {n}: {e}"))?)?;
            count += 1;
        }
    }
    Ok(history.finish())
}

/// Our `history.jsonl`: one JSON op map a line; blank lines are skipped.
fn read_jsonl(lines: &mut Lines) -> Result<History, String> {
    let mut history = Assembler::default();
    while let Some(line) = lines.next_line() {
        let (n, line) = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v = serde_json::from_str(line).map_err(|e| format!("line {n}: not JSON: {e}"))?;
        history.push_map(n, &v)?;
    }
    Ok(history.finish())
}

/// An EDN history ([`crate::history::edn`]): Jepsen 0.3.1's `history.edn`
/// (jepsen/src/jepsen/store.clj, `write-history!`, one `prn`ed op a line:
/// `#jepsen.history.Op{:index 0, ..}` or a plain `{:type :invoke, ..}`
/// map), Elle's `histories/*.edn`, or Knossos's vector of ops.
fn read_edn(lines: &mut Lines) -> Result<History, String> {
    let mut history = Assembler::default();
    crate::history::edn::read_ops(lines, |n, v| history.push_map(n, &v))?;
    Ok(history.finish())
}
