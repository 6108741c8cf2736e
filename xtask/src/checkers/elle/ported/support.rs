//! What the ported suites share: a history builder and Elle's `check`
//! result map as the suites' `c` helper returns it.

use crate::checker::Validity;
use crate::checkers::elle::rw_register::{ElleOpts, ElleResult};
use crate::checkers::testing::op_at;
use crate::history::{History, Op, OpType, Process};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// A history built op by op; `h.op(i)` is op i as the checker renders it.
#[derive(Default)]
pub struct H {
    ops: Vec<Op>,
}

impl H {
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
