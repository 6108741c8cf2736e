//! One recorded op, as a JSON map, into an [`Op`]. Both readers end here:
//! our `history.jsonl` lines are such maps, and the EDN reader turns a
//! Jepsen 0.3.1 `history.edn` op (`{:index 0, :time 12, :type :invoke,
//! :process 0, :f :read, :value nil}`) into the same shape, keywords
//! without their colon.

use crate::history::{Op, OpType, Process};
use serde_json::{Map, Value};

/// `position` is the op's place in the file. Jepsen 0.3.1 histories are
/// dense (`:index` = position, jepsen.history `dense-indices?`), and every
/// checker here indexes ops by position, so a differing `:index` is an error.
pub fn op_from_map(v: &Value, position: usize) -> Result<Op, String> {
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
        Some(p) => Process::Client(
            p.as_u64()
                .ok_or_else(|| format!(":process {} is neither a number nor :nemesis", short(p)))?,
        ),
        None => return Err("no :process".into()),
    };
    let time = match m.get("time") {
        Some(t) => t
            .as_u64()
            .ok_or_else(|| format!(":time {} is not a non-negative integer", short(t)))?,
        None => return Err("no :time".into()),
    };
    if let Some(i) = m.get("index") {
        if i.as_u64() != Some(position as u64) {
            return Err(format!(
                ":index {} is not the op's position {position} (histories must be dense)",
                short(i)
            ));
        }
    }
    let error = m.get("error").filter(|e| !e.is_null()).cloned();
    Ok(Op {
        index: position,
        time,
        process,
        kind,
        f: text(m, "f")?.to_string(),
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
