//! The network journal: one event per accepted send and per delivery
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/net/journal.clj, `log-send!` / `log-recv!`).
//! The net checker counts it; `messages.svg` draws it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::BufRead;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalKind {
    Send,
    Recv,
}

/// One journal event. Partition-dropped messages have a `Send` and no `Recv`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEvent {
    /// Global event sequence number, 0-based.
    pub id: u64,
    /// Nanoseconds since the engine started (not since the main phase:
    /// init traffic comes first). `Op::time` + `main_phase_offset_ns` gives
    /// the same clock.
    pub time: u64,
    #[serde(rename = "type")]
    pub kind: JournalKind,
    /// The network message id (the `id` key delivered to nodes).
    pub msg_id: u64,
    pub src: String,
    pub dest: String,
    pub body: Value,
}

impl JournalEvent {
    /// A message "involves a client" iff src or dest starts with `c`.
    pub fn involves_client(&self) -> bool {
        self.src.starts_with('c') || self.dest.starts_with('c')
    }
}

/// Reads `net-journal.jsonl` one line at a time, so a journal of any length
/// is read in constant memory. Each item is an event or, for a line that is
/// not one, an error naming the file and line. Blank lines are skipped.
pub struct JournalReader {
    lines: std::io::Lines<std::io::BufReader<std::fs::File>>,
    path: String,
    line: usize,
}

impl Iterator for JournalReader {
    type Item = Result<JournalEvent, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.line += 1;
            let text = match self.lines.next()? {
                Ok(t) => t,
                Err(e) => return Some(Err(format!("cannot read {}: {e}", self.path))),
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(serde_json::from_str(&text).map_err(|e| {
                format!("{} line {}: not a journal event: {e}", self.path, self.line)
            }));
        }
    }
}

/// Opens a journal for [`JournalReader`].
pub fn read_jsonl(path: &Path) -> Result<JournalReader, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(JournalReader {
        lines: std::io::BufReader::new(file).lines(),
        path: path.display().to_string(),
        line: 0,
    })
}
