//! The replica of every key's log held by one node, and committed offsets.
//!
//! Each node stores every message once, by key and offset. Which of them a
//! poll may return is decided by the caller (`visible_below`): only the
//! prefix of offsets below which no message can appear any more.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Most messages a poll returns for one key.
pub const POLL_PER_KEY: usize = 1_024;
/// Most messages a poll returns in all (the final polls ask for every key at
/// once; this still lets them catch up in a few polls).
pub const POLL_TOTAL: usize = 8_192;

#[derive(Default)]
struct KeyLog {
    msgs: BTreeMap<u64, Value>,
    committed: Option<u64>,
}

/// Every key's messages and committed offset.
#[derive(Default)]
pub struct Logs {
    keys: HashMap<String, KeyLog>,
}

impl Logs {
    /// Stores `msg` at `offset` of `key`. Returns false (and keeps the first
    /// message) if the offset already holds a different message.
    pub fn insert(&mut self, key: &str, offset: u64, msg: Value) -> bool {
        let log = self.keys.entry(key.to_string()).or_default();
        match log.msgs.get(&offset) {
            Some(existing) => *existing == msg,
            None => {
                log.msgs.insert(offset, msg);
                true
            }
        }
    }

    /// The message at `offset` of `key`.
    pub fn get(&self, key: &str, offset: u64) -> Option<&Value> {
        self.keys.get(key)?.msgs.get(&offset)
    }

    /// Raises `key`'s committed offset to `offset`; true if it moved.
    pub fn commit(&mut self, key: &str, offset: u64) -> bool {
        let log = self.keys.entry(key.to_string()).or_default();
        if log.committed.is_some_and(|c| c >= offset) {
            return false;
        }
        log.committed = Some(offset);
        true
    }

    pub fn committed(&self, key: &str) -> Option<u64> {
        self.keys.get(key)?.committed
    }

    /// For each requested key, the messages at offsets in
    /// `[from, visible_below)`, in offset order, within the poll limits.
    /// Keys with nothing to return are left out.
    pub fn poll<'a>(
        &self,
        from: impl IntoIterator<Item = (&'a String, u64)>,
        visible_below: u64,
    ) -> BTreeMap<String, Vec<(u64, Value)>> {
        let mut out = BTreeMap::new();
        let mut budget = POLL_TOTAL;
        for (key, start) in from {
            if budget == 0 {
                break;
            }
            let Some(log) = self.keys.get(key) else {
                continue;
            };
            if start >= visible_below {
                continue;
            }
            let msgs: Vec<(u64, Value)> = log
                .msgs
                .range(start..visible_below)
                .take(POLL_PER_KEY.min(budget))
                .map(|(o, m)| (*o, m.clone()))
                .collect();
            if !msgs.is_empty() {
                budget -= msgs.len();
                out.insert(key.clone(), msgs);
            }
        }
        out
    }
}
