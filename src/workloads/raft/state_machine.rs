//! The replicated state machine: a map from keys to values with Maelstrom's
//! lin-kv operations (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/lin_kv.clj: `read`, `write!`, `cas!`, error 20 when
//! the key does not exist, 22 when `from` does not match).
//!
//! Writes and cas are applied in log order on every node; reads are not
//! entries (see `reads.rs`). Every applied request is remembered by its
//! client and msg_id, so a request that reaches the log twice takes effect
//! once, and the second copy gets the first copy's outcome.

use crate::runtime::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// A state-changing operation, as it travels in log entries.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "f", rename_all = "snake_case")]
pub enum Op {
    /// What a new leader appends first, to commit everything before it.
    Noop,
    Write {
        key: Value,
        value: Value,
    },
    Cas {
        key: Value,
        from: Value,
        to: Value,
    },
}

/// Which client request an entry carries: the client's id and its msg_id.
pub type OpId = (String, u64);

/// What applying an operation did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Ok,
    Failed(ErrorCode, String),
}

/// Most remembered outcomes per client. A client has one request in flight
/// at a time and a copy of a request can only reach the log while it is in
/// flight, so a short memory is enough; it is bounded so that a long run
/// does not grow without limit. The bound is a count, not a time, so every
/// replica forgets the same ids at the same log position.
const REMEMBERED_PER_CLIENT: usize = 64;

#[derive(Default, Debug)]
pub struct StateMachine {
    /// Keys by their JSON text (keys may be any JSON value; serde_json
    /// writes object keys sorted, so the text is canonical).
    data: BTreeMap<String, Value>,
    applied: BTreeMap<String, VecDeque<(u64, Outcome)>>,
}

impl StateMachine {
    /// The value of `key`, if it exists.
    pub fn read(&self, key: &Value) -> Option<&Value> {
        self.data.get(&key.to_string())
    }

    /// The outcome of request `id`, if it was applied (and not yet forgotten).
    pub fn outcome_of(&self, id: &OpId) -> Option<&Outcome> {
        self.applied
            .get(&id.0)?
            .iter()
            .find(|(msg_id, _)| *msg_id == id.1)
            .map(|(_, o)| o)
    }

    /// Applies the next committed operation; a request already applied is
    /// not applied again, and gets its first outcome.
    pub fn apply(&mut self, op: &Op, id: Option<&OpId>) -> Outcome {
        if let Some(done) = id.and_then(|id| self.outcome_of(id)) {
            return done.clone();
        }
        let outcome = match op {
            Op::Noop => Outcome::Ok,
            Op::Write { key, value } => {
                self.data.insert(key.to_string(), value.clone());
                Outcome::Ok
            }
            Op::Cas { key, from, to } => match self.data.get_mut(&key.to_string()) {
                None => Outcome::Failed(
                    ErrorCode::KeyDoesNotExist,
                    format!("key {key} does not exist"),
                ),
                Some(current) if current == from => {
                    *current = to.clone();
                    Outcome::Ok
                }
                Some(current) => Outcome::Failed(
                    ErrorCode::PreconditionFailed,
                    format!("expected {from}, but had {current}"),
                ),
            },
        };
        if let Some((client, msg_id)) = id {
            let seen = self.applied.entry(client.clone()).or_default();
            if seen.len() == REMEMBERED_PER_CLIENT {
                seen.pop_front();
            }
            seen.push_back((*msg_id, outcome.clone()));
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(k: i64, v: i64) -> Op {
        Op::Write {
            key: json!(k),
            value: json!(v),
        }
    }

    fn cas(k: i64, from: i64, to: i64) -> Op {
        Op::Cas {
            key: json!(k),
            from: json!(from),
            to: json!(to),
        }
    }

    #[test]
    fn write_read_and_cas_follow_lin_kv() {
        let mut sm = StateMachine::default();
        assert_eq!(sm.read(&json!(1)), None);
        assert!(matches!(
            sm.apply(&cas(1, 0, 1), None),
            Outcome::Failed(ErrorCode::KeyDoesNotExist, _)
        ));
        assert_eq!(sm.read(&json!(1)), None, "a failed cas creates nothing");
        assert_eq!(sm.apply(&write(1, 3), None), Outcome::Ok);
        assert!(matches!(
            sm.apply(&cas(1, 4, 0), None),
            Outcome::Failed(ErrorCode::PreconditionFailed, _)
        ));
        assert_eq!(sm.read(&json!(1)), Some(&json!(3)));
        assert_eq!(sm.apply(&cas(1, 3, 4), None), Outcome::Ok);
        assert_eq!(sm.read(&json!(1)), Some(&json!(4)));
        assert_eq!(sm.read(&json!("1")), None, "keys are compared as JSON");
        assert_eq!(sm.apply(&Op::Noop, None), Outcome::Ok);
    }

    #[test]
    fn a_request_applied_twice_takes_effect_once() {
        let mut sm = StateMachine::default();
        let id = ("c1".to_string(), 7);
        sm.apply(&write(1, 0), None);
        assert_eq!(sm.apply(&cas(1, 0, 1), Some(&id)), Outcome::Ok);
        sm.apply(&write(1, 0), None);
        // The second copy of the cas must neither apply nor fail: it gets the
        // first copy's outcome and the value stays what the write left.
        assert_eq!(sm.apply(&cas(1, 0, 1), Some(&id)), Outcome::Ok);
        assert_eq!(sm.read(&json!(1)), Some(&json!(0)));
        // Another msg_id of the same client is another request.
        assert_eq!(
            sm.apply(&cas(1, 0, 1), Some(&("c1".to_string(), 8))),
            Outcome::Ok
        );
        assert_eq!(sm.read(&json!(1)), Some(&json!(1)));
    }

    #[test]
    fn outcomes_are_forgotten_per_client_after_a_bound() {
        let mut sm = StateMachine::default();
        for i in 0..=REMEMBERED_PER_CLIENT as u64 {
            sm.apply(&write(1, i as i64), Some(&("c1".to_string(), i)));
        }
        assert_eq!(sm.outcome_of(&("c1".to_string(), 0)), None);
        assert_eq!(sm.outcome_of(&("c1".to_string(), 1)), Some(&Outcome::Ok));
    }
}
