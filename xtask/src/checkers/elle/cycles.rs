//! The cycle anomaly specifications of `elle.txn/cycle-anomaly-specs` and
//! the per-SCC search that interprets them (`cycle-cases-in-scc`).
//!
//! Every spec is searched in every SCC, whatever the consistency model; one
//! cycle per spec per SCC. A found cycle is recorded under the type its
//! explanation gives (so a G0 search can yield a G1c), unless the spec has
//! a filter demanding a specific type, in which case other types are dropped.

use super::explain::{explain, Explained, Priority};
use super::graph::{sccs, Adj, Sub, ALL, PROC, RT, RW, WR, WW};
use super::search::{self, Deadline, TimedOut};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

enum Search {
    /// `:rels`: every edge from this set.
    Rels(u8),
    /// `:first-rels` / `:rest-rels`.
    StartingWith(u8, u8),
    /// `:with nonadjacent-rw` over this set.
    Nonadjacent(u8),
}

struct Spec {
    name: &'static str,
    search: Search,
    /// `:filter-ex`: the only type this spec may record.
    only: Option<&'static str>,
}

/// Elle's specs in its search order: jepsen-io/elle v0.1.6 src/elle/txn.clj,
/// `cycle-anomaly-specs`, a map sorted by `cycle-type-priorities`. Both
/// G-nonadjacent-process (priority 8) and G-nonadjacent-realtime (13) have
/// a priority and a spec of their own there, each with `:filter-ex` keeping
/// only its own type.
/// fidelity D33: Elle has a separate G-nonadjacent-process search.
const SPECS: &[Spec] = &[
    Spec {
        name: "G0",
        search: Search::Rels(WW),
        only: None,
    },
    Spec {
        name: "G1c",
        search: Search::StartingWith(WR, WW | WR),
        only: None,
    },
    Spec {
        name: "G-single",
        search: Search::StartingWith(RW, WW | WR),
        only: None,
    },
    Spec {
        name: "G-nonadjacent",
        search: Search::Nonadjacent(WW | WR | RW),
        only: None,
    },
    Spec {
        name: "G2-item",
        search: Search::StartingWith(RW, WW | WR | RW),
        only: Some("G2-item"),
    },
    Spec {
        name: "G0-process",
        search: Search::Rels(WW | PROC),
        only: Some("G0-process"),
    },
    Spec {
        name: "G1c-process",
        search: Search::StartingWith(WR, WW | WR | PROC),
        only: Some("G1c-process"),
    },
    Spec {
        name: "G-single-process",
        search: Search::StartingWith(RW, WW | WR | PROC),
        only: Some("G-single-process"),
    },
    Spec {
        name: "G-nonadjacent-process",
        search: Search::Nonadjacent(WW | WR | RW | PROC),
        only: Some("G-nonadjacent-process"),
    },
    Spec {
        name: "G2-item-process",
        search: Search::StartingWith(RW, WW | WR | RW | PROC),
        only: Some("G2-item-process"),
    },
    Spec {
        name: "G0-realtime",
        search: Search::Rels(WW | RT),
        only: Some("G0-realtime"),
    },
    Spec {
        name: "G1c-realtime",
        search: Search::StartingWith(WR, WW | WR | RT),
        only: Some("G1c-realtime"),
    },
    Spec {
        name: "G-single-realtime",
        search: Search::StartingWith(RW, WW | WR | RT),
        only: Some("G-single-realtime"),
    },
    Spec {
        name: "G-nonadjacent-realtime",
        search: Search::Nonadjacent(WW | WR | RW | RT),
        only: Some("G-nonadjacent-realtime"),
    },
    Spec {
        name: "G2-item-realtime",
        search: Search::StartingWith(RW, WW | WR | RW | RT),
        only: Some("G2-item-realtime"),
    },
];

/// The default `:cycle-search-timeout`, per SCC.
/// fidelity X30: same budget and fallback, but searches Elle times out on usually finish.
pub const CYCLE_SEARCH_TIMEOUT: Duration = Duration::from_millis(1000);

/// One finding of the cycle search: an explained cycle, or a timeout record.
pub enum Finding {
    Cycle(Explained),
    Timeout(Value),
}

/// Searches every SCC of `adj` (more than one vertex) for every spec.
/// Fails where Elle's explainer throws.
/// Steps are explained in `priority` order (each checker's explainers).
pub fn cycle_cases(
    adj: &Adj,
    timeout: Duration,
    priority: &Priority,
) -> Result<Vec<Finding>, String> {
    let present = adj.iter().flatten().fold(0u8, |m, e| m | e.1);
    let mut out = Vec::new();
    for scc in sccs(adj, ALL) {
        let sub = Sub::new(adj, &scc);
        let mut dl = Deadline::new(Instant::now() + timeout);
        let mut searched: Vec<&'static str> = Vec::new();
        let mut found: Vec<Explained> = Vec::new();
        let mut timed_out = false;
        for spec in SPECS {
            searched.push(spec.name);
            // Order-graph specs can only record cycles with such an edge:
            // skip them when the graph has none (same result, no work).
            let needs = match spec.search {
                Search::Rels(m) | Search::StartingWith(_, m) | Search::Nonadjacent(m) => {
                    m & (RT | PROC)
                }
            };
            if needs != 0 && present & needs == 0 {
                continue;
            }
            let result = dl.check().and_then(|()| match spec.search {
                Search::Rels(m) => search::find_cycle(&sub, m, &mut dl),
                Search::StartingWith(f, r) => search::find_cycle_starting_with(&sub, f, r, &mut dl),
                Search::Nonadjacent(m) => search::find_nonadjacent(&sub, m, &mut dl),
            });
            match result {
                Err(TimedOut) => {
                    timed_out = true;
                    break;
                }
                Ok(None) => {}
                Ok(Some(local)) => {
                    let cycle: Vec<u32> = local.iter().map(|&l| sub.verts[l as usize]).collect();
                    let ex = explain(adj, cycle, priority)?;
                    if spec.only.is_none() || spec.only == Some(ex.kind.as_str()) {
                        found.push(ex);
                    }
                }
            }
        }
        if timed_out {
            let current = searched.pop().unwrap_or("G0");
            out.push(Finding::Timeout(json!({
                "type": "cycle-search-timeout",
                "anomaly-spec-type": current,
                "does-not-contain": searched,
                "scc-size": scc.len(),
            })));
            if let Some(c) = fallback(&sub) {
                let cycle = c.iter().map(|&l| sub.verts[l as usize]).collect();
                out.push(Finding::Cycle(explain(adj, cycle, priority)?));
            }
        }
        out.extend(found.into_iter().map(Finding::Cycle));
    }
    Ok(out)
}

/// `cycle-cases-in-scc-fallback`: the first projection with a strongly
/// connected part inside the SCC, then any cycle through that part.
fn fallback(sub: &Sub) -> Option<Vec<u32>> {
    for mask in [
        WW,
        WW | RT | PROC,
        WW | WR,
        WW | WR | RT | PROC,
        WW | WR | RW,
        WW | WR | RW | RT | PROC,
    ] {
        if let Some(part) = sccs(&sub.adj, mask).into_iter().next() {
            return search::fallback_cycle(sub, &part);
        }
    }
    let all: Vec<u32> = (0..sub.len() as u32).collect();
    search::fallback_cycle(sub, &all)
}
