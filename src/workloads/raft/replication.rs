//! The leader's side of log replication: what it knows of each follower, when
//! it sends AppendEntries, the commit rule, and check-quorum.
//!
//! AppendEntries are batched: the leader sends at most once per tick
//! (`TICK_MS`), and then only to a follower that has something to receive:
//! new entries (when no batch of entries is awaiting its reply), a round
//! a pending read must see acknowledged, or a heartbeat when it has heard
//! nothing for `HEARTBEAT_MS`. Heartbeats are ordinary AppendEntries and carry
//! whatever entries the follower lacks, so they also retransmit lost batches.

use super::election::majority;
use super::election::ELECTION_MIN_MS;
use super::log::Log;
use std::collections::BTreeMap;

/// The leader's send period: client requests arriving within one tick share
/// one AppendEntries per follower.
pub const TICK_MS: u64 = 10;
/// A follower hears from the leader at least this often.
pub const HEARTBEAT_MS: u64 = 100;
/// Most entries in one AppendEntries.
pub const MAX_BATCH: usize = 512;

/// What the leader knows about one follower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The next entry to send.
    pub next: u64,
    /// The follower's log matches ours up to here.
    pub matched: u64,
    /// The highest round (see `Leader::round`) it acknowledged in this term.
    pub acked_round: u64,
    /// The round of the last AppendEntries sent to it.
    pub sent_round: u64,
    /// A batch with entries, sent in this round, awaits its reply.
    pub entries_in_flight: Option<u64>,
    pub last_sent_at: u64,
    pub last_ack_at: u64,
}

/// What one AppendEntries to a follower holds, decided by `Leader::plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Send {
    pub round: u64,
    /// Entries from index `from`, at most `max` of them (`max` is 0 for a
    /// batch without entries).
    pub from: u64,
    pub max: usize,
}

/// The leader's replication state for one term.
#[derive(Debug)]
pub struct Leader {
    pub progress: BTreeMap<String, Progress>,
    /// Every AppendEntries carries a round number, larger than any sent
    /// before it; a reply echoes it. A majority acknowledging round `r` in
    /// our term proves we were still leader when round `r` was sent.
    pub round: u64,
    /// Index of the no-op this leader appended when elected: once it is
    /// committed, so is every entry committed in an earlier term.
    pub term_start: u64,
}

