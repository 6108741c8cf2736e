//! The `g-set` workload (workloads/g-set.md): a 50/50 mix of `add` (unique
//! integers) and `read`, one final read per thread, checked by set-full.
//!
//! jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/g_set.clj: `add!`
//! sends `{:element x}`, `read`'s reply is `{:value [s/Any]}` (the schema;
//! the docstring's "`elements` key" is wrong), the client has no
//! `with-errors`, and the checker is `(checker/set-full)` on `:add` as is.

use crate::checkers::set_full;
use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::add_read_client::{AddReadClient, ReadValue};
use crate::workloads::broadcast::UniqueValuesOrReads;
use crate::workloads::{Client, FinalPhase, Generator, TestOpts, Workload};

pub struct GSet;

impl Workload for GSet {
    fn name(&self) -> &'static str {
        "g-set"
    }
    fn generator(&self, _opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(UniqueValuesOrReads::new("add"))
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        // No `with-errors`: every error, timeout or malformed reply is `:info`.
        Box::new(AddReadClient::new("g-set", "element", ReadValue::Seq))
    }
    fn client_reusable(&self) -> bool {
        false
    }
    /// `:final-generator (gen/each-thread {:f :read})`. Maelstrom does not
    /// tag these reads `:final?`; the engine tags every final-phase op, and
    /// set-full never looks at the tag, so the verdict is the same.
    /// fidelity X29: g-set's final reads carry `:final? true`.
    fn final_phase(&self) -> Option<FinalPhase> {
        Some(FinalPhase {
            time_limit_ns: None,
        })
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        set_full::check(history, "add")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::checkers::Validity;
    use crate::history::{Op, OpType, Process};
    use crate::workloads::rpc::complete;
    use crate::workloads::FinalStep;
    use crate::workloads::{Completion, OpSpec, RpcOutcome, Step};
    use serde_json::{json, Value};

    #[test]
    fn generator_hands_out_unique_elements_half_the_time() {
        let opts = TestOpts::defaults(vec!["n0".into(), "n1".into()]);
        let mut g = GSet.generator(&opts);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut values = Vec::new();
        let mut reads = 0;
        for i in 0..10_000 {
            let op = g.next(i % 2, 0, &mut rng);
            match op.f.as_str() {
                "add" => values.push(op.value.as_u64().unwrap()),
                "read" => reads += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert!(values.iter().enumerate().all(|(i, v)| *v == i as u64));
        assert!((4_700..5_300).contains(&reads), "{reads} reads");
        for t in 0..2 {
            assert_eq!(
                g.final_next(t, 0, &mut rng),
                FinalStep::Op(OpSpec::new("read", Value::Null))
            );
            assert_eq!(g.final_next(t, 0, &mut rng), FinalStep::Done);
        }
    }

    #[test]
    fn client_uses_element_and_value_and_every_failure_is_info() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut c = GSet.client(&opts);
        let add = OpSpec::new("add", json!(4));
        assert_eq!(
            c.invoke(&add),
            Step::Send(json!({"type":"add","element":4}))
        );
        let ok = json!({"type":"add_ok","in_reply_to":1});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(4)))
        );
        let read = OpSpec::new("read", Value::Null);
        assert_eq!(c.invoke(&read), Step::Send(json!({"type":"read"})));
        let ok = json!({"type":"read_ok","in_reply_to":2,"value":[4, 1]});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!([4, 1])))
        );

        let kind = |c: &mut Box<dyn Client>, op: &OpSpec, outcome: RpcOutcome| {
            complete(c.as_mut(), op, outcome)
        };
        // Unlike broadcast (with-errors, reads idempotent), a failed read is
        // :info too, and so is a definite error on an add.
        assert_eq!(kind(&mut c, &read, RpcOutcome::Timeout).0, OpType::Info);
        let definite = json!({"type":"error","in_reply_to":3,"code":11});
        assert_eq!(
            kind(&mut c, &add, RpcOutcome::Reply(&definite)),
            (OpType::Info, json!(4))
        );
        // Broadcast's reply key, or an `elements` key as the docstring says,
        // is a schema error.
        let messages = json!({"type":"read_ok","in_reply_to":4,"messages":[4]});
        assert_eq!(
            kind(&mut c, &read, RpcOutcome::Reply(&messages)).0,
            OpType::Info
        );
        let elements = json!({"type":"read_ok","in_reply_to":5,"elements":[4]});
        assert_eq!(
            kind(&mut c, &read, RpcOutcome::Reply(&elements)).0,
            OpType::Info
        );
        assert!(!GSet.client_reusable());
    }

    fn history(read_value: Value) -> History {
        let mut ops: Vec<Op> = Vec::new();
        let mut push = |p: u64, kind: OpType, f: &str, value: Value| {
            let i = ops.len();
            ops.push(op_at(
                i,
                i as u64 * 1_000_000,
                Process::Client(p),
                kind,
                f,
                value,
            ));
        };
        push(0, OpType::Invoke, "add", json!(0));
        push(0, OpType::Ok, "add", json!(0));
        push(0, OpType::Invoke, "add", json!(1));
        push(0, OpType::Ok, "add", json!(1));
        push(1, OpType::Invoke, "read", Value::Null);
        push(1, OpType::Ok, "read", read_value);
        History::new(ops)
    }

    /// The checker is set-full on `:add` (no renaming as broadcast needs):
    /// an acknowledged element missing from the last read is lost.
    #[test]
    fn checker_is_set_full_on_add() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let good = GSet.check(&history(json!([0, 1])), &opts);
        assert_eq!(good.valid, Validity::True, "{:?}", good.fields);
        assert_eq!(good.fields["stable-count"], json!(2));
        assert_eq!(good.fields["lost-count"], json!(0));
        let bad = GSet.check(&history(json!([1])), &opts);
        assert_eq!(bad.valid, Validity::False, "{:?}", bad.fields);
        assert_eq!(bad.fields["lost-count"], json!(1));
        assert_eq!(bad.fields["lost"], json!([0]));
    }

    /// g_set.clj: `read` answers `{:value [s/Any]}` (nil passes Prismatic's
    /// vector precondition `(or (nil? x) (sequential? x) ...)`) and `invoke!`
    /// records `:value (:value (read conn node {}))`: an :ok read of nil,
    /// which set-full reads as `(set nil)` = `#{}`, so both elements are lost.
    /// fidelity D20: a `null` read is an `:ok` read of nothing.
    #[test]
    fn read_ok_with_null_value_is_an_ok_read_that_loses_everything() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut c = GSet.client(&opts);
        let read = OpSpec::new("read", Value::Null);
        let null = json!({"type":"read_ok","in_reply_to":1,"value":null});
        assert_eq!(
            complete(c.as_mut(), &read, RpcOutcome::Reply(&null)),
            (OpType::Ok, Value::Null)
        );
        let r = GSet.check(&history(Value::Null), &opts);
        assert_eq!(r.valid, Validity::False, "{:?}", r.fields);
        assert_eq!(r.fields["lost"], json!([0, 1]));
    }
}
