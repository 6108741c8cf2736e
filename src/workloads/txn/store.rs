//! The replicated register store: one last-writer-wins register per key,
//! ordered by a `(lamport clock, node index)` version, and local execution of
//! a transaction against it.

use serde_json::Value;
use std::collections::HashMap;

/// Total order on writes: Lamport time first, then the writing node's index
/// (distinct per node, so two different transactions never tie).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub lamport: u64,
    pub node: u32,
}

/// One committed transaction's external writes (the last write of each key it
/// wrote), all carrying the transaction's version. Intermediate writes are
/// never part of it, so no node can ever expose them.
#[derive(Clone, Debug, PartialEq)]
pub struct Committed {
    pub version: Version,
    /// `(key, value)` in first-write order; one entry per key.
    pub writes: Vec<(Value, Value)>,
}

/// A micro-op `[f, k, v]` as it travels in `txn` / `txn_ok`.
pub type MicroOp = (String, Value, Value);

/// Why a transaction could not run.
#[derive(Debug, PartialEq, Eq)]
pub struct BadMicroOp(pub String);

/// Key of the register map: the key's JSON text. serde_json's maps are sorted,
/// so equal JSON values give equal text, and integers never pass through f64.
fn key_text(key: &Value) -> String {
    key.to_string()
}

#[derive(Clone, Debug, PartialEq)]
struct Register {
    value: Value,
    version: Version,
}

/// The largest Lamport time a peer's commit may carry. A larger one is
/// malformed (the whole batch is dropped): taking it could push the clock
/// to u64::MAX, where it would stop growing and later local writes would
/// tie with, and lose to, what is held. After the largest allowed jump a
/// node still has 2^62 commits of its own before its clock runs out.
pub const MAX_PEER_LAMPORT: u64 = 1 << 62;

/// The registers one node holds, and its Lamport clock.
#[derive(Debug, Default)]
pub struct Store {
    registers: HashMap<String, Register>,
    /// At least the Lamport time of every version applied here.
    clock: u64,
    node: u32,
}

impl Store {
    /// An empty store for the node at `node` in the cluster's id list.
    pub fn new(node: u32) -> Self {
        Store {
            registers: HashMap::new(),
            clock: 0,
            node,
        }
    }

    /// Runs `ops` atomically: reads see the store plus this transaction's own
    /// earlier writes; the final value of each written key becomes one
    /// committed version, newer than everything this node has seen (so it is
    /// also newer than every value the transaction read). Returns the filled-in
    /// micro-ops and the commit (None for a read-only transaction).
    pub fn execute(
        &mut self,
        ops: Vec<MicroOp>,
    ) -> Result<(Vec<MicroOp>, Option<Committed>), BadMicroOp> {
        // Own writes, in first-write order, with their latest value.
        let mut writes: Vec<(Value, Value)> = Vec::new();
        let mut written: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::with_capacity(ops.len());
        for (f, key, value) in ops {
            let text = key_text(&key);
            match f.as_str() {
                "r" => {
                    let seen = match written.get(&text) {
                        Some(&i) => writes[i].1.clone(),
                        None => self.read(&text),
                    };
                    out.push((f, key, seen));
                }
                "w" => {
                    match written.get(&text) {
                        Some(&i) => writes[i].1 = value.clone(),
                        None => {
                            written.insert(text, writes.len());
                            writes.push((key.clone(), value.clone()));
                        }
                    }
                    out.push((f, key, value));
                }
                other => return Err(BadMicroOp(format!("unknown micro-op {other:?}"))),
            }
        }
        if writes.is_empty() {
            return Ok((out, None));
        }
        let Some(clock) = self.clock.checked_add(1) else {
            // Unreachable while peers stay under MAX_PEER_LAMPORT (see
            // `clock_exhausted`, checked before executing).
            return Err(BadMicroOp("this node's Lamport clock is exhausted".into()));
        };
        self.clock = clock;
        let commit = Committed {
            version: Version {
                lamport: self.clock,
                node: self.node,
            },
            writes,
        };
        self.apply(&commit);
        Ok((out, Some(commit)))
    }

