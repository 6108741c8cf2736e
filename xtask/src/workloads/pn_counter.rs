//! The `pn-counter` workload (workloads/pn-counter.md), and the client and
//! checker g-counter shares with it.
//!
//! jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/pn_counter.clj,
//! `workload`: `(gen/mix [(fn [] {:f :add, :value (- (rand-int 10) 5)})
//! (repeat {:f :read})])`, a final read per thread tagged `:final? true`, and
//! the acceptable-set `checker` (our `checkers::counter`). g_counter.clj is
//! this workload with `gen/filter` dropping negative adds.

use crate::checkers::counter;
use crate::checkers::CheckResult;
use crate::history::History;
use crate::workloads::add_read_client::{AddReadClient, ReadValue};
use crate::workloads::final_reads::OneReadPerThread;
use crate::workloads::{Client, FinalPhase, FinalStep, Generator, OpSpec, TestOpts, Workload};
use serde_json::Value;

/// pn-counter, or g-counter (`negative_adds: false`): the same client,
/// checker and final reads; only the generator's filter differs.
#[derive(Clone, Copy, Debug)]
pub struct Counter {
    pub name: &'static str,
    pub negative_adds: bool,
}

pub const PN_COUNTER: Counter = Counter {
    name: "pn-counter",
    negative_adds: true,
};

impl Workload for Counter {
    fn name(&self) -> &'static str {
        self.name
    }
    fn generator(&self, _opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(CounterGenerator {
            negative_adds: self.negative_adds,
            final_reads: OneReadPerThread::default(),
        })
    }
    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        // `:value s/Int`, then `long`: a float read is a schema error.
        Box::new(AddReadClient::new(self.name, "delta", ReadValue::Long))
    }
    fn client_reusable(&self) -> bool {
        false
    }
    fn final_phase(&self) -> Option<FinalPhase> {
        Some(FinalPhase {
            time_limit_ns: None,
        })
    }
    fn check(&self, history: &History, _opts: &TestOpts) -> CheckResult {
        counter::check(history)
    }
}

/// The counters' generator: `gen/mix` of adds of `(- (rand-int 10) 5)` and
/// reads; g-counter wraps it in `(gen/filter (not (neg? delta)))`.
struct CounterGenerator {
    /// pn-counter: keep negative adds; g-counter: filter them out.
    negative_adds: bool,
    /// The final phase: one read per worker thread.
    final_reads: OneReadPerThread,
}

impl Generator for CounterGenerator {
    /// `gen/mix` picks either generator with probability 1/2. A filtered
    /// draw is replaced by a fresh draw, so g-counter's adds come with
    /// probability 1/3 and a delta uniform over 0..=4; pn-counter's with
    /// probability 1/2 and a delta uniform over -5..=4.
    fn next(&mut self, _thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        loop {
            if rng.bool() {
                let delta = rng.i64(-5..5);
                if self.negative_adds || delta >= 0 {
                    return OpSpec::new("add", Value::from(delta));
                }
            } else {
                return OpSpec::new("read", Value::Null);
            }
        }
    }

