//! `elle.rw-register/check` and `elle.txn/result-map`: the options Maelstrom
//! passes (`:wfr-keys? true`, `:consistency-models`) and the others Elle's
//! own tests use (`:anomalies`, `:sequential-keys?`, `:linearizable-keys?`).

use super::cases;
use super::cycles::{self, Finding, CYCLE_SEARCH_TIMEOUT};
use super::deps::{self, ExtIndex, OrderGraph};
use super::explain::{self, render, Explained, RW_REGISTER_PRIORITY};
use super::models;
use super::txn::Parsed;
use super::versions;
use crate::checkers::Validity;
use crate::history::History;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct ElleOpts {
    /// `:consistency-models` (Elle's default is strict-serializable).
    pub consistency_models: Vec<String>,
    /// `:anomalies`: specific anomalies to prohibit besides the models'
    /// (Maelstrom passes none).
    pub anomalies: Vec<String>,
    /// `:wfr-keys?` (Maelstrom: true).
    pub wfr_keys: bool,
    /// `:sequential-keys?`: version order from each process's txn order
    /// (Maelstrom: false; its rw-register workload has it commented out).
    pub sequential_keys: bool,
    /// `:linearizable-keys?`: version order from real-time order
    /// (Maelstrom: false).
    pub linearizable_keys: bool,
    /// `:cycle-search-timeout`, per SCC.
    pub cycle_search_timeout: Duration,
}

impl ElleOpts {
    /// The options Maelstrom's txn-rw-register workload passes.
    pub fn maelstrom(consistency_models: Vec<String>) -> Self {
        ElleOpts {
            consistency_models,
            anomalies: Vec::new(),
            wfr_keys: true,
            sequential_keys: false,
            linearizable_keys: false,
            cycle_search_timeout: CYCLE_SEARCH_TIMEOUT,
        }
    }
}

/// Elle's result map.
#[derive(Clone, Debug)]
pub struct ElleResult {
    /// Elle's own verdict. Maelstrom's wrapper recomputes validity from the
    /// anomaly types, so only the tests (which pin Elle's behaviour) read it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub valid: Validity,
    /// Sorted reportable anomaly types found.
    pub anomaly_types: Vec<String>,
    /// Reportable anomalies, by type.
    pub anomalies: Map<String, Value>,
    /// `:not` / `:also-not` (present whenever something reportable was found).
    pub boundary: Option<(Vec<String>, Vec<String>)>,
}

/// Elle's result map plus, for each reportable cycle type, Elle's text for
/// each cycle (what Elle writes to `elle/<type>.txt`).
pub struct Checked {
    pub result: ElleResult,
    pub explanations: Map<String, Value>,
}

/// Checks a txn-rw-register history. `Err` is a checker crash (`:unknown`
/// with `:error` in Maelstrom): duplicate writers of a read value, key type
/// mixes, malformed transactions, unknown consistency models.
pub fn check(history: &History, opts: &ElleOpts) -> Result<ElleResult, String> {
    check_explained(history, opts).map(|c| c.result)
}

