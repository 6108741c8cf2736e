//! Checkers over a finished history: each workload's own checker, and the
//! ones composed around every run (network.md section 10).

pub mod availability;
pub mod counter;
pub mod elle;
pub mod exceptions;
pub mod net;
pub mod set_full;
pub mod stats;
pub mod unique_ids;
pub mod value_order;

#[cfg(test)]
pub mod testing {
    use crate::history::{Op, OpType, Process};
    use serde_json::Value;

    /// A client op for hand-built histories (index fixed up by `History::new` callers).
    pub fn op(index: usize, process: u64, kind: OpType, f: &str) -> Op {
        Op {
            index,
            time: index as u64,
            process: Process::Client(process),
            kind,
            f: f.into(),
            value: Value::Null,
            error: None,
            exception: None,
            is_final: false,
        }
    }
}
