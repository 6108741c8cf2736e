//! Shared client-side RPC rules: Maelstrom's error table, `with-errors`
//! outcome mapping, and closed reply schemas (jepsen-io/maelstrom v0.2.3 resources/errors.edn;
//! src/maelstrom/client.clj, `with-errors`, `defrpc`, `check-body`).

use crate::workloads::{Completion, OpSpec, RpcOutcome, Step};
use serde_json::{Map, Value};

/// Name and definiteness of a Maelstrom error code (`resources/errors.edn`).
/// Unknown codes (including every user code >= 1000) are indefinite, `unknown`.
pub fn error_code(code: i64) -> (&'static str, bool) {
    match code {
        0 => ("timeout", false),
        1 => ("node-not-found", true),
        10 => ("not-supported", true),
        11 => ("temporarily-unavailable", true),
        12 => ("malformed-request", true),
        13 => ("crash", false),
        14 => ("abort", true),
        20 => ("key-does-not-exist", true),
        21 => ("key-already-exists", true),
        22 => ("precondition-failed", true),
        30 => ("txn-conflict", true),
        _ => ("unknown", false),
    }
}

/// The JSON type a schema field must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything.
    Any,
    /// An integral JSON number (Prismatic `Int`: `5.0` is rejected).
    Int,
    /// A Prismatic sequence schema such as `[s/Any]`: a JSON array, or
    /// `null`. Prismatic schema 1.4.1 src/cljc/schema/core.cljc, the
    /// `APersistentVector` spec's precondition: `(or (nil? x) (sequential?
    /// x) (instance? java.util.List x))`, so `"messages": null` passes.
    /// fidelity D20: a reply field whose schema is a vector accepts `null`.
    Seq,
    /// A Prismatic map schema: `(spec/simple-precondition this map?)`, so
    /// `null` does not pass.
    Object,
}

impl Kind {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Kind::Any => true,
            Kind::Int => v.is_i64() || v.is_u64(),
            Kind::Seq => v.is_array() || v.is_null(),
            Kind::Object => v.is_object(),
        }
    }
}

/// Check a reply body against a closed schema: `type` must equal
/// `expected_type`, `in_reply_to` is a required integer, `msg_id` an optional
/// integer, `fields` are required, and no other key may appear.
pub fn check_closed_schema(
    body: &Value,
    expected_type: &str,
    fields: &[(&str, Kind)],
) -> Result<(), String> {
    let obj = body
        .as_object()
        .ok_or_else(|| format!("reply body is not an object: {body}"))?;
    match obj.get("type") {
        Some(Value::String(t)) if t == expected_type => {}
        other => {
            return Err(format!(
                "expected a {expected_type} reply, got type {other:?} in {body}"
            ))
        }
    }
    match obj.get("in_reply_to") {
        Some(v) if Kind::Int.accepts(v) => {}
        _ => return Err(format!("missing or non-integer in_reply_to in {body}")),
    }
    if let Some(v) = obj.get("msg_id") {
        if !Kind::Int.accepts(v) {
            return Err(format!("non-integer msg_id in {body}"));
        }
    }
    for (name, kind) in fields {
        match obj.get(*name) {
            Some(v) if kind.accepts(v) => {}
            Some(v) => return Err(format!("field {name} has the wrong type ({v}) in {body}")),
            None => return Err(format!("missing required key {name} in {body}")),
        }
    }
    for key in obj.keys() {
        let known = matches!(key.as_str(), "type" | "in_reply_to" | "msg_id")
            || fields.iter().any(|(n, _)| n == key);
        if !known {
            return Err(format!(
                "disallowed key {key} in {expected_type} reply {body}"
            ));
        }
    }
    Ok(())
}

/// The operation a one-RPC-per-operation client is waiting on.
#[derive(Debug, Default)]
pub struct InFlight(Option<OpSpec>);

impl InFlight {
    /// Remembers `op` and sends its request.
    pub fn send(&mut self, op: &OpSpec, body: Value) -> Step {
        self.0 = Some(op.clone());
        Step::Send(body)
    }

    /// The operation the reply belongs to; an `:info` with an exception if
    /// there is none (the engine never does that, but a bug must not panic).
    pub fn take(&mut self, workload: &str) -> Result<OpSpec, Step> {
        self.0.take().ok_or_else(|| {
            Step::Complete(Completion::exception(
                Value::Null,
                format!("{workload}: reply with no operation in flight"),
            ))
        })
    }
}

/// An operation whose `:f` the client does not know: `:info` with an exception.
pub fn unknown_f(workload: &str, op: &OpSpec) -> Step {
    Step::Complete(Completion::exception(
        op.value.clone(),
        format!("{workload}: unknown :f {}", op.f),
    ))
}

