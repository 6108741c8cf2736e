//! The anomalies of the kafka checker's results, as marks on a key's rows:
//! which ops (history indexes) they concern, which values and offsets to
//! paint red, and a sentence saying what went wrong.

use super::key_text;
use crate::report::why::client_nodes::ClientNodes;
use serde_json::Value;

/// What each error kind means, from the docstrings of jepsen-io/jepsen
/// v0.3.1 jepsen/src/jepsen/tests/kafka.clj (`lost-write-cases`,
/// `poll-skip+nonmonotonic-cases`, `int-poll-skip+nonmonotonic-cases`,
/// `int-send-skip+nonmonotonic-cases`, `nonmonotonic-send-cases`,
/// `duplicate-cases`, `g1a-cases`, and `analysis` for
/// `:inconsistent-offsets`).
fn meaning(kind: &str) -> &'static str {
    match kind {
        "lost-write" => {
            "an acknowledged send at or below the highest offset polled was never polled"
        }
        "poll-skip" => "a process's next poll of this key jumped over messages",
        "nonmonotonic-poll" => "a process's next poll of this key went back (or stayed) in the log",
        "int-poll-skip" => "one poll skipped over messages between two it returned",
        "int-nonmonotonic-poll" => "one poll returned messages out of log order",
        "int-send-skip" => "one send's messages landed with others between them",
        "int-nonmonotonic-send" => "one send's messages landed out of order",
        "nonmonotonic-send" => "a process's next send landed before its previous one",
        "duplicate" => "one message appears at more than one offset",
        "inconsistent-offsets" => "one offset holds different messages",
        "G1a" => "a poll returned a message whose send failed",
        "unseen" => "messages sent but never polled",
        _ => "an anomaly",
    }
}

/// One anomaly of one key.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub kind: String,
    /// History indexes of the ops it concerns (rows kept and marked).
    pub ops: Vec<usize>,
    /// (time, process) of those ops.
    pub op_at: Vec<(u64, u64)>,
    /// Values to paint red in its rows (or in every row when `ops` is empty).
    pub values: Vec<Value>,
    /// Values that should have been in its last row and were not (skipped).
    pub missing: Vec<Value>,
    /// Offsets to paint red in every row.
    pub offsets: Vec<i64>,
    pub text: String,
}

impl Mark {
    /// Whether the cell of message `v` at offset `o` in the row of history
    /// op `row` is this anomaly's. Two ops with two values (a non-monotonic
    /// poll or send: `:values [v v2]`, the last of the first op and the
    /// first of the second) pair up: each value is red only in its op's row.
    pub fn paints(&self, row: usize, o: i64, v: &Value) -> bool {
        if self.offsets.contains(&o) && (self.ops.is_empty() || self.ops.contains(&row)) {
            return true;
        }
        if self.ops.len() > 1 && self.ops.len() == self.values.len() {
            return self
                .ops
                .iter()
                .zip(&self.values)
                .any(|(r, mv)| *r == row && mv == v);
        }
        (self.ops.is_empty() || self.ops.contains(&row)) && self.values.contains(v)
    }
}

/// The ops an error case names: `op`, `ops`, `writer`, `reader`, `max-read`.
fn case_ops(case: &Value) -> Vec<&Value> {
    let mut out: Vec<&Value> = Vec::new();
    for field in ["ops", "op", "writer", "max-read", "reader"] {
        match case.get(field) {
            Some(Value::Array(ops)) => out.extend(ops.iter().filter(|o| o.is_object())),
            Some(op @ Value::Object(_)) => out.push(op),
            _ => {}
        }
    }
    out
}

/// Values in `case[field]`: one value or an array of them, at most 64.
fn values_of(case: &Value, field: &str) -> Vec<Value> {
    values_in(case.get(field))
}

/// One value or an array of them, at most 64; none for null.
fn values_in(v: Option<&Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(vs)) => vs
            .iter()
            .filter(|v| !v.is_null())
            .take(64)
            .cloned()
            .collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(v) => vec![v.clone()],
    }
}

