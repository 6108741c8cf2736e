//! Whole-cluster tests of the broadcast node on the simulator.

mod harness;
mod scenarios;

use super::{Config, ConfigSource};

/// The defaults of the binary (no `BROADCAST_*` variables).
pub struct Defaults;

impl ConfigSource for Defaults {
    fn load() -> (Config, Vec<String>) {
        (Config::default(), Vec::new())
    }
}

/// The low-latency configuration (`BROADCAST_BATCH_MS=0`).
pub struct LowLatency;

impl ConfigSource for LowLatency {
    fn load() -> (Config, Vec<String>) {
        (Config::low_latency(), Vec::new())
    }
}
