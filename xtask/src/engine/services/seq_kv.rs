//! seq-kv: Maelstrom's `Sequential` wrapper around a KV state
//! (services.md section 4), including its quirks.

use super::kv::{Flavor, KvRequest, KvState};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// How many past states Maelstrom keeps.
pub const WINDOW: usize = 32;

pub struct SeqKv {
    /// The last `WINDOW` states, oldest first; the back is version `last`.
    buffer: VecDeque<Rc<KvState>>,
    /// The newest version number (version 0 is the empty map).
    last: u64,
    /// Per caller (`src`), the version it last interacted with (default 0).
    seen: HashMap<String, u64>,
}

impl Default for SeqKv {
    fn default() -> Self {
        SeqKv {
            buffer: VecDeque::from([Rc::new(KvState::default())]),
            last: 0,
            seen: HashMap::new(),
        }
    }
}

impl SeqKv {
    /// Handles one request from `src`; the reply body without `in_reply_to`.
    pub fn handle(&mut self, src: &str, req: &KvRequest, rng: &mut fastrand::Rng) -> Value {
        let seen = self.seen.get(src).copied().unwrap_or(0);
        // Clojure's `(rand-int (- last seen))` is uniform over [0, last - seen)
        // -- exclusive -- and `(rand-int 0)` is 0. So a caller behind the head
        // never speculates on the newest state: a node that only reads keeps
        // seeing a state at least one version old until it changes state
        // itself. services.md says "[seen, last] inclusive"; v0.2.3's code
        // says otherwise, and a node must cope with what the real one does.
        let version = if self.last > seen {
            seen + rng.u64(0..self.last - seen)
        } else {
            seen
        };
        let state = self.state_at(version);
        let applied = state.apply(req, Flavor::Standard);
        if applied.change.is_none() {
            self.seen.insert(src.to_string(), version);
            return applied.reply;
        }
        // The request would change an old state: discard that and apply it
        // to the newest state, which always yields a new version (identical
        // to the previous one if the request fails there, e.g. a cas 22).
        let newest = self.buffer.back().cloned().unwrap_or_default();
        let applied = newest.apply(req, Flavor::Standard);
        let mut next = (*newest).clone();
        if let Some(change) = applied.change {
            next.commit(change);
        }
        if self.buffer.len() == WINDOW {
            self.buffer.pop_front();
        }
        self.buffer.push_back(Rc::new(next));
        self.last += 1;
        self.seen.insert(src.to_string(), self.last);
        applied.reply
    }

    /// The state Maelstrom reads for `version`. It indexes its ring buffer
    /// with the negative offset `version - last - 1` taken modulo the
    /// buffer's current length. Within the window that is exactly `version`;
    /// for a caller lagging more than `WINDOW` versions it wraps to some
    /// state inside the window while the caller's `seen` is still set to
    /// `version` -- so a later draw may map to an older state than an
    /// earlier one. We reproduce this wrap-around as v0.2.3 does (services.md
    /// section 4 leaves the choice open): fidelity over tidiness.
    fn state_at(&self, version: u64) -> Rc<KvState> {
        let len = self.buffer.len() as i128;
        let offset = version as i128 - self.last as i128 - 1;
        let index = offset.rem_euclid(len) as usize;
        self.buffer[index].clone()
    }

    #[cfg(test)]
    pub fn seen(&self, src: &str) -> u64 {
        self.seen.get(src).copied().unwrap_or(0)
    }

    #[cfg(test)]
    pub fn last(&self) -> u64 {
        self.last
    }
}
