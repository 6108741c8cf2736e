//! The history as the kafka checker sees it: every client op with its sends
//! and polls parsed out of its value (Jepsen's `op-writes` / `op-reads`),
//! keys and messages interned to small integers so the analyses can use
//! plain hash sets.
//!
//! Value shapes (what the kafka client records): a send completes as
//! `[["send", k, [offset, msg]]]` (`:ok`) or keeps its invocation value
//! `[["send", k, msg]]`; a poll completes as `[["poll", {k: [[offset, msg], ..]}]]`
//! (`:ok`) or keeps `[["poll"]]`.

use crate::history::{History, Op, OpType, Process};
use serde_json::Value;
use std::collections::HashMap;

pub type KeyId = u32;
/// A message id: unique per (key, message), so it also identifies the key.
pub type MsgId = u32;

/// What kind of operation, by `:f`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fun {
    Send,
    Poll,
    Assign,
    /// Never in a Maelstrom history (its workload passes `:sub-via
    /// #{:assign}`), but Jepsen's analysis reads it: the poll and send
    /// searches treat it as an assign (`(:assign, :subscribe)` in
    /// `poll-skip+nonmonotonic-cases` and `nonmonotonic-send-cases`), and
    /// `realtime-lag` forgets the process's offsets on it.
    /// fidelity P7: `:subscribe` ops, found by porting.
    Subscribe,
    Other,
}

/// One `[offset msg]` of a send or poll; the offset is unknown for a send
/// that did not complete `:ok`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub offset: Option<i64>,
    pub msg: MsgId,
}

/// One client op (invocation or completion), in history order.
#[derive(Clone, Debug)]
pub struct KOp {
    /// Position in `History::ops`.
    pub at: usize,
    pub kind: OpType,
    pub fun: Fun,
    pub process: u64,
    /// Per key, in the order the op lists them.
    pub writes: Vec<(KeyId, Vec<Pair>)>,
    pub reads: Vec<(KeyId, Vec<Pair>)>,
}

impl KOp {
    pub fn reads_of(&self, k: KeyId) -> Option<&[Pair]> {
        self.reads
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, p)| p.as_slice())
    }
    pub fn writes_of(&self, k: KeyId) -> Option<&[Pair]> {
        self.writes
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, p)| p.as_slice())
    }
}

/// The parsed history plus the interning tables.
pub struct Model<'h> {
    pub history: &'h History,
    pub ops: Vec<KOp>,
    /// History index -> partner's history index (invoke <-> completion).
    pub pairs: Vec<Option<usize>>,
    key_ids: HashMap<String, KeyId>,
    pub key_names: Vec<String>,
    msg_ids: HashMap<(KeyId, String), MsgId>,
    /// MsgId -> (key, message as recorded).
    pub msgs: Vec<(KeyId, Value)>,
}

impl<'h> Model<'h> {
    /// Parses every client op. Err when a value has a shape Jepsen's
    /// destructuring would throw on (the checker then ends `:unknown`).
    pub fn build(history: &'h History) -> Result<Model<'h>, String> {
        let mut m = Model {
            history,
            ops: Vec::new(),
            pairs: history.pair_index(),
            key_ids: HashMap::new(),
            key_names: Vec::new(),
            msg_ids: HashMap::new(),
            msgs: Vec::new(),
        };
        for op in &history.ops {
            let Process::Client(process) = op.process else {
                continue;
            };
            let fun = match op.f.as_str() {
                "send" => Fun::Send,
                "poll" => Fun::Poll,
                "assign" => Fun::Assign,
                "subscribe" => Fun::Subscribe,
                _ => Fun::Other,
            };
            let writes = if fun == Fun::Send {
                m.parse_mops(op, "send")?
            } else {
                Vec::new()
            };
            let reads = if fun == Fun::Poll {
                m.parse_mops(op, "poll")?
            } else {
                Vec::new()
            };
            m.ops.push(KOp {
                at: op.index,
                kind: op.kind,
                fun,
                process,
                writes,
                reads,
            });
        }
        Ok(m)
    }

    pub fn op(&self, k: &KOp) -> &'h Op {
        &self.history.ops[k.at]
    }

    /// The op rendered for an error sample.
    pub fn op_json(&self, k: &KOp) -> Value {
        serde_json::to_value(self.op(k)).unwrap_or(Value::Null)
    }

