//! The Elle cycle search of the kafka checker, specialised to this history.
//!
//! Jepsen builds a graph over send/poll completions with write->read edges
//! (writer of (k, v) -> every op that polled it) and real-time edges (a ->
//! b when a is `:ok` and completed before b was invoked, by history index);
//! ww edges are off (`ww-deps` unset) and rw edges are never built.
//!
//! Why "some `:ok` poll R returned a message whose writer W was invoked
//! after R completed" is equivalent to "the graph has a cycle":
//! * Such a pair closes a cycle: W -wr-> R, and R is `:ok` and completed
//!   before W's invocation, so the real-time order reaches W from R.
//! * Conversely, wr edges only enter polls and real-time edges only leave
//!   `:ok` ops, so in a cycle every send W is entered by a real-time edge
//!   X -> W (comp(X) < inv(W)) and every wr edge W -> R is preceded by one.
//!   Along real-time edges comp strictly grows (comp(A) < inv(B) < comp(B)).
//!   If every wr edge of the cycle had inv(W) < comp(R), then each
//!   X -> W -> R step would also grow comp (comp(X) < inv(W) < comp(R)), so
//!   comp would strictly grow all around the cycle: impossible. Hence a
//!   cycle contains a wr edge with inv(W) > comp(R), and R, having an
//!   outgoing real-time edge, is `:ok`.
//!
//! Every such cycle mixes wr and real-time edges, which Elle names
//! `:G1c-realtime`. Elle reports one cycle per strongly connected
//! component; we report one case per (reader, writer) pair, so `count` may
//! be larger than Elle's (validity is identical).
//! fidelity X19: kafka `G1c-realtime` by a direct test, one case per pair.

use super::cases::Case;
use super::model::{Fun, Model};
use super::orders::Derived;
use crate::history::OpType;
use serde_json::json;

pub struct Cycles<'a> {
    pub g1c_realtime: Vec<Case<'a>>,
    /// Elle's `:empty-transaction-graph`: no edge at all.
    pub empty_graph: bool,
}

/// Err when a polled message has no writer (Jepsen's wr-graph throws).
pub fn cycles<'a>(m: &'a Model, d: &'a Derived) -> Result<Cycles<'a>, String> {
    let mut out = Vec::new();
    let mut wr_edge = false;
    for (ri, op) in m.ops.iter().enumerate() {
        if op.kind == OpType::Invoke {
            continue;
        }
        for (k, pairs) in &op.reads {
            for p in pairs {
                let Some(&wi) = d.writer_of.get(&p.msg) else {
                    return Err(format!(
                        "no writer of value {} in key {}",
                        m.msg_value(p.msg),
                        m.key_name(*k)
                    ));
                };
                if wi == ri {
                    continue;
                }
                wr_edge = true;
                let w = &m.ops[wi];
                let w_invoked = m.pairs[w.at];
                if op.kind == OpType::Ok && w_invoked.is_some_and(|inv| inv > op.at) {
                    let (k, msg) = (*k, p.msg);
                    out.push(Case::new(3, move || {
                        json!({"type": "G1c-realtime",
                        "cycle": [m.op_json(w), m.op_json(op), m.op_json(w)],
                        "steps": [
                            {"type": "wr", "key": m.key_name(k), "value": m.msg_value(msg)},
                            {"type": "realtime", "a": m.op_json(op), "b-invoke-index": w_invoked}
                        ]})
                    }));
                }
            }
        }
    }
    // A real-time edge exists iff some :ok send/poll completed before some
    // (completed) send/poll was invoked.
    let first_ok = m
        .ops
        .iter()
        .filter(|o| o.kind == OpType::Ok && matches!(o.fun, Fun::Send | Fun::Poll))
        .map(|o| o.at)
        .min();
    let last_invoke = m
        .ops
        .iter()
        .filter(|o| {
            o.kind == OpType::Invoke
                && matches!(o.fun, Fun::Send | Fun::Poll)
                && m.pairs[o.at].is_some()
        })
        .map(|o| o.at)
        .max();
    let rt_edge = matches!((first_ok, last_invoke), (Some(c), Some(i)) if i > c);
    Ok(Cycles {
        g1c_realtime: out,
        empty_graph: !wr_edge && !rt_edge,
    })
}
