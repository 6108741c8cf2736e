//! The txn-rw-register client: one `txn` RPC per operation; the reply's
//! `txn` becomes the completion value. `with-errors` with an empty
//! idempotent set: definite error codes fail, the rest are `:info`.

use crate::workloads::rpc::{with_errors, Interpreted, Kind};
use crate::workloads::{Client, Completion, OpSpec, RpcOutcome, Step};
use serde_json::{json, Value};

pub struct TxnClient {
    /// The current operation's value (recorded on failure).
    value: Value,
    /// The reply schema of the workload's micro-ops.
    check_reply: fn(&[Value]) -> Result<(), String>,
}

impl Default for TxnClient {
    fn default() -> Self {
        TxnClient::with_schema(check_reply_txn)
    }
}

impl TxnClient {
    /// A `txn` client whose `txn_ok` micro-ops must pass `check_reply`
    /// (txn-list-append's client is this one with its own schema).
    pub fn with_schema(check_reply: fn(&[Value]) -> Result<(), String>) -> Self {
        TxnClient {
            value: Value::Null,
            check_reply,
        }
    }
}

/// Maelstrom's reply schema for each micro-op: exactly `["r", k, v]` or `["w", k, v]`.
fn check_reply_txn(txn: &[Value]) -> Result<(), String> {
    for mop in txn {
        match mop.as_array().map(Vec::as_slice) {
            Some([f, _, _]) if f == "r" || f == "w" => {}
            _ => return Err(format!("micro-op {mop} is not [\"r\"|\"w\", k, v]")),
        }
    }
    Ok(())
}

impl Client for TxnClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        self.value = op.value.clone();
        Step::Send(json!({"type": "txn", "txn": op.value}))
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        let body = match with_errors(outcome, false, &self.value, "txn_ok", &[("txn", Kind::Seq)]) {
            Interpreted::Done(c) => return Step::Complete(c),
            Interpreted::Ok(body) => body,
        };
        // `str->kw` is `(mapv .. txn)`, and `(mapv f nil)` is `[]`: a `null`
        // txn (which the schema allows) is recorded as an empty one.
        let txn = body
            .get("txn")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        Step::Complete(match (self.check_reply)(txn) {
            Ok(()) => Completion::ok(Value::Array(txn.to_vec())),
            Err(e) => {
                Completion::exception(self.value.clone(), format!("malformed RPC response: {e}"))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;

    fn run(reply: RpcOutcome<'_>) -> Completion {
        let mut c = TxnClient::default();
        let op = OpSpec::new("txn", json!([["r", 1, null], ["w", 1, 6]]));
        assert_eq!(
            c.invoke(&op),
            Step::Send(json!({"type": "txn", "txn": [["r", 1, null], ["w", 1, 6]]}))
        );
        match c.on_rpc(reply) {
            Step::Complete(done) => done,
            other => panic!("expected a completion, got {other:?}"),
        }
    }

    #[test]
    fn reply_txn_is_recorded_and_errors_map() {
        let ok = json!({"type": "txn_ok", "in_reply_to": 1, "txn": [["r", 1, 3], ["w", 1, 6]]});
        let done = run(RpcOutcome::Reply(&ok));
        assert_eq!(
            (done.kind, done.value),
            (OpType::Ok, json!([["r", 1, 3], ["w", 1, 6]]))
        );
        let conflict = json!({"type": "error", "in_reply_to": 1, "code": 30, "text": "abort"});
        let done = run(RpcOutcome::Reply(&conflict));
        assert_eq!(
            (done.kind, done.value),
            (OpType::Fail, json!([["r", 1, null], ["w", 1, 6]]))
        );
        let crash = json!({"type": "error", "in_reply_to": 1, "code": 13});
        assert_eq!(run(RpcOutcome::Reply(&crash)).kind, OpType::Info);
        assert_eq!(run(RpcOutcome::Timeout).kind, OpType::Info);
    }

    /// txn_rw_register.clj: the reply schema `{:txn [(s/either ReadRes
    /// Write)]}` accepts nil (Prismatic's vector precondition `(or (nil? x)
    /// (sequential? x) ...)`), and `invoke!` records `(->> .. (txn! conn
    /// node) :txn str->kw (assoc op :type :ok, :value))`, where `str->kw` is
    /// `(mapv (fn [[f k v]] ..) txn)` and `(mapv f nil)` is `[]`: an :ok
    /// transaction with no micro-ops.
    #[test]
    fn txn_null_is_an_ok_empty_transaction() {
        let null = json!({"type": "txn_ok", "in_reply_to": 1, "txn": null});
        let done = run(RpcOutcome::Reply(&null));
        assert_eq!((done.kind, done.value), (OpType::Ok, json!([])));
    }

    #[test]
    fn malformed_replies_are_info_with_exception() {
        for bad in [
            json!({"type": "txn_ok", "in_reply_to": 1, "txn": [["r", 1]]}),
            json!({"type": "txn_ok", "in_reply_to": 1, "txn": [["x", 1, 2]]}),
            json!({"type": "txn_ok", "in_reply_to": 1, "txn": [["r", 1, 2, 3]]}),
            json!({"type": "txn_ok", "in_reply_to": 1, "txn": {"r": 1}}),
            json!({"type": "txn_ok", "in_reply_to": 1, "txn": [], "extra": 1}),
        ] {
            let done = run(RpcOutcome::Reply(&bad));
            assert_eq!(done.kind, OpType::Info, "{bad}");
            assert!(done.exception.is_some(), "{bad}");
        }
    }
}
