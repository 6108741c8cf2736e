//! lin_kv.clj `client`: one RPC per op, `(c/with-errors op #{:read} ...)`:
//! error codes by their definiteness (20 key-does-not-exist and 22
//! precondition-failed are definite, so `:fail`), reads are idempotent (a
//! timeout or an indefinite error fails them), writes and cas become
//! `:info` on a timeout or an indefinite error. Values are `[k v]` tuples.

use crate::workloads::rpc::{unknown_f, with_errors, InFlight, Interpreted, Kind};
use crate::workloads::{Client, Completion, OpSpec, RpcOutcome, Step};
use serde_json::{json, Value};

#[derive(Default)]
pub struct LinKvClient {
    in_flight: InFlight,
}

/// The `[k v]` tuple of an op's value.
fn tuple(v: &Value) -> Option<(&Value, &Value)> {
    match v.as_array().map(Vec::as_slice) {
        Some([k, v]) => Some((k, v)),
        _ => None,
    }
}

impl Client for LinKvClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        let Some((k, v)) = tuple(&op.value) else {
            return Step::Complete(Completion::exception(
                op.value.clone(),
                format!("lin-kv: value is not a [key value] tuple: {}", op.value),
            ));
        };
        let body = match (op.f.as_str(), v.as_array().map(Vec::as_slice)) {
            ("read", _) => json!({"type": "read", "key": k}),
            ("write", _) => json!({"type": "write", "key": k, "value": v}),
            ("cas", Some([from, to])) => json!({"type": "cas", "key": k, "from": from, "to": to}),
            _ => return unknown_f("lin-kv", op),
        };
        self.in_flight.send(op, body)
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        let op = match self.in_flight.take("lin-kv") {
            Ok(op) => op,
            Err(step) => return step,
        };
        let idempotent = op.f == "read";
        let (expected, fields): (&str, &[(&str, Kind)]) = match op.f.as_str() {
            "read" => ("read_ok", &[("value", Kind::Any)]),
            "write" => ("write_ok", &[]),
            _ => ("cas_ok", &[]),
        };
        let done = match with_errors(outcome, idempotent, &op.value, expected, fields) {
            Interpreted::Done(c) => c,
            // A read records (independent/tuple k v) with the value it saw.
            Interpreted::Ok(body) if op.f == "read" => {
                let k = tuple(&op.value)
                    .map(|(k, _)| k.clone())
                    .unwrap_or(Value::Null);
                let v = body.get("value").cloned().unwrap_or(Value::Null);
                Completion::ok(json!([k, v]))
            }
            Interpreted::Ok(_) => Completion::ok(op.value),
        };
        Step::Complete(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;

    fn run(op: OpSpec, reply: Option<Value>) -> (Value, Completion) {
        let mut c = LinKvClient::default();
        let sent = match c.invoke(&op) {
            Step::Send(b) => b,
            other => panic!("expected a send, got {other:?}"),
        };
        let outcome = match &reply {
            Some(r) => RpcOutcome::Reply(r),
            None => RpcOutcome::Timeout,
        };
        match c.on_rpc(outcome) {
            Step::Complete(done) => (sent, done),
            other => panic!("expected a completion, got {other:?}"),
        }
    }

    #[test]
    fn requests_and_ok_replies() {
        let (sent, done) = run(
            OpSpec::new("read", json!([3, null])),
            Some(json!({"type":"read_ok","in_reply_to":1,"value":4})),
        );
        assert_eq!(sent, json!({"type":"read","key":3}));
        assert_eq!(done, Completion::ok(json!([3, 4])));
        let (sent, done) = run(
            OpSpec::new("write", json!([3, 2])),
            Some(json!({"type":"write_ok","in_reply_to":1})),
        );
        assert_eq!(sent, json!({"type":"write","key":3,"value":2}));
        assert_eq!(done, Completion::ok(json!([3, 2])));
        let (sent, done) = run(
            OpSpec::new("cas", json!([3, [2, 1]])),
            Some(json!({"type":"cas_ok","in_reply_to":1})),
        );
        assert_eq!(sent, json!({"type":"cas","key":3,"from":2,"to":1}));
        assert_eq!(done, Completion::ok(json!([3, [2, 1]])));
    }

    #[test]
    fn errors_by_definiteness_and_idempotence() {
        let err = |code: i64| Some(json!({"type":"error","in_reply_to":1,"code":code,"text":"t"}));
        let kind = |f: &str, v: Value, reply| run(OpSpec::new(f, v), reply).1.kind;
        // 20 and 22 are definite: the op did not happen.
        assert_eq!(kind("read", json!([0, null]), err(20)), OpType::Fail);
        assert_eq!(kind("cas", json!([0, [1, 2]]), err(20)), OpType::Fail);
        assert_eq!(kind("cas", json!([0, [1, 2]]), err(22)), OpType::Fail);
        assert_eq!(kind("write", json!([0, 1]), err(11)), OpType::Fail);
        // Indefinite (crash, unknown codes) and timeouts: :info, except reads.
        assert_eq!(kind("write", json!([0, 1]), err(13)), OpType::Info);
        assert_eq!(kind("cas", json!([0, [1, 2]]), err(1000)), OpType::Info);
        assert_eq!(kind("cas", json!([0, [1, 2]]), None), OpType::Info);
        assert_eq!(kind("write", json!([0, 1]), None), OpType::Info);
        assert_eq!(kind("read", json!([0, null]), None), OpType::Fail);
        assert_eq!(kind("read", json!([0, null]), err(13)), OpType::Fail);
        // The failed op keeps its invocation's value and records [name text].
        let (_, done) = run(OpSpec::new("cas", json!([0, [1, 2]])), err(22));
        assert_eq!(done.value, json!([0, [1, 2]]));
        assert_eq!(done.error, Some(json!(["precondition-failed", "t"])));
        let (_, done) = run(OpSpec::new("write", json!([0, 1])), None);
        assert_eq!(done.error, Some(json!("net-timeout")));
        // Closed schemas: an extra key is a malformed reply (:info, exception).
        let (_, done) = run(
            OpSpec::new("write", json!([0, 1])),
            Some(json!({"type":"write_ok","in_reply_to":1,"value":1})),
        );
        assert_eq!(done.kind, OpType::Info);
        assert!(done.exception.is_some());
        let (_, done) = run(
            OpSpec::new("read", json!([0, null])),
            Some(json!({"type":"read_ok","in_reply_to":1})),
        );
        assert!(done.exception.is_some());
    }

    #[test]
    fn bad_values_are_info_not_panics() {
        let mut c = LinKvClient::default();
        match c.invoke(&OpSpec::new("read", json!(5))) {
            Step::Complete(done) => assert_eq!(done.kind, OpType::Info),
            other => panic!("{other:?}"),
        }
        match c.invoke(&OpSpec::new("cas", json!([0, 5]))) {
            Step::Complete(done) => assert_eq!(done.kind, OpType::Info),
            other => panic!("{other:?}"),
        }
    }
}
