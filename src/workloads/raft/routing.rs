//! Where a client request goes: a leader serves it; a follower forwards it to
//! the leader it knows; a node that knows no leader parks it until one is
//! known, and answers error 11 (temporarily-unavailable, a *definite* error:
//! the request certainly had no effect) when none turns up in time.
//!
//! A forwarded request is sent again (to another leader) only when the
//! first was definitely refused: the receiver was not leader, or answered
//! error 11. A forward that times out is never sent again, since it may
//! still commit; the client gets an indefinite error (code 0, timeout). So a
//! request is in at most one log position that can still commit, and the
//! state machine's request ids (`state_machine.rs`) are a second guard.

use super::state_machine::Op;
use super::ReplyTo;
use serde_json::Value;
use std::collections::VecDeque;

/// How long a request may wait for a leader to be known before error 11.
/// Maelstrom's lin-kv client gives up after max(10 x mean latency, 1 s)
/// (jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/lin_kv.clj, `invoke!`).
pub const PARK_MS: u64 = 500;
/// How long a follower waits for the leader's answer to a forward.
pub const FORWARD_TIMEOUT_MS: u64 = 900;

/// A client request: a read, or an update for the log.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Read(Value),
    Update(Op),
}

/// A client request on its way, with whom to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub command: Command,
    pub reply_to: ReplyTo,
    /// Answer error 11 if it is still parked at this time.
    pub deadline: u64,
    /// A node that refused it as not the leader: not to be asked again
    /// before another leader is known.
    pub refused_by: Option<String>,
}

/// Requests waiting for a leader, in arrival order.
#[derive(Debug, Default)]
pub struct Parked {
    queue: VecDeque<Routed>,
}

impl Parked {
    pub fn push(&mut self, r: Routed) {
        self.queue.push_back(r);
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Takes the requests to act on now: those past their deadline (to
    /// refuse) and, given the leader known now (`None` if none; `Some(me)`
    /// when we lead), those it may take (to route).
    pub fn take(&mut self, now: u64, leader: Option<&str>) -> (Vec<Routed>, Vec<Routed>) {
        let (mut expired, mut routable, mut keep) = (Vec::new(), Vec::new(), VecDeque::new());
        for r in self.queue.drain(..) {
            if now >= r.deadline {
                expired.push(r);
            } else if leader.is_some_and(|l| r.refused_by.as_deref() != Some(l)) {
                routable.push(r);
            } else {
                keep.push_back(r);
            }
        }
        self.queue = keep;
        (expired, routable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn routed(deadline: u64, refused_by: Option<&str>) -> Routed {
        Routed {
            command: Command::Read(json!(1)),
            reply_to: ReplyTo {
                dest: "c1".into(),
                msg_id: Some(deadline),
            },
            deadline,
            refused_by: refused_by.map(String::from),
        }
    }

    #[test]
    fn parked_requests_expire_or_go_to_a_leader_that_did_not_refuse_them() {
        let mut p = Parked::default();
        p.push(routed(100, None));
        p.push(routed(200, Some("n1")));
        p.push(routed(300, None));
        let (expired, routable) = p.take(50, None);
        assert!(expired.is_empty() && routable.is_empty(), "no leader yet");
        let (expired, routable) = p.take(150, Some("n1"));
        assert_eq!(expired, vec![routed(100, None)]);
        assert_eq!(routable, vec![routed(300, None)]);
        assert!(!p.is_empty(), "n1 refused the second one");
        let (expired, routable) = p.take(160, Some("n2"));
        assert!(expired.is_empty());
        assert_eq!(routable, vec![routed(200, Some("n1"))]);
        assert!(p.is_empty());
    }
}