/// The result of interpreting a reply with `with-errors`.
pub enum Interpreted<'a> {
    /// A schema-valid reply of the expected type: the body, as an object.
    Ok(&'a Map<String, Value>),
    /// The op is over (error, timeout or malformed reply); record this.
    Done(Completion),
}

/// Maelstrom's `with-errors` + `defrpc` check for one RPC:
/// error bodies map to :fail (definite code, or `idempotent`) or :info;
/// a timeout to :fail when idempotent, else :info (`:net-timeout`);
/// a schema violation to :info with an exception.
/// `op_value` is what the completion records as its value on failure
/// (the invocation's value).
pub fn with_errors<'a>(
    outcome: RpcOutcome<'a>,
    idempotent: bool,
    op_value: &Value,
    expected_type: &str,
    fields: &[(&str, Kind)],
) -> Interpreted<'a> {
    let body = match outcome {
        RpcOutcome::Timeout => {
            let err = Value::String("net-timeout".into());
            return Interpreted::Done(if idempotent {
                Completion::fail(op_value.clone(), err)
            } else {
                Completion::info(op_value.clone(), err)
            });
        }
        RpcOutcome::Reply(body) => body,
    };
    if body.get("type").and_then(Value::as_str) == Some("error") {
        let code = body.get("code").and_then(Value::as_i64);
        let text = body.get("text").cloned().unwrap_or(Value::Null);
        let (name, definite) = code.map(error_code).unwrap_or(("unknown", false));
        let err = Value::Array(vec![Value::String(name.into()), text]);
        return Interpreted::Done(if definite || idempotent {
            Completion::fail(op_value.clone(), err)
        } else {
            Completion::info(op_value.clone(), err)
        });
    }
    match check_closed_schema(body, expected_type, fields) {
        Ok(()) => Interpreted::Ok(body.as_object().expect("schema checked an object")),
        Err(e) => Interpreted::Done(Completion::exception(
            op_value.clone(),
            format!("malformed RPC response: {e}"),
        )),
    }
}

/// The g-set / g-counter / pn-counter rule: no `with-errors`, so any error
/// reply, timeout or malformed reply throws and becomes `:info`.
pub fn strict<'a>(
    outcome: RpcOutcome<'a>,
    op_value: &Value,
    expected_type: &str,
    fields: &[(&str, Kind)],
) -> Interpreted<'a> {
    let body = match outcome {
        RpcOutcome::Timeout => {
            return Interpreted::Done(Completion::exception(
                op_value.clone(),
                "RPC timed out (net-timeout)",
            ))
        }
        RpcOutcome::Reply(b) => b,
    };
    if body.get("type").and_then(Value::as_str) == Some("error") {
        return Interpreted::Done(Completion::exception(
            op_value.clone(),
            format!("RPC error reply: {body}"),
        ));
    }
    match check_closed_schema(body, expected_type, fields) {
        Ok(()) => Interpreted::Ok(body.as_object().expect("schema checked an object")),
        Err(e) => Interpreted::Done(Completion::exception(
            op_value.clone(),
            format!("malformed RPC response: {e}"),
        )),
    }
}

