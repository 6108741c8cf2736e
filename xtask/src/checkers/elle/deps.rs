//! The dependency graph Elle's rw-register analyzer builds (`wr-graph`,
//! `ww+rw-graph`, plus `realtime-graph` or `process-graph` when the
//! reportable anomalies need them).
//!
//! Only `:ok` transactions are indexed as external readers and writers, so
//! only they get wr / ww / rw edges.

use super::graph::{GraphBuilder, TxnGraph, PROC, RT, RW, WR, WW};
use super::txn::{Id, Parsed};
use super::versions::Versions;
use crate::history::{OpType, Process};
use std::collections::HashMap;

/// Which order graph to add (`elle.txn/additional-graphs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderGraph {
    None,
    Process,
    Realtime,
}

/// (key, value) -> `:ok` txns that externally read / wrote it.
pub struct ExtIndex {
    pub reads: HashMap<(Id, Id), Vec<u32>>,
    pub writes: HashMap<(Id, Id), Vec<u32>>,
}

impl ExtIndex {
    pub fn new(p: &Parsed) -> Self {
        let mut reads: HashMap<(Id, Id), Vec<u32>> = HashMap::new();
        let mut writes: HashMap<(Id, Id), Vec<u32>> = HashMap::new();
        for t in 0..p.txn_count() as u32 {
            let op = p.txn(t);
            if op.kind != OpType::Ok {
                continue;
            }
            for &kv in &op.ext_reads {
                reads.entry(kv).or_default().push(t);
            }
            for &kv in &op.ext_writes {
                writes.entry(kv).or_default().push(t);
            }
        }
        ExtIndex { reads, writes }
    }
}

/// Builds the whole graph. Fails as Elle's `wr-graph` throws when a value
/// some `:ok` txn externally read has more than one `:ok` external writer.
pub fn build(
    p: &Parsed,
    idx: &ExtIndex,
    versions: &Versions,
    order: OrderGraph,
) -> Result<TxnGraph, String> {
    let mut g = GraphBuilder::default();
    wr_edges(p, idx, &mut g)?;
    version_edges(idx, versions, &mut g);
    order_edges(p, order, &mut g);
    Ok(g.build(p.txn_count()))
}

/// Adds the order graph `order` asks for (`elle.core/process-graph` or
/// `realtime-graph`; the same for every transactional checker).
pub fn order_edges(p: &Parsed, order: OrderGraph, g: &mut GraphBuilder) {
    match order {
        OrderGraph::None => {}
        OrderGraph::Process => process_edges(p, g),
        OrderGraph::Realtime => realtime_edges(p, g),
    }
}

pub(super) fn wr_edges(p: &Parsed, idx: &ExtIndex, g: &mut GraphBuilder) -> Result<(), String> {
    let mut keys: Vec<&(Id, Id)> = idx.reads.keys().collect();
    keys.sort_unstable();
    for kv in keys {
        let readers = &idx.reads[kv];
        match idx.writes.get(kv).map(Vec::as_slice) {
            None | Some([]) => {}
            // Self-edges stay: Elle's wr graph does not remove them.
            Some([w]) => readers.iter().for_each(|&r| g.link(*w, r, WR)),
            Some(ws) => {
                let ops: Vec<usize> = ws.iter().map(|&w| p.txn(w).index).collect();
                return Err(format!(
                    "Key {} had value {} written by more than one op (history indices {:?})",
                    p.interner.value(kv.0),
                    p.interner.value(kv.1),
                    ops
                ));
            }
        }
    }
    Ok(())
}

/// ww and rw edges from every version edge v1 -> v2; self-edges removed.
pub(super) fn version_edges(idx: &ExtIndex, versions: &Versions, g: &mut GraphBuilder) {
    let empty: Vec<u32> = Vec::new();
    for (&k, edges) in &versions.edges {
        for &(v1, v2) in edges {
            let w2 = idx.writes.get(&(k, v2)).unwrap_or(&empty);
            if w2.is_empty() {
                continue;
            }
            let w1 = idx.writes.get(&(k, v1)).unwrap_or(&empty);
            let r1 = idx.reads.get(&(k, v1)).unwrap_or(&empty);
            for (from, rel) in [(w1, WW), (r1, RW)] {
                for &a in from {
                    for &b in w2 {
                        if a == b {
                            g.touch();
                        } else {
                            g.link(a, b, rel);
                        }
                    }
                }
            }
        }
    }
}

/// Per process, each `:ok` txn precedes the next one.
fn process_edges(p: &Parsed, g: &mut GraphBuilder) {
    let mut last: HashMap<Process, u32> = HashMap::new();
    for t in 0..p.txn_count() as u32 {
        let op = p.txn(t);
        if op.kind != OpType::Ok {
            continue;
        }
        if let Some(prev) = last.insert(op.process, t) {
            g.link(prev, t, PROC);
        }
    }
}

/// Elle's transitive reduction of real-time order: each invocation gets an
/// edge from every `:ok` completion in the buffer; an `:ok` completion
/// replaces, in the buffer, the completions that point to it.
fn realtime_edges(p: &Parsed, g: &mut GraphBuilder) {
    // history index of a completion -> txn id
    let txn_at: HashMap<usize, u32> = (0..p.txn_count() as u32)
        .map(|t| (p.txn(t).index, t))
        .collect();
    let pairs = p.history.pair_index();
    let mut buffer: Vec<u32> = Vec::new();
    let mut preds: HashMap<u32, Vec<u32>> = HashMap::new();
    for op in &p.ops {
        match op.kind {
            OpType::Invoke => {
                let Some(&t) = pairs
                    .get(op.index)
                    .copied()
                    .flatten()
                    .and_then(|c| txn_at.get(&c))
                else {
                    continue;
                };
                for &b in &buffer {
                    g.link(b, t, RT);
                }
                if !buffer.is_empty() {
                    preds.insert(t, buffer.clone());
                }
            }
            OpType::Ok => {
                let Some(&t) = txn_at.get(&op.index) else {
                    continue;
                };
                if let Some(implied) = preds.remove(&t) {
                    buffer.retain(|b| !implied.contains(b));
                }
                buffer.push(t);
            }
            OpType::Fail | OpType::Info => {}
        }
    }
}
