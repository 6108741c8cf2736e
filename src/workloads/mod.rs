//! Node logic for each challenge family. Each module is a sans-IO `Node`.

pub mod broadcast;
pub mod echo;
pub mod g_counter;
pub mod kafka;
pub mod list_append;
pub mod raft;
pub mod txn;
pub mod unique_ids;
