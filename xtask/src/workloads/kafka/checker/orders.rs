//! Derived structures of Jepsen's kafka `analysis`: which messages were
//! read/written by which kind of op, writer-of / readers-of, and the version
//! order of every key (offset -> messages seen there, and its dense index).

use super::model::{Fun, KOp, KeyId, Model, MsgId};
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Everything the anomaly searches share.
pub struct Derived {
    /// Messages returned by `:ok` polls.
    pub ok_read: HashSet<MsgId>,
    /// Keys returned by `:ok` polls (even as `[]`) -> the messages read.
    pub ok_read_by_key: BTreeMap<KeyId, HashSet<MsgId>>,
    /// Messages of `:fail` sends.
    pub fail_written: HashSet<MsgId>,
    /// Message -> the *last* completion (index into `Model::ops`) that sent it.
    pub writer_of: HashMap<MsgId, usize>,
    /// Message -> every completion that polled it, in history order.
    pub readers_of: HashMap<MsgId, Vec<usize>>,
    pub orders: HashMap<KeyId, KeyOrder>,
    /// `:inconsistent-offsets` cases.
    pub inconsistent: Vec<(usize, Value)>,
}

/// The version order of one key.
#[derive(Default)]
pub struct KeyOrder {
    /// offset -> messages seen at that offset, in the order first seen.
    pub log: BTreeMap<i64, Vec<MsgId>>,
    /// Dense index -> the offset's first message (Jepsen takes `first` of a
    /// hash set, i.e. an arbitrary one; we take the first observed).
    pub by_index: Vec<MsgId>,
    /// Message -> its dense index in `by_index`; for a message at several
    /// indices the last one wins (Clojure `into {}`).
    pub by_value: HashMap<MsgId, usize>,
}

impl KeyOrder {
    pub fn index(&self, m: MsgId) -> Option<usize> {
        self.by_value.get(&m).copied()
    }
}

impl Derived {
    pub fn build(m: &Model) -> Result<Derived, String> {
        let mut d = Derived {
            ok_read: HashSet::new(),
            ok_read_by_key: BTreeMap::new(),
            fail_written: HashSet::new(),
            writer_of: HashMap::new(),
            readers_of: HashMap::new(),
            orders: HashMap::new(),
            inconsistent: Vec::new(),
        };
        for (i, op) in m.ops.iter().enumerate() {
            if op.kind == OpType::Invoke {
                continue;
            }
            for (_, pairs) in &op.writes {
                for p in pairs {
                    d.writer_of.insert(p.msg, i);
                    if op.kind == OpType::Fail {
                        d.fail_written.insert(p.msg);
                    }
                }
            }
            for (k, pairs) in &op.reads {
                if op.kind == OpType::Ok {
                    let set = d.ok_read_by_key.entry(*k).or_default();
                    for p in pairs {
                        set.insert(p.msg);
                        d.ok_read.insert(p.msg);
                    }
                }
                for p in pairs {
                    d.readers_of.entry(p.msg).or_default().push(i);
                }
            }
        }
        d.build_orders(m)?;
        Ok(d)
    }

    /// Jepsen's `must-have-committed?`: `:ok`, or `:info` with some sent
    /// message read by an `:ok` poll.
    pub fn must_have_committed(&self, op: &KOp) -> bool {
        match op.kind {
            OpType::Ok => true,
            OpType::Info => op
                .writes
                .iter()
                .any(|(_, ps)| ps.iter().any(|p| self.ok_read.contains(&p.msg))),
            _ => false,
        }
    }

    fn build_orders(&mut self, m: &Model) -> Result<(), String> {
        let mut logs: HashMap<KeyId, BTreeMap<i64, Vec<MsgId>>> = HashMap::new();
        for op in &m.ops {
            if !matches!(op.fun, Fun::Send | Fun::Poll) || !self.must_have_committed(op) {
                continue;
            }
            for (k, pairs) in op.writes.iter().chain(op.reads.iter()) {
                for p in pairs {
                    let Some(offset) = p.offset else { continue };
                    if offset < 0 {
                        // Jepsen's log is a vector indexed by offset: assoc at a
                        // negative index throws, so the checker ends :unknown.
                        return Err(format!(
                            "key {} has negative offset {offset}",
                            m.key_name(*k)
                        ));
                    }
                    let at = logs.entry(*k).or_default().entry(offset).or_default();
                    if !at.contains(&p.msg) {
                        at.push(p.msg);
                    }
                }
            }
        }
        let mut keys: Vec<KeyId> = logs.keys().copied().collect();
        keys.sort_unstable();
        for k in keys {
            let log = logs.remove(&k).unwrap_or_default();
            let mut order = KeyOrder::default();
            for (offset, values) in &log {
                let index = order.by_index.len();
                if values.len() >= 2 {
                    let vals: Vec<Value> = values.iter().map(|v| m.msg_value(*v).clone()).collect();
                    let case = json!({"key": m.key_name(k), "offset": offset, "index": index, "values": vals});
                    self.inconsistent.push((values.len(), case));
                }
                order.by_value.insert(values[0], index);
                order.by_index.push(values[0]);
            }
            order.log = log;
            self.orders.insert(k, order);
        }
        Ok(())
    }
}
