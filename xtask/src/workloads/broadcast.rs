//! The `broadcast` workload (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/broadcast.clj): a topology setup RPC,
//! then a 50/50 mix of `broadcast` (unique integers) and `read`, one final
//! read per thread, checked by set-full.

use crate::checkers::set_full;
use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::final_reads::OneReadPerThread;
use crate::workloads::rpc::{
    check_closed_schema, unknown_f, with_errors, InFlight, Interpreted, Kind,
};
use crate::workloads::topology;
use crate::workloads::{
    Client, Completion, FinalPhase, FinalStep, Generator, OpSpec, RpcOutcome, Step, TestOpts,
    Workload,
};
use serde_json::{json, Value};

pub struct Broadcast;

impl Workload for Broadcast {
    fn name(&self) -> &'static str {
        "broadcast"
    }
    fn generator(&self, _opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(UniqueValuesOrReads::new("broadcast"))
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(BroadcastClient::default())
    }
    fn client_reusable(&self) -> bool {
        false
    }
    fn final_phase(&self) -> Option<FinalPhase> {
        Some(FinalPhase {
            time_limit_ns: None,
        })
    }
    /// `{"type":"topology","topology":{...every node...}}`. An unknown
    /// topology name yields no request: the CLI must reject it first (as
    /// Maelstrom's option parser does, exit 254).
    fn setup_request(&self, _node: &str, opts: &TestOpts) -> Option<Value> {
        let map = topology::build(&opts.topology, &opts.node_ids)?;
        Some(json!({"type": "topology", "topology": Value::Object(map)}))
    }
    /// `topology_ok` with no other keys than `in_reply_to` and `msg_id`; an
    /// error reply also aborts the setup (it throws in Maelstrom).
    fn check_setup_reply(&self, reply: &Value) -> Result<(), String> {
        check_closed_schema(reply, "topology_ok", &[])
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        // Maelstrom renames :broadcast to :add and runs Jepsen's set-full.
        set_full::check(history, "broadcast")
    }
}

/// broadcast's and g-set's generator: `(gen/mix [(map (fn [x] {:f F,
/// :value x}) (range)) (repeat {:f :read})])`, then one final read per
/// thread.
pub(crate) struct UniqueValuesOrReads {
    /// `:broadcast` or `:add`.
    f: &'static str,
    /// The global counter behind `(range)`.
    next_value: u64,
    final_reads: OneReadPerThread,
}

impl UniqueValuesOrReads {
    pub fn new(f: &'static str) -> Self {
        UniqueValuesOrReads {
            f,
            next_value: 0,
            final_reads: OneReadPerThread::default(),
        }
    }
}

impl Generator for UniqueValuesOrReads {
    /// `gen/mix` of unique values and reads, 1/2 each.
    fn next(&mut self, _thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        if rng.bool() {
            let v = self.next_value;
            self.next_value += 1;
            OpSpec::new(self.f, Value::from(v))
        } else {
            OpSpec::new("read", Value::Null)
        }
    }

    /// `(gen/each-thread {:f :read ...})`.
    fn final_next(&mut self, thread: usize, _now_ns: u64, _rng: &mut fastrand::Rng) -> FinalStep {
        self.final_reads.next(thread)
    }
}

#[derive(Default)]
struct BroadcastClient {
    in_flight: InFlight,
}

