//! The per-message and per-process anomaly searches of Jepsen's kafka
//! checker: G1a, lost-write, duplicate, (int-)poll-skip,
//! (int-)nonmonotonic-poll, nonmonotonic-send and the int-send kinds.
//! Each case keeps a sort key (delta, count) and renders its JSON lazily,
//! since only samples are printed.

use super::model::{Fun, KOp, KeyId, Model, MsgId, Pair};
use super::orders::Derived;
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// One anomaly instance.
pub struct Case<'a> {
    /// What samples are chosen by (delta, count, cycle length).
    pub sort: i64,
    render: Box<dyn Fn() -> Value + 'a>,
}

impl<'a> Case<'a> {
    pub fn new(sort: i64, render: impl Fn() -> Value + 'a) -> Self {
        Case {
            sort,
            render: Box::new(render),
        }
    }
    pub fn render(&self) -> Value {
        (self.render)()
    }
}

fn msgs_json(m: &Model, ids: &[MsgId]) -> Value {
    Value::Array(ids.iter().map(|i| m.msg_value(*i).clone()).collect())
}

fn opt_msg(m: &Model, id: Option<MsgId>) -> Value {
    id.map(|i| m.msg_value(i).clone()).unwrap_or(Value::Null)
}

/// `:G1a`: an `:ok` poll returned a message whose send `:fail`ed.
pub fn g1a<'a>(m: &'a Model, d: &'a Derived) -> Vec<Case<'a>> {
    let mut out = Vec::new();
    for op in m
        .ops
        .iter()
        .filter(|o| o.kind == OpType::Ok && o.fun == Fun::Poll)
    {
        for (k, pairs) in &op.reads {
            for p in pairs.iter().filter(|p| d.fail_written.contains(&p.msg)) {
                let (k, msg) = (*k, p.msg);
                out.push(Case::new(0, move || {
                    json!({"key": m.key_name(k), "value": m.msg_value(msg),
                           "writer": d.writer_of.get(&msg).map(|w| m.op_json(&m.ops[*w])),
                           "reader": m.op_json(op)})
                }));
            }
        }
    }
    out
}

/// `:lost-write`. Err when Jepsen's computation throws: a key read by `:ok`
/// polls none of whose read messages has a known index (`nth` at -1), or a
/// lost message without any writer.
pub fn lost_writes<'a>(m: &'a Model, d: &'a Derived) -> Result<Vec<Case<'a>>, String> {
    let mut out = Vec::new();
    for (&k, read) in &d.ok_read_by_key {
        let mut first_index: HashMap<MsgId, usize> = HashMap::new();
        let mut last_index: HashMap<MsgId, usize> = HashMap::new();
        let mut seen_order: Vec<MsgId> = Vec::new();
        if let Some(order) = d.orders.get(&k) {
            for (i, values) in order.log.values().enumerate() {
                for &v in values {
                    first_index.entry(v).or_insert(i);
                    if last_index.insert(v, i).is_none() {
                        seen_order.push(v);
                    }
                }
            }
        }
        let bound = read
            .iter()
            .filter_map(|v| first_index.get(v))
            .max()
            .copied();
        let Some(bound) = bound else {
            return Err(format!(
                "lost-write analysis of key {}: :ok polls returned it but none of its messages has a known \
                 index (Jepsen takes (nth last-index->values -1) and throws)",
                m.key_name(k)
            ));
        };
        // Index -> messages whose last appearance is there, in index order.
        let mut by_last: Vec<Vec<MsgId>> = Vec::new();
        for v in seen_order {
            let i = last_index[&v];
            if by_last.len() <= i {
                by_last.resize(i + 1, Vec::new());
            }
            by_last[i].push(v);
        }
        let max_read = by_last
            .get(bound)
            .and_then(|vs| vs.first())
            .and_then(|v| d.readers_of.get(v))
            .and_then(|r| r.first());
        for v in by_last.iter().take(bound + 1).flatten().copied() {
            if read.contains(&v) {
                continue;
            }
            let Some(&w) = d.writer_of.get(&v) else {
                return Err(format!(
                    "no writer of value {} in key {}",
                    m.msg_value(v),
                    m.key_name(k)
                ));
            };
            if !d.must_have_committed(&m.ops[w]) {
                continue;
            }
            let index = first_index.get(&v).copied();
            out.push(Case::new(0, move || {
                json!({"key": m.key_name(k), "value": m.msg_value(v), "index": index,
                       "max-read-index": bound, "writer": m.op_json(&m.ops[w]),
                       "max-read": max_read.map(|r| m.op_json(&m.ops[*r]))})
            }));
        }
    }
    Ok(out)
}

