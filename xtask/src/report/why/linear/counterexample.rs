//! What the linearizability pictures draw for one key, cut to a bounded
//! window around the op that cannot be linearized: the ops there (per
//! process, on a condensed time axis), the end of the longest linearizable
//! prefix with the model's state after each of its ops, and that op.
//!
//! The time axis is Porcupine's and Knossos's: only the order of calls and
//! returns matters, so distinct times become consecutive ranks (porcupine
//! visualization.go `timestampMapping`: "applies a monotonic map to compress
//! timestamps"; knossos v0.3.9 src/knossos/linear/report.clj
//! `condense-time-coords`: "condenses times to remove sparse regions"), and
//! an indeterminate op runs to the end of the window (report.clj
//! `time-coords`: `(if (op/info? completion) tmax ...)`, "Pin to max time").

use crate::checkers::linearizable::explain::Failure;
use crate::checkers::linearizable::independent::KeyHistory;
use crate::checkers::linearizable::models::{CasRegister, Interner};
use crate::history::{History, OpType};
use serde_json::Value;
use std::collections::BTreeSet;

/// Ops drawn at most, whatever the history's length.
pub const MAX_OPS: usize = 60;
/// Linearized ops before the failing op's call kept in the window.
const PREFIX_TAIL: usize = 24;
/// Characters of a value shown.
const VALUE_CHARS: usize = 40;

/// One op in the window.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnOp {
    pub process: u64,
    pub f: String,
    /// Its value as the register sees it (the read's result), shortened.
    pub value: String,
    /// `ok` or `info` (failed ops are not in a cas-register history).
    pub ok: bool,
    /// Invocation and completion ranks on the condensed axis; an
    /// indeterminate op ends at `Counterexample::ranks`.
    pub start: usize,
    pub end: usize,
    /// History index of its invocation, and history times (ns).
    pub index: usize,
    pub time: (u64, Option<u64>),
}

/// A linearization point: which drawn op, and the model's state after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub op: usize,
    pub state: String,
}

#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The key as Jepsen prints it; "the register" for a history of one.
    pub key: String,
    /// Drawn ops, by invocation.
    pub ops: Vec<DrawnOp>,
    /// Client processes in the window, ascending (one row each).
    pub processes: Vec<u64>,
    /// Distinct ranks on the axis (an indeterminate op ends at this one).
    pub ranks: usize,
    /// The failing op (an index into `ops`).
    pub failing: usize,
    /// Why the model refuses it after the prefix ("can't read 1 from register 2").
    pub refusal: String,
    /// The linearized prefix's ops in the window, in order.
    pub points: Vec<Point>,
    /// Linearized ops before the window, and in the whole prefix.
    pub prefix_before: usize,
    pub prefix_len: usize,
    /// Ops of the key, all told.
    pub key_ops: usize,
    /// History time (ns) of the window: first drawn invocation to the
    /// failing op's completion.
    pub window_ns: (u64, u64),
}

/// An op's value as one register sees it: the `:ok` completion's (a read
/// learns what it read), else the invocation's, unwrapped from `[k v]`.
fn register_value(history: &History, kh: &KeyHistory, call: usize) -> Value {
    let (inv, done) = kh.ops[call];
    let ok = done
        .and_then(|d| history.ops.get(d))
        .filter(|d| d.kind == OpType::Ok);
    let v = ok.or(history.ops.get(inv)).map(|o| &o.value);
    match (kh.keyed, v) {
        (true, Some(Value::Array(kv))) if kv.len() == 2 => kv[1].clone(),
        (false, Some(v)) => v.clone(),
        _ => Value::Null,
    }
}

/// A value in a few characters, as Clojure prints `nil`.
pub fn short(v: &Value) -> String {
    let s = match v {
        Value::Null => "nil".to_string(),
        other => other.to_string(),
    };
    if s.chars().count() <= VALUE_CHARS {
        return s;
    }
    let cut: String = s.chars().take(VALUE_CHARS - 1).collect();
    format!("{cut}…")
}

