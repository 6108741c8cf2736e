//! The anomalies Elle finds without the dependency graph: G1a (aborted
//! read), G1b (intermediate read), internal inconsistency and lost update.
//! With `render` false the cases are counted but not rendered (`null`):
//! types the consistency models do not report need no details.

use super::txn::{Id, Mop, MopF, Parsed};
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::HashMap;

/// An `:ok` txn read (any read micro-op) a value some `:fail` txn wrote.
pub fn g1a(p: &Parsed, render: bool) -> Vec<Value> {
    let mut failed: HashMap<(Id, Id), usize> = HashMap::new();
    for op in p.ops.iter().filter(|o| o.kind == OpType::Fail) {
        for m in op.mops.iter().filter(|m| m.f == MopF::Write) {
            failed.insert((m.key, m.value), op.index);
        }
    }
    let mut cases = Vec::new();
    for op in p.ops.iter().filter(|o| o.kind == OpType::Ok) {
        for m in op.mops.iter().filter(|m| m.f == MopF::Read) {
            if let Some(&writer) = failed.get(&(m.key, m.value)) {
                cases.push(if render {
                    read_case(p, op.index, m, writer)
                } else {
                    Value::Null
                });
            }
        }
    }
    cases
}

/// An `:ok` txn read a value another op wrote and then overwrote within the
/// same txn. Intermediate writes come from every client op, invocations
/// included, later ops winning (Elle folds over the whole history).
pub fn g1b(p: &Parsed, render: bool) -> Vec<Value> {
    let mut intermediate: HashMap<(Id, Id), usize> = HashMap::new();
    for op in &p.ops {
        let mut last: HashMap<Id, Id> = HashMap::new();
        for m in op.mops.iter().filter(|m| m.f == MopF::Write) {
            // `(if-let [e (final k)] ...)`: a previous write of nil/false does not count.
            if let Some(&e) = last.get(&m.key) {
                if p.interner.truthy(e) {
                    intermediate.insert((m.key, e), op.index);
                }
            }
            last.insert(m.key, m.value);
        }
    }
    let mut cases = Vec::new();
    for op in p.ops.iter().filter(|o| o.kind == OpType::Ok) {
        for m in op.mops.iter().filter(|m| m.f == MopF::Read) {
            if let Some(&writer) = intermediate.get(&(m.key, m.value)) {
                if writer != op.index {
                    cases.push(if render {
                        read_case(p, op.index, m, writer)
                    } else {
                        Value::Null
                    });
                }
            }
        }
    }
    cases
}

/// Within one `:ok` txn, a read that differs from the txn's own earlier
/// write, or earlier truthy read, of that key. One case per txn (the first).
pub fn internal(p: &Parsed, render: bool) -> Vec<Value> {
    let mut cases = Vec::new();
    for op in p.ops.iter().filter(|o| o.kind == OpType::Ok) {
        let mut state: HashMap<Id, Id> = HashMap::new();
        for m in &op.mops {
            match m.f {
                MopF::Write => {
                    state.insert(m.key, m.value);
                }
                MopF::Read => match state.get(&m.key) {
                    Some(&s) if p.interner.truthy(s) && s != m.value => {
                        cases.push(if render {
                            json!({"op": p.op_json(op.index), "mop": p.mop_json(m), "expected": p.interner.value(s).clone()})
                        } else {
                            Value::Null
                        });
                        break;
                    }
                    _ => {
                        state.insert(m.key, m.value);
                    }
                },
            }
        }
    }
    cases
}

/// Two or more `:ok` txns whose first read of k returned the same value and
/// which each wrote k after that read (`elle.txn/lost-update-cases`).
pub fn lost_update(p: &Parsed, render: bool) -> Vec<Value> {
    // (key, value read) -> txn op indices, in first-seen order.
    let mut groups: Vec<((Id, Id), Vec<usize>)> = Vec::new();
    let mut slot: HashMap<(Id, Id), usize> = HashMap::new();
    for op in p.ops.iter().filter(|o| o.kind == OpType::Ok) {
        let mut reads: HashMap<Id, Id> = HashMap::new();
        let mut written: Vec<Id> = Vec::new();
        for m in &op.mops {
            if m.f == MopF::Write && !written.contains(&m.key) {
                if let Some(&v) = reads.get(&m.key) {
                    let i = *slot.entry((m.key, v)).or_insert_with(|| {
                        groups.push(((m.key, v), Vec::new()));
                        groups.len() - 1
                    });
                    groups[i].1.push(op.index);
                    written.push(m.key);
                }
            } else {
                reads.entry(m.key).or_insert(m.value);
            }
        }
    }
    groups
        .into_iter()
        .filter(|(_, txns)| txns.len() >= 2)
        .map(|((k, v), txns)| {
            if !render {
                return Value::Null;
            }
            json!({
                "key": p.interner.value(k).clone(),
                "value": p.interner.value(v).clone(),
                "txns": txns.iter().map(|&i| p.op_json(i)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn read_case(p: &Parsed, op: usize, m: &Mop, writer: usize) -> Value {
    json!({"op": p.op_json(op), "mop": p.mop_json(m), "writer": p.op_json(writer)})
}
