//! The `kafka` workload (jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/kafka.clj):
//! append-only logs keyed by
//! strings; send / poll / commit_offsets / list_committed_offsets.

mod checker;
mod client;
pub(crate) use client::assign_keys;
mod generator;

use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::{Client, FinalPhase, Generator, TestOpts, Workload};
use serde_json::Value;

/// Final polls are clipped to 10 s by Maelstrom (`gen/time-limit 10`).
const FINAL_PHASE_NS: u64 = 10_000_000_000;

pub struct Kafka;

impl Workload for Kafka {
    fn name(&self) -> &'static str {
        "kafka"
    }
    fn generator(&self, opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(generator::KafkaGenerator::new(opts))
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(client::KafkaClient::new())
    }
    /// Kafka clients are torn down after every `:info` (crash ops included).
    fn client_reusable(&self) -> bool {
        false
    }
    fn final_phase(&self) -> Option<FinalPhase> {
        Some(FinalPhase {
            time_limit_ns: Some(FINAL_PHASE_NS),
        })
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        checker::check(history)
    }
}

/// Keys are strings on the wire; a non-string key is keyed by its JSON text.
pub fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
