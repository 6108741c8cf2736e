//! Explaining and classifying a cycle as `elle.txn/cycle-explainer` does.
//!
//! Each step a -> b is explained by the first explainer that can: wr, then
//! ww, then rw (the rw-register `CombinedExplainer`), then the realtime or
//! process explainer. So a step's type is the highest-priority relationship
//! between its ends in the *whole* graph, whatever projection the cycle was
//! found in. Because every ww edge of this checker coincides with a wr edge
//! (unique writes), ww-only cycles come out labelled wr, i.e. as G1c.
//! fidelity D34: ww-only cycles are labelled G1c.

use super::cycle_text;
use super::graph::{label, Adj, PROC, RT, RW, WR, WW};
use super::txn::{MopF, Parsed};
use super::versions::Versions;
use crate::edn::pr_str;
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepType {
    Wr,
    Ww,
    Rw,
    Realtime,
    Process,
}

/// The order in which a checker's explainers are asked about a step: the
/// first relationship in this order that links the pair explains it.
pub type Priority = [(u8, StepType); 5];

/// rw-register: `CombinedExplainer` of wr, ww, rw, then realtime / process.
pub const RW_REGISTER_PRIORITY: Priority = [
    (WR, StepType::Wr),
    (WW, StepType::Ww),
    (RW, StepType::Rw),
    (RT, StepType::Realtime),
    (PROC, StepType::Process),
];

impl StepType {
    fn of(label: u8, priority: &Priority) -> Option<StepType> {
        priority
            .iter()
            .find(|(bit, _)| label & bit != 0)
            .map(|&(_, t)| t)
    }
}

/// A cycle (first vertex repeated at the end) with its step types and anomaly name.
#[derive(Clone, Debug)]
pub struct Explained {
    pub cycle: Vec<u32>,
    pub steps: Vec<StepType>,
    pub kind: String,
}

/// Explains and classifies `cycle` (txn ids, closed). Fails where Elle's
/// explainer throws (a step nothing explains, a cycle without data edges).
pub fn explain(adj: &Adj, cycle: Vec<u32>, priority: &Priority) -> Result<Explained, String> {
    let mut steps = Vec::with_capacity(cycle.len());
    for w in cycle.windows(2) {
        let t = StepType::of(label(adj, w[0], w[1]), priority).ok_or_else(|| {
            format!(
                "unable to explain the relationship between txns {} and {}",
                w[0], w[1]
            )
        })?;
        steps.push(t);
    }
    let kind = classify(&steps)?;
    Ok(Explained { cycle, steps, kind })
}

fn classify(steps: &[StepType]) -> Result<String, String> {
    let count = |t: StepType| steps.iter().filter(|&&s| s == t).count();
    let (rw, wr, ww) = (
        count(StepType::Rw),
        count(StepType::Wr),
        count(StepType::Ww),
    );
    // Pairs of consecutive steps, including last -> first.
    let rw_adjacent = steps
        .iter()
        .zip(steps.iter().cycle().skip(1))
        .any(|(a, b)| *a == StepType::Rw && *b == StepType::Rw);
    let base = if rw == 1 {
        "G-single"
    } else if rw > 1 {
        if rw_adjacent {
            "G2-item"
        } else {
            "G-nonadjacent"
        }
    } else if wr > 0 {
        "G1c"
    } else if ww > 0 {
        "G0"
    } else {
        return Err(format!(
            "Don't know how to classify cycle with steps {steps:?}"
        ));
    };
    let suffix = if count(StepType::Realtime) > 0 {
        "-realtime"
    } else if count(StepType::Process) > 0 {
        "-process"
    } else {
        ""
    };
    Ok(format!("{base}{suffix}"))
}

/// Renders an explanation like Elle's result map: `{cycle, steps, type}`,
/// each step with the key and values that justify it.
pub fn render(p: &Parsed, versions: &Versions, ex: &Explained) -> Value {
    let cycle: Vec<Value> = ex
        .cycle
        .iter()
        .map(|&t| p.op_json(p.txn(t).index))
        .collect();
    let steps: Vec<Value> = ex
        .cycle
        .windows(2)
        .zip(&ex.steps)
        .map(|(w, &st)| render_step(p, versions, w[0], w[1], st))
        .collect();
    json!({"cycle": cycle, "steps": steps, "type": ex.kind})
}

