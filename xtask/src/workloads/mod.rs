//! The workloads the embedded engine can run.

#[allow(dead_code)] // reached through `by_name` once the engine calls it
pub mod broadcast;
#[allow(dead_code)] // reached through `by_name` once the engine calls it
pub mod g_counter;
pub mod rpc;
#[allow(dead_code)] // reached through `by_name` once the engine calls it
pub mod topology;
#[allow(dead_code)] // reached through `by_name` once the engine calls it
pub mod unique_ids;

use crate::workload::Workload;

/// The workload named by `-w`, or None if this engine does not know it.
#[allow(dead_code)] // called by the engine (another branch); live once merged
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    match name {
        "broadcast" => Some(Box::new(broadcast::Broadcast)),
        "g-counter" => Some(Box::new(g_counter::GCounter)),
        "unique-ids" => Some(Box::new(unique_ids::UniqueIds)),
        _ => None,
    }
}
