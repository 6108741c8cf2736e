//! Per-key version orders, as `elle.rw-register/version-graphs` (v0.1.6)
//! infers them, from these sources in this order:
//!
//! 1. initial state: nil precedes every value a non-failed txn externally
//!    wrote or an `:ok` txn externally read;
//! 2. `:wfr-keys?` (Maelstrom: on), writes-follow-reads: an `:ok` txn that
//!    externally read k = v (non-nil) and externally wrote k = v' gives
//!    v -> v';
//! 3. `:sequential-keys?`, `:linearizable-keys?` (Maelstrom: off): the
//!    process / real-time order of txns ([`key_orders`]).
//!
//! Each source is merged in turn; if the merge makes any key's version graph
//! cyclic, every SCC of every key is reported as `:cyclic-versions` (with the
//! sources accepted so far plus this one) and this source is dropped. Only
//! direct edges are kept (no transitive closure).

use super::deps::OrderGraph;
use super::graph::{self, Adj};
use super::key_orders;
use super::rw_register::ElleOpts;
use super::txn::{Id, Parsed, NIL};
use crate::history::OpType;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

pub struct Versions {
    /// key -> version edges (v1, v2), deduplicated, in insertion order.
    pub edges: HashMap<Id, Vec<(Id, Id)>>,
    /// Fast membership test for (key, v1, v2).
    set: HashSet<(Id, Id, Id)>,
    /// `:cyclic-versions` cases of the sources that were rejected.
    pub cyclic: Vec<Value>,
}

impl Versions {
    /// Versions holding exactly the given edges (key, v1, v2).
    #[cfg(test)]
    pub fn from_edges(edges: &[(Id, Id, Id)]) -> Versions {
        let mut acc = Acc::default();
        for &(k, a, b) in edges {
            acc.link(k, a, b);
        }
        Versions {
            edges: acc.edges,
            set: acc.set,
            cyclic: Vec::new(),
        }
    }

    pub fn precedes(&self, k: Id, v1: Id, v2: Id) -> bool {
        self.set.contains(&(k, v1, v2))
    }
}

#[derive(Default, Clone)]
struct Acc {
    edges: HashMap<Id, Vec<(Id, Id)>>,
    set: HashSet<(Id, Id, Id)>,
}

impl Acc {
    fn link(&mut self, k: Id, a: Id, b: Id) {
        if self.set.insert((k, a, b)) {
            self.edges.entry(k).or_default().push((a, b));
        }
    }
}

/// A source of version edges (key, v1, v2).
type Grapher<'a> = dyn Fn() -> Vec<(Id, Id, Id)> + 'a;

pub fn infer(p: &Parsed, opts: &ElleOpts) -> Versions {
    // elle v0.1.6 src/elle/rw_register.clj, version-graphs:
    //   (cond-> [{:name :initial-state ...}]
    //     (:wfr-keys? opts)          (conj {:name :wfr-keys ...})
    //     (:sequential-keys? opts)   (conj {:name :sequential-keys ...})
    //     (:linearizable-keys? opts) (conj {:name :linearizable-keys ...}))
    let mut accepted = initial_state(p);
    let mut sources = vec!["initial-state"];
    let mut cyclic = Vec::new();
    let later: [(&str, bool, &Grapher); 3] = [
        ("wfr-keys", opts.wfr_keys, &|| wfr(p)),
        ("sequential-keys", opts.sequential_keys, &|| {
            key_orders::version_edges(p, OrderGraph::Process)
        }),
        ("linearizable-keys", opts.linearizable_keys, &|| {
            key_orders::version_edges(p, OrderGraph::Realtime)
        }),
    ];
    for (name, on, grapher) in later {
        if !on {
            continue;
        }
        let mut merged = accepted.clone();
        for (k, a, b) in grapher() {
            merged.link(k, a, b);
        }
        let mut names = sources.clone();
        names.push(name);
        let cases = cyclic_cases(p, &merged.edges, &names);
        if cases.is_empty() {
            accepted = merged;
            sources = names;
        } else {
            // "Cycles in this version of the dependency graph. Let's skip
            // over it in the graph, but note the cycle anomalies."
            cyclic.extend(cases);
        }
    }
    Versions {
        edges: accepted.edges,
        set: accepted.set,
        cyclic,
    }
}

fn initial_state(p: &Parsed) -> Acc {
    let mut initial = Acc::default();
    for &i in &p.txns {
        let op = &p.ops[i];
        if op.kind == OpType::Fail {
            continue;
        }
        let reads: &[(Id, Id)] = if op.kind == OpType::Ok {
            &op.ext_reads
        } else {
            &[]
        };
        for &(k, v) in op.ext_writes.iter().chain(reads) {
            if v != NIL {
                initial.link(k, NIL, v);
            }
        }
    }
    initial
}

/// `wfr-version-graphs`.
fn wfr(p: &Parsed) -> Vec<(Id, Id, Id)> {
    let mut out = Vec::new();
    for &i in &p.txns {
        let op = &p.ops[i];
        if op.kind != OpType::Ok {
            continue;
        }
        for &(k, v) in &op.ext_reads {
            if v == NIL {
                continue;
            }
            if let Some(w) = op.ext_write(k) {
                if p.interner.truthy(w) {
                    out.push((k, v, w));
                }
            }
        }
    }
    out
}

/// Every SCC (> 1 version) of every key's version graph.
fn cyclic_cases(p: &Parsed, edges: &HashMap<Id, Vec<(Id, Id)>>, sources: &[&str]) -> Vec<Value> {
    let mut keys: Vec<&Id> = edges.keys().collect();
    keys.sort_unstable();
    let mut cases = Vec::new();
    for &k in keys {
        let mut local: HashMap<Id, u32> = HashMap::new();
        let mut names: Vec<Id> = Vec::new();
        let mut id = |v: Id, names: &mut Vec<Id>| {
            *local.entry(v).or_insert_with(|| {
                names.push(v);
                (names.len() - 1) as u32
            })
        };
        let mut pairs = Vec::new();
        for &(a, b) in &edges[&k] {
            let (la, lb) = (id(a, &mut names), id(b, &mut names));
            pairs.push((la, lb));
        }
        let mut adj: Adj = vec![Vec::new(); names.len()];
        for (a, b) in pairs {
            adj[a as usize].push((b, 1));
        }
        for list in &mut adj {
            list.sort_unstable();
        }
        let mut found: Vec<Vec<Value>> = graph::sccs(&adj, 1)
            .into_iter()
            .map(|scc| {
                scc.iter()
                    .map(|&l| p.interner.value(names[l as usize]).clone())
                    .collect()
            })
            .collect();
        // Elle sorts a key's SCCs by their smallest value.
        found.sort_by(|a, b| {
            min_number(a)
                .partial_cmp(&min_number(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        for mut scc in found {
            scc.sort_by(compare_values);
            cases.push(json!({
                "key": p.interner.value(k).clone(),
                "scc": scc,
                "sources": sources,
            }));
        }
    }
    cases
}

fn min_number(vs: &[Value]) -> f64 {
    vs.iter()
        .filter_map(Value::as_f64)
        .fold(f64::INFINITY, f64::min)
}

/// Numbers numerically, then everything else by its JSON text.
pub fn compare_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.to_string().cmp(&b.to_string()),
    }
}
