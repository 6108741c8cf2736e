//! Raft messages no correct member sends, refused before they touch any
//! state (issue 22 row 8: a member sent term u64::MAX; every node adopted
//! it, and the next pre-vote's `term + 1` wrapped to 0, so no leader could
//! ever be elected again).
//!
//! * A term that cannot be incremented: whoever adopts it can never stand.
//! * A term more than `MAX_TERM_LEAP` above ours. With pre-vote a node's
//!   term rises only when a majority would elect it, at most once per
//!   election timeout (400 ms): 2^32 terms take 54 years of back-to-back
//!   elections. Without this bound a term just below u64::MAX would do the
//!   same harm a few elections later.
//! * A log whose terms exceed the term of its sender: a leader stamps new
//!   entries with its own term (§5.3), and terms never decrease, so neither
//!   an entry nor a candidate's last log term is ever above the sender's term.

use super::{AppendEntries, AppendEntriesResult, LinKvRequest, RequestVote, RequestVoteResult};

/// How far above ours a term may be.
pub const MAX_TERM_LEAP: u64 = 1 << 32;

/// Why `msg` (from a member, while our term is `own_term`) is refused, if it is.
pub fn refusal(msg: &LinKvRequest, own_term: u64) -> Option<String> {
    let (kind, term, log_terms): (&str, u64, Vec<u64>) = match msg {
        LinKvRequest::RequestVote(v) => (RequestVote::TYPE, v.term, vec![v.last_log_term]),
        LinKvRequest::RequestVoteResult(r) => (RequestVoteResult::TYPE, r.term, vec![]),
        LinKvRequest::AppendEntries(a) => (
            AppendEntries::TYPE,
            a.term,
            std::iter::once(a.prev_term)
                .chain(a.entries.iter().map(|e| e.term))
                .collect(),
        ),
        LinKvRequest::AppendEntriesResult(r) => (AppendEntriesResult::TYPE, r.term, vec![]),
        _ => return None,
    };
    let why = if term.checked_add(1).is_none() {
        format!("term {term} cannot be incremented")
    } else if term > own_term.saturating_add(MAX_TERM_LEAP) {
        format!("term {term} is more than {MAX_TERM_LEAP} above ours ({own_term})")
    } else {
        let t = log_terms.into_iter().find(|&t| t > term)?;
        format!("log term {t} is above the sender's term {term}")
    };
    Some(format!("{kind}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::super::state_machine::Op;
    use super::super::Entry;
    use super::*;

    fn vote(term: u64, last_log_term: u64) -> LinKvRequest {
        LinKvRequest::RequestVote(RequestVote {
            term,
            last_log_index: 1,
            last_log_term,
            pre: true,
        })
    }

    #[test]
    fn terms_that_cannot_be_followed_and_impossible_logs_are_refused() {
        assert_eq!(refusal(&vote(5, 5), 3), None);
        assert!(refusal(&vote(u64::MAX, 0), u64::MAX - 1).is_some());
        let result = LinKvRequest::RequestVoteResult(RequestVoteResult {
            term: u64::MAX - 1,
            granted: false,
            pre: true,
        });
        assert!(refusal(&result, 7).is_some(), "a leap past 2^32");
        assert_eq!(refusal(&result, u64::MAX - 2), None);
        assert!(refusal(&vote(4, 5), 3).is_some());
        let entries = |terms: &[u64]| {
            LinKvRequest::AppendEntries(AppendEntries {
                term: 4,
                prev_index: 1,
                prev_term: terms[0],
                entries: terms[1..]
                    .iter()
                    .map(|&term| Entry {
                        term,
                        op: Op::Noop,
                        id: None,
                    })
                    .collect(),
                commit: 0,
                round: 1,
            })
        };
        assert_eq!(refusal(&entries(&[2, 3, 4]), 4), None);
        assert!(refusal(&entries(&[5, 4]), 4).is_some());
        assert!(refusal(&entries(&[1, 4, 9]), 4).is_some());
    }
}