/// [`check`], with the text of each reportable cycle: Maelstrom's
/// txn-rw-register writes them to `elle/<type>.txt` (jepsen 0.3.1
/// `jepsen.tests.cycle.wr/checker` passes `:directory`).
/// fidelity E8: rw-register cycle texts, found by porting.
pub fn check_explained(history: &History, opts: &ElleOpts) -> Result<Checked, String> {
    let p = Parsed::new(history)?;
    let Plan {
        prohibited,
        reportable,
        order,
    } = plan(opts)?;
    let versions = versions::infer(&p, opts);
    let idx = ExtIndex::new(&p);
    let graph = deps::build(&p, &idx, &versions, order)?;

    // Anomaly map, in Elle's merge order (later keys would replace earlier ones).
    let mut anomalies: Vec<(String, Value)> = Vec::new();
    if !versions.cyclic.is_empty() {
        anomalies.push((
            "cyclic-versions".into(),
            Value::Array(versions.cyclic.clone()),
        ));
    }
    if !graph.has_vertex {
        anomalies.push(("empty-transaction-graph".into(), Value::Bool(true)));
    }
    let findings =
        cycles::cycle_cases(&graph.adj, opts.cycle_search_timeout, &RW_REGISTER_PRIORITY)?;
    let cycles = group_findings(findings, &reportable, |ex| render(&p, &versions, ex));
    let explanations = explain_texts(&cycles, &reportable, explain::text);
    anomalies.extend(cycles);
    let show = |name: &str| reportable.contains(name);
    for (name, found) in [
        ("internal", cases::internal(&p, show("internal"))),
        ("G1a", cases::g1a(&p, show("G1a"))),
        ("G1b", cases::g1b(&p, show("G1b"))),
        ("lost-update", cases::lost_update(&p, show("lost-update"))),
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

/// Elle's text for each reportable cycle, by type (`elle.txn/cycles!`
/// writes only `reportable-anomaly-types` of `cycle-types`).
pub(super) fn explain_texts(
    cycles: &[(String, Value)],
    reportable: &BTreeSet<String>,
    text: fn(&Value) -> String,
) -> Map<String, Value> {
    let mut explanations = Map::new();
    for (kind, list) in cycles {
        if kind == "cycle-search-timeout" || !reportable.contains(kind) {
            continue;
        }
        let texts = list
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| text(c).into());
        explanations.insert(kind.clone(), Value::Array(texts.collect()));
    }
    explanations
}

/// What the consistency models and `:anomalies` ask of a check (`elle.txn`
/// `prohibited-anomaly-types`, `reportable-anomaly-types`, `additional-graphs`).
pub(super) struct Plan {
    pub prohibited: BTreeSet<String>,
    pub reportable: BTreeSet<String>,
    pub order: OrderGraph,
}

pub(super) fn plan(opts: &ElleOpts) -> Result<Plan, String> {
    // elle v0.1.6 src/elle/txn.clj, prohibited-anomaly-types:
    //   (set/union (cm/all-anomalies-implying (:anomalies opts))
    //              (cm/anomalies-prohibited-by
    //                (:consistency-models opts [:strict-serializable])))
    let mut prohibited = models::prohibited(&opts.consistency_models)?;
    prohibited.extend(models::all_anomalies_implying(&opts.anomalies));
    let mut reportable = prohibited.clone();
    reportable.extend(models::UNKNOWN_TYPES.iter().map(|s| s.to_string()));
    let order = if models::needs_realtime(&reportable) {
        OrderGraph::Realtime
    } else if models::needs_process(&reportable) {
        OrderGraph::Process
    } else {
        OrderGraph::None
    };
    Ok(Plan {
        prohibited,
        reportable,
        order,
    })
}

/// The cycle search's findings grouped by type (`group-by :type`), in the
/// order found. Only reportable cycles are rendered: others need no details.
pub(super) fn group_findings(
    findings: Vec<Finding>,
    reportable: &BTreeSet<String>,
    render: impl Fn(&Explained) -> Value,
) -> Vec<(String, Value)> {
    let mut by_type: Vec<(String, Vec<Value>)> = Vec::new();
    for finding in findings {
        let (kind, value) = match finding {
            Finding::Cycle(ex) if reportable.contains(&ex.kind) => (ex.kind.clone(), render(&ex)),
            Finding::Cycle(ex) => (ex.kind, Value::Null),
            Finding::Timeout(v) => ("cycle-search-timeout".to_string(), v),
        };
        match by_type.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, list)) => list.push(value),
            None => by_type.push((kind, vec![value])),
        }
    }
    by_type
        .into_iter()
        .map(|(k, v)| (k, Value::Array(v)))
        .collect()
}

/// `elle.txn/result-map`.
pub(super) fn result_map(
    prohibited: &BTreeSet<String>,
    reportable: &BTreeSet<String>,
    anomalies: Vec<(String, Value)>,
) -> ElleResult {
    let found: Vec<&str> = anomalies.iter().map(|(k, _)| k.as_str()).collect();
    let mut report = Map::new();
    for (k, v) in &anomalies {
        if reportable.contains(k) {
            report.insert(k.clone(), v.clone());
        }
    }
    if report.is_empty() {
        return ElleResult {
            valid: Validity::True,
            anomaly_types: Vec::new(),
            anomalies: report,
            boundary: None,
        };
    }
    let bad = report.keys().any(|k| prohibited.contains(k));
    let mut types: Vec<String> = report.keys().cloned().collect();
    types.sort();
    ElleResult {
        valid: if bad {
            Validity::False
        } else {
            Validity::Unknown
        },
        anomaly_types: types,
        anomalies: report,
        boundary: Some(models::boundary(&found)),
    }
}
