//! Workload `lin-kv` (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/lin_kv.clj): Jepsen's linearizable-register test
//! over independent keys (jepsen v0.3.1 tests/linearizable_register.clj),
//! a reusable read / write / cas client, and the per-key linearizability
//! checker against Knossos's cas-register model.

mod client;
mod generator;

use crate::checkers::linearizable::{independent, Budget};
use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::{Client, Generator, TestOpts, Workload};

pub use client::LinKvClient;
pub use generator::LinKvGenerator;

pub struct LinKv;

impl Workload for LinKv {
    fn name(&self) -> &'static str {
        "lin-kv"
    }

    fn validate(&self, opts: &TestOpts) -> Result<(), String> {
        generator::validate(opts)
    }

    fn generator(&self, opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(LinKvGenerator::new(opts))
    }

    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(LinKvClient::default())
    }

    /// lin_kv.clj: `client/Reusable (reusable? [this test] true)`.
    fn client_reusable(&self) -> bool {
        true
    }

    /// lin_kv.clj `invoke!`: `(max (* 10 (:mean (:latency test))) 1000)`.
    fn rpc_timeout_ms(&self, opts: &TestOpts) -> u64 {
        (10 * opts.latency_ms).max(1000)
    }

    /// Knossos's cas-register check per key (`independent/checker`). A
    /// recorded history whose invocations are not all `[key value]` tuples
    /// (Knossos's `data/cas-register`, a Jepsen log of one register, given
    /// to `cargo xtask check`) is one register, as `checker/linearizable`
    /// reads it without `independent` ([`independent::is_keyed`]); our
    /// generator always writes tuples. A history with no client op at all
    /// (`--rate 0`) is keyed, vacuously: Maelstrom's own, so `independent`.
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        let budget = Budget::default_budget();
        if !independent::is_keyed(history) {
            return independent::check_register(history, &budget);
        }
        independent::check_history(history, &budget)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::Validity;
    use serde_json::json;

    /// `--rate 0`: no client op at all. The workload's checker is
    /// `independent/checker`, whose result on no keys is `{:valid? true,
    /// :results {}, :failures []}` (jepsen 0.3.1 independent.clj `checker`:
    /// `(merge-valid [])` is true), not a single register's Knossos map.
    /// fidelity D27: lin-kv lists every key, and nothing when there is none.
    #[test]
    fn a_history_without_client_ops_is_checked_per_key() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let r = LinKv.check(&History::new(Vec::new()), &opts);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields.get("results"), Some(&json!({})));
        assert_eq!(r.fields.get("failures"), Some(&json!([])));
        assert!(!r.fields.contains_key("analyzer"), "{:?}", r.fields);
    }
}