    /// Applies a committed transaction (local or remote) in one step: each key
    /// takes the write if its version is newer than the one held. Applying is
    /// idempotent and commutative, so replicas that applied the same set of
    /// transactions hold the same registers, whatever the order.
    pub fn apply(&mut self, commit: &Committed) {
        self.clock = self.clock.max(commit.version.lamport);
        for (key, value) in &commit.writes {
            let incoming = Register {
                value: value.clone(),
                version: commit.version,
            };
            match self.registers.get_mut(&key_text(key)) {
                Some(held) if held.version >= commit.version => {}
                Some(held) => *held = incoming,
                None => {
                    self.registers.insert(key_text(key), incoming);
                }
            }
        }
    }

    /// The Lamport clock: at least every version applied here.
    pub fn clock(&self) -> u64 {
        self.clock
    }

    /// True once no new version can be made (2^62 own commits past the
    /// largest peer clock allowed): writes must then be refused.
    pub fn clock_exhausted(&self) -> bool {
        self.clock == u64::MAX
    }

    fn read(&self, key_text: &str) -> Value {
        self.registers
            .get(key_text)
            .map_or(Value::Null, |r| r.value.clone())
    }

    /// The value held for `key` (`null` if none), for tests and inspection.
    pub fn value_of(&self, key: &Value) -> Value {
        self.read(&key_text(key))
    }

    /// Every register as `key text -> (value, version)`, sorted: two replicas
    /// have converged iff their snapshots are equal.
    pub fn snapshot(&self) -> Vec<(String, Value, Version)> {
        let mut all: Vec<_> = self
            .registers
            .iter()
            .map(|(k, r)| (k.clone(), r.value.clone(), r.version))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(f: &str, k: i64, v: Value) -> MicroOp {
        (f.to_string(), json!(k), v)
    }

    #[test]
    fn reads_fill_in_store_values_and_own_writes() {
        let mut s = Store::new(0);
        let (out, commit) = s
            .execute(vec![
                op("r", 1, Value::Null),
                op("w", 1, json!(6)),
                op("r", 1, Value::Null),
                op("w", 1, json!(7)),
                op("w", 2, json!(9)),
            ])
            .unwrap();
        assert_eq!(
            out,
            vec![
                op("r", 1, Value::Null),
                op("w", 1, json!(6)),
                op("r", 1, json!(6)),
                op("w", 1, json!(7)),
                op("w", 2, json!(9)),
            ]
        );
        // Only the final write of key 1 is committed: 6 is intermediate.
        let commit = commit.unwrap();
        assert_eq!(
            commit.writes,
            vec![(json!(1), json!(7)), (json!(2), json!(9))]
        );
        assert_eq!(s.value_of(&json!(1)), json!(7));
        let (out, commit) = s.execute(vec![op("r", 2, Value::Null)]).unwrap();
        assert_eq!(out, vec![op("r", 2, json!(9))]);
        assert!(commit.is_none(), "read-only transactions commit nothing");
    }

    #[test]
    fn unknown_micro_op_is_rejected_without_effect() {
        let mut s = Store::new(0);
        let r = s.execute(vec![op("w", 1, json!(1)), op("x", 1, Value::Null)]);
        assert!(r.is_err());
        assert_eq!(s.value_of(&json!(1)), Value::Null);
    }

    #[test]
    fn newer_version_wins_whatever_the_arrival_order() {
        let old = Committed {
            version: Version {
                lamport: 3,
                node: 1,
            },
            writes: vec![(json!(1), json!(10))],
        };
        let new = Committed {
            version: Version {
                lamport: 3,
                node: 2,
            },
            writes: vec![(json!(1), json!(11)), (json!(2), json!(5))],
        };
        let mut a = Store::new(0);
        a.apply(&old);
        a.apply(&new);
        let mut b = Store::new(0);
        b.apply(&new);
        b.apply(&old);
        b.apply(&new);
        assert_eq!(a.snapshot(), b.snapshot());
        assert_eq!(a.value_of(&json!(1)), json!(11));
    }

    #[test]
    fn local_write_outranks_everything_seen() {
        let mut s = Store::new(0);
        s.apply(&Committed {
            version: Version {
                lamport: 40,
                node: 1,
            },
            writes: vec![(json!(1), json!(10))],
        });
        let (_, commit) = s
            .execute(vec![op("r", 1, Value::Null), op("w", 1, json!(11))])
            .unwrap();
        assert!(commit.unwrap().version.lamport > 40);
        assert_eq!(s.value_of(&json!(1)), json!(11));
    }
}