    pub fn key_name(&self, k: KeyId) -> &str {
        &self.key_names[k as usize]
    }

    pub fn msg_value(&self, m: MsgId) -> &Value {
        &self.msgs[m as usize].1
    }

    /// The key id of a key name if any op mentioned it.
    pub fn key_id(&self, name: &str) -> Option<KeyId> {
        self.key_ids.get(name).copied()
    }

    fn intern_key(&mut self, name: String) -> KeyId {
        if let Some(&id) = self.key_ids.get(&name) {
            return id;
        }
        let id = self.key_names.len() as KeyId;
        self.key_names.push(name.clone());
        self.key_ids.insert(name, id);
        id
    }

    fn intern_msg(&mut self, key: KeyId, msg: &Value) -> MsgId {
        // Canonical JSON text: equal JSON values (as Clojure `=` sees them for
        // JSON-decoded data) have equal text.
        let text = msg.to_string();
        if let Some(&id) = self.msg_ids.get(&(key, text.clone())) {
            return id;
        }
        let id = self.msgs.len() as MsgId;
        self.msgs.push((key, msg.clone()));
        self.msg_ids.insert((key, text), id);
        id
    }

    /// Sends (`[\"send\", k, v]`) or polls (`[\"poll\", {k: pairs}]`) of one op's value.
    fn parse_mops(&mut self, op: &Op, want: &str) -> Result<Vec<(KeyId, Vec<Pair>)>, String> {
        let mut out: Vec<(KeyId, Vec<Pair>)> = Vec::new();
        let Some(mops) = op.value.as_array() else {
            return Ok(out);
        };
        for mop in mops {
            let Some(mop) = mop.as_array() else {
                return Err(format!("op {}: micro-op {mop} is not a vector", op.index));
            };
            if mop.first().and_then(Value::as_str) != Some(want) {
                continue;
            }
            if want == "send" {
                let key = key_text(mop.get(1).unwrap_or(&Value::Null));
                let v = mop.get(2).unwrap_or(&Value::Null);
                // A completed send records [offset msg]; otherwise the bare msg.
                let (offset, msg) = match v.as_array() {
                    Some(pair) => parse_pair(op, pair)?,
                    None => (None, v),
                };
                let k = self.intern_key(key);
                let msg = self.intern_msg(k, msg);
                push_pair(&mut out, k, Pair { offset, msg });
            } else {
                let polled = match mop.get(1) {
                    None | Some(Value::Null) => continue,
                    Some(Value::Object(m)) => m,
                    Some(other) => {
                        return Err(format!("op {}: poll result {other} is not a map", op.index))
                    }
                };
                for (key, pairs) in polled {
                    let k = self.intern_key(key.clone());
                    let Some(pairs) = pairs.as_array() else {
                        return Err(format!(
                            "op {}: pairs {pairs} for key {key} are not a vector",
                            op.index
                        ));
                    };
                    let mut list = Vec::with_capacity(pairs.len());
                    for p in pairs {
                        let Some(p) = p.as_array() else {
                            return Err(format!("op {}: poll pair {p} is not a vector", op.index));
                        };
                        let (offset, msg) = parse_pair(op, p)?;
                        list.push(Pair {
                            offset,
                            msg: self.intern_msg(k, msg),
                        });
                    }
                    match out.iter_mut().find(|(kk, _)| *kk == k) {
                        Some((_, l)) => l.extend(list),
                        None => out.push((k, list)),
                    }
                }
            }
        }
        Ok(out)
    }
}

fn push_pair(out: &mut Vec<(KeyId, Vec<Pair>)>, k: KeyId, p: Pair) {
    match out.iter_mut().find(|(kk, _)| *kk == k) {
        Some((_, l)) => l.push(p),
        None => out.push((k, vec![p])),
    }
}

pub use crate::workloads::kafka::key_text;

/// `[offset msg]`: a null offset is "unknown" (Jepsen's `(if offset ..)`);
/// any other non-integer would make Jepsen's log indexing throw.
fn parse_pair<'v>(op: &Op, pair: &'v [Value]) -> Result<(Option<i64>, &'v Value), String> {
    let msg = pair.get(1).unwrap_or(&Value::Null);
    let offset = match pair.first() {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(o) => Some(o),
            None => return Err(format!("op {}: offset {v} is not an integer", op.index)),
        },
    };
    Ok((offset, msg))
}
