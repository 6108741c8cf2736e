//! Node logic for each challenge family. Each module is a sans-IO `Node`.

pub mod broadcast;
pub mod crdt;
pub mod echo;
#[cfg(test)]
mod forged_senders;
pub mod g_counter;
pub mod g_set;
pub mod kafka;
pub mod knobs;
pub mod list_append;
pub mod pn_counter;
pub mod raft;
pub mod txn;
pub mod unique_ids;
