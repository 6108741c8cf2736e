//! Transactions as Elle sees them: micro-ops `[f k v]` with interned keys and
//! values, plus each transaction's external reads and writes (`[T]` txn.clj).
//!
//! Values are compared as Clojure's `=` compares what cheshire parsed: `1`
//! and `1.0` differ, maps compare by content. Interning the canonical JSON
//! text gives exactly that equality and lets the rest of the checker work on
//! small integers.

use crate::history::{History, OpType, Process};
use serde_json::Value;

/// An interned key or value.
pub type Id = u32;
/// The interned JSON `null` (Clojure `nil`).
pub const NIL: Id = 0;

/// Elle keys a value by its JSON text (`1` and `1.0` differ, and so do
/// `0.0` and `-0.0`).
pub struct JsonText;

impl crate::checkers::interner::Identity for JsonText {
    fn key(v: &Value) -> String {
        v.to_string()
    }
}

/// Keys and values of the history, interned by their JSON text.
pub type Interner = crate::checkers::interner::Interner<JsonText>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MopF {
    Read,
    Write,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mop {
    pub f: MopF,
    pub key: Id,
    pub value: Id,
}

/// One client operation of the history with its parsed transaction.
pub struct TxnOp {
    /// Index of the op in the history.
    pub index: usize,
    pub kind: OpType,
    pub process: Process,
    pub mops: Vec<Mop>,
    /// First micro-op on each key, when it is a read: (key, value), in order of first read.
    pub ext_reads: Vec<(Id, Id)>,
    /// Last write to each key: (key, value), in order of first write (Clojure map order).
    pub ext_writes: Vec<(Id, Id)>,
}

impl TxnOp {
    pub fn ext_read(&self, k: Id) -> Option<Id> {
        self.ext_reads
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
    }
    pub fn ext_write(&self, k: Id) -> Option<Id> {
        self.ext_writes
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| *v)
    }
    /// Position of the first micro-op equal to `[f k v]` (Elle's `index-of`), if any.
    pub fn mop_index(&self, f: MopF, k: Id, v: Id) -> Option<usize> {
        self.mops
            .iter()
            .position(|m| m.f == f && m.key == k && m.value == v)
    }
}

/// How a workload spells its micro-ops: Elle's rw-register (`["w", k, v]`)
/// or list-append (`["append", k, v]`); reads are `["r", k, v]` in both.
#[derive(Clone, Copy, Debug)]
pub struct Syntax {
    /// The name of the write micro-op.
    pub write: &'static str,
    /// Whether keys of mixed types are an error (rw-register's
    /// `assert-type-sanity`; list-append's checker does not call it).
    pub same_key_types: bool,
}

pub const RW_REGISTER: Syntax = Syntax {
    write: "w",
    same_key_types: true,
};
pub const LIST_APPEND: Syntax = Syntax {
    write: "append",
    same_key_types: false,
};

/// A history parsed for the rw-register (or list-append) checker.
pub struct Parsed<'h> {
    pub history: &'h History,
    pub syntax: Syntax,
    pub interner: Interner,
    /// Every client op (invocations included), in history order.
    pub ops: Vec<TxnOp>,
    /// Positions in `ops` of the completions: these are the graph's vertices (txn ids).
    pub txns: Vec<usize>,
    /// For each txn id, the history index of its invocation.
    pub invoke_of: Vec<Option<usize>>,
}

impl<'h> Parsed<'h> {
    /// Parses the client ops of `history`. Fails (checker `:unknown`) where Elle
    /// would throw: a value that is not a list of `[f k v]` micro-ops, an `f`
    /// other than "r"/"w", or keys of more than one type (`assert-type-sanity`).
    pub fn new(history: &'h History) -> Result<Self, String> {
        Self::parse(history, RW_REGISTER)
    }

