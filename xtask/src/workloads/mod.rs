//! The workloads the embedded engine can run.

pub mod rpc;
