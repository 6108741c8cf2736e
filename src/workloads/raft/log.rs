//! The replicated log: entries numbered from 1, each stamped with the term of
//! the leader that created it, and the follower's side of AppendEntries that
//! keeps the log-matching property (Raft paper, Ongaro & Ousterhout 2014,
//! §5.3: if two logs hold an entry with the same index and term, they are
//! identical up to that index).

use super::state_machine::{Op, OpId};
use serde::{Deserialize, Serialize};

/// One log entry: the operation and the term of the leader that appended it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Entry {
    pub term: u64,
    pub op: Op,
    /// The client request this entry carries (`None` for a leader's no-op).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<OpId>,
}

/// Why a follower refused an AppendEntries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The entry before the batch is missing or has another term: the leader
    /// should retry from this index (a hint; it never goes below 1).
    Mismatch { retry_from: u64 },
    /// Accepting would remove a committed entry. A correct leader never asks;
    /// the follower keeps its log and reports it.
    WouldTruncateCommitted,
}

/// The log. Index `i` (from 1) is `entries[i - 1]`; index 0 is the empty
/// prefix, of term 0, which every log matches.
#[derive(Default, Debug, Clone)]
pub struct Log {
    entries: Vec<Entry>,
}

impl Log {
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }

    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// The term of the entry at `index` (0 at index 0), if the log reaches it.
    pub fn term_at(&self, index: u64) -> Option<u64> {
        match index {
            0 => Some(0),
            i => self.get(i).map(|e| e.term),
        }
    }

    pub fn get(&self, index: u64) -> Option<&Entry> {
        let i = usize::try_from(index.checked_sub(1)?).ok()?;
        self.entries.get(i)
    }

    /// Appends an entry (the leader's side); returns its index.
    pub fn append(&mut self, entry: Entry) -> u64 {
        self.entries.push(entry);
        self.last_index()
    }

    /// Up to `max` entries from `from` on (empty past the end).
    pub fn slice(&self, from: u64, max: usize) -> &[Entry] {
        let start = (from.max(1) - 1).min(self.last_index()) as usize;
        let end = start.saturating_add(max).min(self.entries.len());
        &self.entries[start..end]
    }

    /// Whether a candidate whose log ends at (`last_index`, `last_term`) is at
    /// least as up to date as this log (§5.4.1: the later last term wins; on
    /// equal terms, the longer log).
    pub fn candidate_is_up_to_date(&self, last_index: u64, last_term: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }

    /// The follower's side of AppendEntries: the batch `entries` follows
    /// index `prev_index` of term `prev_term` in the leader's log.
    ///
    /// If this log has that entry, the batch is merged in: entries already
    /// present with the same term are kept (a stale or duplicated batch must
    /// not cut off entries appended since), and from the first entry whose
    /// term differs the log is replaced by the batch. Returns the index of the
    /// batch's last entry: this log now matches the leader's up to there
    /// (and not necessarily beyond, whatever this log holds past it).
    pub fn accept(
        &mut self,
        prev_index: u64,
        prev_term: u64,
        entries: &[Entry],
        commit: u64,
    ) -> Result<u64, Refusal> {
        match self.term_at(prev_index) {
            None => {
                return Err(Refusal::Mismatch {
                    retry_from: self.last_index() + 1,
                })
            }
            Some(t) if t != prev_term => {
                // Skip the whole conflicting term at once (§5.3's optimisation):
                // retry from the first entry we hold of term `t`.
                let mut first = prev_index;
                while first > 1 && self.term_at(first - 1) == Some(t) {
                    first -= 1;
                }
                return Err(Refusal::Mismatch {
                    retry_from: first.max(commit + 1),
                });
            }
            Some(_) => {}
        }
        let conflict = entries.iter().enumerate().find_map(|(k, e)| {
            let index = prev_index + 1 + k as u64;
            match self.term_at(index) {
                Some(t) if t == e.term => None,
                _ => Some((k, index)),
            }
        });
        if let Some((k, index)) = conflict {
            if index <= commit && index <= self.last_index() {
                return Err(Refusal::WouldTruncateCommitted);
            }
            self.entries.truncate((index - 1) as usize);
            self.entries.extend_from_slice(&entries[k..]);
        }
        Ok(prev_index + entries.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64) -> Entry {
        Entry {
            term,
            op: Op::Noop,
            id: None,
        }
    }

    fn log(terms: &[u64]) -> Log {
        let mut l = Log::default();
        for &t in terms {
            l.append(e(t));
        }
        l
    }

    fn terms(l: &Log) -> Vec<u64> {
        (1..=l.last_index())
            .map(|i| l.term_at(i).unwrap())
            .collect()
    }

    #[test]
    fn index_zero_is_the_empty_prefix_every_log_matches() {
        let mut l = Log::default();
        assert_eq!((l.last_index(), l.last_term()), (0, 0));
        assert_eq!(l.term_at(0), Some(0));
        assert_eq!(l.term_at(1), None);
        assert_eq!(l.accept(0, 0, &[e(1), e(1)], 0), Ok(2));
        assert_eq!(terms(&l), [1, 1]);
    }

    #[test]
    fn a_missing_previous_entry_is_refused_with_our_end_as_the_hint() {
        let mut l = log(&[1, 1]);
        assert_eq!(
            l.accept(5, 2, &[e(2)], 0),
            Err(Refusal::Mismatch { retry_from: 3 })
        );
        assert_eq!(terms(&l), [1, 1], "a refused batch changes nothing");
    }

    #[test]
    fn a_previous_entry_of_another_term_is_refused_and_the_hint_skips_that_term() {
        let mut l = log(&[1, 2, 2, 2]);
        assert_eq!(
            l.accept(4, 3, &[e(3)], 0),
            Err(Refusal::Mismatch { retry_from: 2 })
        );
        // The hint never goes below what is committed.
        assert_eq!(
            l.accept(4, 3, &[e(3)], 2),
            Err(Refusal::Mismatch { retry_from: 3 })
        );
        assert_eq!(terms(&l), [1, 2, 2, 2]);
    }

    #[test]
    fn a_conflicting_suffix_is_replaced_by_the_leaders_entries() {
        let mut l = log(&[1, 1, 2, 2]);
        assert_eq!(l.accept(2, 1, &[e(3), e(3), e(3)], 2), Ok(5));
        assert_eq!(terms(&l), [1, 1, 3, 3, 3]);
    }

    #[test]
    fn a_stale_or_repeated_batch_does_not_cut_off_later_entries() {
        let mut l = log(&[1, 1, 1, 1]);
        // A batch that was overtaken by a longer one: all its entries match.
        assert_eq!(l.accept(1, 1, &[e(1)], 0), Ok(2));
        assert_eq!(terms(&l), [1, 1, 1, 1]);
        // The match reported is the batch's end, not the log's end: the
        // leader may not assume the entries beyond it are its own.
        assert_eq!(l.accept(0, 0, &[], 0), Ok(0));
    }

    #[test]
    fn a_batch_that_would_remove_a_committed_entry_is_refused() {
        let mut l = log(&[1, 1, 1]);
        assert_eq!(
            l.accept(1, 1, &[e(2)], 3),
            Err(Refusal::WouldTruncateCommitted)
        );
        assert_eq!(terms(&l), [1, 1, 1]);
    }

    #[test]
    fn after_accepting_both_logs_match_up_to_the_batch_end() {
        // The log-matching property, exhaustively over small logs: whatever
        // the follower held, once it accepts the leader's entries after a
        // matching prefix, both logs are identical up to the batch's end.
        let leader = log(&[1, 1, 2, 3, 3]);
        let followers: [&[u64]; 6] = [
            &[],
            &[1],
            &[1, 1, 2],
            &[1, 1, 2, 2, 2, 2],
            &[1, 1, 1, 1],
            &[1, 1, 2, 3, 3, 3],
        ];
        for f in followers {
            for prev in 0..=leader.last_index() {
                for len in 0..=(leader.last_index() - prev) as usize {
                    let mut l = log(f);
                    let batch = leader.slice(prev + 1, len).to_vec();
                    let prev_term = leader.term_at(prev).unwrap();
                    match l.accept(prev, prev_term, &batch, 0) {
                        Ok(m) => {
                            assert_eq!(m, prev + len as u64);
                            for i in 1..=m {
                                assert_eq!(l.term_at(i), leader.term_at(i), "{f:?} {prev} {len}");
                            }
                        }
                        Err(Refusal::Mismatch { retry_from }) => {
                            assert_eq!(terms(&l), f.to_vec(), "refusal changed the log");
                            assert!(retry_from >= 1 && retry_from <= prev.max(1));
                        }
                        Err(r) => panic!("{r:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let l = log(&[1, 2, 2]);
        assert!(l.candidate_is_up_to_date(3, 2));
        assert!(
            l.candidate_is_up_to_date(1, 3),
            "a later term beats a longer log"
        );
        assert!(!l.candidate_is_up_to_date(2, 2));
        assert!(!l.candidate_is_up_to_date(9, 1));
        assert!(Log::default().candidate_is_up_to_date(0, 0));
    }

    #[test]
    fn slice_is_clamped_to_the_log() {
        let l = log(&[1, 2, 3]);
        assert_eq!(l.slice(2, 10).len(), 2);
        assert_eq!(l.slice(4, 10).len(), 0);
        assert_eq!(l.slice(9, 10).len(), 0);
        assert_eq!(l.slice(1, 2).len(), 2);
        assert_eq!(l.slice(0, 10).len(), 3);
    }
}
