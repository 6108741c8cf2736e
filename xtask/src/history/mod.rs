//! The Jepsen-style history the engine records and every checker reads.
//!
//! One `Op` per invocation and one per completion, in the order they happened
//! (`index` is the position). Times are nanoseconds since the first client
//! operation of the main phase, as in Jepsen's `:time`.

pub mod edn;
pub mod jepsen_log;
pub mod log;
pub mod op_map;
pub mod recorded;
pub mod source;

use serde::Serialize;
use serde_json::Value;

/// Who performed an operation: a client worker's process number, or the nemesis.
///
/// Process numbers start at the worker thread number and grow by the
/// concurrency after each `:info` completion (jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/generator/context.clj, `with-next-process`).
/// fidelity D13: process numbers grow after `:info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Process {
    Client(u64),
    Nemesis,
    /// An op read from a history file with no `:process`: not a client's
    /// (jepsen.history 0.1.0 `client-op?` is `(integer? (:process op))`).
    Absent,
}

/// A client process is its number; the nemesis is `"nemesis"` (`:nemesis` in
/// history.edn); no process is `null`.
impl Serialize for Process {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Process::Client(n) => s.serialize_u64(*n),
            Process::Nemesis => s.serialize_str("nemesis"),
            Process::Absent => s.serialize_none(),
        }
    }
}

impl Process {
    pub fn is_client(self) -> bool {
        matches!(self, Process::Client(_))
    }
}

/// `:invoke`, `:ok`, `:fail` or `:info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OpType {
    Invoke,
    Ok,
    Fail,
    Info,
}

/// One history entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Op {
    /// Position in the history, 0-based, dense.
    pub index: usize,
    /// Nanoseconds since the start of the main phase.
    pub time: u64,
    pub process: Process,
    #[serde(rename = "type")]
    pub kind: OpType,
    /// The operation's function, without the leading colon: "echo", "read", "send", ...
    pub f: String,
    /// The value: on an invoke, what the generator asked for; on a completion,
    /// what the client recorded (workload-specific; see each workload file).
    pub value: Value,
    /// Recorded error on `:fail` / `:info`, e.g. `["temporarily-unavailable", "text"]`
    /// or `"net-timeout"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Set when the op came from the exception path (malformed reply, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// `:final? true` on ops of the final phase.
    #[serde(rename = "final?", skip_serializing_if = "std::ops::Not::not")]
    pub is_final: bool,
}

impl Op {
    pub fn is_invoke(&self) -> bool {
        self.kind == OpType::Invoke
    }
}

/// A whole history with the pairing between invocations and completions.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub ops: Vec<Op>,
}

impl History {
    pub fn new(ops: Vec<Op>) -> Self {
        History { ops }
    }

    /// For every op index, the index of its partner (invoke <-> completion) if any.
    /// Pairs an invoke with the next completion of the same process ([`InFlight`]).
    pub fn pair_index(&self) -> Vec<Option<usize>> {
        let mut pairs = vec![None; self.ops.len()];
        let mut open = InFlight::default();
        for op in &self.ops {
            if let Some(inv) = open.pair(op, |op| op.index) {
                pairs[inv] = Some(op.index);
                pairs[op.index] = Some(inv);
            }
        }
        pairs
    }

    /// Client operations only (nemesis excluded).
    pub fn client_ops(&self) -> impl Iterator<Item = &Op> {
        self.ops.iter().filter(|o| o.process.is_client())
    }
}

/// Pairs each invocation with the next completion of its process, one op at
/// a time, keeping only what the caller took from each invocation in flight.
/// As knossos 0.3.9 src/knossos/history.clj `pairs`/`pair-index` pair them,
/// except that an `:info` closes its invocation here, where knossos leaves
/// the invocation open and maps the info to nil: the process never invokes
/// again after an `:info` (it is renumbered, see [`Process`]), so the pairs
/// of `:invoke` with `:ok`/`:fail` are the same, and callers that follow
/// knossos skip the `:info` completions they are handed.
#[derive(Debug)]
pub struct InFlight<T> {
    open: std::collections::HashMap<Process, T>,
}

impl<T> Default for InFlight<T> {
    fn default() -> Self {
        InFlight {
            open: Default::default(),
        }
    }
}

impl<T> InFlight<T> {
    /// An invocation: keeps `at_invoke(op)` for its process, returns None.
    /// A completion: returns what its process's invocation kept, if any.
    pub fn pair(&mut self, op: &Op, at_invoke: impl FnOnce(&Op) -> T) -> Option<T> {
        if op.kind == OpType::Invoke {
            self.open.insert(op.process, at_invoke(op));
            None
        } else {
            self.open.remove(&op.process)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;

    #[test]
    fn an_invocation_pairs_with_the_next_completion_of_its_own_process() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "read"),
            op(1, 1, OpType::Invoke, "read"),
            op(2, 1, OpType::Ok, "read"),
            op(3, 0, OpType::Info, "read"),
            op(4, 2, OpType::Invoke, "read"),
            op(5, 3, OpType::Fail, "read"),
        ]);
        let mut open = InFlight::default();
        let paired: Vec<Option<usize>> = h.ops.iter().map(|o| open.pair(o, |o| o.index)).collect();
        assert_eq!(
            paired,
            [None, None, Some(1), Some(0), None, None],
            "an :info closes its invocation; a completion with none open pairs with nothing"
        );
        assert_eq!(
            h.pair_index(),
            [Some(3), Some(2), Some(1), Some(0), None, None],
            "pair_index is the same pairing both ways"
        );
    }
}
