//! Checkers composed around every workload's own checker (network.md section 10).

pub mod availability;
pub mod exceptions;
pub mod net;
pub mod stats;

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
