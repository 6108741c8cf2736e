//! A list-append history as Elle's `elle.list-append` sees it: the parsed
//! transactions (shared with the rw-register checker, `append` as the write)
//! plus the elements of every read, and the indices its analysis is built on
//! (`sorted-values`, `append-index`, `write-index`, `read-index`).

use super::super::txn::{Id, MopF, Parsed, LIST_APPEND};
use crate::history::{History, OpType};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The version a read or an append follows: the initial (nil) state, or the
/// state ending in an element (`::init` or the element in Elle).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Prev {
    Init,
    Elem(Id),
}

/// A parsed list-append history.
pub struct La<'h> {
    pub p: Parsed<'h>,
    /// Per op (as in `p.ops`), per micro-op: a read's elements (`None`: nil,
    /// or not a read).
    pub lists: Vec<Vec<Option<Vec<Id>>>>,
    /// Per op (as in `p.ops`), its txn id if it is a completion.
    pub txn_of: Vec<Option<u32>>,
}

impl<'h> La<'h> {
    /// Fails where Elle throws: micro-ops other than `r` / `append`
    /// (`verify-mop-types`), a read that is not a list, or an element
    /// appended twice to a key by the invocations (`verify-unique-appends`).
    pub fn new(history: &'h History) -> Result<Self, String> {
        let mut p = Parsed::parse(history, LIST_APPEND)?;
        let mut lists = Vec::with_capacity(p.ops.len());
        for i in 0..p.ops.len() {
            let mut per_op = Vec::with_capacity(p.ops[i].mops.len());
            for j in 0..p.ops[i].mops.len() {
                let m = p.ops[i].mops[j];
                if m.f != MopF::Read {
                    per_op.push(None);
                    continue;
                }
                let elems = match p.interner.value(m.value).clone() {
                    Value::Null => None,
                    Value::Array(items) => {
                        Some(items.iter().map(|e| p.interner.intern(e)).collect())
                    }
                    other => {
                        return Err(format!(
                            "op {}: read of key {} returned {other}, not a list",
                            p.ops[i].index,
                            p.interner.value(m.key)
                        ))
                    }
                };
                per_op.push(elems);
            }
            lists.push(per_op);
        }
        let mut txn_of = vec![None; p.ops.len()];
        for (t, &i) in p.txns.iter().enumerate() {
            txn_of[i] = Some(t as u32);
        }
        let la = La { p, lists, txn_of };
        la.verify_unique_appends()?;
        Ok(la)
    }

    fn verify_unique_appends(&self) -> Result<(), String> {
        let mut seen: HashMap<(Id, Id), ()> = HashMap::new();
        for op in self.p.ops.iter().filter(|o| o.kind == OpType::Invoke) {
            for m in op.mops.iter().filter(|m| m.f == MopF::Write) {
                if seen.insert((m.key, m.value), ()).is_some() {
                    return Err(format!(
                        "duplicate-appends: value {} appended to key {} multiple times! (op {})",
                        self.p.interner.value(m.value),
                        self.p.interner.value(m.key),
                        op.index
                    ));
                }
            }
        }
        Ok(())
    }

