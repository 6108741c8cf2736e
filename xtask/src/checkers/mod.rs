//! Checkers over a finished history: each workload's own checker, and the
//! ones composed around every run (jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj,
//! `maelstrom-test`, `:checker (checker/compose ..)`).

pub mod availability;
mod checker;
pub mod counter;
pub mod elide;
pub mod elle;
pub mod exceptions;
pub mod interner;
pub mod linearizable;
pub mod net;
#[cfg(test)]
mod ported_jepsen;
pub mod set_full;
pub mod stats;
pub mod unique_ids;
pub mod value_order;

pub use checker::{fold_history, CheckResult, OpFold, Validity};

#[cfg(test)]
pub mod testing {
    use crate::history::{Op, OpType, Process};
    use serde_json::Value;

    /// An op for hand-built histories, with no error or exception and not
    /// final; tests set those fields afterwards where they need them.
    pub fn op_at(
        index: usize,
        time: u64,
        process: Process,
        kind: OpType,
        f: &str,
        value: Value,
    ) -> Op {
        Op {
            index,
            time,
            process,
            kind,
            f: f.into(),
            value,
            error: None,
            exception: None,
            is_final: false,
        }
    }

    /// A client op with a null value whose time is its index.
    pub fn op(index: usize, process: u64, kind: OpType, f: &str) -> Op {
        op_at(
            index,
            index as u64,
            Process::Client(process),
            kind,
            f,
            Value::Null,
        )
    }
}
