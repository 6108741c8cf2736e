//! Maelstrom's own files beside ours, written once a run is judged:
//! `results.edn` (the results map as EDN), `history.edn` (one op map per
//! line), `history.txt` (one `prn-op` line per op) and `jepsen.log` (the op
//! lines and the final results, as people read them on Maelstrom's
//! console); and the end of the console itself (`results_and_last_line`). The history is read back from
//! `history.jsonl` one op at a time: nothing is held but the op.
//! fidelity X33: Maelstrom's files from our JSON, keywords by a rule.

mod edn_out;
mod ops;

pub use edn_out::results_text;
pub use ops::{history_edn_line, history_txt_line, log_line};

use crate::checkers::Validity;
use crate::engine::analysis::verdict_line;
use crate::history::recorded::Recorded;
use serde_json::Value;
use std::io::{self, Write};

/// The final results as `jepsen.core/log-results` logs them, behind the
/// console layout's `INFO  jepsen.core - `.
pub fn results_log(results: &Value, valid: Validity) -> String {
    format!(
        "INFO  jepsen.core - {}",
        results_and_last_line(results, verdict_line(valid))
    )
}

/// The text `jepsen.core/log-results` logs: jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/core.clj, `(info (str (with-out-str (pprint (:results
/// test))) (when (:error (:results test)) (str "\n\n" (:error (:results
/// test)))) "\n\n" (case (:valid? (:results test)) false "Analysis
/// invalid! ..." ...)))`. pprint ends the map with a newline, so two blank
/// lines come before the verdict: `{:valid? true}\n\n\nEverything looks
/// good! ..`. `last` is the verdict line, or what replaces it.
pub fn results_and_last_line(results: &Value, last: &str) -> String {
    let mut s = results_text(results);
    // `str` of the error: a string's text, else its EDN.
    match results.get("error") {
        // `(when (:error ..) ..)`: nothing for nil or false.
        None | Some(Value::Null) | Some(Value::Bool(false)) => {}
        Some(Value::String(e)) => s.push_str(&format!("\n\n{e}")),
        Some(e) => s.push_str(&format!(
            "\n\n{}",
            edn_out::to_string(e, edn_out::Keywords::Error)
        )),
    }
    s.push_str("\n\n");
    s.push_str(last);
    s.push('\n');
    s
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
