//! Workload `txn-list-append` (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/txn_list_append.clj): Elle's append generator, a
//! reusable `txn` client with list-append's reply schema, no final phase,
//! and Elle 0.1.6's list-append checker, whose verdict Maelstrom keeps as is.

use crate::checkers::elle::{list_append, ElleOpts};
use crate::checkers::{CheckResult, Validity};
use crate::history::History;
use crate::workloads::txn_rw_register::{TxnClient, WrTxns};
use crate::workloads::{Client, Generator, OpSpec, TestOpts, Workload};
use serde_json::Value;

pub struct TxnListAppend;

impl Workload for TxnListAppend {
    fn name(&self) -> &'static str {
        "txn-list-append"
    }

    fn generator(&self, opts: &TestOpts) -> Box<dyn Generator> {
        Box::new(AppendTxns(WrTxns::new(opts)))
    }

    fn client(&self, _opts: &TestOpts) -> Box<dyn Client> {
        Box::new(TxnClient::with_schema(check_reply_txn))
    }

    fn client_reusable(&self) -> bool {
        true
    }

    fn check(&self, history: &History, opts: &TestOpts) -> CheckResult {
        check(
            history,
            &ElleOpts::maelstrom(opts.consistency_models.clone()),
        )
    }
}

/// `elle.list-append/append-txns` (Elle 0.1.6): `wr-txns` with every write
/// `[:w k v]` turned into `[:append k v]`. Maelstrom passes the CLI's
/// `--key-count`, `--max-txn-length` (4) and `--max-writes-per-key` (16).
pub struct AppendTxns(pub WrTxns);

impl AppendTxns {
    pub fn txn(&mut self, rng: &mut fastrand::Rng) -> Value {
        let mut txn = self.0.txn(rng);
        for mop in txn.as_array_mut().into_iter().flatten() {
            if mop[0] == "w" {
                mop[0] = "append".into();
            }
        }
        txn
    }
}

impl Generator for AppendTxns {
    fn next(&mut self, _thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        OpSpec::new("txn", self.txn(rng))
    }
}

/// Maelstrom's `txn_ok` schema: each micro-op exactly `["r", k, list-or-nil]`
/// (Prismatic's `[Element]` accepts nil) or `["append", k, v]`.
fn check_reply_txn(txn: &[Value]) -> Result<(), String> {
    for mop in txn {
        match mop.as_array().map(Vec::as_slice) {
            Some([f, _, v]) if f == "r" && (v.is_null() || v.is_array()) => {}
            Some([f, _, _]) if f == "append" => {}
            _ => {
                return Err(format!(
                    "micro-op {mop} is not [\"r\", k, [..] | null] or [\"append\", k, v]"
                ))
            }
        }
    }
    Ok(())
}

