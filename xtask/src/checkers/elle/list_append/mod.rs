//! Elle 0.1.6's list-append checker (`elle.list-append/check`), which
//! Maelstrom v0.2.3's txn-list-append workload runs as is (`append/test` in
//! jepsen 0.3.1 `jepsen.tests.cycle.append`; no wrapper around the verdict).
//!
//! Pipeline: parse ([`history`]); the direct cases ([`cases`]: G1a, G1b,
//! internal, dirty update over every client op; duplicate elements,
//! incompatible orders and lost update over `:ok` / `:info` ops); the version
//! order of each key from its longest read and the ww / wr / rw graph over
//! `:ok` and `:info` txns ([`deps`]), with the process or realtime order the
//! models need; then the cycle search, classification, model table and
//! result map shared with the rw-register checker, and each reportable cycle
//! explained as data and as Elle's text ([`explain`]).

pub(super) mod cases;
pub(super) mod deps;
mod explain;
pub(super) mod history;
#[cfg(test)]
pub(crate) mod shorthand;
#[cfg(test)]
mod tests;

use super::cycles;
pub use super::rw_register::Checked;
use super::rw_register::{explain_texts, group_findings, plan, result_map, ElleOpts, Plan};
use crate::history::History;
use deps::Indices;
use explain::LIST_APPEND_PRIORITY;
use history::La;
use serde_json::Value;

/// Checks a txn-list-append history. `Err` is where Elle throws (the checker
/// is then `:unknown`): micro-ops other than `r` / `append`, a read that is
/// not a list, an element appended twice, a read element nobody appended,
/// an unknown consistency model.
pub fn check(history: &History, opts: &ElleOpts) -> Result<Checked, String> {
    let la = La::new(history)?;
    let Plan {
        prohibited,
        reportable,
        order,
    } = plan(opts)?;
    let possible: Vec<usize> = la.possible().collect();
    let sorted = la.sorted_values(&possible);
    let idx = Indices::new(&la, &possible, &sorted);
    let graph = deps::build(&la, &possible, &idx, order);

    let mut anomalies: Vec<(String, Value)> = Vec::new();
    if !graph.has_vertex {
        anomalies.push(("empty-transaction-graph".into(), Value::Bool(true)));
    }
    let findings =
        cycles::cycle_cases(&graph.adj, opts.cycle_search_timeout, &LIST_APPEND_PRIORITY)?;
    let cycles = group_findings(findings, &reportable, |ex| explain::render(&la, &idx, ex));
    let explanations = explain_texts(&cycles, &reportable, explain::text);
    anomalies.extend(cycles);
    for (name, found) in [
        ("duplicate-elements", cases::duplicates(&la, &possible)),
        (
            "incompatible-order",
            cases::incompatible_orders(&la, &sorted),
        ),
        ("internal", cases::internal(&la)),
        ("dirty-update", cases::dirty_update(&la)?),
        ("G1a", cases::g1a(&la)),
        ("G1b", cases::g1b(&la)),
        ("lost-update", super::cases::lost_update(&la.p, true)),
    ] {
        if !found.is_empty() {
            anomalies.push((name.into(), Value::Array(found)));
        }
    }
    Ok(Checked {
        result: result_map(&prohibited, &reportable, anomalies),
        explanations,
    })
}
