//! The workloads the embedded engine can run.

pub mod rpc;
pub mod txn_rw_register;

use crate::workload::Workload;

/// The workload registered under a `-w` name, if the embedded engine has it.
// Until the engine (another branch) calls it, this is the root of the workloads.
#[allow(dead_code)]
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    match name {
        "txn-rw-register" => Some(Box::new(txn_rw_register::TxnRwRegister)),
        _ => None,
    }
}
