//! `:worst-realtime-lag` (informational): per `:ok` poll and key the
//! process tracks, how long before the poll's invocation the highest offset
//! it had seen stopped being the tail of the log (Jepsen's `realtime-lag`).

use super::model::{Fun, KOp, KeyId, Model};
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// Jepsen's `op->max-offsets` for `:ok`/`:info` sends and polls: per key the
/// highest polled offset (-1 for `[]`) merged with the highest sent offset
/// (at least 0, from `(max (get offsets k 0) offset)`).
pub fn max_offsets(op: &KOp) -> BTreeMap<KeyId, i64> {
    let mut out = BTreeMap::new();
    if !matches!(op.kind, OpType::Ok | OpType::Info) {
        return out;
    }
    for (k, pairs) in &op.reads {
        let hi = pairs.iter().filter_map(|p| p.offset).fold(-1, i64::max);
        out.insert(*k, hi);
    }
    for (k, pairs) in &op.writes {
        for o in pairs.iter().filter_map(|p| p.offset) {
            let e = out.entry(*k).or_insert(o.max(0));
            *e = (*e).max(o.max(0));
        }
    }
    out
}

/// The worst lag `{time s, process, key, lag s}`. Err when there is no
/// measurement at all: Jepsen then updates the number 0 as a map and throws.
pub fn worst_realtime_lag(m: &Model) -> Result<Value, String> {
    // Per key, steps (offset, time): offset i stopped being the tail at the
    // time of the first op that knew an offset >= i.
    let mut expired: HashMap<KeyId, Vec<(i64, u64)>> = HashMap::new();
    for op in m
        .ops
        .iter()
        .filter(|o| matches!(o.fun, Fun::Send | Fun::Poll))
    {
        let t = m.op(op).time;
        for (k, o) in max_offsets(op) {
            let steps = expired.entry(k).or_default();
            if steps.last().is_none_or(|(hi, _)| o > *hi) && o >= 0 {
                steps.push((o, t));
            }
        }
    }
    let expired_at = |k: KeyId, i: i64| -> Option<u64> {
        let steps = expired.get(&k)?;
        if i < 0 {
            return None;
        }
        let at = steps.partition_point(|(hi, _)| *hi < i);
        steps.get(at).map(|(_, t)| *t)
    };
    // Per process, the keys it has assigned (and any it polled) with the
    // highest offset it saw. jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/tests/
    // kafka.clj, `realtime-lag`, on `:assign`:
    //   (merge (zipmap value (repeat -1)) (select-keys offsets value))
    // so every assigned key starts at offset -1, even one no op ever sent to
    // or polled; its `expired-at` is then ##Inf and its lag (max 0 ..) is 0.
    // fidelity D30: kafka realtime lag seeds every assigned key at offset -1.
    let mut offsets: HashMap<u64, BTreeMap<LagKey, i64>> = HashMap::new();
    let mut worst: Option<(u64, u64, LagKey, u64)> = None;
    for op in m.ops.iter().filter(|o| o.kind == OpType::Ok) {
        match op.fun {
            Fun::Assign => {
                let old = offsets.remove(&op.process).unwrap_or_default();
                let mut new = BTreeMap::new();
                // A key list, or our final assign's {"keys": [..], ..}.
                let (keys, _) = crate::workloads::kafka::assign_keys(&m.op(op).value);
                for k in keys.iter().map(|k| LagKey::of(m, k)) {
                    let o = old.get(&k).copied().unwrap_or(-1);
                    new.insert(k, o);
                }
                offsets.insert(op.process, new);
            }
            // `:subscribe (recur history' (assoc process-offsets process {}) lags)`
            // fidelity P7: `:subscribe` ops, found by porting.
            Fun::Subscribe => {
                offsets.insert(op.process, BTreeMap::new());
            }
            Fun::Poll => {
                let inv = m.pairs[op.at]
                    .ok_or_else(|| format!("poll at index {} has no invocation", op.at))?;
                let invoke_time = m.history.ops[inv].time;
                let cur = offsets.entry(op.process).or_default();
                for (k, o) in max_offsets(op) {
                    let e = cur.entry(LagKey::Known(k)).or_insert(o);
                    *e = (*e).max(o);
                }
                for (k, &o) in cur.iter() {
                    let lag = match k {
                        LagKey::Known(k) => expired_at(*k, o + 1),
                        LagKey::Unsent(_) => None,
                    }
                    .map_or(0, |t| invoke_time.saturating_sub(t));
                    if worst.as_ref().is_none_or(|w| lag > w.3) {
                        worst = Some((invoke_time, op.process, k.clone(), lag));
                    }
                }
            }
            _ => {}
        }
    }
    let (time, process, k, lag) =
        worst.ok_or("no realtime-lag measurement (no :ok poll of any key)")?;
    let key = match &k {
        LagKey::Known(k) => m.key_name(*k),
        LagKey::Unsent(name) => name,
    };
    Ok(json!({"time": time as f64 / 1e9, "process": process, "key": key, "lag": lag as f64 / 1e9}))
}

/// A key in a process's offsets: one some op sent to or polled (ordered by
/// first appearance), or one only ever assigned, by its name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LagKey {
    Known(KeyId),
    Unsent(String),
}

impl LagKey {
    fn of(m: &Model, name: &str) -> LagKey {
        match m.key_id(name) {
            Some(k) => LagKey::Known(k),
            None => LagKey::Unsent(name.to_string()),
        }
    }
}
