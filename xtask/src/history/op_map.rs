//! One recorded op, as a JSON map, into an [`Op`]. Both map readers end here:
//! our `history.jsonl` lines are such maps, and the EDN reader turns a
//! Jepsen 0.3.1 `history.edn` op (`{:index 0, :time 12, :type :invoke,
//! :process 0, :f :read, :value nil}`) into the same shape, keywords
//! without their colon.

use crate::history::{Op, OpType, Process};
use serde_json::{Map, Value};

/// How a history numbers its ops: jepsen.history 0.1.0 (the history
/// library of Jepsen 0.3.1) src/jepsen/history.clj, `history`: "if it
/// has no :index, we'll assign sequential ones and construct a dense
/// history. If the first op does have an :index, we'll use the existing
/// indices and construct a sparse history." A dense history's
/// `add-dense-indices` throws `::existing-different-index` on an op whose
/// `:index` is not its position; a sparse one's `assert-indices` throws
/// `::no-integer-index` on an op without an integer `:index`. Every checker
/// here indexes ops by position, so a sparse history's ops are renumbered
/// 0, 1, 2, .. in file order (results name ops by that number).
/// fidelity X25: a sparse history is renumbered by position.
/// fidelity C2: indices as jepsen.history numbers them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Indices {
    /// Not known until the first op is read.
    FromFirstOp,
    Dense,
    Sparse,
}

impl Indices {
    /// Checks the `:index` of the op at `position`, settling the rule on
    /// the first op.
    fn check(&mut self, m: &Map<String, Value>, position: usize) -> Result<(), String> {
        let index = m.get("index");
        if *self == Indices::FromFirstOp {
            *self = match index.and_then(Value::as_i64) {
                Some(_) => Indices::Sparse,
                None => Indices::Dense,
            };
        }
        match (*self, index) {
            (Indices::Sparse, Some(i)) if i.is_i64() || i.is_u64() => Ok(()),
            (Indices::Sparse, i) => Err(format!(
                "no integer :index ({}), where the first op has one (jepsen.history \
                 `assert-indices` throws ::no-integer-index)",
                i.map_or("none".into(), short)
            )),
            (_, Some(i)) if i.as_u64() != Some(position as u64) => Err(format!(
                ":index {} is not the op's position {position}, where the first op has \
                 no :index (jepsen.history `add-dense-indices` throws \
                 ::existing-different-index)",
                short(i)
            )),
            _ => Ok(()),
        }
    }
}

/// A dense history's op at `position` (our own `history.jsonl`).
pub fn op_from_map(v: &Value, position: usize) -> Result<Op, String> {
    op_from_jepsen_map(v, position, &mut Indices::Dense)
}

/// The op at `position` of a history numbered by `indices`. Fields Jepsen
/// lets an op lack: jepsen.history `op` gives an op with no `:time` the
/// time -1, which reads as 0 here, as any negative time does (our times
/// are unsigned; only latency and rate pictures read them); an op with no
/// `:process` is not a client's (`client-op?` is `(integer? (:process
/// op))`), so every client checker skips it, as Elle 0.1.6 does with its
/// own `histories/paper-example.edn`, whose ops have no `:process`, `:f` or
/// `:time`; an op with no `:f` has the empty name, which no model knows.
/// `:type` is required: it is what makes an op an invocation or a
/// completion.
/// fidelity C3: fields Jepsen fills or ignores.
/// fidelity X26: no or negative `:time` reads as 0.
pub fn op_from_jepsen_map(v: &Value, position: usize, indices: &mut Indices) -> Result<Op, String> {
    let m = v
        .as_object()
        .ok_or_else(|| format!("an op must be a map, got {}", short(v)))?;
    let kind = match text(m, "type")? {
        "invoke" => OpType::Invoke,
        "ok" => OpType::Ok,
        "fail" => OpType::Fail,
        "info" => OpType::Info,
        other => return Err(format!("unknown :type {other:?}")),
    };
    let process = match m.get("process") {
        Some(Value::String(s)) if s == "nemesis" => Process::Nemesis,
        None | Some(Value::Null) => Process::Absent,
        Some(p) => Process::Client(p.as_u64().ok_or_else(|| {
            format!(
                ":process {} is neither a non-negative number nor :nemesis",
                short(p)
            )
        })?),
    };
    let time = match m.get("time") {
        None => 0,
        Some(t) if t.as_i64().is_some_and(|t| t < 0) => 0,
        Some(t) => t
            .as_u64()
            .ok_or_else(|| format!(":time {} is not an integer", short(t)))?,
    };
    indices.check(m, position)?;
    let error = m.get("error").filter(|e| !e.is_null()).cloned();
    Ok(Op {
        index: position,
        time,
        process,
        kind,
        f: match m.get("f") {
            None | Some(Value::Null) => String::new(),
            Some(_) => text(m, "f")?.to_string(),
        },
        value: value(m),
        error,
        exception: m.get("exception").and_then(exception_text),
        is_final: m.get("final?").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// The op's value. Jepsen 0.3.1's kafka final assign is `{:f :assign,
/// :value [k ..], :seek-to-beginning? true}` (jepsen/src/jepsen/tests/
/// kafka.clj, `final-polls`); our kafka client has no op fields beyond the
/// value and records `{"keys": [k ..], "seek-to-beginning?": true}`
/// (workloads/kafka/client.rs, `assign_keys`), so the flag moves there.
/// fidelity C5: the kafka final assign's `:seek-to-beginning?` moves into the value.
fn value(m: &Map<String, Value>) -> Value {
    let v = m.get("value").cloned().unwrap_or(Value::Null);
    match m.get("seek-to-beginning?") {
        Some(Value::Bool(true)) => serde_json::json!({"keys": v, "seek-to-beginning?": true}),
        _ => v,
    }
}

fn text<'a>(m: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match m.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            ":{key} {} is not a keyword or string",
            short(other)
        )),
        None => Err(format!("no :{key}")),
    }
}

/// Our history stores the exception's text; Jepsen stores
/// `(Throwable->map e)`, `{:via [{:type java.net.Foo, :message ".."}] ..}`.
/// The exceptions checker groups by the text before the first colon, so the
/// map becomes "Class: message".
/// fidelity X23: Jepsen's `:exception` map becomes "Class: message".
fn exception_text(e: &Value) -> Option<String> {
    match e {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => {
            let via = other.get("via").and_then(|v| v.get(0)).unwrap_or(other);
            let class = via
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("exception");
            Some(match via.get("message").and_then(Value::as_str) {
                Some(msg) => format!("{class}: {msg}"),
                None => class.to_string(),
            })
        }
    }
}

/// A value for an error message, cut to a readable length.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s,
    }
}
