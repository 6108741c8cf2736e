//! The anomalies `elle.list-append` finds without the dependency graph:
//! G1a (aborted read), G1b (intermediate read), internal inconsistency,
//! dirty update, duplicate elements and incompatible orders. (Lost update is
//! shared with rw-register: `super::super::cases::lost_update`.)

use super::super::txn::{Id, MopF};
use super::history::{AppendIndex, La};
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// `g1a-cases`: an `:ok` read containing an element a `:fail` op appended;
/// one case per such element.
pub fn g1a(la: &La) -> Vec<Value> {
    let fails = (0..la.p.ops.len()).filter(|&i| la.p.ops[i].kind == OpType::Fail);
    let failed: HashMap<(Id, Id), usize> = la
        .appends_of(fails)
        .map(|(i, _, k, v)| ((k, v), i))
        .collect();
    let mut cases = Vec::new();
    for (i, j, k, list) in la.reads_of(oks(la)) {
        for &e in list.unwrap_or(&[]) {
            if let Some(&w) = failed.get(&(k, e)) {
                cases.push(read_case(la, i, j, w, e));
            }
        }
    }
    cases
}

/// `g1b-cases`: an `:ok` read whose last element another op appended and
/// then followed with another append to that key. Intermediate appends come
/// from every client op, invocations included, later ops winning.
pub fn g1b(la: &La) -> Vec<Value> {
    let mut intermediate: HashMap<(Id, Id), usize> = HashMap::new();
    for (i, op) in la.p.ops.iter().enumerate() {
        let mut last: HashMap<Id, Id> = HashMap::new();
        for m in op.mops.iter().filter(|m| m.f == MopF::Write) {
            // `(if-let [e (final k)] ...)`: an earlier append of nil/false does not count.
            if let Some(&e) = last.get(&m.key) {
                if la.p.interner.truthy(e) {
                    intermediate.insert((m.key, e), i);
                }
            }
            last.insert(m.key, m.value);
        }
    }
    let mut cases = Vec::new();
    for (i, j, k, list) in la.reads_of(oks(la)) {
        let Some(&e) = list.and_then(|l| l.last()) else {
            continue;
        };
        if let Some(&w) = intermediate.get(&(k, e)) {
            if w != i {
                cases.push(read_case(la, i, j, w, e));
            }
        }
    }
    cases
}

/// What a txn expects a key to hold, from its own earlier micro-ops.
#[derive(Clone)]
enum Expect {
    /// Read as nil: nothing is expected of the next read.
    Nil,
    /// The whole list.
    Known(Vec<Id>),
    /// Appended to an unknown prefix: the list must end with these.
    Suffix(Vec<Id>),
}

/// `internal-cases`: within an `:ok` txn, a read that disagrees with the
/// txn's own earlier reads and appends of that key. One case per txn.
pub fn internal(la: &La) -> Vec<Value> {
    let mut cases = Vec::new();
    for i in oks(la) {
        let mut state: HashMap<Id, Expect> = HashMap::new();
        for (j, m) in la.p.ops[i].mops.iter().enumerate() {
            if m.f == MopF::Write {
                let next = match state.remove(&m.key) {
                    None => Expect::Suffix(vec![m.value]),
                    // (or nil []) then conj: a nil read makes the list known.
                    Some(Expect::Nil) => Expect::Known(vec![m.value]),
                    Some(Expect::Known(mut l)) => {
                        l.push(m.value);
                        Expect::Known(l)
                    }
                    Some(Expect::Suffix(mut s)) => {
                        s.push(m.value);
                        Expect::Suffix(s)
                    }
                };
                state.insert(m.key, next);
                continue;
            }
            let read = la.lists[i][j].as_deref();
            let bad = match state.get(&m.key) {
                None | Some(Expect::Nil) => false,
                Some(Expect::Known(l)) => read != Some(l.as_slice()),
                Some(Expect::Suffix(s)) => {
                    let r = read.unwrap_or(&[]);
                    r.len() < s.len() || r[r.len() - s.len()..] != s[..]
                }
            };
            if bad {
                let expected = match &state[&m.key] {
                    Expect::Known(l) => elems(la, l),
                    Expect::Suffix(s) => {
                        let mut v = vec![Value::String("...".into())];
                        v.extend(s.iter().map(|&e| la.p.interner.value(e).clone()));
                        Value::Array(v)
                    }
                    Expect::Nil => Value::Null,
                };
                cases.push(
                    json!({"op": op_json(la, i), "mop": mop_json(la, i, j), "expected": expected}),
                );
                break;
            }
            let next = match read {
                None => Expect::Nil,
                Some(l) => Expect::Known(l.to_vec()),
            };
            state.insert(m.key, next);
        }
    }
    cases
}

