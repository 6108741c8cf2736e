//! Asynchronous, batched replication of each node's own operations to its
//! peers, with go-back-N retransmission and acknowledgements piggybacked on
//! the batches going the other way.
//!
//! A node's operations (sends it accepted, commits it received) form its
//! *outgoing log*, numbered from 0. A batch carries a slice of it from index
//! `from`, the receiver's `ack` (how much of the receiver's own log the
//! sender holds) and, when the slice reaches the end of the log, the
//! sender's clock: a promise that every send it ever accepts from now on
//! gets a larger clock. A receiver applies a batch only if it does not leave
//! a gap; a gap (lost or reordered batch) is repaired when the sender, not
//! seeing its ack progress, rewinds and resends from the acknowledged index.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;

/// Most operations in one batch.
pub const MAX_BATCH: usize = 4_096;
/// Resend from the acknowledged index when the ack has not moved for this long.
pub const RETRANSMIT_MS: u64 = 500;

/// One replicated operation, as it travels: a compact JSON array.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Op {
    /// `[key, offset, msg]`: a message the sender accepted.
    Send(String, u64, Value),
    /// `[key, offset]`: a commit the sender received.
    Commit(String, u64),
}

/// An operation in the outgoing log: messages are referenced by key and
/// offset (the message itself is stored once, in the node's `Logs`).
#[derive(Clone, Debug, PartialEq)]
pub enum OwnOp {
    Send { key: String, offset: u64 },
    Commit { key: String, offset: u64 },
}

/// This node's operations not yet acknowledged by every peer.
#[derive(Default)]
pub struct OutLog {
    /// Index of `ops[0]`.
    base: u64,
    ops: VecDeque<OwnOp>,
}

impl OutLog {
    pub fn push(&mut self, op: OwnOp) {
        self.ops.push_back(op);
    }

    /// Index one past the last operation.
    pub fn end(&self) -> u64 {
        self.base + self.ops.len() as u64
    }

    /// Up to `max` operations from index `from` (clamped to what is kept).
    pub fn slice(&self, from: u64, max: usize) -> impl Iterator<Item = &OwnOp> {
        let skip = from.saturating_sub(self.base) as usize;
        self.ops.iter().skip(skip).take(max)
    }

    /// Forgets operations before `index` (acknowledged by every peer).
    pub fn trim(&mut self, index: u64) {
        while self.base < index && self.ops.pop_front().is_some() {
            self.base += 1;
        }
    }
}

/// The replication state with one peer, both directions.
#[derive(Default, Debug)]
pub struct PeerLink {
    /// Of our log: the peer holds everything before `acked`...
    pub acked: u64,
    /// ...and we have sent everything before `sent_upto`.
    pub sent_upto: u64,
    /// When `acked` last moved, or unacknowledged sending started.
    pub progress_at: u64,
    /// The clock we last promised this peer.
    pub clock_sent: u64,
    /// Of the peer's log: we hold everything before `have`.
    pub have: u64,
    /// The peer's latest valid promise: its future sends get a larger clock.
    pub promised: u64,
    /// We received operations since our last batch: acknowledge them.
    pub owe_ack: bool,
}

/// What a received batch changed.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// The batch continues what we hold: apply the operations this many
    /// positions into it (the earlier ones we already had).
    Apply { skip: usize },
    /// The batch starts past what we hold: ignore it until resent.
    Gap,
}

impl PeerLink {
    /// Records an incoming batch's bookkeeping; the caller applies the
    /// operations as told.
    pub fn receive(
        &mut self,
        from: u64,
        len: usize,
        clock: Option<u64>,
        ack: u64,
        our_end: u64,
        now: u64,
    ) -> Received {
        let ack = ack.min(our_end);
        if ack > self.acked {
            self.acked = ack;
            self.sent_upto = self.sent_upto.max(ack);
            self.progress_at = now;
        }
        if len > 0 {
            self.owe_ack = true;
        }
        if from > self.have {
            return Received::Gap;
        }
        let skip = (self.have - from).min(len as u64) as usize;
        self.have = self.have.max(from + len as u64);
        // We now hold the sender's log up to the batch's end, so its promise
        // (made at that end) holds for us.
        if let Some(c) = clock {
            self.promised = self.promised.max(c);
        }
        Received::Apply { skip }
    }

    /// Decides what the next batch to this peer starts at, or `None` if
    /// nothing needs sending. Rewinds after `RETRANSMIT_MS` without progress.
    pub fn next_batch(&mut self, our_end: u64, clock: u64, now: u64) -> Option<u64> {
        if self.sent_upto > self.acked && now >= self.progress_at + RETRANSMIT_MS {
            self.sent_upto = self.acked;
            self.progress_at = now;
        }
        let has_ops = self.sent_upto < our_end;
        if !(has_ops || clock > self.clock_sent || self.owe_ack) {
            return None;
        }
        if has_ops && self.sent_upto == self.acked {
            self.progress_at = now;
        }
        Some(self.sent_upto)
    }

    /// Records that a batch `[from, end)` went out, promising `clock` if given.
    pub fn sent(&mut self, end: u64, clock: Option<u64>) {
        self.sent_upto = self.sent_upto.max(end);
        if let Some(c) = clock {
            self.clock_sent = self.clock_sent.max(c);
        }
        self.owe_ack = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_travel_as_compact_arrays() {
        let ops = vec![
            Op::Send("9".into(), 12, Value::from(3)),
            Op::Commit("9".into(), 12),
        ];
        let text = serde_json::to_string(&ops).unwrap();
        assert_eq!(text, r#"[["9",12,3],["9",12]]"#);
        assert_eq!(serde_json::from_str::<Vec<Op>>(&text).unwrap(), ops);
    }

    #[test]
    fn a_gap_is_refused_and_a_duplicate_is_skipped() {
        let mut link = PeerLink::default();
        assert_eq!(link.receive(3, 2, Some(9), 0, 0, 0), Received::Gap);
        assert_eq!(link.promised, 0, "a promise past a gap does not hold");
        assert_eq!(
            link.receive(0, 4, Some(7), 0, 0, 0),
            Received::Apply { skip: 0 }
        );
        assert_eq!(
            link.receive(3, 2, Some(9), 0, 0, 0),
            Received::Apply { skip: 1 }
        );
        assert_eq!((link.have, link.promised), (5, 9));
        // An old batch arriving late changes nothing.
        assert_eq!(
            link.receive(0, 4, Some(7), 0, 0, 0),
            Received::Apply { skip: 4 }
        );
        assert_eq!((link.have, link.promised), (5, 9));
    }

    #[test]
    fn resends_from_the_ack_when_it_stalls() {
        let mut link = PeerLink::default();
        assert_eq!(link.next_batch(10, 1, 0), Some(0));
        link.sent(10, Some(1));
        assert_eq!(link.next_batch(10, 1, 100), None);
        link.receive(0, 0, None, 4, 10, 200);
        assert_eq!(link.next_batch(10, 1, 600), None);
        assert_eq!(link.next_batch(10, 1, 700), Some(4));
    }

    #[test]
    fn out_log_trims_acknowledged_ops() {
        let mut log = OutLog::default();
        for i in 0..5 {
            log.push(OwnOp::Commit {
                key: "k".into(),
                offset: i,
            });
        }
        log.trim(3);
        assert_eq!(log.end(), 5);
        let rest: Vec<_> = log.slice(3, 10).cloned().collect();
        assert_eq!(rest.len(), 2);
        assert_eq!(
            rest[0],
            OwnOp::Commit {
                key: "k".into(),
                offset: 3
            }
        );
    }
}
