//! Roles, terms and votes: the rules of leader election (Raft paper §5.2,
//! §5.4.1), with the two additions of Ongaro's thesis (2014) §9.6 that keep
//! a partitioned node from disrupting a working leader when it comes back:
//!
//! * **Pre-vote**: a node whose election timer fires first asks whether a
//!   majority *would* vote for it in the next term, without anyone changing
//!   term. Only then does it become a candidate. A node cut off from the
//!   majority never wins a pre-vote, so its term stays where it was and its
//!   return does not depose anyone.
//! * **Leader stickiness (lease check)**: a node that heard from a leader less
//!   than the minimum election timeout ago refuses pre-votes and votes without
//!   looking at the term. With check-quorum on the leader (it steps down when
//!   it has not heard from a majority for as long), a leader that is still
//!   followed by a majority is never deposed.

use super::log::Log;
use std::collections::BTreeSet;

/// Election timeouts are drawn uniformly from `[ELECTION_MIN_MS,
/// ELECTION_MAX_MS)` with the node's seeded rng, so two nodes rarely time
/// out together and a run replays exactly for a seed.
pub const ELECTION_MIN_MS: u64 = 400;
pub const ELECTION_MAX_MS: u64 = 800;

/// A fresh election timeout.
pub fn election_timeout(rng: &mut fastrand::Rng) -> u64 {
    rng.u64(ELECTION_MIN_MS..ELECTION_MAX_MS)
}

/// Votes a (pre-)candidate has collected, itself included.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Votes(BTreeSet<String>);

impl Votes {
    pub fn new(me: &str) -> Self {
        Votes(BTreeSet::from([me.to_string()]))
    }

    /// Records a granted vote; true once a majority of `cluster_size` granted.
    pub fn grant(&mut self, voter: &str, cluster_size: usize) -> bool {
        self.0.insert(voter.to_string());
        self.won(cluster_size)
    }

    pub fn won(&self, cluster_size: usize) -> bool {
        self.0.len() >= majority(cluster_size)
    }
}

/// The smallest majority of `cluster_size` nodes.
pub fn majority(cluster_size: usize) -> usize {
    cluster_size / 2 + 1
}

/// What a voter knows when a (pre-)vote request arrives.
pub struct Voter<'a> {
    pub term: u64,
    pub voted_for: Option<&'a str>,
    pub log: &'a Log,
    /// It is the leader, or heard from one less than `ELECTION_MIN_MS` ago.
    pub in_lease: bool,
}

/// A (pre-)vote request: the candidate's term (for a pre-vote, the term it
/// would stand in) and the end of its log.
pub struct Ballot<'a> {
    pub candidate: &'a str,
    pub term: u64,
    pub last_index: u64,
    pub last_term: u64,
    pub pre: bool,
}

/// The voter's answer.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    pub grant: bool,
    /// The voter must move to this (higher) term first, as a follower.
    pub adopt_term: Option<u64>,
}

/// Decides a vote. A pre-vote never changes the voter's state.
pub fn decide(voter: &Voter<'_>, ballot: &Ballot<'_>) -> Decision {
    let refuse = Decision {
        grant: false,
        adopt_term: None,
    };
    if voter.in_lease || ballot.term < voter.term {
        return refuse;
    }
    let up_to_date = voter
        .log
        .candidate_is_up_to_date(ballot.last_index, ballot.last_term);
    if ballot.pre {
        return Decision {
            grant: ballot.term > voter.term && up_to_date,
            adopt_term: None,
        };
    }
    let newer = ballot.term > voter.term;
    let free = newer || !matches!(voter.voted_for, Some(v) if v != ballot.candidate);
    Decision {
        grant: free && up_to_date,
        adopt_term: newer.then_some(ballot.term),
    }
}

#[cfg(test)]
mod tests {
    use super::super::log::Entry;
    use super::super::state_machine::Op;
    use super::*;

    fn log(terms: &[u64]) -> Log {
        let mut l = Log::default();
        for &term in terms {
            l.append(Entry {
                term,
                op: Op::Noop,
                id: None,
            });
        }
        l
    }

