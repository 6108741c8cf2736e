//! The Jepsen-style history the engine records and every checker reads.
//!
//! One `Op` per invocation and one per completion, in the order they happened
//! (`index` is the position). Times are nanoseconds since the first client
//! operation of the main phase, as in Jepsen's `:time`.

use serde::Serialize;
use serde_json::Value;

/// Who performed an operation: a client worker's process number, or the nemesis.
///
/// Process numbers start at the worker thread number and grow by the
/// concurrency after each `:info` completion (jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/generator/context.clj, `with-next-process`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Process {
    Client(u64),
    Nemesis,
}

/// A client process is its number; the nemesis is `"nemesis"` (`:nemesis` in history.edn).
impl Serialize for Process {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Process::Client(n) => s.serialize_u64(*n),
            Process::Nemesis => s.serialize_str("nemesis"),
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

    /// This op's line of `history.txt` (Maelstrom's
    /// `process<TAB>type<TAB>f<TAB>value[<TAB>error]`).
    pub fn write_txt(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        let t = match self.kind {
            OpType::Invoke => ":invoke",
            OpType::Ok => ":ok",
            OpType::Fail => ":fail",
            OpType::Info => ":info",
        };
        match self.process {
            Process::Client(n) => write!(w, "{n}")?,
            Process::Nemesis => w.write_all(b":nemesis")?,
        }
        write!(w, "\t{t}\t:{}\t{}", self.f, self.value)?;
        if let Some(e) = &self.error {
            write!(w, "\t{e}")?;
        }
        w.write_all(b"\n")
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
    /// Pairs an invoke with the next completion of the same process.
    pub fn pair_index(&self) -> Vec<Option<usize>> {
        let mut pairs = vec![None; self.ops.len()];
        let mut open: std::collections::HashMap<Process, usize> = Default::default();
        for op in &self.ops {
            if op.kind == OpType::Invoke {
                open.insert(op.process, op.index);
            } else if let Some(inv) = open.remove(&op.process) {
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