/// Elle's result map as Maelstrom reports it, plus `cycle-explanations`
/// (Elle's text for each reportable cycle, which Elle writes to
/// `elle/<type>.txt`). A checker crash is `:unknown` with `error`.
pub fn check(history: &History, opts: &ElleOpts) -> CheckResult {
    let checked = match list_append::check(history, opts) {
        Ok(c) => c,
        Err(e) => return CheckResult::unknown(e),
    };
    let res = checked.result;
    let Some((not, also_not)) = res.boundary else {
        return CheckResult::new(Validity::True);
    };
    let mut out = CheckResult::new(res.valid)
        .with("anomaly-types", res.anomaly_types)
        .with("anomalies", Value::Object(res.anomalies))
        .with("not", not)
        .with("also-not", also_not);
    if !checked.explanations.is_empty() {
        out = out.with("cycle-explanations", Value::Object(checked.explanations));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::OpType;
    use crate::workloads::{RpcOutcome, Step};
    use serde_json::json;

    #[test]
    fn writes_become_appends_and_reads_stay_nil() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let mut g = AppendTxns(WrTxns::new(&opts));
        let mut rng = fastrand::Rng::with_seed(5);
        let (mut reads, mut appends) = (0, 0);
        for _ in 0..2000 {
            for m in g.txn(&mut rng).as_array().unwrap() {
                match m[0].as_str().unwrap() {
                    "r" => {
                        assert!(m[2].is_null());
                        reads += 1
                    }
                    "append" => {
                        assert!(m[2].as_u64().unwrap() >= 1);
                        appends += 1
                    }
                    f => panic!("unexpected f {f}"),
                }
            }
        }
        assert!(reads > 2000 && appends > 2000, "{reads} {appends}");
    }

    fn reply(txn: Value) -> (OpType, Option<String>) {
        let mut c = TxnClient::with_schema(check_reply_txn);
        let op = OpSpec::new("txn", json!([["r", 1, null], ["append", 1, 6]]));
        assert!(matches!(c.invoke(&op), Step::Send(_)));
        let body = json!({"type": "txn_ok", "in_reply_to": 1, "txn": txn});
        match c.on_rpc(RpcOutcome::Reply(&body)) {
            Step::Complete(done) => (done.kind, done.exception),
            other => panic!("{other:?}"),
        }
    }

    /// txn_list_append.clj: `{:txn [(s/either ReadRes Append)]}` accepts nil
    /// (Prismatic's vector precondition `(or (nil? x) (sequential? x) ..)`),
    /// and `invoke!` records `(->> .. :txn str->kw (assoc op :type :ok,
    /// :value))` with `str->kw` = `(mapv .. txn)`: `(mapv f nil)` is `[]`.
    #[test]
    fn txn_null_is_an_ok_empty_transaction() {
        let mut c = TxnClient::with_schema(check_reply_txn);
        c.invoke(&OpSpec::new("txn", json!([["append", 1, 6]])));
        let body = json!({"type": "txn_ok", "in_reply_to": 1, "txn": null});
        match c.on_rpc(RpcOutcome::Reply(&body)) {
            Step::Complete(done) => assert_eq!((done.kind, done.value), (OpType::Ok, json!([]))),
            other => panic!("{other:?}"),
        }
    }

    /// What Elle 0.1.6 then makes of `"txn": null` recorded as `:ok []`,
    /// worked by hand on list_append.clj `check`, whose `history` is every
    /// client op, invocations included. T1 invokes `[[append x 1]]` and
    /// completes `:ok []`; T2 then reads x as [1], or as nil.
    ///
    /// `dirty-update-cases` gets `(append-index (sorted-values history))`:
    /// x's version order is [1], from T2's read or, when T2 reads nil, from
    /// `values-from-single-appends` (its one append is T1's invocation's).
    /// It looks 1 up in `write-index`, whose writer is T1's *invocation*
    /// (the `:ok []` appends nothing), and `(case [(:type t1) (:type t2)]
    /// ..)` has no clause for `[:ok :invoke]`: it throws. `@dirty-update` is
    /// always derefed, so the check throws and the verdict is unknown,
    /// whatever the consistency model.
    /// fidelity D20: a `null` txn is an `:ok` with no micro-ops, and Elle throws.
    #[test]
    fn elle_cannot_check_a_txn_answered_null() {
        use crate::checkers::testing::op_at;
        use crate::history::Process;
        let history = |read: Value| {
            History::new(vec![
                op_at(
                    0,
                    0,
                    Process::Client(0),
                    OpType::Invoke,
                    "txn",
                    json!([["append", "x", 1]]),
                ),
                op_at(1, 1, Process::Client(0), OpType::Ok, "txn", json!([])),
                op_at(
                    2,
                    2,
                    Process::Client(1),
                    OpType::Invoke,
                    "txn",
                    json!([["r", "x", null]]),
                ),
                op_at(
                    3,
                    3,
                    Process::Client(1),
                    OpType::Ok,
                    "txn",
                    json!([["r", "x", read]]),
                ),
            ])
        };
        for model in ["strict-serializable", "read-committed"] {
            for read in [json!([1]), Value::Null] {
                let r = check(&history(read), &ElleOpts::maelstrom(vec![model.into()]));
                assert_eq!(r.valid, Validity::Unknown, "{model}: {:?}", r.fields);
                let error = r.fields["error"].as_str().unwrap_or_default();
                assert!(error.contains("dirty-update"), "{model}: {error}");
            }
        }
        // The same history with T1 answered in full is valid under both.
        let mut full = history(json!([1]));
        full.ops[1].value = json!([["append", "x", 1]]);
        for model in ["strict-serializable", "read-committed"] {
            let r = check(&full, &ElleOpts::maelstrom(vec![model.into()]));
            assert_eq!(r.valid, Validity::True, "{model}: {:?}", r.fields);
        }
    }

    #[test]
    fn reply_schema_is_maelstroms() {
        assert_eq!(
            reply(json!([["r", 1, [3]], ["append", 1, 6]])).0,
            OpType::Ok
        );
        assert_eq!(
            reply(json!([["r", 1, null], ["append", 1, 6]])).0,
            OpType::Ok
        );
        for bad in [
            json!([["r", 1, 3]]),
            json!([["w", 1, 3]]),
            json!([["append", 1]]),
            json!([["r", 1, [], 0]]),
        ] {
            let (kind, exception) = reply(bad.clone());
            assert_eq!(kind, OpType::Info, "{bad}");
            assert!(exception.is_some(), "{bad}");
        }
    }
}
