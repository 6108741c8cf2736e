//! The `partition` nemesis (network.md section 5): alternating start/stop
//! with gaps U[0, 2*interval), first start at t=0, none at/after the limit.

use super::core::{Engine, Phase, Timer};
use super::partition::{self, SHAPES};
use crate::history::{OpType, Process};
use serde_json::{json, Value};

impl Engine<'_> {
    pub fn on_nemesis(&mut self) {
        if self.phase != Phase::Main || self.now() >= self.cutoff_ns {
            return;
        }
        if self.nemesis_next_start {
            self.nemesis_start();
        } else {
            self.nemesis_stop();
        }
        let gap = self.rng_nemesis.f64() * 2.0 * self.spec.opts.nemesis_interval_ns() as f64;
        let at = self.now() + gap as u64;
        self.schedule(at, Timer::Nemesis);
    }

    fn nemesis_start(&mut self) {
        let shape = SHAPES[self.rng_nemesis.usize(..SHAPES.len())];
        let grudge = partition::build(shape, &self.spec.opts.node_ids, &mut self.rng_nemesis);
        self.record(
            Process::Nemesis,
            OpType::Info,
            "start-partition",
            json!(shape),
            None,
            None,
            false,
        );
        self.net.partition(&grudge);
        let g: serde_json::Map<String, Value> =
            grudge.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        self.record(
            Process::Nemesis,
            OpType::Info,
            "start-partition",
            json!(["isolated", g]),
            None,
            None,
            false,
        );
        self.nemesis_next_start = false;
    }

    pub fn nemesis_stop(&mut self) {
        self.record(
            Process::Nemesis,
            OpType::Info,
            "stop-partition",
            Value::Null,
            None,
            None,
            false,
        );
        self.net.heal();
        self.record(
            Process::Nemesis,
            OpType::Info,
            "stop-partition",
            json!("network-healed"),
            None,
            None,
            false,
        );
        self.nemesis_next_start = true;
    }
}