/// `:duplicate`: a message at more than one index of its key.
pub fn duplicates<'a>(m: &'a Model, d: &'a Derived) -> Vec<Case<'a>> {
    let mut keys: Vec<&KeyId> = d.orders.keys().collect();
    keys.sort_unstable();
    let mut out = Vec::new();
    for k in keys {
        let mut counts: Vec<(MsgId, usize)> = Vec::new();
        let mut at: HashMap<MsgId, usize> = HashMap::new();
        for &v in &d.orders[k].by_index {
            let slot = *at.entry(v).or_insert_with(|| {
                counts.push((v, 0));
                counts.len() - 1
            });
            counts[slot].1 += 1;
        }
        for (v, n) in counts.into_iter().filter(|(_, n)| *n > 1) {
            let k = *k;
            out.push(Case::new(
                n as i64,
                move || json!({"key": m.key_name(k), "value": m.msg_value(v), "count": n}),
            ));
        }
    }
    out
}

/// Index delta from message `a` to `b` in key `k`; 1 ("fine") when either
/// index is unknown.
fn delta(
    d: &Derived,
    k: KeyId,
    a: Option<MsgId>,
    b: Option<MsgId>,
) -> (i64, Option<(usize, usize)>) {
    let order = d.orders.get(&k);
    let ia = a.and_then(|a| order.and_then(|o| o.index(a)));
    let ib = b.and_then(|b| order.and_then(|o| o.index(b)));
    match (ia, ib) {
        (Some(x), Some(y)) => (y as i64 - x as i64, Some((x, y))),
        _ => (1, None),
    }
}

fn skipped(m: &Model, d: &Derived, k: KeyId, from: usize, to: usize) -> Value {
    let by_index = &d.orders[&k].by_index;
    msgs_json(m, &by_index[from + 1..to])
}

/// Skip and nonmonotonic cases found by one search.
#[derive(Default)]
pub struct SkipCases<'a> {
    pub skip: Vec<Case<'a>>,
    pub nonmonotonic: Vec<Case<'a>>,
}

/// `:int-poll-skip` / `:int-nonmonotonic-poll` (`pairs_of` = reads) and
/// `:int-send-skip` / `:int-nonmonotonic-send` (writes): consecutive
/// messages of one key inside one op.
pub fn internal<'a>(m: &'a Model, d: &'a Derived, sends: bool) -> SkipCases<'a> {
    let mut out = SkipCases::default();
    for op in &m.ops {
        if sends && op.kind == OpType::Invoke {
            continue;
        }
        let per_key = if sends { &op.writes } else { &op.reads };
        for (k, pairs) in per_key {
            let k = *k;
            for w in pairs.windows(2) {
                let (v1, v2) = (w[0].msg, w[1].msg);
                let (dl, idx) = delta(d, k, Some(v1), Some(v2));
                let values = move || msgs_json(m, &[v1, v2]);
                if dl > 1 {
                    let (i1, i2) = idx.unwrap_or((0, 0));
                    out.skip.push(Case::new(dl, move || {
                        json!({"key": m.key_name(k), "values": values(), "delta": dl,
                               "skipped": skipped(m, d, k, i1, i2), "op": m.op_json(op)})
                    }));
                } else if dl < 1 {
                    out.nonmonotonic.push(Case::new(dl, move || {
                        json!({"key": m.key_name(k), "values": values(), "delta": dl, "op": m.op_json(op)})
                    }));
                }
            }
        }
    }
    out
}

