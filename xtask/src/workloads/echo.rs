//! The `echo` workload (jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/echo.clj).

use crate::checkers::{CheckResult, OpFold, Validity};
use crate::history::{History, InFlight, Op, OpType};
use crate::workloads::rpc::{with_errors, Interpreted, Kind};
use crate::workloads::{Client, Generator, OpSpec, RpcOutcome, Step, TestOpts, Workload};
use serde_json::{json, Value};

pub struct Echo;

struct EchoGen;

impl Generator for EchoGen {
    fn next(&mut self, _thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        OpSpec::new("echo", json!(format!("Please echo {}", rng.u32(0..128))))
    }
}

#[derive(Default)]
struct EchoClient {
    value: Value,
}

impl Client for EchoClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        self.value = op.value.clone();
        Step::Send(json!({"type": "echo", "echo": op.value}))
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        match with_errors(
            outcome,
            false,
            &self.value,
            "echo_ok",
            &[("echo", Kind::Any)],
        ) {
            Interpreted::Ok(body) => Step::Complete(crate::workloads::Completion::ok(
                Value::Object(body.clone()),
            )),
            Interpreted::Done(c) => Step::Complete(c),
        }
    }
}

impl Workload for Echo {
    fn name(&self) -> &'static str {
        "echo"
    }
    fn generator(&self, _opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(EchoGen)
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(EchoClient::default())
    }
    fn client_reusable(&self) -> bool {
        false
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        check(history)
    }
    fn streaming_check(&self, _opts: &TestOpts) -> Option<Box<dyn OpFold>> {
        Some(Box::<EchoCheck>::default())
    }
}

pub fn check(history: &History) -> CheckResult {
    crate::checkers::fold_history(Box::<EchoCheck>::default(), history)
}

/// echo.clj's checker: pair each client invocation with the next completion
/// of its process; a :fail never has a matching `echo` field, so it always
/// counts as an error; :info is skipped: knossos 0.3.9
/// src/knossos/history.clj `pairs` yields `:info (cons [op] ...)`, a pair
/// with no completion, so `pair-index` maps it to nil and echo.clj's
/// `(not= (:type invoke) :invoke)` drops it. Keeps only the invocations in
/// flight (one per process at most).
#[derive(Default)]
struct EchoCheck {
    open: InFlight<(usize, Value)>,
    /// Errors with their invocation's index: reported in invocation order.
    errors: Vec<(usize, Value)>,
}

impl OpFold for EchoCheck {
    fn observe(&mut self, op: &Op) {
        if !op.process.is_client() {
            return;
        }
        let Some((index, asked)) = self.open.pair(op, |op| (op.index, op.value.clone())) else {
            return;
        };
        let matches = match op.kind {
            OpType::Ok => op.value.get("echo") == Some(&asked),
            OpType::Fail => false,
            _ => return,
        };
        if !matches {
            let e = json!([
                "Expected a message with :echo",
                asked,
                "But received",
                op.value
            ]);
            self.errors.push((index, e));
        }
    }

    fn finish(mut self: Box<Self>) -> CheckResult {
        self.errors.sort_by_key(|(index, _)| *index);
        let errors: Vec<Value> = self.errors.into_iter().map(|(_, e)| e).collect();
        CheckResult::new(Validity::from_bool(errors.is_empty())).with("errors", errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::history::{Op, Process};

    fn op(index: usize, process: u64, kind: OpType, value: Value) -> Op {
        op_at(
            index,
            index as u64,
            Process::Client(process),
            kind,
            "echo",
            value,
        )
    }

    fn reply(s: &str) -> Value {
        json!({"type":"echo_ok","echo":s,"in_reply_to":1})
    }

    #[test]
    fn good_history_passes_and_info_is_skipped() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, json!("Please echo 1")),
            op(1, 1, OpType::Invoke, json!("Please echo 2")),
            op(2, 0, OpType::Ok, reply("Please echo 1")),
            op(3, 1, OpType::Info, json!("Please echo 2")),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["errors"], json!([]));
    }

    #[test]
    fn mismatch_and_fail_are_errors() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, json!("Please echo 1")),
            op(1, 0, OpType::Ok, reply("Please echo 9")),
            op(2, 0, OpType::Invoke, json!("Please echo 3")),
            op(3, 0, OpType::Fail, json!("Please echo 3")),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["errors"].as_array().map(Vec::len), Some(2));
        assert_eq!(r.fields["errors"][0][1], json!("Please echo 1"));
    }

    #[test]
    fn errors_come_in_invocation_order_whatever_the_completion_order() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, json!("Please echo 1")),
            op(1, 1, OpType::Invoke, json!("Please echo 2")),
            op(2, 1, OpType::Ok, reply("wrong 2")),
            op(3, 0, OpType::Ok, reply("wrong 1")),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["errors"][0][1], json!("Please echo 1"));
        assert_eq!(r.fields["errors"][1][1], json!("Please echo 2"));
        let streamed = Echo
            .streaming_check(&TestOpts::defaults(vec!["n0".into()]))
            .map(|f| crate::checkers::fold_history(f, &h).to_json());
        assert_eq!(streamed, Some(r.to_json()), "the fold is the checker");
    }

    #[test]
    fn client_maps_replies() {
        let mut c = EchoClient::default();
        let op = OpSpec::new("echo", json!("x"));
        assert_eq!(c.invoke(&op), Step::Send(json!({"type":"echo","echo":"x"})));
        let ok = json!({"type":"echo_ok","echo":"x","in_reply_to":1});
        assert!(
            matches!(c.on_rpc(RpcOutcome::Reply(&ok)), Step::Complete(ref x) if x.kind == OpType::Ok)
        );
        let extra = json!({"type":"echo_ok","echo":"x","in_reply_to":1,"note":1});
        match c.on_rpc(RpcOutcome::Reply(&extra)) {
            Step::Complete(x) => assert!(x.kind == OpType::Info && x.exception.is_some()),
            s => panic!("{s:?}"),
        }
        assert!(
            matches!(c.on_rpc(RpcOutcome::Timeout), Step::Complete(ref x) if x.kind == OpType::Info)
        );
    }
}
