//! `:unseen`: messages acknowledged by `:ok` sends that no `:ok` poll has
//! returned, as of the last `:ok` send/poll of the history.
//!
//! Jepsen folds `unseen' = (merge-with set/difference (sent ∪ writes) (polled ∪ reads))`
//! over the `:ok` sends/polls. `merge-with` copies keys present only in the
//! second map, so a key whose *first* appearance is a read-only op gets all
//! its polled messages as "unseen" for that one step (the next step's
//! difference clears them). We reproduce that step exactly, incrementally:
//! the quirk only survives when it happens in the very last `:ok` op.
//! fidelity D31: kafka's `unseen` quirk.

use super::model::{Fun, KeyId, Model, MsgId};
use crate::history::OpType;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The final unseen state: time of the last `:ok` send/poll and, per key, the unseen messages.
pub struct Unseen {
    pub time: u64,
    pub unseen: BTreeMap<KeyId, Vec<MsgId>>,
}

pub fn unseen(m: &Model) -> Option<Unseen> {
    let mut unseen: HashMap<KeyId, HashSet<MsgId>> = HashMap::new();
    let mut polled: HashMap<KeyId, HashSet<MsgId>> = HashMap::new();
    // Keys whose unseen set is their polled set (the merge-with quirk).
    let mut quirk: HashSet<KeyId> = HashSet::new();
    let mut time = None;
    for op in m
        .ops
        .iter()
        .filter(|o| o.kind == OpType::Ok && matches!(o.fun, Fun::Send | Fun::Poll))
    {
        time = Some(m.op(op).time);
        let mut touched: HashSet<KeyId> = HashSet::new();
        for (k, pairs) in &op.reads {
            polled
                .entry(*k)
                .or_default()
                .extend(pairs.iter().map(|p| p.msg));
            touched.insert(*k);
        }
        for (k, pairs) in &op.writes {
            unseen
                .entry(*k)
                .or_default()
                .extend(pairs.iter().map(|p| p.msg));
            touched.insert(*k);
        }
        // Last step's quirk keys not touched now: their difference empties them.
        for k in std::mem::take(&mut quirk) {
            if !touched.contains(&k) {
                unseen.insert(k, HashSet::new());
            }
        }
        for k in touched {
            let p = polled.get(&k);
            match unseen.get_mut(&k) {
                // k is in (sent ∪ writes): a plain difference.
                Some(set) => {
                    if let Some(p) = p {
                        set.retain(|v| !p.contains(v));
                    }
                }
                // First appearance of k, read only: merge-with copies polled[k].
                None => {
                    unseen.insert(k, p.cloned().unwrap_or_default());
                    quirk.insert(k);
                }
            }
        }
    }
    let time = time?;
    let mut out = BTreeMap::new();
    for (k, set) in unseen {
        if !set.is_empty() {
            let mut v: Vec<MsgId> = set.into_iter().collect();
            v.sort_unstable();
            out.insert(k, v);
        }
    }
    Some(Unseen { time, unseen: out })
}

/// The `:unseen` result entry: `{time, unseen {k count}, messages {k [<=32 msgs]}}`.
pub fn render(m: &Model, u: &Unseen) -> Value {
    let mut counts = Map::new();
    let mut messages = Map::new();
    let mut keys: Vec<&KeyId> = u.unseen.keys().collect();
    keys.sort_by(|a, b| m.key_name(**a).cmp(m.key_name(**b)));
    for k in keys {
        let ids = &u.unseen[k];
        counts.insert(m.key_name(*k).to_string(), json!(ids.len()));
        let mut vals: Vec<&Value> = ids.iter().map(|i| m.msg_value(*i)).collect();
        vals.sort_by(|a, b| json_order(a, b));
        messages.insert(
            m.key_name(*k).to_string(),
            Value::Array(vals.into_iter().take(32).cloned().collect()),
        );
    }
    json!({"time": u.time, "unseen": counts, "messages": messages})
}

/// A total order on messages for display: numbers by value, then the rest by text.
pub fn json_order(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.to_string().cmp(&b.to_string()),
    }
}
