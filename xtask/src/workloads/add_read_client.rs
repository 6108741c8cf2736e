//! The client Maelstrom's add/read workloads share: `add` sends the op's
//! value under one field, `read` expects `read_ok` with a `value` of one
//! JSON type, and there is no `with-errors`, so every error, timeout or
//! malformed reply throws and the op becomes `:info`.
//!
//! jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/g_set.clj (`add!`
//! sends `{:element x}`, `read` answers `{:value [s/Any]}`) and
//! pn_counter.clj (`{:delta x}`, `{:value s/Int}`; g-counter uses it too).

use crate::workloads::rpc::{strict, unknown_f, InFlight, Interpreted, Kind};
use crate::workloads::{Client, Completion, OpSpec, RpcOutcome, Step};
use serde_json::{json, Value};

/// What a `read_ok`'s `value` must be, and how the client records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadValue {
    /// g-set: `:value [s/Any]`, recorded as is (`null` included:
    /// `:value (:value (read conn node {}))`).
    Seq,
    /// The counters: `:value s/Int`, then `(->> (read conn node {}) :value
    /// long ...)` (pn_counter.clj `invoke!`). Clojure 1.11 `RT.longCast` of
    /// a `BigInteger` whose `bitLength()` is 64 or more throws "Value out of
    /// range for long", so a read above 2^63-1 (or below -2^63) is `:info`.
    /// fidelity D21: a counter read must fit a long.
    Long,
}

pub struct AddReadClient {
    workload: &'static str,
    /// The request field that carries an `add`'s value.
    add_field: &'static str,
    read: ReadValue,
    in_flight: InFlight,
}

impl AddReadClient {
    pub fn new(workload: &'static str, add_field: &'static str, read: ReadValue) -> Self {
        AddReadClient {
            workload,
            add_field,
            read,
            in_flight: InFlight::default(),
        }
    }

    /// A schema-valid read's completion.
    fn read_ok(&self, op: &OpSpec, value: Value) -> Completion {
        match self.read {
            ReadValue::Seq => Completion::ok(value),
            ReadValue::Long => match value.as_i64() {
                Some(n) => Completion::ok(Value::from(n)),
                None => Completion::exception(
                    op.value.clone(),
                    format!("Value out of range for long: {value}"),
                ),
            },
        }
    }
}

impl Client for AddReadClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        let body = match op.f.as_str() {
            "add" => json!({"type": "add", self.add_field: op.value}),
            "read" => json!({"type": "read"}),
            _ => return unknown_f(self.workload, op),
        };
        self.in_flight.send(op, body)
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        let op = match self.in_flight.take(self.workload) {
            Ok(op) => op,
            Err(step) => return step,
        };
        let done = match op.f.as_str() {
            "add" => match strict(outcome, &op.value, "add_ok", &[]) {
                Interpreted::Ok(_) => Completion::ok(op.value),
                Interpreted::Done(c) => c,
            },
            _ => {
                let kind = match self.read {
                    ReadValue::Seq => Kind::Seq,
                    ReadValue::Long => Kind::Int,
                };
                match strict(outcome, &op.value, "read_ok", &[("value", kind)]) {
                    Interpreted::Ok(body) => {
                        self.read_ok(&op, body.get("value").cloned().unwrap_or(Value::Null))
                    }
                    Interpreted::Done(c) => c,
                }
            }
        };
        Step::Complete(done)
    }
}
