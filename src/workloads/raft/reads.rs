//! The read path: ReadIndex (Ongaro's thesis §6.4), served by the leader
//! from its state machine without appending to the log.
//!
//! When a read arrives, the leader notes
//!   * its *read index*: the larger of its commit index and the index of the
//!     no-op it appended when elected, and
//!   * the current AppendEntries round.
//!
//! It answers once (1) a majority has acknowledged a later round in its term,
//! and (2) it has applied the log up to the read index. Why the answer is
//! linearizable, i.e. reflects every write acknowledged before the read
//! arrived (and only committed writes):
//!
//! * A write acknowledged before the read arrived was committed before it,
//!   by some leader of a term `t'`. If `t'` were later than our term `t`, a
//!   majority would have voted in `t'` before the read arrived, so would
//!   have had a term above `t`; but a majority acknowledged our round sent
//!   *after* the read arrived, in term `t`, and a node never goes back to a
//!   lower term. The two majorities share a node: contradiction. So `t' <= t`.
//! * If `t' < t`, the write is in our log (Leader Completeness, §5.4) below
//!   our no-op, and (1) plus the no-op's commit mean we have committed it.
//!   If `t' = t`, we committed it ourselves, at or below the commit index
//!   noted at arrival. Either way it is at or below the read index, which we
//!   applied before answering.
//! * We only apply committed entries, so the read shows no write that could
//!   still be lost. Its linearization point is the moment of the answer;
//!   every entry we applied by then was committed by then.
//!
//! Nothing depends on clocks: no lease, so no assumption about clock drift or
//! message delay. The cost is a round of AppendEntries per batch of reads,
//! which is shared with the writes of the same tick (`replication.rs`).

use super::ReplyTo;
use serde_json::Value;
use std::collections::VecDeque;

/// A read waiting for its confirmation round and its read index.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRead {
    pub key: Value,
    pub reply_to: ReplyTo,
    /// A majority must acknowledge a round after this one.
    pub after_round: u64,
    /// The state machine must have applied up to here.
    pub index: u64,
}

/// Reads in arrival order. Both `after_round` and `index` only grow along
/// the queue, so the reads ready to answer are always a prefix.
#[derive(Debug, Default)]
pub struct ReadQueue {
    queue: VecDeque<PendingRead>,
}

impl ReadQueue {
    pub fn push(&mut self, read: PendingRead) {
        self.queue.push_back(read);
    }

    /// The round the newest unconfirmed read needs acknowledged after, if
    /// any read still waits for one (given the round a majority acknowledged).
    pub fn wants_round_after(&self, quorum_round: u64) -> Option<u64> {
        self.queue
            .back()
            .map(|r| r.after_round)
            .filter(|&after| quorum_round <= after)
    }

    /// Removes and returns the reads that may be answered now.
    pub fn ready(&mut self, quorum_round: u64, applied: u64) -> Vec<PendingRead> {
        let n = self
            .queue
            .iter()
            .take_while(|r| quorum_round > r.after_round && applied >= r.index)
            .count();
        self.queue.drain(..n).collect()
    }

    /// Removes every read (the node is no longer leader).
    pub fn take_all(&mut self) -> Vec<PendingRead> {
        self.queue.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(after_round: u64, index: u64) -> PendingRead {
        PendingRead {
            key: json!(1),
            reply_to: ReplyTo {
                dest: "c1".into(),
                msg_id: Some(after_round),
            },
            after_round,
            index,
        }
    }

    #[test]
    fn a_read_waits_for_a_later_round_and_its_index() {
        let mut q = ReadQueue::default();
        q.push(read(3, 10));
        q.push(read(5, 12));
        assert_eq!(q.wants_round_after(3), Some(5));
        assert!(
            q.ready(3, 20).is_empty(),
            "round 3 was sent before the read"
        );
        assert!(q.ready(4, 9).is_empty(), "index 10 not applied yet");
        let got = q.ready(4, 11);
        assert_eq!(got, vec![read(3, 10)]);
        assert_eq!(q.wants_round_after(4), Some(5));
        assert_eq!(
            q.wants_round_after(6),
            None,
            "confirmed, waits only to apply"
        );
        assert!(q.ready(6, 11).is_empty());
        assert_eq!(q.ready(6, 12), vec![read(5, 12)]);
        assert!(q.take_all().is_empty());
    }

    #[test]
    fn stepping_down_takes_every_read() {
        let mut q = ReadQueue::default();
        q.push(read(1, 1));
        q.push(read(2, 1));
        assert_eq!(q.take_all().len(), 2);
        assert!(q.take_all().is_empty());
        assert_eq!(q.wants_round_after(0), None);
    }
}