    /// Positions in `p.ops` of Elle's `h/possible` ops: `:ok` and `:info` completions.
    pub fn possible(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.p.ops.len()).filter(|&i| matches!(self.p.ops[i].kind, OpType::Ok | OpType::Info))
    }

    /// Every `(op position, mop position, key, elements)` read of the given ops.
    pub fn reads_of<'a>(
        &'a self,
        ops: impl Iterator<Item = usize> + 'a,
    ) -> impl Iterator<Item = (usize, usize, Id, Option<&'a [Id]>)> + 'a {
        ops.flat_map(move |i| {
            self.p.ops[i]
                .mops
                .iter()
                .enumerate()
                .filter(|(_, m)| m.f == MopF::Read)
                .map(move |(j, m)| (i, j, m.key, self.lists[i][j].as_deref()))
        })
    }

    /// Every `(op position, mop position, key, element)` append of the given ops.
    pub fn appends_of<'a>(
        &'a self,
        ops: impl Iterator<Item = usize> + 'a,
    ) -> impl Iterator<Item = (usize, usize, Id, Id)> + 'a {
        ops.flat_map(move |i| {
            self.p.ops[i]
                .mops
                .iter()
                .enumerate()
                .filter(|(_, m)| m.f == MopF::Write)
                .map(move |(j, m)| (i, j, m.key, m.value))
        })
    }

    /// `sorted-values`: per key, the distinct non-empty lists the ops read,
    /// shortest first; a key with exactly one append among the ops gets
    /// `[[that element]]` instead, whatever was read (Elle merges
    /// `values-from-single-appends` over the reads). Ties in length keep the
    /// order first read (Elle: hash order).
    pub fn sorted_values(&self, ops: &[usize]) -> BTreeMap<Id, Vec<Vec<Id>>> {
        let mut out: BTreeMap<Id, Vec<Vec<Id>>> = BTreeMap::new();
        for (_, _, k, list) in self.reads_of(ops.iter().copied()) {
            if let Some(list) = list.filter(|l| !l.is_empty()) {
                let seen = out.entry(k).or_default();
                if !seen.iter().any(|s| s == list) {
                    seen.push(list.to_vec());
                }
            }
        }
        let mut single: BTreeMap<Id, Option<Id>> = BTreeMap::new();
        for (_, _, k, v) in self.appends_of(ops.iter().copied()) {
            single.entry(k).and_modify(|s| *s = None).or_insert(Some(v));
        }
        for (k, v) in single {
            if let Some(v) = v {
                out.insert(k, vec![vec![v]]);
            }
        }
        for lists in out.values_mut() {
            lists.sort_by_key(Vec::len);
        }
        out
    }
}

/// `append-index`: per key, the distinct elements of its longest read, in
/// order, and each element's position.
#[derive(Default)]
pub struct AppendIndex {
    pub values: HashMap<Id, Vec<Id>>,
    indices: HashMap<(Id, Id), usize>,
}

impl AppendIndex {
    pub fn new(sorted: &BTreeMap<Id, Vec<Vec<Id>>>) -> Self {
        let mut ai = AppendIndex::default();
        for (&k, lists) in sorted {
            let mut vs: Vec<Id> = Vec::new();
            for &e in lists.last().map(Vec::as_slice).unwrap_or(&[]) {
                if let std::collections::hash_map::Entry::Vacant(slot) = ai.indices.entry((k, e)) {
                    slot.insert(vs.len());
                    vs.push(e);
                }
            }
            ai.values.insert(k, vs);
        }
        ai
    }

    /// `previously-appended-element`: the element appended just before `v`
    /// on `k`; for an append no read observed, the last element observed.
    /// `None` when that element is nil (Elle's `when-let` then gives no dependency).
    pub fn prev(&self, k: Id, v: Id, nil: Id) -> Option<Prev> {
        let values = self.values.get(&k).map(Vec::as_slice).unwrap_or(&[]);
        let e = match self.indices.get(&(k, v)) {
            Some(0) => return Some(Prev::Init),
            Some(&i) => values[i - 1],
            None => match values.last() {
                None => return Some(Prev::Init),
                Some(&e) => e,
            },
        };
        (e != nil).then_some(Prev::Elem(e))
    }
}

/// `write-index`: (key, element) -> the last op (position in `p.ops`) among
/// `ops` that appended it.
pub fn write_index(la: &La, ops: &[usize]) -> HashMap<(Id, Id), usize> {
    la.appends_of(ops.iter().copied())
        .map(|(i, _, k, v)| ((k, v), i))
        .collect()
}

/// `read-index`: (key, version read) -> the txns that read it, in history
/// order and without repeats; an `:info` op's nil read is no observation.
pub fn read_index(la: &La, ops: &[usize]) -> HashMap<(Id, Prev), Vec<u32>> {
    let mut idx: HashMap<(Id, Prev), Vec<u32>> = HashMap::new();
    for (i, _, k, list) in la.reads_of(ops.iter().copied()) {
        if list.is_none() && la.p.ops[i].kind == OpType::Info {
            continue;
        }
        let Some(t) = la.txn_of[i] else { continue };
        let prev = match list.and_then(|l| l.last()) {
            Some(&e) if e != super::super::txn::NIL => Prev::Elem(e),
            _ => Prev::Init,
        };
        let readers = idx.entry((k, prev)).or_default();
        // One op's reads come together, so a repeat is always the last entry.
        if readers.last() != Some(&t) {
            readers.push(t);
        }
    }
    idx
}