/// The window of key `kh`'s failure `f`.
pub fn build(
    history: &History,
    kh: &KeyHistory,
    f: &Failure<u32>,
    values: &Interner,
    model: &CasRegister,
) -> Counterexample {
    let calls = &kh.calls;
    let failing_ret = calls[f.op].ret.unwrap_or(u64::MAX);
    // Start at the call of a linearized op a little before the failing one,
    // or the previous ok op's, whichever is earlier.
    let tail_from = f.linearized.len().saturating_sub(PREFIX_TAIL);
    let mut start = calls[f.op].call;
    for &i in &f.linearized[tail_from..] {
        start = start.min(calls[i].call);
    }
    if let Some(p) = f.previous_ok {
        start = start.min(calls[p].call);
    }
    // Ops overlapping [start, failing_ret]; an indeterminate op invoked
    // before the window only if the prefix's tail linearized it.
    let tail: BTreeSet<usize> = f.linearized[tail_from..].iter().copied().collect();
    let mut chosen: Vec<usize> = (0..calls.len())
        .filter(|&i| {
            let c = &calls[i];
            c.call <= failing_ret
                && match c.ret {
                    Some(r) => r >= start,
                    None => c.call >= start || tail.contains(&i),
                }
        })
        .collect();
    if chosen.len() > MAX_OPS {
        // Keep the failing op, the prefix's tail, and the ops nearest the failing op.
        let near = |i: &usize| calls[f.op].call.abs_diff(calls[*i].call);
        chosen.sort_by_key(|i| (*i != f.op, !tail.contains(i), near(i)));
        chosen.truncate(MAX_OPS);
    }
    chosen.sort_by_key(|&i| (calls[i].call, i));

    // The condensed axis: ranks of the distinct call and return positions.
    let mut times: Vec<u64> = chosen
        .iter()
        .flat_map(|&i| [Some(calls[i].call), calls[i].ret])
        .flatten()
        .collect();
    times.sort_unstable();
    times.dedup();
    let ranks = times.len();
    let rank = |t: u64| times.partition_point(|&x| x < t);
    let time_of = |i: Option<usize>| i.and_then(|i| history.ops.get(i)).map(|o| o.time);
    let ops: Vec<DrawnOp> = chosen
        .iter()
        .map(|&i| {
            let (inv, done) = kh.ops[i];
            let ok = calls[i].ret.is_some();
            let f_name = history
                .ops
                .get(inv)
                .map(|o| o.f.clone())
                .unwrap_or_default();
            DrawnOp {
                process: calls[i].process,
                f: f_name,
                value: short(&register_value(history, kh, i)),
                ok,
                start: rank(calls[i].call),
                end: calls[i].ret.map(rank).unwrap_or(ranks),
                index: inv,
                time: (time_of(Some(inv)).unwrap_or(0), time_of(done)),
            }
        })
        .collect();
    let position = |call: usize| chosen.iter().position(|&c| c == call);
    let failing = position(f.op).unwrap_or(0);

    // Replay the prefix for the model's states; the window keeps its tail.
    let state_text = |s: u32| short(values.value(s));
    let mut state = model.initial;
    let mut points = Vec::new();
    let mut prefix_before = 0;
    for &i in &f.linearized {
        if let Some(next) = crate::checkers::linearizable::Model::step(model, &state, &calls[i].op)
        {
            state = next;
        }
        match position(i) {
            Some(op) => points.push(Point {
                op,
                state: state_text(state),
            }),
            None => prefix_before += 1,
        }
    }
    let refusal = match crate::checkers::linearizable::Model::step(model, &state, &calls[f.op].op) {
        Some(_) => "no order of the pending ops lets it take effect here".to_string(),
        None => CasRegister::refusal(&calls[f.op].op, state, values),
    };
    let mut processes: Vec<u64> = ops.iter().map(|o| o.process).collect();
    processes.sort_unstable();
    processes.dedup();
    let first_time = ops.iter().map(|o| o.time.0).min().unwrap_or(0);
    let last_time = ops[failing]
        .time
        .1
        .unwrap_or(ops[failing].time.0)
        .max(first_time);
    Counterexample {
        key: match &kh.key {
            _ if !kh.keyed => "the register".to_string(),
            Value::String(s) => format!("key {s}"),
            other => format!("key {other}"),
        },
        ops,
        processes,
        ranks,
        failing,
        refusal,
        points,
        prefix_before,
        prefix_len: f.linearized.len(),
        key_ops: calls.len(),
        window_ns: (first_time, last_time),
    }
}

/// The op as one line: "read 1", "cas [1,2]".
pub fn op_label(op: &DrawnOp) -> String {
    format!("{} {}", op.f, op.value)
}
