//! Scenario tests of our nodes: each runs in-process under virtual time
//! through the engine (`engine::execute`), with the bench's own network,
//! services (the real seq-kv), clients, nemesis and checkers, and asserts on
//! results.json. They replace the node crate's private simulator and its
//! checker replicas: one judge for tests, the matrix and exploration.

mod broadcast;
mod determinism;
mod explore_bug;
mod g_counter;
mod kafka;
mod test;
mod txn;

pub use test::Test;

use crate::checkers::Validity;
use crate::engine::hosts::sim::NodeFactory;
use crate::engine::{self, RunOutcome};
use serde_json::Value;

/// One finished run and its analysis.
pub struct Ran {
    pub out: RunOutcome,
    pub results: Value,
    pub valid: Validity,
}

impl Ran {
    /// The number at `path` ("net/servers/msgs-per-op") in results.json.
    pub fn num(&self, path: &str) -> f64 {
        let v = path
            .split('/')
            .try_fold(&self.results, |v, k| v.get(k))
            .unwrap_or_else(|| panic!("results.json has no {path}"));
        v.as_f64()
            .unwrap_or_else(|| panic!("results.json {path} is {v}, not a number"))
    }

    /// Panics, with the failing sections, unless the run is valid.
    pub fn assert_valid(&self) {
        assert_eq!(
            self.valid,
            Validity::True,
            "invalid run: {}",
            invalid_summary(&self.results)
        );
    }

    /// The run's ops (a scenario run keeps its history in memory).
    fn history(&self) -> std::borrow::Cow<'_, crate::history::History> {
        self.out
            .history
            .load()
            .expect("the recorded history reads back")
    }

    /// Whether a partition is still in force when the main phase ends (the
    /// final heal alone must then repair it).
    pub fn partitioned_at_end(&self, time_limit_s: u64) -> bool {
        let end = time_limit_s * 1_000_000_000;
        self.history()
            .ops
            .iter()
            .filter(|op| op.time < end)
            .rfind(|op| op.f == "start-partition" || op.f == "stop-partition")
            .is_some_and(|op| op.f == "start-partition")
    }

    /// The nemesis's grudges: for each partition, node -> nodes it drops.
    pub fn grudges(&self) -> Vec<serde_json::Map<String, Value>> {
        self.history()
            .ops
            .iter()
            .filter(|op| op.f == "start-partition")
            .filter_map(|op| op.value.get(1)?.as_object().cloned())
            .collect()
    }
}

/// The sections of results.json that are not valid, shortened.
pub fn invalid_summary(results: &Value) -> String {
    let mut s: String = results
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| v.get("valid?").is_some_and(|x| x != &Value::Bool(true)))
        .map(|(k, v)| format!("{k}: {v}; "))
        .collect();
    s.truncate(2_000);
    s
}

/// Runs `test` on `seed`, in virtual time.
pub fn run(test: &Test, seed: u64) -> Ran {
    run_with(test, gossip_glomers::nodes::hosted, seed)
}

/// As `run`, with nodes made by `factory` (a fixture node).
pub fn run_with(test: &Test, factory: NodeFactory, seed: u64) -> Ran {
    try_run(test, factory, seed).unwrap_or_else(|fatal| panic!("aborted: {fatal}"))
}

/// Runs `test` on the first seed from `seeds` whose run is not aborted.
/// For lossy runs: Maelstrom's p-loss drops `init` messages too (net.clj
/// `send!` applies to every message) and a lost init aborts the run, as
/// in Maelstrom; the seed that got through is fixed, so this is too.
pub fn run_lossy(test: &Test, seeds: std::ops::Range<u64>) -> Ran {
    for seed in seeds.clone() {
        if let Ok(r) = try_run(test, gossip_glomers::nodes::hosted, seed) {
            eprintln!("seed {seed}");
            return r;
        }
    }
    panic!("no seed in {seeds:?} got every init through: {test:?}")
}

/// One run; Err: aborted (setup failed), with why.
fn try_run(test: &Test, factory: NodeFactory, seed: u64) -> Result<Ran, String> {
    let nodes = test.nodes_with(factory);
    let workload = crate::workloads::by_name(test.workload).expect("a workload of the bench");
    let mut out = engine::execute_keeping_journal(workload.as_ref(), &test.opts, &nodes, seed)
        .expect("the nodes start");
    assert!(out.crashes.is_empty(), "crashed: {:?}", out.crashes);
    let Some((results, valid)) = out.analysis.take() else {
        return Err(out.fatal.unwrap_or_default());
    };
    Ok(Ran {
        out,
        results,
        valid,
    })
}
