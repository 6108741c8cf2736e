//! Jepsen's kafka checker (`jepsen.tests.kafka/checker` at jepsen 0.3.1, as
//! Maelstrom v0.2.3 configures it: `sub-via #{:assign}`, no `ww-deps`).
//! (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/tests/kafka.clj, `checker` / `analysis`). Where Jepsen's code would throw, the
//! result is `:valid? :unknown` with the reason, as `check-safe` does.
//! fidelity D32: kafka throws where Jepsen throws.

mod cases;
mod lag;
mod model;
mod orders;
mod realtime;
mod unseen;

#[cfg(test)]
mod ported;
#[cfg(test)]
mod tests;

use crate::checkers::{CheckResult, Validity};
use crate::history::{History, OpType};
use cases::Case;
use model::{Fun, Model};
use orders::Derived;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Anomaly kinds that do not invalidate a run (`allowed-error-types`).
const ALLOWED: [&str; 4] = ["int-send-skip", "G0", "G0-process", "G0-realtime"];

/// How many samples of each kind the result shows, and from which end of
/// the sort (`condense-error`). `None` = all of them.
fn sampling(kind: &str) -> Option<(usize, bool)> {
    match kind {
        "duplicate" | "inconsistent-offsets" => Some((32, false)),
        "int-nonmonotonic-poll"
        | "int-nonmonotonic-send"
        | "nonmonotonic-poll"
        | "nonmonotonic-send" => Some((8, false)),
        "int-poll-skip" | "int-send-skip" | "poll-skip" => Some((8, true)),
        "G1c-realtime" => Some((8, false)),
        _ => None,
    }
}

/// `{count, errs}` for one anomaly kind.
fn condense(kind: &str, mut cases: Vec<Case>) -> Value {
    let count = cases.len();
    cases.sort_by_key(|c| c.sort);
    let errs: Vec<Value> = match sampling(kind) {
        None => cases.iter().map(Case::render).collect(),
        Some((n, false)) => cases.iter().take(n).map(Case::render).collect(),
        Some((n, true)) => cases[count.saturating_sub(n)..]
            .iter()
            .map(Case::render)
            .collect(),
    };
    serde_json::json!({"count": count, "errs": errs})
}

/// Runs the kafka checker over a finished history.
pub fn check(history: &History) -> CheckResult {
    match analyse(history) {
        Ok(r) => r,
        Err(e) => CheckResult::unknown(format!("kafka checker could not complete: {e}")),
    }
}

/// Jepsen's `analysis` `:errors`, each kind condensed as the checker prints
/// it, and whether Elle's transaction graph was empty (which `analysis`
/// records and the checker's `condense-error` then throws on).
/// fidelity P6: the ported tests compare these errors without the throw.
struct Errors {
    by_kind: BTreeMap<&'static str, Value>,
    empty_graph: bool,
}

fn analysis_errors(m: &Model, d: &Derived) -> Result<Errors, String> {
    let mut errors: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut add = |kind: &'static str, cases: Vec<Case>| {
        if !cases.is_empty() {
            errors.insert(kind, condense(kind, cases));
        }
    };
    add("duplicate", cases::duplicates(m, d));
    let int_polls = cases::internal(m, d, false);
    add("int-poll-skip", int_polls.skip);
    add("int-nonmonotonic-poll", int_polls.nonmonotonic);
    let int_sends = cases::internal(m, d, true);
    add("int-send-skip", int_sends.skip);
    add("int-nonmonotonic-send", int_sends.nonmonotonic);
    let inconsistent = d
        .inconsistent
        .iter()
        .map(|(n, v)| Case::new(*n as i64, move || v.clone()))
        .collect();
    add("inconsistent-offsets", inconsistent);
    add("G1a", cases::g1a(m, d));
    add("lost-write", cases::lost_writes(m, d)?);
    let polls = cases::external_polls(m, d);
    add("nonmonotonic-poll", polls.nonmonotonic);
    add("poll-skip", polls.skip);
    add("nonmonotonic-send", cases::nonmonotonic_sends(m, d));
    let cycles = realtime::cycles(m, d)?;
    add("G1c-realtime", cycles.g1c_realtime);
    if let Some(u) = unseen::unseen(m) {
        if !u.unseen.is_empty() {
            errors.insert("unseen", unseen::render(m, &u));
        }
    }
    Ok(Errors {
        by_kind: errors,
        empty_graph: cycles.empty_graph,
    })
}

fn analyse(history: &History) -> Result<CheckResult, String> {
    let m = Model::build(history)?;
    let d = Derived::build(&m)?;
    let Errors {
        by_kind: errors,
        empty_graph,
    } = analysis_errors(&m, &d)?;
    if empty_graph {
        // Elle flags :empty-transaction-graph true; condensing that entry
        // (count of a boolean) throws in Jepsen.
        // fidelity D32: kafka throws where Jepsen throws.
        return Err("Elle found an empty transaction graph (no wr or real-time dependency)".into());
    }
    let worst = lag::worst_realtime_lag(&m)?;

    let error_types: Vec<&str> = errors.keys().copied().collect();
    let bad: Vec<&str> = error_types
        .iter()
        .copied()
        .filter(|k| !ALLOWED.contains(k))
        .collect();
    let mut causes: Vec<Value> = Vec::new();
    for op in m
        .ops
        .iter()
        .filter(|o| o.kind == OpType::Info && matches!(o.fun, Fun::Send | Fun::Poll))
    {
        let cause = m.op(op).error.clone().unwrap_or(Value::Null);
        if !causes.contains(&cause) {
            causes.push(cause);
        }
    }
    let mut fields = Map::new();
    fields.insert(
        "error-types".into(),
        error_types.iter().map(|s| Value::from(*s)).collect(),
    );
    fields.insert(
        "bad-error-types".into(),
        bad.iter().map(|s| Value::from(*s)).collect(),
    );
    fields.insert("info-txn-causes".into(), Value::Array(causes));
    fields.insert("worst-realtime-lag".into(), worst);
    for (k, v) in errors {
        fields.insert(k.to_string(), v);
    }
    Ok(CheckResult {
        valid: Validity::from_bool(bad.is_empty()),
        fields,
    })
}