    /// `(gen/each-thread {:f :read, :final? true})`.
    fn final_next(&mut self, thread: usize, _now_ns: u64, _rng: &mut fastrand::Rng) -> FinalStep {
        self.final_reads.next(thread)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;
    use crate::workloads::{Completion, RpcOutcome, Step};
    use serde_json::json;

    #[test]
    fn generator_mixes_half_adds_of_minus_five_to_four() {
        let opts = TestOpts::defaults(vec!["n0".into(), "n1".into()]);
        let mut g = PN_COUNTER.generator(&opts);
        let mut rng = fastrand::Rng::with_seed(7);
        let (mut adds, mut reads) = (0u32, 0u32);
        let mut deltas = [0u32; 10];
        for _ in 0..30_000 {
            let op = g.next(0, 0, &mut rng);
            match op.f.as_str() {
                "add" => {
                    adds += 1;
                    let d = op.value.as_i64().unwrap();
                    assert!((-5..=4).contains(&d), "{d}");
                    deltas[(d + 5) as usize] += 1;
                }
                "read" => {
                    reads += 1;
                    assert_eq!(op.value, Value::Null);
                }
                other => panic!("unexpected {other}"),
            }
        }
        // Unlike g-counter (1/3, 0..=4): half the ops are adds, and every
        // delta of -5..=4 comes about a tenth of the time, -5 and 0 included.
        let add_share = adds as f64 / (adds + reads) as f64;
        assert!((add_share - 0.5).abs() < 0.02, "add share {add_share}");
        assert!(
            deltas.iter().all(|&n| n > adds / 10 - adds / 50),
            "{deltas:?}"
        );
        assert_eq!(
            g.final_next(0, 0, &mut rng),
            FinalStep::Op(OpSpec::new("read", Value::Null))
        );
        assert_eq!(g.final_next(0, 0, &mut rng), FinalStep::Done);
    }

    #[test]
    fn client_sends_negative_deltas_and_every_failure_is_info() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut c = PN_COUNTER.client(&opts);
        let add = OpSpec::new("add", json!(-4));
        assert_eq!(c.invoke(&add), Step::Send(json!({"type":"add","delta":-4})));
        let ok = json!({"type":"add_ok","in_reply_to":1});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(-4)))
        );
        let read = OpSpec::new("read", Value::Null);
        c.invoke(&read);
        let ok = json!({"type":"read_ok","in_reply_to":2,"value":-12});
        assert_eq!(
            c.on_rpc(RpcOutcome::Reply(&ok)),
            Step::Complete(Completion::ok(json!(-12)))
        );
        // A definite error still throws: :info with the delta (the checker
        // then allows it either way).
        c.invoke(&add);
        let e = json!({"type":"error","in_reply_to":3,"code":11});
        match c.on_rpc(RpcOutcome::Reply(&e)) {
            Step::Complete(done) => assert_eq!((done.kind, done.value), (OpType::Info, json!(-4))),
            other => panic!("{other:?}"),
        }
        assert!(!PN_COUNTER.client_reusable());
        assert_eq!(PN_COUNTER.name(), "pn-counter");
    }

    /// pn_counter.clj `invoke!`: `(->> (read conn node {}) :value long ...)`.
    /// Cheshire reads 2^63 as a `BigInteger`, which passes `s/Int`
    /// (`integer?`), and Clojure 1.11 `RT.longCast` throws on it: `if
    /// (bi.bitLength() < 64) return bi.longValue(); else throw new
    /// IllegalArgumentException("Value out of range for long: " + x)`. The
    /// read is then `:info`. 2^63-1 and -2^63 fit. (g-counter shares it.)
    #[test]
    fn a_read_outside_long_is_info() {
        use crate::workloads::Client;
        let opts = TestOpts::defaults(vec!["n0".into()]);
        for counter in [PN_COUNTER, crate::workloads::g_counter::G_COUNTER] {
            let mut c = counter.client(&opts);
            let read = OpSpec::new("read", Value::Null);
            let reply = |v: &str| -> Value {
                serde_json::from_str(&format!(
                    r#"{{"type":"read_ok","in_reply_to":1,"value":{v}}}"#
                ))
                .unwrap()
            };
            let outcome = |c: &mut Box<dyn Client>, v: &str| {
                c.invoke(&read);
                match c.on_rpc(RpcOutcome::Reply(&reply(v))) {
                    Step::Complete(done) => done,
                    other => panic!("{other:?}"),
                }
            };
            let max = outcome(&mut c, "9223372036854775807");
            assert_eq!((max.kind, max.value), (OpType::Ok, json!(i64::MAX)));
            let min = outcome(&mut c, "-9223372036854775808");
            assert_eq!((min.kind, min.value), (OpType::Ok, json!(i64::MIN)));
            let over = outcome(&mut c, "9223372036854775808");
            assert_eq!((over.kind, over.value), (OpType::Info, Value::Null));
            assert!(over
                .exception
                .is_some_and(|e| e.contains("Value out of range for long")));
            // Beyond u64 serde_json reads a float: `s/Int` refuses it, :info too.
            let huge = outcome(&mut c, "100000000000000000000");
            assert_eq!(huge.kind, OpType::Info);
        }
    }
}
