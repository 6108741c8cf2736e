//! The workloads the embedded engine can run.

pub mod echo;
pub mod kafka;
pub mod rpc;

use crate::workload::Workload;

/// The workload registered under a `-w` name, if the embedded engine has it.
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    match name {
        "echo" => Some(Box::new(echo::Echo)),
        "kafka" => Some(Box::new(kafka::Kafka)),
        _ => None,
    }
}