/// `dirty-update-cases`: along a key's version order (over every client
/// op), a committed append right after a failed one. Fails as Elle's
/// assertion does when a read element has no appender, and as its `case`
/// does when the appender never completed.
pub fn dirty_update(la: &La) -> Result<Vec<Value>, String> {
    let all: Vec<usize> = (0..la.p.ops.len()).collect();
    let index = AppendIndex::new(&la.sorted_values(&all));
    let writers = super::history::write_index(la, &all);
    let mut keys: Vec<&Id> = index.values.keys().collect();
    keys.sort_unstable();
    let mut cases = Vec::new();
    for &k in keys {
        // The initial state counts as committed.
        let mut t1: Option<usize> = None;
        let mut vs: Vec<Id> = Vec::new();
        for &v in &index.values[&k] {
            vs.push(v);
            let t2 = *writers.get(&(k, v)).ok_or_else(|| {
                format!(
                    "No transaction wrote {} {}",
                    la.p.interner.value(k),
                    la.p.interner.value(v)
                )
            })?;
            let kind = |t: Option<usize>| t.map_or(OpType::Ok, |i| la.p.ops[i].kind);
            use OpType::*;
            match (kind(t1), kind(Some(t2))) {
                (_, Invoke) | (Invoke, _) => {
                    return Err(format!(
                        "dirty-update: no completion for the append of {} to {}",
                        la.p.interner.value(v),
                        la.p.interner.value(k)
                    ))
                }
                (Fail, Ok) => {
                    cases.push(json!({
                        "key": la.p.interner.value(k).clone(),
                        "values": elems(la, &vs),
                        "txns": [t1.map(|i| op_json(la, i)), "...", op_json(la, t2)],
                    }));
                    (t1, vs) = (Some(t2), vec![v]);
                }
                (Ok | Info, Ok) | (Ok | Info, Fail) => (t1, vs) = (Some(t2), vec![v]),
                (_, Info) | (Fail, Fail) => {}
            }
        }
    }
    Ok(cases)
}

/// `duplicates`: an `:ok` or `:info` read holding some element more than once.
pub fn duplicates(la: &La, possible: &[usize]) -> Vec<Value> {
    let mut cases = Vec::new();
    for (i, j, _, list) in la.reads_of(possible.iter().copied()) {
        let mut counts: HashMap<Id, u64> = HashMap::new();
        for &e in list.unwrap_or(&[]) {
            *counts.entry(e).or_default() += 1;
        }
        let mut dups: Vec<(Id, u64)> = counts.into_iter().filter(|&(_, n)| n > 1).collect();
        if dups.is_empty() {
            continue;
        }
        let value = |e: Id| la.p.interner.value(e);
        dups.sort_by(|a, b| super::super::versions::compare_values(value(a.0), value(b.0)));
        // JSON object keys are strings: each element's JSON text.
        let dups: serde_json::Map<String, Value> = dups
            .into_iter()
            .map(|(e, n)| (value(e).to_string(), json!(n)))
            .collect();
        cases.push(json!({"op": op_json(la, i), "mop": mop_json(la, i, j), "duplicates": dups}));
    }
    cases
}

/// `incompatible-orders`: per key, the first pair of successive sorted
/// values where the shorter is not a prefix of the longer.
pub fn incompatible_orders(la: &La, sorted: &BTreeMap<Id, Vec<Vec<Id>>>) -> Vec<Value> {
    let mut cases = Vec::new();
    for (&k, lists) in sorted {
        if let Some(w) = lists.windows(2).find(|w| !w[1].starts_with(&w[0])) {
            cases.push(json!({
                "key": la.p.interner.value(k).clone(),
                "values": [elems(la, &w[0]), elems(la, &w[1])],
            }));
        }
    }
    cases
}

fn oks<'a>(la: &'a La) -> impl Iterator<Item = usize> + 'a {
    (0..la.p.ops.len()).filter(|&i| la.p.ops[i].kind == OpType::Ok)
}

fn elems(la: &La, es: &[Id]) -> Value {
    Value::Array(es.iter().map(|&e| la.p.interner.value(e).clone()).collect())
}

pub fn op_json(la: &La, i: usize) -> Value {
    la.p.op_json(la.p.ops[i].index)
}

/// A micro-op as the history has it (a read with its list).
pub fn mop_json(la: &La, i: usize, j: usize) -> Value {
    la.p.mop_json(&la.p.ops[i].mops[j])
}

fn read_case(la: &La, i: usize, j: usize, writer: usize, e: Id) -> Value {
    json!({
        "op": op_json(la, i),
        "mop": mop_json(la, i, j),
        "writer": op_json(la, writer),
        "element": la.p.interner.value(e).clone(),
    })
}
