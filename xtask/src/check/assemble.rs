//! Ops read from a file, one at a time, into a [`History`]: numbered by
//! position, and refused where the pinned sources cannot pair them.
//!
//! Every checker of Jepsen 0.3.1 reads its history through jepsen.history
//! 0.1.0, whose pair index (src/jepsen/history.clj, `pair-index-fold`)
//! pairs each client op's invocation with the next completion of its
//! process and throws on the two ways that can fail:
//!
//! ```clojure
//! (assert+ (nil? invoke) {:type ::double-invoke, :op op, :running invoke})
//! (assert+ invoke {:type ::not-running, :op op})
//! ```
//!
//! (the first when a process invokes while its last invocation is still
//! running, the second when an `:ok`, `:fail` or `:info` comes from a
//! process with no invocation running). Knossos 0.3.9's `complete`
//! (src/knossos/history.clj, `complete-fold-op`) throws on the same two:
//! "Process completed an operation without a prior invocation" and
//! "already running .., yet attempted to invoke .. concurrently". A checker
//! that pairs then fails, and `check-safe` makes its verdict `:unknown`;
//! one that does not pair (stats) passes the history. Rather than a verdict
//! that depends on which checkers pair, such a history is refused here, for
//! every workload alike, naming the op: it is not a history any Jepsen
//! checker can read. Ops that are not a client's (the nemesis's, or with no
//! `:process`) are not paired, as `pair-index-fold` keeps them aside.
//! fidelity X27: an unpaired completion or a double invocation is refused.

use crate::history::op_map::{op_from_jepsen_map, Indices};
use crate::history::{History, Op, OpType, Process};
use serde_json::Value;
use std::collections::HashMap;

pub struct Assembler {
    ops: Vec<Op>,
    indices: Indices,
    /// Each client process's running invocation: its line.
    running: HashMap<u64, usize>,
}

impl Default for Assembler {
    fn default() -> Self {
        Assembler {
            ops: Vec::new(),
            indices: Indices::FromFirstOp,
            running: HashMap::new(),
        }
    }
}

impl Assembler {
    /// The next op, as an EDN or JSON map, from line `line`.
    pub fn push_map(&mut self, line: usize, v: &Value) -> Result<(), String> {
        let op = op_from_jepsen_map(v, self.ops.len(), &mut self.indices)
            .map_err(|e| format!("line {line}: {e}"))?;
        self.push(line, op)
    }

    /// The next op, already read, from line `line`; it is renumbered to its
    /// position.
    pub fn push(&mut self, line: usize, mut op: Op) -> Result<(), String> {
        op.index = self.ops.len();
        if let Process::Client(p) = op.process {
            if op.kind == OpType::Invoke {
                if let Some(at) = self.running.insert(p, line) {
                    return Err(format!(
                        "line {line}: process {p} invokes while its invocation on line {at} \
                         is still running (jepsen.history's pair index throws ::double-invoke)"
                    ));
                }
            } else if self.running.remove(&p).is_none() {
                return Err(format!(
                    "line {line}: process {p} completes an operation it has not invoked \
                     (jepsen.history's pair index throws ::not-running; knossos: \"Process \
                     completed an operation without a prior invocation\")"
                ));
            }
        }
        self.ops.push(op);
        Ok(())
    }

    pub fn finish(self) -> History {
        History::new(self.ops)
    }
}
