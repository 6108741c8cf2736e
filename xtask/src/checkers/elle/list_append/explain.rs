//! Explaining a list-append cycle: each step's data as Elle's `WWExplainer`,
//! `WRExplainer`, `RWExplainer` and the realtime / process explainers give
//! it, and the text Elle writes for a cycle ("Let: T1 = ... Then: - T1 < T2,
//! because ...: a contradiction!"). The explainers are asked in Elle's
//! combination order for this checker: ww, wr, rw, then realtime / process.

use super::super::cycle_text;
use super::super::explain::{order_step, Explained, Priority, StepType};
use super::super::graph::{PROC, RT, RW, WR, WW};
use super::super::txn::MopF;
use super::cases::op_json;
use super::deps::Indices;
use super::history::{La, Prev};
use crate::edn::pr_str;
use serde_json::{json, Map, Value};

/// `(elle/combine ww-graph wr-graph rw-graph)`, then the order graph.
pub const LIST_APPEND_PRIORITY: Priority = [
    (WW, StepType::Ww),
    (WR, StepType::Wr),
    (RW, StepType::Rw),
    (RT, StepType::Realtime),
    (PROC, StepType::Process),
];

/// Elle's marker for the initial (nil) state, `:elle.list-append/init`.
const INIT: &str = "elle.list-append/init";

/// The data of one step a -> b (txn ids).
fn step(la: &La, idx: &Indices, a: u32, b: u32, st: StepType) -> Value {
    let (ia, ib) = (la.p.txns[a as usize], la.p.txns[b as usize]);
    let (opa, opb) = (&la.p.ops[ia], &la.p.ops[ib]);
    let val = |id| la.p.interner.value(id).clone();
    // `index-of`: the first micro-op of op i equal to (f, k, v).
    let index_of = |i: usize, f: MopF, k, v| {
        la.p.ops[i]
            .mops
            .iter()
            .position(|m| m.f == f && m.key == k && m.value == v)
    };
    let mut m = Map::new();
    match st {
        StepType::Ww => {
            m.insert("type".into(), "ww".into());
            for (j, mop) in opb.mops.iter().enumerate() {
                if mop.f != MopF::Write || idx.ww_dep(b, mop.key, mop.value) != Some(a) {
                    continue;
                }
                let Some(Prev::Elem(prev)) = idx.append.prev(mop.key, mop.value, idx.nil) else {
                    continue;
                };
                m.insert("key".into(), val(mop.key));
                m.insert("value".into(), val(prev));
                m.insert("value'".into(), val(mop.value));
                m.insert(
                    "a-mop-index".into(),
                    json!(index_of(ia, MopF::Write, mop.key, prev)),
                );
                m.insert("b-mop-index".into(), json!(j));
                break;
            }
        }
        StepType::Wr => {
            m.insert("type".into(), "wr".into());
            for (j, mop) in opb.mops.iter().enumerate() {
                let list = la.lists[ib][j].as_deref();
                if mop.f != MopF::Read || idx.wr_dep(b, mop.key, list) != Some(a) {
                    continue;
                }
                let Some(&last) = list.and_then(|l| l.last()) else {
                    continue;
                };
                m.insert("key".into(), val(mop.key));
                m.insert("value".into(), val(last));
                m.insert(
                    "a-mop-index".into(),
                    json!(index_of(ia, MopF::Write, mop.key, last)),
                );
                m.insert(
                    "b-mop-index".into(),
                    json!(index_of(ib, MopF::Read, mop.key, mop.value)),
                );
                break;
            }
        }
        StepType::Rw => {
            m.insert("type".into(), "rw".into());
            for (j, mop) in opb.mops.iter().enumerate() {
                if mop.f != MopF::Write || !idx.rw_deps(b, mop.key, mop.value).any(|r| r == a) {
                    continue;
                }
                let Some(prev) = idx.append.prev(mop.key, mop.value, idx.nil) else {
                    continue;
                };
                // The first read of the key in a that saw that version.
                let a_index = opa.mops.iter().enumerate().position(|(ja, ma)| {
                    let l = la.lists[ia][ja].as_deref().unwrap_or(&[]);
                    ma.f == MopF::Read
                        && ma.key == mop.key
                        && match prev {
                            Prev::Init => l.is_empty(),
                            Prev::Elem(e) => l.last() == Some(&e),
                        }
                });
                m.insert("key".into(), val(mop.key));
                m.insert(
                    "value".into(),
                    match prev {
                        Prev::Init => INIT.into(),
                        Prev::Elem(e) => val(e),
                    },
                );
                m.insert("value'".into(), val(mop.value));
                m.insert("a-mop-index".into(), json!(a_index));
                m.insert("b-mop-index".into(), json!(j));
                break;
            }
        }
        StepType::Realtime | StepType::Process => order_step(&la.p, a, b, st, &mut m),
    }
    Value::Object(m)
}

/// `{cycle, steps, type}` as in Elle's result map.
pub fn render(la: &La, idx: &Indices, ex: &Explained) -> Value {
    let cycle: Vec<Value> = ex
        .cycle
        .iter()
        .map(|&t| op_json(la, la.p.txns[t as usize]))
        .collect();
    let steps: Vec<Value> = ex
        .cycle
        .windows(2)
        .zip(&ex.steps)
        .map(|(w, &st)| step(la, idx, w[0], w[1], st))
        .collect();
    json!({"cycle": cycle, "steps": steps, "type": ex.kind})
}

/// Elle's text for a rendered cycle (`render-cycle-explanation`) with
/// list-append's data explainers.
pub fn text(rendered: &Value) -> String {
    cycle_text::render(rendered, step_text)
}

fn step_text(st: &Value, a: &str, b: &str) -> Option<String> {
    let key = pr_str(&st["key"]);
    let value = pr_str(&st["value"]);
    let value2 = pr_str(&st["value'"]);
    Some(match st["type"].as_str().unwrap_or("") {
        "ww" => format!("{b} appended {value2} after {a} appended {value} to {key}"),
        "wr" => format!("{b} observed {a}'s append of {value} to key {key}"),
        "rw" if st["value"] == INIT => format!(
            "{a} observed the initial (nil) state of {key}, which {b} created by appending {value2}"
        ),
        "rw" => format!("{a} did not observe {b}'s append of {value2} to {key}"),
        _ => return None,
    })
}