    fn ballot(candidate: &str, term: u64, last_index: u64, last_term: u64) -> Ballot<'_> {
        Ballot {
            candidate,
            term,
            last_index,
            last_term,
            pre: false,
        }
    }

    fn voter<'a>(term: u64, voted_for: Option<&'a str>, log: &'a Log) -> Voter<'a> {
        Voter {
            term,
            voted_for,
            log,
            in_lease: false,
        }
    }

    #[test]
    fn one_vote_per_term() {
        let l = log(&[1]);
        let d = decide(&voter(2, Some("n1"), &l), &ballot("n2", 2, 1, 1));
        assert!(!d.grant, "already voted for n1 in term 2");
        let d = decide(&voter(2, Some("n1"), &l), &ballot("n1", 2, 1, 1));
        assert!(d.grant, "the same candidate may ask again");
        let d = decide(&voter(2, None, &l), &ballot("n2", 2, 1, 1));
        assert_eq!(
            d,
            Decision {
                grant: true,
                adopt_term: None
            }
        );
    }

    #[test]
    fn a_higher_term_frees_the_vote_and_is_adopted_even_when_refused() {
        let l = log(&[1, 3]);
        let d = decide(&voter(3, Some("n1"), &l), &ballot("n2", 4, 2, 3));
        assert_eq!(
            d,
            Decision {
                grant: true,
                adopt_term: Some(4)
            }
        );
        // A stale log is refused, but the term still moves on.
        let d = decide(&voter(3, None, &l), &ballot("n2", 5, 9, 2));
        assert_eq!(
            d,
            Decision {
                grant: false,
                adopt_term: Some(5)
            }
        );
    }

    #[test]
    fn a_lower_term_is_refused() {
        let l = log(&[]);
        let d = decide(&voter(3, None, &l), &ballot("n2", 2, 0, 0));
        assert_eq!(
            d,
            Decision {
                grant: false,
                adopt_term: None
            }
        );
    }

    #[test]
    fn a_candidate_with_a_less_up_to_date_log_is_refused() {
        let l = log(&[1, 2, 2]);
        assert!(!decide(&voter(2, None, &l), &ballot("n2", 3, 2, 2)).grant);
        assert!(!decide(&voter(2, None, &l), &ballot("n2", 3, 5, 1)).grant);
        assert!(decide(&voter(2, None, &l), &ballot("n2", 3, 1, 3)).grant);
    }

    #[test]
    fn a_voter_in_a_leaders_lease_refuses_and_keeps_its_term() {
        let l = log(&[1]);
        let mut v = voter(1, None, &l);
        v.in_lease = true;
        assert_eq!(
            decide(&v, &ballot("n2", 9, 5, 5)),
            Decision {
                grant: false,
                adopt_term: None
            }
        );
    }

    #[test]
    fn a_pre_vote_needs_a_higher_term_and_never_changes_the_voter() {
        let l = log(&[1, 2]);
        let mut b = ballot("n2", 3, 2, 2);
        b.pre = true;
        assert_eq!(
            decide(&voter(2, Some("n1"), &l), &b),
            Decision {
                grant: true,
                adopt_term: None
            },
            "a pre-vote ignores the real vote already cast"
        );
        b.term = 2;
        assert!(!decide(&voter(2, None, &l), &b).grant);
        b.term = 3;
        b.last_term = 1;
        assert!(!decide(&voter(2, None, &l), &b).grant);
    }

    #[test]
    fn majorities() {
        assert_eq!(
            [1, 2, 3, 4, 5].map(majority),
            [1, 2, 2, 3, 3],
            "cluster sizes 1..5"
        );
        let mut v = Votes::new("n0");
        assert!(v.won(1));
        assert!(!v.won(3));
        assert!(!v.grant("n0", 3), "a repeated vote counts once");
        assert!(v.grant("n2", 3));
        assert!(!v.won(5));
    }
}
