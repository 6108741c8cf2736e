//! What every checker returns, and how verdicts merge (jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/checker.clj, `merge-valid`).
//! fidelity D23: verdicts merge false > unknown > true.

use serde_json::{Map, Value};

/// A checker's `:valid?`: true, false or `:unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    True,
    False,
    Unknown,
}

impl Validity {
    /// Maelstrom's merge: false beats unknown beats true.
    pub fn merge(self, other: Validity) -> Validity {
        use Validity::*;
        match (self, other) {
            (False, _) | (_, False) => False,
            (Unknown, _) | (_, Unknown) => Unknown,
            _ => True,
        }
    }

    pub fn from_bool(b: bool) -> Validity {
        if b {
            Validity::True
        } else {
            Validity::False
        }
    }

    /// JSON form used in results.json: `true`, `false` or `"unknown"`.
    pub fn to_json(self) -> Value {
        match self {
            Validity::True => Value::Bool(true),
            Validity::False => Value::Bool(false),
            Validity::Unknown => Value::String("unknown".into()),
        }
    }

    /// Exit status of `maelstrom test` for this verdict (jepsen-io/jepsen v0.3.1
    /// jepsen/src/jepsen/cli.clj, `test-usage`).
    /// fidelity D35: the final line and exit codes are Jepsen's.
    pub fn exit_code(self) -> i32 {
        match self {
            Validity::True => 0,
            Validity::False => 1,
            Validity::Unknown => 2,
        }
    }
}

/// A checker's result: its verdict plus the result map of the workload file,
/// with keys spelled as in results.edn without the leading colon
/// (`lost-count`, `stable-latencies`, ...). `fields` must not contain `valid?`;
/// `to_json` adds it.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub valid: Validity,
    pub fields: Map<String, Value>,
}

impl CheckResult {
    pub fn new(valid: Validity) -> Self {
        CheckResult {
            valid,
            fields: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_string(), value.into());
        self
    }

    /// A checker that could not run to completion (`check-safe`): `:unknown` with `error`.
    pub fn unknown(error: impl Into<String>) -> Self {
        CheckResult::new(Validity::Unknown).with("error", error.into())
    }

    pub fn to_json(&self) -> Value {
        let mut m = self.fields.clone();
        m.insert("valid?".into(), self.valid.to_json());
        Value::Object(m)
    }
}

/// A checker that sees the history one op at a time, in order, and keeps
/// only what it needs: a run streams `history.jsonl` through it instead of
/// reading the whole history back into memory (Jepsen's checkers take the
/// whole history; those whose state stays small are written this way so a
/// long run's analysis stays small too).
pub trait OpFold {
    fn observe(&mut self, op: &crate::history::Op);
    fn finish(self: Box<Self>) -> CheckResult;
}

/// Runs `fold` over a history held in memory.
pub fn fold_history(
    mut fold: Box<dyn OpFold + '_>,
    history: &crate::history::History,
) -> CheckResult {
    for op in &history.ops {
        fold.observe(op);
    }
    fold.finish()
}
