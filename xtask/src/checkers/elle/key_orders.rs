//! Version orders read off a transaction order, for Elle's
//! `:sequential-keys?` (process order) and `:linearizable-keys?` (real-time
//! order): elle v0.1.6 src/elle/rw_register.clj,
//! `transaction-graph->version-graphs` over `ext-key-graph`.
//!
//! Maelstrom passes neither option; Elle's own tests do.
//!
//! For each txn a and key k, the nearest txns b after a in the order that
//! externally interacted with k (`ext-key-graph`); then a's final external
//! value of k precedes each b's first one.
//!
//! Cost: one walk per (txn, key it touched), cut off after the key's last
//! toucher. Over a process order that is about the gap to the process's
//! next toucher; over real-time order a long-lived key can make it
//! quadratic, as Elle's docstring warns ("This search is, of course, n^2").
//! Elle's perfect-perf-test (1e5 txns, `:sequential-keys?`) checks in
//! about 12 s in a debug build (`ported::rw_register::perfect_perf_test`).

use super::deps::{order_edges, OrderGraph};
use super::graph::GraphBuilder;
use super::txn::{Id, Parsed, TxnOp, NIL};
use crate::history::OpType;
use std::collections::{BTreeMap, BTreeSet};

/// Version edges (key, v1, v2), in a deterministic order, from the process
/// or real-time order of `p`'s txns.
pub fn version_edges(p: &Parsed, order: OrderGraph) -> Vec<(Id, Id, Id)> {
    let mut g = GraphBuilder::default();
    order_edges(p, order, &mut g);
    versions_from(p, &g.build(p.txn_count()).adj)
}

/// `transaction-graph->version-graphs` over an order graph `adj` of `p`'s
/// txns, whose edges point forwards in txn id (completion order), as process
/// and real-time edges do.
///
/// Elle walks every key downstream of every txn a, and an `:ok` a that never
/// touched k "last interacted with" nil, linking nil to the first values
/// downstream. Those nil -> v edges are all initial-state edges already
/// (v is a value an `:ok` txn externally read or wrote, or an `:info` txn
/// wrote), so we walk only the keys a touched: the same merged version
/// graph, without carrying every key downstream of every txn.
pub(super) fn versions_from(p: &Parsed, adj: &[Vec<(u32, u8)>]) -> Vec<(Id, Id, Id)> {
    let touchers = Touchers::new(p);
    let mut walk = Walk::new(adj.len());
    let mut out = Vec::new();
    for (&k, ts) in &touchers.by_key {
        for &a in ts {
            let Some(v1) = last_value(p, p.txn(a), k) else {
                continue;
            };
            for b in walk.downstream(p, adj, &touchers, a, k) {
                match first_value(p, p.txn(b), k) {
                    // "Don't generate self-edges": (= v1 v)
                    Some(v2) if v2 != v1 => out.push((k, v1, v2)),
                    _ => {}
                }
            }
        }
    }
    out
}

/// For each key, the txns whose `ext-keys` hold it, in txn id order.
pub(super) struct Touchers {
    pub by_key: BTreeMap<Id, Vec<u32>>,
}

impl Touchers {
    pub fn new(p: &Parsed) -> Self {
        let mut by_key: BTreeMap<Id, Vec<u32>> = BTreeMap::new();
        for t in 0..p.txn_count() as u32 {
            let keys: BTreeSet<Id> = ext_keys(p.txn(t)).collect();
            for k in keys {
                by_key.entry(k).or_default().push(t);
            }
        }
        Touchers { by_key }
    }

    /// The last txn touching k: nothing after it can lead to one.
    fn last(&self, k: Id) -> u32 {
        self.by_key
            .get(&k)
            .and_then(|ts| ts.last())
            .copied()
            .unwrap_or(0)
    }
}

/// A reusable depth-first walk (visit stamps instead of a fresh set per walk).
pub(super) struct Walk {
    stamp: Vec<u32>,
    round: u32,
    stack: Vec<u32>,
}

impl Walk {
    pub fn new(n: usize) -> Self {
        Walk {
            stamp: vec![0; n],
            round: 0,
            stack: Vec::new(),
        }
    }

    /// `ext-key-graph` for txn a and key k: the txns after a that touched k
    /// with no txn touching k in between (the search stops at a txn that
    /// touched k: `downstream-ops-by-ext-key-local!` / `-transitive!`),
    /// sorted.
    pub fn downstream(
        &mut self,
        p: &Parsed,
        adj: &[Vec<(u32, u8)>],
        touchers: &Touchers,
        a: u32,
        k: Id,
    ) -> Vec<u32> {
        self.round += 1;
        let bound = touchers.last(k);
        let mut found = Vec::new();
        self.stack.clear();
        self.stack.push(a);
        while let Some(n) = self.stack.pop() {
            for &(b, _) in &adj[n as usize] {
                if b > bound || self.stamp[b as usize] == self.round {
                    continue;
                }
                self.stamp[b as usize] = self.round;
                if ext_keys(p.txn(b)).any(|x| x == k) {
                    found.push(b);
                } else {
                    self.stack.push(b);
                }
            }
        }
        found.sort_unstable();
        found
    }
}

/// `ext-keys`: the keys an `:ok` txn externally read or wrote; for `:info`
/// only its writes ("Can't infer crashed reads!"); none for `:fail`.
fn ext_keys(op: &TxnOp) -> impl Iterator<Item = Id> + '_ {
    let reads = match op.kind {
        OpType::Ok => op.ext_reads.as_slice(),
        _ => &[],
    };
    let writes = match op.kind {
        OpType::Ok | OpType::Info => op.ext_writes.as_slice(),
        _ => &[],
    };
    reads.iter().chain(writes).map(|&(k, _)| k)
}

/// The version of k that txn a last interacted with, as
/// `transaction-graph->version-graphs` picks it:
///   (condp = (:type a)
///     :ok   (or (get ext-writes-a k) (get ext-reads-a k))
///     :info (get ext-writes-a k ::none)
///     :fail ::none)
/// An `:ok` txn that never touched k yields nil, as in Elle (its nil -> v
/// edges are already implied by the initial state).
fn last_value(p: &Parsed, a: &TxnOp, k: Id) -> Option<Id> {
    match a.kind {
        OpType::Ok => Some(or(p, a.ext_write(k), a.ext_read(k))),
        OpType::Info => a.ext_write(k),
        _ => None,
    }
}

/// The version of k that txn b first interacted with:
///   (condp identical? (.type b)
///     :ok (or (get (ext-reads b) k) (get (ext-writes b) k))
///     :info (get (ext-writes b) k ::none)
///     ::none)
fn first_value(p: &Parsed, b: &TxnOp, k: Id) -> Option<Id> {
    match b.kind {
        OpType::Ok => Some(or(p, b.ext_read(k), b.ext_write(k))),
        OpType::Info => b.ext_write(k),
        _ => None,
    }
}

/// Clojure's `(or x y)` over two map lookups: x if truthy, else y (nil if
/// absent).
fn or(p: &Parsed, x: Option<Id>, y: Option<Id>) -> Id {
    match x {
        Some(v) if p.interner.truthy(v) => v,
        _ => y.unwrap_or(NIL),
    }
}
