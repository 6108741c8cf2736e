//! The network journal: one event per accepted send and per delivery
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/net/journal.clj, `log-send!` / `log-recv!`).
//! The net checker counts it; `messages.svg` draws it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