impl Client for BroadcastClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        let body = match op.f.as_str() {
            "broadcast" => json!({"type": "broadcast", "message": op.value}),
            "read" => json!({"type": "read"}),
            _ => return unknown_f("broadcast", op),
        };
        self.in_flight.send(op, body)
    }

    /// with-errors, idempotent set {read}. A broadcast completes with its
    /// message as value; a read with the `messages` array.
    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        let op = match self.in_flight.take("broadcast") {
            Ok(op) => op,
            Err(step) => return step,
        };
        let done = match op.f.as_str() {
            "broadcast" => match with_errors(outcome, false, &op.value, "broadcast_ok", &[]) {
                Interpreted::Ok(_) => Completion::ok(op.value),
                Interpreted::Done(c) => c,
            },
            _ => match with_errors(
                outcome,
                true,
                &op.value,
                "read_ok",
                &[("messages", Kind::Seq)],
            ) {
                Interpreted::Ok(body) => {
                    Completion::ok(body.get("messages").cloned().unwrap_or(Value::Null))
                }
                Interpreted::Done(c) => c,
            },
        };
        Step::Complete(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;
    use crate::workloads::rpc::complete;

    fn opts(n: usize, topology: &str) -> TestOpts {
        let mut o = TestOpts::defaults((0..n).map(|i| format!("n{i}")).collect());
        o.topology = topology.into();
        o
    }

    #[test]
    fn generator_hands_out_unique_values_half_the_time() {
        let mut g = Broadcast.generator(&opts(3, "grid"));
        let mut rng = fastrand::Rng::with_seed(3);
        let mut values = Vec::new();
        let mut reads = 0;
        for i in 0..10_000 {
            let op = g.next(i % 3, 0, &mut rng);
            match op.f.as_str() {
                "broadcast" => values.push(op.value.as_u64().unwrap()),
                "read" => reads += 1,
                other => panic!("unexpected {other}"),
            }
        }
        // Values are 0, 1, 2, ... in generation order, across all threads.
        assert!(values.iter().enumerate().all(|(i, v)| *v == i as u64));
        assert!((4_700..5_300).contains(&reads), "{reads} reads");
        for t in 0..3 {
            assert_eq!(
                g.final_next(t, 0, &mut rng),
                FinalStep::Op(OpSpec::new("read", Value::Null))
            );
            assert_eq!(g.final_next(t, 0, &mut rng), FinalStep::Done);
        }
    }

    #[test]
    fn setup_sends_the_whole_topology_and_checks_topology_ok() {
        let req = Broadcast.setup_request("n1", &opts(5, "line")).unwrap();
        assert_eq!(req["type"], json!("topology"));
        assert_eq!(req["topology"]["n1"], json!(["n0", "n2"]));
        assert_eq!(req["topology"].as_object().unwrap().len(), 5);
        let single = Broadcast.setup_request("n0", &opts(1, "grid")).unwrap();
        assert_eq!(single["topology"], json!({"n0": []}));
        assert!(Broadcast.setup_request("n0", &opts(3, "ring")).is_none());

        assert!(Broadcast
            .check_setup_reply(&json!({"type":"topology_ok","in_reply_to":1}))
            .is_ok());
        assert!(Broadcast
            .check_setup_reply(&json!({"type":"topology_ok","in_reply_to":1,"msg_id":4}))
            .is_ok());
        assert!(Broadcast
            .check_setup_reply(&json!({"type":"topology_ok","in_reply_to":1,"ok":true}))
            .is_err());
        assert!(Broadcast
            .check_setup_reply(&json!({"type":"topology_ok"}))
            .is_err());
        assert!(Broadcast
            .check_setup_reply(&json!({"type":"error","in_reply_to":1,"code":10}))
            .is_err());
    }

    #[test]
    fn client_records_messages_and_maps_outcomes() {
        let mut c = Broadcast.client(&opts(1, "grid"));
        let b = OpSpec::new("broadcast", json!(4));
        assert_eq!(
            c.invoke(&b),
            Step::Send(json!({"type":"broadcast","message":4}))
        );
        let ok = json!({"type":"broadcast_ok","in_reply_to":1});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(4)))
        );
        let r = OpSpec::new("read", Value::Null);
        assert_eq!(c.invoke(&r), Step::Send(json!({"type":"read"})));
        let ok = json!({"type":"read_ok","in_reply_to":2,"messages":[4, 1]});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!([4, 1])))
        );

        let kind = |c: &mut Box<dyn Client>, op: &OpSpec, outcome: RpcOutcome| {
            complete(c.as_mut(), op, outcome)
        };
        // Reads are idempotent: timeouts and indefinite errors are :fail.
        assert_eq!(kind(&mut c, &r, RpcOutcome::Timeout).0, OpType::Fail);
        let crash = json!({"type":"error","in_reply_to":3,"code":13});
        assert_eq!(kind(&mut c, &r, RpcOutcome::Reply(&crash)).0, OpType::Fail);
        // Broadcasts are not: :info, keeping the message as value.
        assert_eq!(
            kind(&mut c, &b, RpcOutcome::Timeout),
            (OpType::Info, json!(4))
        );
        assert_eq!(
            kind(&mut c, &b, RpcOutcome::Reply(&crash)),
            (OpType::Info, json!(4))
        );
        let definite = json!({"type":"error","in_reply_to":3,"code":11});
        assert_eq!(
            kind(&mut c, &b, RpcOutcome::Reply(&definite)),
            (OpType::Fail, json!(4))
        );
        // Closed schemas: an extra key or a non-array `messages` is malformed (:info).
        let extra = json!({"type":"broadcast_ok","in_reply_to":4,"message":4});
        assert_eq!(kind(&mut c, &b, RpcOutcome::Reply(&extra)).0, OpType::Info);
        let not_array = json!({"type":"read_ok","in_reply_to":5,"messages":{"a":1}});
        assert_eq!(
            kind(&mut c, &r, RpcOutcome::Reply(&not_array)).0,
            OpType::Info
        );
        assert!(!Broadcast.client_reusable());
    }

    /// broadcast.clj: `read`'s reply schema is `{:messages [s/Any]}`, which
    /// accepts nil (Prismatic's vector precondition `(or (nil? x) ...)`),
    /// and `invoke!` does `(->> (read ..) :messages (assoc op :type :ok,
    /// :value))`: `"messages": null` is an :ok read of nil.
    /// fidelity D20: a `null` read is an `:ok` read of nothing.
    #[test]
    fn read_ok_with_null_messages_is_an_ok_read_of_nil() {
        let mut c = Broadcast.client(&opts(1, "grid"));
        let r = OpSpec::new("read", Value::Null);
        let null = json!({"type":"read_ok","in_reply_to":1,"messages":null});
        assert_eq!(
            complete(c.as_mut(), &r, RpcOutcome::Reply(&null)),
            (OpType::Ok, Value::Null)
        );
    }
}
