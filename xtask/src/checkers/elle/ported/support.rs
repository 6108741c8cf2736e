//! What the ported suites share: a history builder and Elle's `check`
//! result map as the suites' `c` helper returns it.

use crate::checkers::elle::rw_register::{ElleOpts, ElleResult};
use crate::checkers::testing::op_at;
use crate::checkers::Validity;
use crate::history::{History, Op, OpType, Process};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// A history built op by op from a suite's `op` shorthand; `h.op(i)` is op
/// i as the checker renders it.
pub struct H {
    ops: Vec<Op>,
    shorthand: fn(&str) -> Value,
}

impl H {
    pub fn new(shorthand: fn(&str) -> Value) -> H {
        H {
            ops: Vec::new(),
            shorthand,
        }
    }

    /// `(op process type string)`.
    pub fn done(&mut self, process: u64, kind: OpType, s: &str) -> &mut Self {
        self.push(process, kind, (self.shorthand)(s))
    }

    /// `(op string)`: process 0, `:ok`.
    pub fn ok(&mut self, s: &str) -> &mut Self {
        self.done(0, OpType::Ok, s)
    }

    /// The invocation the suites' `pair` makes of `(op string)`: reads nil.
    pub fn invoke(&mut self, process: u64, s: &str) -> &mut Self {
        let mut v = (self.shorthand)(s);
        for m in v.as_array_mut().into_iter().flatten() {
            if m[0] == "r" {
                m[2] = Value::Null;
            }
        }
        self.push(process, OpType::Invoke, v)
    }

    /// `(pair (op process :ok string))`: invocation, then completion.
    pub fn pair(&mut self, process: u64, s: &str) -> &mut Self {
        self.invoke(process, s).done(process, OpType::Ok, s)
    }

    pub fn push(&mut self, process: u64, kind: OpType, value: Value) -> &mut Self {
        let i = self.ops.len();
        self.ops.push(op_at(
            i,
            i as u64 * 1_000_000,
            Process::Client(process),
            kind,
            "txn",
            value,
        ));
        self
    }

    pub fn history(&self) -> History {
        History::new(self.ops.clone())
    }

    pub fn op(&self, i: usize) -> Value {
        serde_json::to_value(&self.ops[i]).unwrap()
    }
}

/// Elle's defaults (`(check history)` / `(check {} history)`).
pub fn defaults() -> ElleOpts {
    ElleOpts {
        consistency_models: vec!["strict-serializable".into()],
        anomalies: Vec::new(),
        wfr_keys: false,
        sequential_keys: false,
        linearizable_keys: false,
        cycle_search_timeout: Duration::from_millis(1000),
    }
}

/// `{:consistency-models [models...]}`.
pub fn models(models: &[&str]) -> ElleOpts {
    ElleOpts {
        consistency_models: strings(models),
        ..defaults()
    }
}

/// `{:consistency-models nil, :anomalies [anomalies...]}`.
pub fn anomalies(anomalies: &[&str]) -> ElleOpts {
    ElleOpts {
        consistency_models: Vec::new(),
        anomalies: strings(anomalies),
        ..defaults()
    }
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// Elle's result map without `:also-not`, as the suites' `c` returns it:
/// `(-> (check opts history) (dissoc :also-not))`.
pub fn result_map(res: &ElleResult) -> Value {
    let Some((not, _also_not)) = &res.boundary else {
        assert_eq!(res.valid, Validity::True);
        return json!({"valid?": true});
    };
    let valid = match res.valid {
        Validity::True => json!(true),
        Validity::False => json!(false),
        Validity::Unknown => json!("unknown"),
    };
    let mut m = Map::new();
    m.insert("valid?".into(), valid);
    m.insert("anomaly-types".into(), json!(res.anomaly_types));
    m.insert("anomalies".into(), Value::Object(res.anomalies.clone()));
    m.insert("not".into(), json!(not));
    Value::Object(m)
}

/// `result` with each cycle anomaly's cycle (and steps) rotated to start at
/// its op of smallest index. Elle's `find-cycle` starts from the first
/// vertex that closes a loop in Bifurcan's order of the SCC
/// (`(->> (vertices gn) (keep (fn [start] ...)) first)`, elle v0.1.6
/// src/elle/graph.clj), ours from the first in history order: the same
/// cycle can come out rotated. Used only where the suites' expectation
/// starts elsewhere.
/// fidelity E1: cycles compared up to rotation.
pub fn up_to_rotation(result: &Value) -> Value {
    let mut out = result.clone();
    if let Some(anomalies) = out["anomalies"].as_object_mut() {
        for list in anomalies.values_mut() {
            for a in list.as_array_mut().into_iter().flatten() {
                if a.get("cycle").is_some() {
                    *a = rotate(a);
                }
            }
        }
    }
    out
}

fn rotate(a: &Value) -> Value {
    let cycle = a["cycle"].as_array().unwrap();
    let steps = a["steps"].as_array().unwrap();
    let n = steps.len();
    let start = (0..n).min_by_key(|&i| cycle[i]["index"].as_u64()).unwrap();
    let mut c: Vec<Value> = (0..n).map(|i| cycle[(start + i) % n].clone()).collect();
    c.push(c[0].clone());
    let s: Vec<Value> = (0..n).map(|i| steps[(start + i) % n].clone()).collect();
    let mut out = a.clone();
    out["cycle"] = Value::Array(c);
    out["steps"] = Value::Array(s);
    out
}
