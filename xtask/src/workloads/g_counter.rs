//! The `g-counter` workload (jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/g_counter.clj): pn-counter's client,
//! generator and checker, with negative adds filtered out of the generator
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/g_counter.clj,
//! `workload`: `(update (pn-counter/workload opts) :generator (partial
//! gen/filter ...))`).

use crate::workloads::pn_counter::Counter;

pub const G_COUNTER: Counter = Counter {
    name: "g-counter",
    negative_adds: false,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;
    use crate::workloads::rpc::complete;
    use crate::workloads::{
        Client, Completion, FinalPhase, FinalStep, OpSpec, RpcOutcome, Step, TestOpts, Workload,
    };
    use serde_json::{json, Value};

    #[test]
    fn generator_mixes_one_third_adds_of_zero_to_four() {
        let opts = TestOpts::defaults(vec!["n0".into(), "n1".into()]);
        let mut g = G_COUNTER.generator(&opts);
        let mut rng = fastrand::Rng::with_seed(7);
        let (mut adds, mut reads) = (0u32, 0u32);
        let mut deltas = [0u32; 5];
        for _ in 0..30_000 {
            let op = g.next(0, 0, &mut rng);
            match op.f.as_str() {
                "add" => {
                    adds += 1;
                    let d = op.value.as_i64().unwrap();
                    assert!((0..=4).contains(&d));
                    deltas[d as usize] += 1;
                }
                "read" => {
                    reads += 1;
                    assert_eq!(op.value, Value::Null);
                }
                other => panic!("unexpected {other}"),
            }
        }
        let add_share = adds as f64 / (adds + reads) as f64;
        assert!(
            (add_share - 1.0 / 3.0).abs() < 0.02,
            "add share {add_share}"
        );
        assert!(
            deltas.iter().all(|&n| n > adds / 5 - adds / 25),
            "{deltas:?}"
        );
        // One final read per thread.
        assert_eq!(
            g.final_next(0, 0, &mut rng),
            FinalStep::Op(OpSpec::new("read", Value::Null))
        );
        assert_eq!(
            g.final_next(1, 0, &mut rng),
            FinalStep::Op(OpSpec::new("read", Value::Null))
        );
        assert_eq!(g.final_next(0, 0, &mut rng), FinalStep::Done);
    }

    #[test]
    fn client_is_strict_and_records_integers() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut c = G_COUNTER.client(&opts);
        let add = OpSpec::new("add", json!(3));
        assert_eq!(c.invoke(&add), Step::Send(json!({"type":"add","delta":3})));
        let ok = json!({"type":"add_ok","in_reply_to":1});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(3)))
        );
        let read = OpSpec::new("read", Value::Null);
        assert_eq!(c.invoke(&read), Step::Send(json!({"type":"read"})));
        let ok = json!({"type":"read_ok","in_reply_to":2,"value":12});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(12)))
        );

        let kind = |c: &mut Box<dyn Client>, op: &OpSpec, outcome: RpcOutcome| {
            complete(c.as_mut(), op, outcome)
        };
        // A definite error still throws: :info, value = the delta.
        let e = json!({"type":"error","in_reply_to":3,"code":11});
        assert_eq!(
            kind(&mut c, &add, RpcOutcome::Reply(&e)),
            (OpType::Info, json!(3))
        );
        assert_eq!(
            kind(&mut c, &add, RpcOutcome::Timeout),
            (OpType::Info, json!(3))
        );
        assert_eq!(kind(&mut c, &read, RpcOutcome::Timeout).0, OpType::Info);
        let float = json!({"type":"read_ok","in_reply_to":4,"value":5.0});
        assert_eq!(
            kind(&mut c, &read, RpcOutcome::Reply(&float)).0,
            OpType::Info
        );
        let extra = json!({"type":"add_ok","in_reply_to":5,"value":1});
        assert_eq!(
            kind(&mut c, &add, RpcOutcome::Reply(&extra)).0,
            OpType::Info
        );
        assert!(!G_COUNTER.client_reusable());
        assert_eq!(
            G_COUNTER.final_phase(),
            Some(FinalPhase {
                time_limit_ns: None
            })
        );
    }
}