/// A case as a mark: its ops, values, offsets and the sentence.
fn mark(kind: &str, case: &Value) -> Mark {
    let ops = case_ops(case);
    let mut m = Mark {
        kind: kind.to_string(),
        ops: ops
            .iter()
            .filter_map(|o| o.get("index")?.as_u64())
            .map(|i| i as usize)
            .collect(),
        op_at: ops
            .iter()
            .filter_map(|o| Some((o.get("time")?.as_u64()?, o.get("process")?.as_u64()?)))
            .collect(),
        values: [values_of(case, "value"), values_of(case, "values")].concat(),
        missing: values_of(case, "skipped"),
        offsets: case
            .get("offset")
            .and_then(Value::as_i64)
            .into_iter()
            .collect(),
        text: String::new(),
    };
    // A duplicate or an inconsistent offset is wrong wherever it shows.
    if matches!(kind, "duplicate" | "inconsistent-offsets") {
        m.ops.clear();
    }
    // An inconsistent offset is its column: its messages elsewhere are fine.
    if kind == "inconsistent-offsets" {
        m.values.clear();
    }
    let mut facts: Vec<String> = Vec::new();
    for field in [
        "value",
        "values",
        "skipped",
        "delta",
        "offset",
        "count",
        "index",
        "max-read-index",
    ] {
        if let Some(v) = case.get(field).filter(|v| !v.is_null()) {
            let mut text = v.to_string();
            if text.len() > 80 {
                text = format!("{}…", text.chars().take(80).collect::<String>());
            }
            facts.push(format!("{field} {text}"));
        }
    }
    m.text = format!("{kind}: {}", meaning(kind));
    if !facts.is_empty() {
        m.text = format!("{} ({})", m.text, facts.join(", "));
    }
    m
}

/// The keys with an anomaly of a bad error type (`bad-error-types`) and
/// all their marks, in the order the results list them (bad error types
/// first), at most `max_keys`; and how many more keys were affected.
pub fn by_key(section: &Value, max_keys: usize) -> (Vec<(String, Vec<Mark>)>, usize) {
    let kinds: Vec<&str> = ["bad-error-types", "error-types"]
        .iter()
        .flat_map(|f| {
            section
                .get(*f)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .collect();
    let mut keys: Vec<(String, Vec<Mark>)> = Vec::new();
    let mut seen_kinds: Vec<&str> = Vec::new();
    for kind in kinds {
        if seen_kinds.contains(&kind) {
            continue;
        }
        seen_kinds.push(kind);
        let cases: Vec<(String, Mark)> = if kind == "unseen" {
            // `{:time .. :unseen {key count} :messages {key [..]}}`.
            let unseen = section.get("unseen");
            let counts = unseen
                .and_then(|u| u.get("unseen"))
                .and_then(Value::as_object);
            counts
                .into_iter()
                .flatten()
                .map(|(k, n)| {
                    let missing = values_in(unseen.and_then(|u| u.get("messages")?.get(k)));
                    let m = Mark {
                        kind: kind.into(),
                        ops: Vec::new(),
                        op_at: Vec::new(),
                        values: missing,
                        missing: Vec::new(),
                        offsets: Vec::new(),
                        text: format!("unseen: {} ({n} at the end)", meaning(kind)),
                    };
                    (k.clone(), m)
                })
                .collect()
        } else {
            let errs = section
                .get(kind)
                .and_then(|e| e.get("errs"))
                .and_then(Value::as_array);
            errs.into_iter()
                .flatten()
                .filter_map(|case| Some((key_text(case.get("key")?), mark(kind, case))))
                .collect()
        };
        for (key, m) in cases {
            match keys.iter_mut().find(|(k, _)| *k == key) {
                Some((_, marks)) => marks.push(m),
                None => keys.push((key, vec![m])),
            }
        }
    }
    // Only keys with a kind that invalidates the run: the allowed ones
    // (`int-send-skip`, `G0`...) are drawn only beside a bad one.
    let bad: Vec<&str> = section
        .get("bad-error-types")
        .and_then(Value::as_array)
        .map(|b| b.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    keys.retain(|(_, marks)| marks.iter().any(|m| bad.contains(&m.kind.as_str())));
    let more = keys.len().saturating_sub(max_keys);
    keys.truncate(max_keys);
    (keys, more)
}

/// The history window of a key's marks: from its first op to its last,
/// with `also` (the rows where a mark with no ops shows).
pub fn window(marks: &[Mark], also: &[(u64, u64)]) -> Option<(u64, u64)> {
    let times = marks
        .iter()
        .flat_map(|m| &m.op_at)
        .chain(also)
        .map(|(t, _)| *t);
    let (lo, hi) = times.fold((u64::MAX, 0), |(lo, hi), t| (lo.min(t), hi.max(t)));
    (lo <= hi).then_some((lo, hi))
}

/// The nodes that served the marks' ops, and the ops of `also`.
pub fn nodes(marks: &[Mark], also: &[(u64, u64)], nodes: Option<&ClientNodes>) -> Vec<String> {
    let Some(nodes) = nodes else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for (_, p) in marks.iter().flat_map(|m| &m.op_at).chain(also) {
        let n = nodes.node_of(*p).to_string();
        if !out.contains(&n) {
            out.push(n);
        }
    }
    crate::report::messages::lane_order(&mut out);
    out
}