impl Leader {
    pub fn new<'a>(peers: impl Iterator<Item = &'a String>, term_start: u64, now: u64) -> Self {
        let progress = peers
            .map(|p| {
                (
                    p.clone(),
                    Progress {
                        next: term_start,
                        matched: 0,
                        acked_round: 0,
                        sent_round: 0,
                        entries_in_flight: None,
                        last_sent_at: 0,
                        // A new leader gets a full election timeout before
                        // check-quorum may depose it.
                        last_ack_at: now,
                    },
                )
            })
            .collect();
        Leader {
            progress,
            round: 0,
            term_start,
        }
    }

    /// Decides whether to send to `peer` now, and what; records the send.
    /// `read_round` is the round a pending read needs acknowledged after
    /// (`None` if no read waits); `force` sends regardless (a new leader
    /// announcing itself).
    pub fn plan(
        &mut self,
        peer: &str,
        last_index: u64,
        read_round: Option<u64>,
        now: u64,
        force: bool,
    ) -> Option<Send> {
        let p = self.progress.get_mut(peer)?;
        let heartbeat_due = now >= p.last_sent_at + HEARTBEAT_MS;
        let read_wants = read_round.is_some_and(|r| p.sent_round <= r);
        let has_entries = p.next <= last_index;
        let stuck = p
            .entries_in_flight
            .is_some_and(|_| now >= p.last_sent_at + HEARTBEAT_MS);
        let entries_ok = has_entries && (p.entries_in_flight.is_none() || stuck);
        if !(force || heartbeat_due || read_wants || entries_ok) {
            return None;
        }
        self.round += 1;
        p.sent_round = self.round;
        p.last_sent_at = now;
        // While a batch awaits its reply, other sends carry no entries: the
        // same entries would only travel twice. A batch unanswered for a
        // heartbeat interval is taken as lost and sent again.
        let max = if entries_ok { MAX_BATCH } else { 0 };
        if max > 0 {
            p.entries_in_flight = Some(self.round);
        }
        Some(Send {
            round: self.round,
            from: p.next,
            max,
        })
    }

    /// Records a follower's reply to round `round`. `result` is `Ok(matched)`
    /// (its log matches ours up to there) or `Err(retry_from)`.
    pub fn on_reply(
        &mut self,
        peer: &str,
        round: u64,
        result: Result<u64, u64>,
        last_index: u64,
        now: u64,
    ) {
        let Some(p) = self.progress.get_mut(peer) else {
            return;
        };
        p.last_ack_at = now;
        p.acked_round = p.acked_round.max(round);
        if p.entries_in_flight.is_some_and(|r| round >= r) {
            p.entries_in_flight = None;
        }
        match result {
            Ok(matched) => {
                p.matched = p.matched.max(matched.min(last_index));
                p.next = p.next.max(p.matched + 1);
            }
            Err(retry_from) => {
                p.next = retry_from.clamp(p.matched + 1, last_index + 1);
            }
        }
    }

    /// The highest index stored on a majority (our own log counts, up to
    /// `own_last`). The caller commits it only if its entry is of the
    /// current term (§5.4.2).
    pub fn quorum_match(&self, own_last: u64) -> u64 {
        quorum_value(own_last, self.progress.values().map(|p| p.matched))
    }

    /// The highest round a majority acknowledged (we count as having
    /// acknowledged every round).
    pub fn quorum_round(&self) -> u64 {
        quorum_value(u64::MAX, self.progress.values().map(|p| p.acked_round))
    }

    /// Check-quorum: a majority (us included) replied within the minimum
    /// election timeout. A leader without it steps down, so that clients are
    /// not left waiting on a leader a majority may already have replaced.
    pub fn has_quorum(&self, now: u64) -> bool {
        let recent = self
            .progress
            .values()
            .filter(|p| now < p.last_ack_at + ELECTION_MIN_MS)
            .count();
        recent + 1 >= majority(self.progress.len() + 1)
    }
}

/// The commit rule (§5.3, §5.4.2): the new commit index, if the index
/// stored on a majority (`quorum_match`) moves it forward and its entry is
/// of the leader's current `term`. An entry of an earlier term is never
/// committed by counting replicas (the paper's Figure 8: it can still be
/// overwritten); it is committed with the first entry of the current term
/// after it.
pub fn new_commit(log: &Log, term: u64, quorum_match: u64, commit: u64) -> Option<u64> {
    (quorum_match > commit && log.term_at(quorum_match) == Some(term)).then_some(quorum_match)
}