/// For client tests: invokes `op`, feeds `outcome`, returns how the op
/// completed (panics if the client sends again instead).
#[cfg(test)]
pub fn complete(
    c: &mut dyn crate::workloads::Client,
    op: &OpSpec,
    outcome: RpcOutcome<'_>,
) -> (crate::history::OpType, Value) {
    c.invoke(op);
    match c.on_rpc(outcome) {
        Step::Complete(done) => (done.kind, done.value),
        Step::Send(body) => panic!("unexpected send {body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;
    use serde_json::json;

    #[test]
    fn closed_schema_rejects_extra_and_missing_keys() {
        let f = [("echo", Kind::Any)];
        assert!(check_closed_schema(
            &json!({"type":"echo_ok","in_reply_to":1,"echo":"x"}),
            "echo_ok",
            &f
        )
        .is_ok());
        assert!(check_closed_schema(
            &json!({"type":"echo_ok","in_reply_to":1,"msg_id":3,"echo":"x"}),
            "echo_ok",
            &f
        )
        .is_ok());
        assert!(check_closed_schema(
            &json!({"type":"echo_ok","in_reply_to":1,"echo":"x","note":1}),
            "echo_ok",
            &f
        )
        .is_err());
        assert!(check_closed_schema(&json!({"type":"echo_ok","echo":"x"}), "echo_ok", &f).is_err());
        assert!(
            check_closed_schema(&json!({"type":"echo_ok","in_reply_to":1}), "echo_ok", &f).is_err()
        );
        assert!(check_closed_schema(
            &json!({"type":"echo_ok","in_reply_to":1.0,"echo":"x"}),
            "echo_ok",
            &f
        )
        .is_err());
        assert!(check_closed_schema(
            &json!({"type":"read_ok","in_reply_to":1,"value":5.0}),
            "read_ok",
            &[("value", Kind::Int)]
        )
        .is_err());
    }

    /// Prismatic schema 1.4.1 core.cljc: a vector schema's precondition is
    /// `(or (nil? x) (sequential? x) ...)`, a map schema's is `map?`. So
    /// `{:messages [s/Any]}` accepts `"messages": null`, while kafka's
    /// `{:offsets {s/Any s/Int}}` refuses `"offsets": null`.
    #[test]
    fn sequence_schemas_accept_null_and_map_schemas_do_not() {
        let seq = [("messages", Kind::Seq)];
        let body = |v: Value| json!({"type":"read_ok","in_reply_to":1,"messages":v});
        assert!(check_closed_schema(&body(json!(null)), "read_ok", &seq).is_ok());
        assert!(check_closed_schema(&body(json!([1])), "read_ok", &seq).is_ok());
        assert!(check_closed_schema(&body(json!({"a":1})), "read_ok", &seq).is_err());
        assert!(check_closed_schema(&body(json!(1)), "read_ok", &seq).is_err());
        // The key itself stays required.
        assert!(
            check_closed_schema(&json!({"type":"read_ok","in_reply_to":1}), "read_ok", &seq)
                .is_err()
        );
        let map = [("messages", Kind::Object)];
        assert!(check_closed_schema(&body(json!(null)), "read_ok", &map).is_err());
    }

    #[test]
    fn with_errors_maps_codes_and_timeouts() {
        let v = json!("x");
        let done = |i: Interpreted| match i {
            Interpreted::Done(c) => c.kind,
            Interpreted::Ok(_) => OpType::Ok,
        };
        let e11 = json!({"type":"error","in_reply_to":1,"code":11,"text":"t"});
        let e13 = json!({"type":"error","in_reply_to":1,"code":13});
        let e1000 = json!({"type":"error","in_reply_to":1,"code":1000,"extra":true});
        assert_eq!(
            done(with_errors(RpcOutcome::Reply(&e11), false, &v, "x_ok", &[])),
            OpType::Fail
        );
        assert_eq!(
            done(with_errors(RpcOutcome::Reply(&e13), false, &v, "x_ok", &[])),
            OpType::Info
        );
        assert_eq!(
            done(with_errors(RpcOutcome::Reply(&e13), true, &v, "x_ok", &[])),
            OpType::Fail
        );
        assert_eq!(
            done(with_errors(
                RpcOutcome::Reply(&e1000),
                false,
                &v,
                "x_ok",
                &[]
            )),
            OpType::Info
        );
        assert_eq!(
            done(with_errors(RpcOutcome::Timeout, false, &v, "x_ok", &[])),
            OpType::Info
        );
        assert_eq!(
            done(with_errors(RpcOutcome::Timeout, true, &v, "x_ok", &[])),
            OpType::Fail
        );
        let ok = json!({"type":"x_ok","in_reply_to":1});
        assert_eq!(
            done(with_errors(RpcOutcome::Reply(&ok), false, &v, "x_ok", &[])),
            OpType::Ok
        );
        assert_eq!(
            done(strict(RpcOutcome::Reply(&e11), &v, "x_ok", &[])),
            OpType::Info
        );
    }

    #[test]
    fn in_flight_pairs_one_reply_with_its_operation() {
        let mut f = InFlight::default();
        let op = OpSpec::new("read", Value::Null);
        assert_eq!(
            f.send(&op, json!({"type": "read"})),
            Step::Send(json!({"type": "read"}))
        );
        assert_eq!(f.take("w").ok(), Some(op.clone()));
        // A second reply has no operation: an :info with an exception, not a panic.
        match f.take("w") {
            Err(Step::Complete(c)) => {
                assert_eq!(c.kind, OpType::Info);
                assert!(c.exception.unwrap().contains("no operation in flight"));
            }
            other => panic!("expected an :info completion, got {other:?}"),
        }
        match unknown_f("w", &OpSpec::new("frob", json!(1))) {
            Step::Complete(c) => assert_eq!((c.kind, c.value), (OpType::Info, json!(1))),
            other => panic!("expected an :info completion, got {other:?}"),
        }
    }
}
