//! The `unique-ids` workload (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/unique_ids.clj): clients ask for
//! `generate` forever; every acknowledged id must be distinct.

use crate::checkers::unique_ids;
use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::rpc::{unknown_f, with_errors, InFlight, Interpreted, Kind};
use crate::workloads::{
    Client, Completion, Generator, OpSpec, RpcOutcome, Step, TestOpts, Workload,
};
use serde_json::{json, Value};

pub struct UniqueIds;

impl Workload for UniqueIds {
    fn name(&self) -> &'static str {
        "unique-ids"
    }
    fn generator(&self, _opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(Generate)
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(GenerateClient::default())
    }
    /// Maelstrom's unique-ids client is `Reusable`: it keeps its connection after an `:info`.
    fn client_reusable(&self) -> bool {
        true
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        unique_ids::check(history)
    }
}

/// `(gen/repeat {:f :generate})`.
struct Generate;

impl Generator for Generate {
    fn next(&mut self, _thread: usize, _now_ns: u64, _rng: &mut fastrand::Rng) -> OpSpec {
        OpSpec::new("generate", Value::Null)
    }
}

#[derive(Default)]
struct GenerateClient {
    in_flight: InFlight,
}

impl Client for GenerateClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        if op.f != "generate" {
            return unknown_f("unique-ids", op);
        }
        self.in_flight.send(op, json!({"type": "generate"}))
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        let op = match self.in_flight.take("unique-ids") {
            Ok(op) => op,
            Err(step) => return step,
        };
        // with-errors, no idempotent fs; the completion's value is the id.
        match with_errors(
            outcome,
            false,
            &op.value,
            "generate_ok",
            &[("id", Kind::Any)],
        ) {
            Interpreted::Ok(body) => Step::Complete(Completion::ok(
                body.get("id").cloned().unwrap_or(Value::Null),
            )),
            Interpreted::Done(c) => Step::Complete(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;

    #[test]
    fn generate_round_trip_and_outcomes() {
        let w = UniqueIds;
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut rng = fastrand::Rng::with_seed(1);
        let op = w.generator(&opts).next(0, 0, &mut rng);
        assert_eq!(op, OpSpec::new("generate", Value::Null));
        let mut c = w.client(&opts);
        assert_eq!(c.invoke(&op), Step::Send(json!({"type":"generate"})));
        let reply = json!({"type":"generate_ok","in_reply_to":1,"id":["n0",3]});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&reply)),
            Step::Complete(Completion::ok(json!(["n0", 3])))
        );

        let kind = |c: &mut Box<dyn Client>, outcome: RpcOutcome| match c.on_rpc(outcome) {
            Step::Complete(done) => done.kind,
            Step::Send(_) => panic!("unexpected send"),
        };
        c.invoke(&op);
        assert_eq!(kind(&mut c, RpcOutcome::Timeout), OpType::Info);
        c.invoke(&op);
        let extra = json!({"type":"generate_ok","in_reply_to":2,"id":1,"node":"n0"});
        assert_eq!(kind(&mut c, RpcOutcome::Reply(&extra)), OpType::Info);
        c.invoke(&op);
        let missing = json!({"type":"generate_ok","in_reply_to":3});
        assert_eq!(kind(&mut c, RpcOutcome::Reply(&missing)), OpType::Info);
        c.invoke(&op);
        let definite = json!({"type":"error","in_reply_to":4,"code":11});
        assert_eq!(kind(&mut c, RpcOutcome::Reply(&definite)), OpType::Fail);
        c.invoke(&op);
        let indefinite = json!({"type":"error","in_reply_to":5,"code":13});
        assert_eq!(kind(&mut c, RpcOutcome::Reply(&indefinite)), OpType::Info);
        assert!(w.client_reusable());
        assert!(w.final_phase().is_none());
        assert!(w.setup_request("n0", &opts).is_none());
    }
}