/// The largest value `v` such that a majority of the cluster (`own` plus
/// `others`) holds a value of at least `v`.
pub fn quorum_value(own: u64, others: impl Iterator<Item = u64>) -> u64 {
    let mut all: Vec<u64> = std::iter::once(own).chain(others).collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    all[majority(all.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leader(peers: &[&str], term_start: u64) -> Leader {
        let peers: Vec<String> = peers.iter().map(|p| p.to_string()).collect();
        Leader::new(peers.iter(), term_start, 0)
    }

    #[test]
    fn only_entries_of_the_current_term_are_committed_by_counting() {
        use super::super::log::Entry;
        use super::super::state_machine::Op;
        // Figure 8 (c): the leader of term 4 holds entries of terms 1, 2
        // and has got the term-2 entry onto a majority. It must not commit
        // it: a node holding a term-3 entry at index 2 could still be
        // elected and overwrite it.
        let mut log = Log::default();
        for term in [1, 2] {
            log.append(Entry {
                term,
                op: Op::Noop,
                id: None,
            });
        }
        assert_eq!(new_commit(&log, 4, 2, 1), None);
        log.append(Entry {
            term: 4,
            op: Op::Noop,
            id: None,
        });
        assert_eq!(new_commit(&log, 4, 2, 1), None);
        // Once its own entry is on a majority, everything before commits too.
        assert_eq!(new_commit(&log, 4, 3, 1), Some(3));
        assert_eq!(new_commit(&log, 4, 3, 3), None, "never backwards");
        assert_eq!(new_commit(&log, 4, 7, 1), None, "beyond our log");
    }

    #[test]
    fn quorum_value_is_what_a_majority_holds() {
        assert_eq!(quorum_value(7, [].into_iter()), 7, "a single node");
        assert_eq!(quorum_value(7, [3, 5].into_iter()), 5);
        assert_eq!(quorum_value(7, [0, 0].into_iter()), 0);
        assert_eq!(quorum_value(7, [9, 0, 0, 8].into_iter()), 7);
        assert_eq!(quorum_value(7, [1, 0, 0, 8].into_iter()), 1);
        assert_eq!(quorum_value(2, [9].into_iter()), 2, "two nodes: both");
    }

    #[test]
    fn a_new_leader_probes_from_its_no_op_and_backs_off_on_refusal() {
        let mut l = leader(&["n1", "n2"], 5);
        let s = l.plan("n1", 5, None, 0, true).unwrap();
        assert_eq!((s.round, s.from, s.max), (1, 5, MAX_BATCH));
        l.on_reply("n1", 1, Err(3), 5, 1);
        assert_eq!(l.progress["n1"].next, 3);
        // The refusal answered the batch: the next tick sends again.
        let s = l.plan("n1", 5, None, 10, false).unwrap();
        assert_eq!((s.from, s.max), (3, MAX_BATCH));
        l.on_reply("n1", s.round, Ok(5), 5, 11);
        assert_eq!((l.progress["n1"].matched, l.progress["n1"].next), (5, 6));
        // A stale refusal cannot move `next` below what is matched.
        l.on_reply("n1", 1, Err(1), 5, 12);
        assert_eq!(l.progress["n1"].next, 6);
    }

    #[test]
    fn entries_wait_for_the_batch_in_flight_but_heartbeats_and_reads_do_not() {
        let mut l = leader(&["n1"], 1);
        let s = l.plan("n1", 3, None, 0, false).unwrap();
        assert_eq!(s.max, MAX_BATCH);
        assert_eq!(l.plan("n1", 4, None, 10, false), None, "in flight");
        let r = l.plan("n1", 4, Some(1), 20, false).unwrap();
        assert_eq!(
            (r.round, r.max),
            (2, 0),
            "a read's round carries no entries"
        );
        assert_eq!(
            l.plan("n1", 4, Some(1), 30, false),
            None,
            "round 2 > 1 sent"
        );
        let h = l.plan("n1", 4, None, 120, false).unwrap();
        assert_eq!(
            (h.from, h.max),
            (1, MAX_BATCH),
            "an unanswered batch is resent"
        );
        // Replies to older rounds do not clear the newer batch in flight.
        l.on_reply("n1", 2, Ok(0), 4, 121);
        assert!(l.progress["n1"].entries_in_flight.is_some());
        l.on_reply("n1", h.round, Ok(4), 4, 122);
        assert!(l.progress["n1"].entries_in_flight.is_none());
        assert_eq!(l.plan("n1", 4, None, 130, false), None, "nothing to send");
    }

    #[test]
    fn quorum_round_and_match_count_the_leader() {
        let mut l = leader(&["n1", "n2", "n3", "n4"], 1);
        assert_eq!(l.quorum_round(), 0);
        l.on_reply("n1", 4, Ok(9), 10, 0);
        assert_eq!(l.quorum_round(), 0, "two of five");
        l.on_reply("n3", 6, Ok(7), 10, 0);
        assert_eq!(l.quorum_round(), 4);
        assert_eq!(l.quorum_match(10), 7);
        assert_eq!(
            l.quorum_match(3),
            3,
            "our own log counts only up to its end"
        );
    }

    #[test]
    fn check_quorum_needs_recent_replies_from_a_majority() {
        let mut l = leader(&["n1", "n2"], 1);
        assert!(l.has_quorum(ELECTION_MIN_MS - 1), "grace after election");
        assert!(!l.has_quorum(ELECTION_MIN_MS));
        l.on_reply("n2", 1, Ok(0), 1, 500);
        assert!(l.has_quorum(500 + ELECTION_MIN_MS - 1));
        assert!(!l.has_quorum(500 + ELECTION_MIN_MS));
    }
}
