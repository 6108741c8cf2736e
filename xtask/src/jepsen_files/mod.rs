//! Maelstrom's own files beside ours, written once a run is judged:
//! `results.edn` (the results map as EDN), `history.edn` (one op map per
//! line) and `jepsen.log` (the op lines and the final results, as people
//! read them on Maelstrom's console). The history is read back from
//! `history.jsonl` one op at a time: nothing is held but the op.
//! fidelity X33: Maelstrom's files from our JSON, keywords by a rule.

mod edn_out;
mod ops;

pub use edn_out::results_text;
pub use ops::{history_edn_line, log_line};

use crate::checkers::Validity;
use crate::engine::analysis::verdict_line;
use crate::history::recorded::Recorded;
use serde_json::Value;
use std::io::{self, Write};

/// The final results as `jepsen.core/log-results` logs them: jepsen-io/
/// jepsen v0.3.1 jepsen/src/jepsen/core.clj, `(info (str (with-out-str
/// (pprint (:results test))) "\n\n" (case (:valid? ..) ...)))`.
pub fn results_log(results: &Value, valid: Validity) -> String {
    format!(
        "INFO  jepsen.core - {}\n\n{}\n",
        results_text(results).trim_end(),
        verdict_line(valid)
    )
}

/// Writes the history's op lines as `line` renders them.
pub fn write_ops(
    w: &mut dyn Write,
    history: &Recorded,
    line: fn(&crate::history::Op) -> String,
) -> io::Result<()> {
    let mut written = Ok(());
    history
        .for_each(|op| {
            if written.is_ok() {
                written = w.write_all(line(op).as_bytes());
            }
        })
        .map_err(io::Error::other)?;
    written
}

#[cfg(test)]
mod tests;
