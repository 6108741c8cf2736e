//! seq-kv: Maelstrom's `Sequential` wrapper around a KV state
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/service.clj, `Sequential`),
//! including its quirks.

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
        // jepsen-io/maelstrom v0.2.3 src/maelstrom/service.clj,
        // `Sequential/handle!`:
        //   (-> last-index (- client-index) inc rand-int (+ client-index))
        // then (assert (<= client-index index last-index)). `rand-int n` is
        // uniform over [0, n), so the draw is uniform over [seen, last],
        // inclusive. By hand, seen=3, last=5: (5-3)+1 = 3, (rand-int 3) is
        // one of {0,1,2}, +3 gives {3,4,5}. With seen = last: (rand-int 1)
        // is 0, so the caller stays at the head. A caller that only reads
        // thus reaches `last` with probability 1/(last-seen+1) per read.
        // fidelity D14: seq-kv picks its version uniformly from `[seen, last]`.
        let version = seen + rng.u64(0..=self.last.saturating_sub(seen));
        let state = self.state_at(version);
        let applied = state.apply(req, Flavor::Standard);
        if applied.change.is_none() {
            self.seen.insert(src.to_string(), version);
            return applied.reply;
        }
        // The request would change an old state: discard that and apply it
        // to the newest state, which always yields a new version (identical
        // to the previous one if the request fails there, e.g. a cas 22).
        // fidelity D16: a request that would not change the chosen state is answered from it.
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
    /// earlier one. We reproduce this wrap-around as v0.2.3 does
    /// (`Sequential/handle!`: `(nth buffer (dec (- index last-index)))` on
    /// an amalloy/ring-buffer): fidelity over tidiness.
    /// fidelity D15: seq-kv keeps a window of 32 states and wraps around.
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