    /// As `new`, for the micro-op names of `syntax`.
    pub fn parse(history: &'h History, syntax: Syntax) -> Result<Self, String> {
        let pairs = history.pair_index();
        let mut interner = Interner::new();
        let mut ops = Vec::new();
        let mut txns = Vec::new();
        let mut invoke_of = Vec::new();
        let mut key_class: Option<&'static str> = None;
        for op in history.client_ops() {
            let mops = parse_txn(&op.value, &mut interner, op.index, syntax.write)?;
            for m in mops.iter().filter(|_| syntax.same_key_types) {
                let class = clojure_class(interner.value(m.key));
                match key_class {
                    None => key_class = Some(class),
                    Some(c) if c != class => {
                        return Err(format!(
                            "History includes a mix of different types for transaction keys: {c} and {class}"
                        ))
                    }
                    _ => {}
                }
            }
            let (ext_reads, ext_writes) = externals(&mops);
            if op.kind != OpType::Invoke {
                txns.push(ops.len());
                invoke_of.push(pairs.get(op.index).copied().flatten());
            }
            ops.push(TxnOp {
                index: op.index,
                kind: op.kind,
                process: op.process,
                mops,
                ext_reads,
                ext_writes,
            });
        }
        Ok(Parsed {
            history,
            syntax,
            interner,
            ops,
            txns,
            invoke_of,
        })
    }

    /// The completion op of txn `t`.
    pub fn txn(&self, t: u32) -> &TxnOp {
        &self.ops[self.txns[t as usize]]
    }

    pub fn txn_count(&self) -> usize {
        self.txns.len()
    }

    /// The history op at `index`, rendered as JSON (for anomaly reports).
    pub fn op_json(&self, index: usize) -> Value {
        self.history
            .ops
            .get(index)
            .and_then(|op| serde_json::to_value(op).ok())
            .unwrap_or(Value::Null)
    }

    pub fn mop_json(&self, m: &Mop) -> Value {
        let f = match m.f {
            MopF::Read => "r",
            MopF::Write => self.syntax.write,
        };
        Value::Array(vec![
            f.into(),
            self.interner.value(m.key).clone(),
            self.interner.value(m.value).clone(),
        ])
    }
}

fn parse_txn(
    value: &Value,
    interner: &mut Interner,
    index: usize,
    write: &str,
) -> Result<Vec<Mop>, String> {
    let items = match value {
        // Clojure treats nil as an empty sequence.
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(format!(
                "op {index}: transaction is not a list of micro-ops: {other}"
            ))
        }
    };
    let mut mops = Vec::with_capacity(items.len());
    for item in items {
        let parts = item
            .as_array()
            .ok_or_else(|| format!("op {index}: micro-op is not a list: {item}"))?;
        // Destructuring [f k v] pads with nil and ignores extras.
        let get = |i: usize| parts.get(i).unwrap_or(&Value::Null);
        let f = match get(0).as_str() {
            Some("r") => MopF::Read,
            Some(w) if w == write => MopF::Write,
            _ => return Err(format!("op {index}: unknown micro-op function in {item}")),
        };
        mops.push(Mop {
            f,
            key: interner.intern(get(1)),
            value: interner.intern(get(2)),
        });
    }
    Ok(mops)
}

/// (key, value) pairs in Clojure map order.
type KeyValues = Vec<(Id, Id)>;

/// `jepsen.txn/ext-reads` and `ext-writes`.
fn externals(mops: &[Mop]) -> (KeyValues, KeyValues) {
    let mut reads: Vec<(Id, Id)> = Vec::new();
    let mut seen: Vec<Id> = Vec::new();
    let mut writes: Vec<(Id, Id)> = Vec::new();
    for m in mops {
        if m.f == MopF::Read && !seen.contains(&m.key) {
            reads.push((m.key, m.value));
        }
        if !seen.contains(&m.key) {
            seen.push(m.key);
        }
        if m.f == MopF::Write {
            match writes.iter_mut().find(|(k, _)| *k == m.key) {
                Some(slot) => slot.1 = m.value,
                None => writes.push((m.key, m.value)),
            }
        }
    }
    (reads, writes)
}

/// The JVM class cheshire would give a parsed JSON value (for type sanity).
fn clojure_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "nil",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() => "Long",
        Value::Number(n) if n.is_u64() => "BigInteger",
        Value::Number(_) => "Double",
        Value::String(_) => "String",
        Value::Array(_) => "Vector",
        Value::Object(_) => "Map",
    }
}