fn render_step(p: &Parsed, versions: &Versions, a: u32, b: u32, st: StepType) -> Value {
    let (ta, tb) = (p.txn(a), p.txn(b));
    let mut m = Map::new();
    let val = |id| p.interner.value(id).clone();
    match st {
        StepType::Wr => {
            m.insert("type".into(), "wr".into());
            if let Some(&(k, v)) = ta
                .ext_writes
                .iter()
                .find(|&&(k, v)| tb.ext_read(k) == Some(v))
            {
                m.insert("key".into(), val(k));
                m.insert("value".into(), val(v));
                m.insert("a-mop-index".into(), json!(ta.mop_index(MopF::Write, k, v)));
                m.insert("b-mop-index".into(), json!(tb.mop_index(MopF::Read, k, v)));
            }
        }
        StepType::Ww | StepType::Rw => {
            let (name, from, fa) = if st == StepType::Ww {
                ("ww", &ta.ext_writes, MopF::Write)
            } else {
                ("rw", &ta.ext_reads, MopF::Read)
            };
            m.insert("type".into(), name.into());
            let found = from.iter().find_map(|&(k, v)| {
                tb.ext_write(k)
                    .filter(|&v2| p.interner.truthy(v2) && versions.precedes(k, v, v2))
                    .map(|v2| (k, v, v2))
            });
            if let Some((k, v, v2)) = found {
                m.insert("key".into(), val(k));
                m.insert("value".into(), val(v));
                m.insert("value'".into(), val(v2));
                m.insert("a-mop-index".into(), json!(ta.mop_index(fa, k, v)));
                m.insert(
                    "b-mop-index".into(),
                    json!(tb.mop_index(MopF::Write, k, v2)),
                );
            }
        }
        StepType::Realtime | StepType::Process => order_step(p, a, b, st, &mut m),
    }
    Value::Object(m)
}

/// Elle's text for a rendered rw-register cycle, worded by the rw-register
/// `WRExplainer`, `WWExplainer`, `RWExplainer` (elle v0.1.6
/// src/elle/rw_register.clj, `render-explanation`).
pub fn text(rendered: &Value) -> String {
    cycle_text::render(rendered, step_text)
}

fn step_text(st: &Value, a: &str, b: &str) -> Option<String> {
    let key = pr_str(&st["key"]);
    let value = pr_str(&st["value"]);
    let value2 = pr_str(&st["value'"]);
    Some(match st["type"].as_str().unwrap_or("") {
        // (str a-name " wrote " (pr-str key) " = " (pr-str value)
        //      ", which was read by " b-name)
        "wr" => format!("{a} wrote {key} = {value}, which was read by {b}"),
        // (str a-name " set key " (pr-str key) " to " (pr-str value) ", and "
        //      b-name " set it to " (pr-str value')
        //      ", which came later in the version order")
        "ww" => format!(
            "{a} set key {key} to {value}, and {b} set it to {value2}, which came later in the version order"
        ),
        // (str a-name " read key " (pr-str key) " = " (pr-str value) ", and "
        //      b-name " set it to " (pr-str value') ...)
        "rw" => format!(
            "{a} read key {key} = {value}, and {b} set it to {value2}, which came later in the version order"
        ),
        _ => return None,
    })
}

/// The data of a realtime or process step a -> b (`RealtimeExplainer`,
/// `ProcessExplainer`: the same for every transactional checker).
pub(super) fn order_step(p: &Parsed, a: u32, b: u32, st: StepType, m: &mut Map<String, Value>) {
    let ta = p.txn(a);
    if st == StepType::Realtime {
        m.insert("type".into(), "realtime".into());
        m.insert("a'".into(), p.op_json(ta.index));
        let inv = p.invoke_of[b as usize];
        m.insert("b".into(), inv.map(|i| p.op_json(i)).unwrap_or(Value::Null));
    } else if st == StepType::Process {
        m.insert("type".into(), "process".into());
        m.insert(
            "process".into(),
            serde_json::to_value(ta.process).unwrap_or(Value::Null),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::StepType::*;
    use super::*;

    #[test]
    fn classification_follows_elle() {
        assert_eq!(classify(&[Ww, Ww]).unwrap(), "G0");
        assert_eq!(classify(&[Ww, Wr]).unwrap(), "G1c");
        assert_eq!(classify(&[Rw, Wr]).unwrap(), "G-single");
        assert_eq!(classify(&[Rw, Wr, Rw, Ww]).unwrap(), "G-nonadjacent");
        // last -> first adjacency counts
        assert_eq!(classify(&[Rw, Wr, Rw]).unwrap(), "G2-item");
        assert_eq!(classify(&[Rw, Rw]).unwrap(), "G2-item");
        assert_eq!(classify(&[Wr, Realtime]).unwrap(), "G1c-realtime");
        assert_eq!(classify(&[Rw, Process]).unwrap(), "G-single-process");
        assert_eq!(
            classify(&[Rw, Realtime, Process]).unwrap(),
            "G-single-realtime"
        );
        assert!(classify(&[Realtime, Process]).is_err());
    }
}
