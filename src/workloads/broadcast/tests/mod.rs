//! Whole-cluster tests of the broadcast node on the simulator.

mod harness;
mod scenarios;

use super::{Config, ConfigSource};

/// The defaults of the binary (no `BROADCAST_*` variables).
pub struct Defaults;

impl ConfigSource for Defaults {
    fn load(_env: &dyn Fn(&str) -> Option<String>) -> (Config, Vec<String>) {
        (Config::default(), Vec::new())
    }
}

/// The low-latency configuration (`BROADCAST_BATCH_MS=25`).
pub struct LowLatency;

impl ConfigSource for LowLatency {
    fn load(_env: &dyn Fn(&str) -> Option<String>) -> (Config, Vec<String>) {
        (Config::low_latency(), Vec::new())
    }
}

thread_local! {
    /// The hub window for `Sweep` nodes: each test runs on its own thread,
    /// and the simulator runs every node on the test's thread.
    static SWEEP_BATCH_MS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Default configuration with the hub window taken from `SWEEP_BATCH_MS`.
pub struct Sweep;

impl Sweep {
    pub fn set_batch_ms(ms: u64) {
        SWEEP_BATCH_MS.with(|c| c.set(ms));
    }
}

impl ConfigSource for Sweep {
    fn load(_env: &dyn Fn(&str) -> Option<String>) -> (Config, Vec<String>) {
        let batch_ms = SWEEP_BATCH_MS.with(|c| c.get());
        (
            Config {
                batch_ms,
                ..Config::default()
            },
            Vec::new(),
        )
    }
}
