//! The bound on what waits in the network's queues, which Maelstrom does
//! not have.
//!
//! In Maelstrom a node's backlog is the network's queue for it
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/net.clj, `add-node!`:
//! `(PriorityBlockingQueue. 11 latency-compare)`, unbounded), and its
//! stdin thread takes one message at a time, blocking on the pipe
//! (src/maelstrom/process.clj, `stdin-thread`). A node that stops reading
//! therefore leaves every later message in that queue, and a peer that
//! floods it grows Maelstrom's memory without limit. The bench keeps the
//! backlog where Maelstrom keeps it, but caps it: past the cap a send is
//! journaled and then dropped, as a `--p-loss` loss is. `Backlog` counts
//! those drops so the run can report them (docs/fidelity.md).
//! fidelity X2: the backlog is capped.

use super::body::Body;
use super::Message;
use serde_json::Value;
use std::mem::size_of;

/// Estimated heap bytes one queue may hold. A message waits in a queue only
/// until it is due and its consumer is free, so a node that reads keeps
/// this far below the cap; a node's queue holds ~200 000 small messages.
pub const PER_QUEUE_CAP: usize = 64 << 20;
/// Estimated heap bytes all queues together may hold.
pub const TOTAL_CAP: usize = 128 << 20;

/// Heap bytes a queued message holds, estimated from its shape, on the high
/// side: its slot in the queue's heap with room for the heap's doubling,
/// and each allocation as malloc rounds it. serde_json's `Map` is a
/// `BTreeMap`, whose nodes hold up to 11 entries each and are allocated
/// whole: a map of one entry costs a node of 11. Measured: 10 s of a flood
/// of small messages kept 370 871 of them for 93 MiB of peak RSS, ~220
/// bytes each, where this says 308.
pub fn queued_bytes(m: &Message) -> usize {
    let body = match &m.body {
        Body::Json(v) => value_bytes(v),
        Body::Text(raw) => chunk(raw.get().len()),
    };
    (size_of::<Message>() + size_of::<usize>()) * 3 / 2
        + chunk(m.src.capacity())
        + chunk(m.dest.capacity())
        + body
}

/// What malloc takes for `n` bytes: a 16-byte-aligned chunk with an 8-byte
/// header, at least 32 bytes (glibc).
fn chunk(n: usize) -> usize {
    (n + 8).next_multiple_of(16).max(32)
}

/// Entries per B-tree node (std's `B = 6`, `CAPACITY = 2 * B - 1`).
const BTREE_NODE_ENTRIES: usize = 11;
/// One B-tree leaf: its keys and values, parent pointer and lengths.
const BTREE_NODE_BYTES: usize =
    BTREE_NODE_ENTRIES * (size_of::<String>() + size_of::<Value>()) + 2 * size_of::<usize>();

fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        Value::String(s) => s.capacity(),
        Value::Array(a) => {
            a.capacity() * size_of::<Value>() + a.iter().map(value_bytes).sum::<usize>()
        }
        Value::Object(o) => {
            let nodes = o.len().div_ceil(BTREE_NODE_ENTRIES);
            nodes * BTREE_NODE_BYTES
                + o.iter()
                    .map(|(k, v)| k.capacity() + value_bytes(v))
                    .sum::<usize>()
        }
    }
}

/// What one queue holds and what its cap turned away.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Backlog {
    /// Estimated heap bytes of the messages waiting.
    pub bytes: usize,
    /// Sends dropped because the queue or all queues were at their cap.
    pub dropped: u64,
    /// When the first of them was dropped (engine time, ns).
    pub first_drop_ns: Option<u64>,
    /// The consumer took a message after a drop: the node read again, so
    /// Maelstrom would have delivered what was dropped.
    pub taken_after_drop: bool,
}

impl Backlog {
    pub fn drop_one(&mut self, now: u64) {
        self.dropped += 1;
        self.first_drop_ns.get_or_insert(now);
    }

    pub fn taken(&mut self, bytes: usize) {
        self.bytes -= bytes.min(self.bytes);
        if self.dropped > 0 {
            self.taken_after_drop = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_estimate_grows_with_the_body_and_counts_its_strings() {
        let m = |body| Message {
            id: 0,
            src: "n0".into(),
            dest: "n1".into(),
            body: Body::Json(body),
            deadline_ns: 0,
        };
        let small = queued_bytes(&m(json!({"type": "x"})));
        let big = queued_bytes(&m(json!({"type": "x", "s": "y".repeat(10_000)})));
        assert!(
            small >= size_of::<Message>() + 4 + BTREE_NODE_BYTES,
            "{small}"
        );
        assert!(big >= small + 10_000, "{big}");
        let list = queued_bytes(&m(json!({"type": "x", "v": (0..1000).collect::<Vec<_>>()})));
        assert!(list >= small + 1000 * size_of::<Value>(), "{list}");
    }
}
