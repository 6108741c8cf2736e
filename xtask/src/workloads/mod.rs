//! The workloads the embedded engine can run.

pub mod kafka;
pub mod rpc;

use crate::workload::Workload;

/// The workload named by `-w`, if the embedded engine has it.
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    match name {
        "kafka" => Some(Box::new(kafka::Kafka)),
        _ => None,
    }
}
