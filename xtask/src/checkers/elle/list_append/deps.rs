//! The list-append dependency graph (`elle.list-append/graph`: `ww-graph`,
//! `wr-graph`, `rw-graph` over `:ok` and `:info` ops), plus the process or
//! realtime order the consistency models need (shared with rw-register).
//!
//! The version order of each key is its longest read; an append nobody read
//! is placed after the last element anybody read.

use super::super::deps::{order_edges, OrderGraph};
use super::super::graph::{GraphBuilder, TxnGraph, RW, WR, WW};
use super::super::txn::Id;
use super::history::{AppendIndex, La, Prev};
use std::collections::{BTreeMap, HashMap};

/// The indices one analysis shares between graph building and explaining.
pub struct Indices {
    pub append: AppendIndex,
    /// (key, element) -> txn id of its `:ok` / `:info` appender.
    pub writes: HashMap<(Id, Id), u32>,
    pub reads: HashMap<(Id, Prev), Vec<u32>>,
    pub nil: Id,
}

impl Indices {
    /// `preprocess`: the indices over `h/possible` (`:ok` and `:info` ops),
    /// whose `sorted-values` are `sorted`.
    pub fn new(la: &La, possible: &[usize], sorted: &BTreeMap<Id, Vec<Vec<Id>>>) -> Self {
        let writes = super::history::write_index(la, possible)
            .into_iter()
            .filter_map(|(kv, i)| la.txn_of[i].map(|t| (kv, t)))
            .collect();
        Indices {
            append: AppendIndex::new(sorted),
            writes,
            reads: super::history::read_index(la, possible),
            nil: super::super::txn::NIL,
        }
    }

    /// `wr-mop-dep`: the other txn that appended the last element read.
    pub fn wr_dep(&self, t: u32, k: Id, list: Option<&[Id]>) -> Option<u32> {
        let last = *list?.last()?;
        self.writes.get(&(k, last)).copied().filter(|&w| w != t)
    }

    /// `ww-mop-dep`: the other txn that appended the element just before `v`.
    pub fn ww_dep(&self, t: u32, k: Id, v: Id) -> Option<u32> {
        match self.append.prev(k, v, self.nil)? {
            Prev::Init => None,
            Prev::Elem(e) => self.writes.get(&(k, e)).copied().filter(|&w| w != t),
        }
    }

    /// `rw-mop-deps`: the other txns that read the version just before `v`.
    pub fn rw_deps(&self, t: u32, k: Id, v: Id) -> impl Iterator<Item = u32> + '_ {
        self.append
            .prev(k, v, self.nil)
            .and_then(|prev| self.reads.get(&(k, prev)))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&r| r != t)
    }
}

/// The whole graph over every txn id.
pub fn build(la: &La, possible: &[usize], idx: &Indices, order: OrderGraph) -> TxnGraph {
    let mut g = GraphBuilder::default();
    for (i, _, k, list) in la.reads_of(possible.iter().copied()) {
        let Some(t) = la.txn_of[i] else { continue };
        if let Some(w) = idx.wr_dep(t, k, list) {
            g.link(w, t, WR);
        }
    }
    for (i, _, k, v) in la.appends_of(possible.iter().copied()) {
        let Some(t) = la.txn_of[i] else { continue };
        if let Some(w) = idx.ww_dep(t, k, v) {
            g.link(w, t, WW);
        }
        for r in idx.rw_deps(t, k, v) {
            g.link(r, t, RW);
        }
    }
    order_edges(&la.p, order, &mut g);
    g.build(la.p.txn_count())
}
