//! The workloads the embedded engine can run.

pub mod add_read_client;
pub mod broadcast;
pub mod echo;
pub mod final_reads;
pub mod g_counter;
pub mod g_set;
pub mod kafka;
pub mod lin_kv;
pub mod pn_counter;
pub mod rpc;
pub mod topology;
pub mod txn_list_append;
pub mod txn_rw_register;
pub mod unique_ids;

use crate::workload::Workload;

/// The workload registered under a `-w` name, if the embedded engine has it.
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    match name {
        "broadcast" => Some(Box::new(broadcast::Broadcast)),
        "echo" => Some(Box::new(echo::Echo)),
        "g-counter" => Some(Box::new(g_counter::G_COUNTER)),
        "g-set" => Some(Box::new(g_set::GSet)),
        "kafka" => Some(Box::new(kafka::Kafka)),
        "txn-list-append" => Some(Box::new(txn_list_append::TxnListAppend)),
        "lin-kv" => Some(Box::new(lin_kv::LinKv)),
        "pn-counter" => Some(Box::new(pn_counter::PN_COUNTER)),
        "txn-rw-register" => Some(Box::new(txn_rw_register::TxnRwRegister)),
        "unique-ids" => Some(Box::new(unique_ids::UniqueIds)),
        _ => None,
    }
}