/// Keys kept by an assign completion: `(select-keys last (:value op))`.
fn assigned_keys(m: &Model, op: &KOp) -> HashSet<KeyId> {
    match m.op(op).value.as_array() {
        Some(keys) => keys
            .iter()
            .filter_map(|k| m.key_id(&super::model::key_text(k)))
            .collect(),
        None => HashSet::new(),
    }
}

/// `:poll-skip` / `:nonmonotonic-poll`: per process, the first message of a
/// poll of key k against the last message of that process's previous poll
/// of k. Assigns and subscribes (`:ok`/`:info`) drop the keys they do not
/// list: `(:assign, :subscribe) ... (select-keys last-reads (:value op))`.
pub fn external_polls<'a>(m: &'a Model, d: &'a Derived) -> SkipCases<'a> {
    let mut out = SkipCases::default();
    let mut last: HashMap<u64, HashMap<KeyId, usize>> = HashMap::new();
    for (i, op) in m.ops.iter().enumerate() {
        match op.fun {
            Fun::Assign | Fun::Subscribe if matches!(op.kind, OpType::Ok | OpType::Info) => {
                let keep = assigned_keys(m, op);
                last.entry(op.process)
                    .or_default()
                    .retain(|k, _| keep.contains(k));
            }
            Fun::Poll => {
                let lr = last.entry(op.process).or_default();
                for (k, pairs) in &op.reads {
                    let k = *k;
                    if let Some(&prev) = lr.get(&k) {
                        let v = m.ops[prev]
                            .reads_of(k)
                            .and_then(|p| p.last())
                            .map(|p: &Pair| p.msg);
                        let v2 = pairs.first().map(|p| p.msg);
                        let (dl, idx) = delta(d, k, v, v2);
                        let ops = move || json!([m.op_json(&m.ops[prev]), m.op_json(op)]);
                        if dl > 1 {
                            let (i1, i2) = idx.unwrap_or((0, 0));
                            out.skip.push(Case::new(dl, move || {
                                json!({"key": m.key_name(k), "delta": dl,
                                       "skipped": skipped(m, d, k, i1, i2), "ops": ops()})
                            }));
                        } else if dl < 1 {
                            out.nonmonotonic.push(Case::new(dl, move || {
                                json!({"key": m.key_name(k), "values": [opt_msg(m, v), opt_msg(m, v2)],
                                       "delta": dl, "ops": ops()})
                            }));
                        }
                    }
                }
                for (k, _) in &op.reads {
                    lr.insert(*k, i);
                }
            }
            _ => {}
        }
    }
    out
}

/// `:nonmonotonic-send`: per process (`:ok`/`:info` completions), a send to
/// k whose message sits at or before that of the process's previous send to k.
pub fn nonmonotonic_sends<'a>(m: &'a Model, d: &'a Derived) -> Vec<Case<'a>> {
    let mut out = Vec::new();
    let mut last: HashMap<u64, HashMap<KeyId, usize>> = HashMap::new();
    for (i, op) in m.ops.iter().enumerate() {
        if !matches!(op.kind, OpType::Ok | OpType::Info) {
            continue;
        }
        match op.fun {
            Fun::Assign | Fun::Subscribe => {
                let keep = assigned_keys(m, op);
                last.entry(op.process)
                    .or_default()
                    .retain(|k, _| keep.contains(k));
            }
            Fun::Send => {
                let ls = last.entry(op.process).or_default();
                for (k, pairs) in &op.writes {
                    let k = *k;
                    if let Some(&prev) = ls.get(&k) {
                        let v = m.ops[prev]
                            .writes_of(k)
                            .and_then(|p| p.last())
                            .map(|p| p.msg);
                        let v2 = pairs.first().map(|p| p.msg);
                        let (dl, _) = delta(d, k, v, v2);
                        if dl < 1 {
                            out.push(Case::new(dl, move || {
                                json!({"key": m.key_name(k), "values": [opt_msg(m, v), opt_msg(m, v2)],
                                       "delta": dl, "ops": [m.op_json(&m.ops[prev]), m.op_json(op)]})
                            }));
                        }
                    }
                }
                for (k, _) in &op.writes {
                    ls.insert(*k, i);
                }
            }
            _ => {}
        }
    }
    out
}
