//! Knossos's own tests with literal histories, ported: the deftests of
//! jepsen-io/knossos v0.3.9 test/knossos/linear_test.clj and
//! test/knossos/wgl_test.clj, each run through our one search (which
//! answers with the keys of both analyzers: `:op`, `:previous-ok`,
//! `:last-op`, `:configs`, `:final-paths`), with the model and initial
//! value the source uses (`(register 0)` is `(cas-register 0)` without
//! `:cas`: model.clj `Register` and `CASRegister` step reads and writes
//! alike).
//!
//! Translation: keyword values are strings; `(cas-register 2)` as a result
//! model is `{"value": 2}`, `(inconsistent msg)` is `{"msg": msg}`; the
//! `#{..}` of final paths is compared as a set. Our histories carry `:time`
//! (the position when the source gives none): it is removed before
//! comparing with a source op that has none. Data files the tests read
//! are in xtask/tests/fixtures/knossos (the two large ones) or inline.
//!
//! Where our result differs from one analyzer's, the test says which
//! analyzer's result it matches and docs/fidelity.md quotes why.

use super::independent::check_register_from;
use super::Budget;
use crate::checkers::Validity;
use crate::edn;
use crate::history::{History, Op, OpType, Process};
use serde_json::{json, Value};
use std::time::Duration;

/// `[process type f value]` lines, as knossos.op's `invoke`/`ok`/`info`
/// build them (no `:time`); index = position.
fn lit(lines: &[(u64, &str, &str, Value)]) -> History {
    let ops = lines
        .iter()
        .enumerate()
        .map(|(i, (p, t, f, v))| Op {
            index: i,
            time: i as u64,
            process: Process::Client(*p),
            kind: kind(t),
            f: f.to_string(),
            value: v.clone(),
            error: None,
            exception: None,
            is_final: false,
        })
        .collect();
    History::new(ops)
}

fn kind(t: &str) -> OpType {
    match t {
        "invoke" => OpType::Invoke,
        "ok" => OpType::Ok,
        "fail" => OpType::Fail,
        _ => OpType::Info,
    }
}

/// core_test.clj `read-history-2`: one EDN collection of op maps. The index
/// is the position (knossos indexes an unindexed history so); `:time` is
/// kept when the file has it, else the position.
fn data_file(text: &str) -> History {
    let v = edn::parse(text).expect("knossos data file parses");
    let ops = v
        .as_array()
        .expect("a collection of ops")
        .iter()
        .enumerate()
        .map(|(i, m)| Op {
            index: i,
            time: m.get("time").and_then(Value::as_u64).unwrap_or(i as u64),
            process: match m["process"].as_u64() {
                Some(p) => Process::Client(p),
                None => Process::Nemesis,
            },
            kind: kind(m["type"].as_str().expect("a :type")),
            f: m["f"].as_str().expect("an :f").to_string(),
            value: m.get("value").cloned().unwrap_or(Value::Null),
            error: None,
            exception: None,
            is_final: false,
        })
        .collect();
    History::new(ops)
}

/// `(analysis (cas-register initial) history)`: the result map.
fn analysis(initial: Value, h: &History) -> Value {
    let budget = Budget::new(Duration::from_secs(60), 1 << 30);
    check_register_from(h, &initial, &budget).to_json()
}

/// Removes `:time` from every op map (a map with a `process`) in `v`.
fn without_time(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if m.contains_key("process") {
                    m.remove("time");
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

/// A set of final paths, for comparing with the source's `#{..}`.
fn path_set(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v
        .as_array()
        .expect("final paths")
        .iter()
        .map(|p| p.to_string())
        .collect();
    s.sort();
    s.dedup();
    s
}

fn op(p: u64, t: &str, f: &str, v: Value, index: u64) -> Value {
    json!({"process": p, "type": t, "f": f, "value": v, "index": index})
}

const BAD_ANALYSIS: &str = r#"
[{:process 4, :type :invoke, :f :write, :value 2}
 {:process 4, :type :ok, :f :write, :value 2}
 {:process 6, :type :invoke, :f :read, :value nil}
 {:process 1, :type :invoke, :f :write, :value 4}
 {:process 1, :type :ok, :f :write, :value 4}
 {:process 14, :type :invoke, :f :read, :value 4}
 {:process 14, :type :ok, :f :read, :value 4}
 {:process 9, :type :invoke, :f :write, :value 0}
 {:process 9, :type :ok, :f :write, :value 0}
 ; Value is 0, pending crashed read by process 6
 {:process 19, :type :invoke, :f :read, :value 0}
 {:process 20, :type :invoke, :f :write, :value 1}
 {:process 19, :type :ok, :f :read, :value 0}
 ; Read of 0 linearized, 20 write 1 pending (and crashes)
 ; Two spurious concurrent reads of 3 and 2
 {:process 22  :type :invoke, :f :read, :value 3}
 {:process 21, :type :invoke, :f :read, :value 2}
 {:process 21, :type :ok, :f :read, :value 2}
 {:process 22, :type :ok, :f :read, :value 3}]
"#;

const RETHINK_FAIL_MINIMAL: &str = r#"
({:type :invoke, :f :write, :value 0, :process 0}
 {:type :ok, :f :write, :value 0, :process 0}
 ; Value is 0, then we concurrently write 4, read 3.
 {:type :invoke, :f :read, :value nil, :process 1}
 {:type :invoke, :f :write, :value 4, :process 2}
 ; Nonlinearizable! Could have been 0 or 4 but not 3
 {:type :ok, :f :read, :value 3, :process 1}
 {:type :ok, :f :write, :value 4, :process 2}
 ; If we have another operation here, just *after* the nonlinearizable
 ; concurrent ops, wgl used to incorrectly infer that this subsequent op is the
 ; problem.
 {:type :invoke, :f :read, :value nil, :process 3}
 {:type :ok, :f :read, :value 4, :process 3}
)
"#;

fn cas_failure() -> History {
    data_file(include_str!(
        "../../../tests/fixtures/knossos/cas-failure.edn"
    ))
}

/// `[(invoke 0 :write 1) (ok 0 :write 1)]`, the "does not timeout" history.
fn write_1() -> History {
    lit(&[
        (0, "invoke", "write", json!(1)),
        (0, "ok", "write", json!(1)),
    ])
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest timeout-test.
/// "will timeout if limit exceeded": `{:valid? :unknown :cause :timeout
/// :analyzer :linear}` (`:wgl`). Ours gives up as unknown too, with a
/// cause that says which budget ran out and how far it got, where Knossos
/// gives the keyword `:timeout`. The source's history is memstress3-12 or
/// -14 with a 1 ms limit; ours reads the clock every 4096 steps, so the
/// port uses a longer history, volatile-linearizable-test's (5 000 ops),
/// with no time at all.
/// "does not timeout when limit not exceeded" / "without limit": valid.
/// fidelity P8.
#[test]
fn timeout_test() {
    let h = volatile_history(100, 50, 1000, 0);
    let budget = Budget::new(Duration::ZERO, 1 << 30);
    let r = check_register_from(&h, &json!(0), &budget).to_json();
    assert_eq!(r["valid?"], json!("unknown"), "{r}");
    assert_eq!(r["analyzer"], json!("wgl"));
    assert!(r["cause"]
        .as_str()
        .unwrap()
        .starts_with("time budget exhausted"));

    let long = Budget::new(Duration::from_secs(999_999), 1 << 30);
    let r = check_register_from(&write_1(), &json!(0), &long);
    assert_eq!(r.valid, Validity::True);
    assert_eq!(analysis(json!(0), &write_1())["valid?"], json!(true));
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest crash-test.
#[test]
fn crash_test() {
    let h = lit(&[
        (0, "invoke", "write", json!(1)),
        (0, "info", "write", json!(1)),
    ]);
    assert_eq!(analysis(json!(0), &h)["valid?"], json!(true));
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest sequential-test.
#[test]
fn sequential_test() {
    let h = lit(&[(0, "invoke", "read", json!(0)), (0, "ok", "read", json!(0))]);
    assert_eq!(analysis(json!(0), &h)["valid?"], json!(true));
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest preserves-indices-test.
/// The source's ops carry `:index` 5, 7, 99, 100; our histories are indexed
/// by position, so positions 0..3 stand for those and the result's indexes
/// are mapped back before comparing.
/// fidelity P12.
#[test]
fn preserves_indices_test() {
    let h = lit(&[
        (0, "invoke", "write", json!(1)),
        (0, "ok", "write", json!(1)),
        (0, "invoke", "read", json!(2)),
        (0, "ok", "read", json!(2)),
    ]);
    let a = analysis(json!(0), &h);
    let source_index = |v: &Value| [5, 7, 99, 100][v["index"].as_u64().unwrap() as usize];
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(source_index(&a["op"]), 100);
    assert_eq!(source_index(&a["last-op"]), 7);
    assert_eq!(source_index(&a["previous-ok"]), 7);
    let config = &a["configs"][0];
    assert_eq!(source_index(&config["pending"][0]), 99);
    assert_eq!(source_index(&config["last-op"]), 7);
    let path = &a["final-paths"][0];
    assert_eq!(source_index(&path[0]["op"]), 7);
    assert_eq!(source_index(&path[1]["op"]), 100);
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest read-wrong-initial-value-test,
/// and linear_test.clj, deftest bad-analysis-test (the same history).
/// The failing op, previous-ok and final paths agree; wgl's full map
/// (`(is (= {:analyzer :wgl :valid? false :op .. :previous-ok nil
/// :final-paths ..} a))`) has no `:last-op`/`:configs`, which we add as
/// linear's analysis has them (bad-analysis-test: `:configs [{:model model
/// :last-op nil :pending [read 1, index 0]}]`). The refusal reads "can't
/// read 1 from register 0", the `(cas-register 0)` message, where the
/// source's `(register 0)` says `"0≠1"` (model.clj `Register`: `(str
/// (pr-str value) "≠" (pr-str (:value op)))`).
/// fidelity P9.
#[test]
fn read_wrong_initial_value_test() {
    let h = lit(&[(0, "invoke", "read", json!(1)), (0, "ok", "read", json!(1))]);
    let a = without_time(analysis(json!(0), &h));
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(a["analyzer"], json!("wgl"));
    assert_eq!(a["op"], op(0, "ok", "read", json!(1), 1));
    assert_eq!(a["previous-ok"], Value::Null);
    assert_eq!(a["last-op"], Value::Null);
    assert_eq!(
        a["configs"],
        json!([{"model": {"value": 0}, "last-op": null,
                "pending": [op(0, "invoke", "read", json!(1), 0)]}])
    );
    let want = json!([[
        {"op": null, "model": {"value": 0}},
        {"op": op(0, "ok", "read", json!(1), 1), "model": {"msg": "can't read 1 from register 0"}},
    ]]);
    assert_eq!(path_set(&a["final-paths"]), path_set(&want));
}

/// knossos v0.3.9 test/knossos/linear_test.clj, deftest bad-analysis-test-2, and
/// wgl_test.clj, deftest bad-analysis-test-2 (cas-failure.edn, `(cas-register 0)`).
/// Agrees with linear's full expectation. wgl's final path ends the cas
/// with its `:info` completion (`{:type :info ... :index 482}`) where
/// linear's (and ours) shows its invocation (`:invoke ... :index 463`): a
/// crashed op is rendered differently by Knossos's two analyzers.
/// fidelity P10.
#[test]
fn bad_analysis_test_2() {
    let a = without_time(analysis(json!(0), &cas_failure()));
    assert_eq!(a["valid?"], json!(false));
    let write_2 = op(76, "ok", "write", json!(2), 472);
    assert_eq!(
        a["configs"],
        json!([{"model": {"value": 2}, "last-op": write_2,
                "pending": [op(70, "invoke", "read", json!(0), 488),
                            op(77, "invoke", "cas", json!([1, 1]), 463)]}])
    );
    assert_eq!(a["op"], op(70, "ok", "read", json!(0), 491));
    assert_eq!(a["previous-ok"], op(74, "ok", "read", json!(0), 478));
    assert_eq!(a["last-op"], write_2);
    let want = json!([
        [{"model": {"value": 2}, "op": write_2},
         {"model": {"msg": "can't CAS 2 from 1 to 1"},
          "op": op(77, "invoke", "cas", json!([1, 1]), 463)}],
        [{"model": {"value": 2}, "op": write_2},
         {"model": {"msg": "can't read 0 from register 2"},
          "op": op(70, "ok", "read", json!(0), 491)}],
    ]);
    assert_eq!(path_set(&a["final-paths"]), path_set(&want));
}

/// knossos v0.3.9 test/knossos/wgl_test.clj, deftest bad-analysis-test (bad-analysis.edn).
#[test]
fn bad_analysis_test() {
    let a = without_time(analysis(json!(0), &data_file(BAD_ANALYSIS)));
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(a["op"], op(21, "ok", "read", json!(2), 14));
    assert_eq!(a["previous-ok"], op(19, "ok", "read", json!(0), 11));
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest rethink-fail-minimal-test
/// (rethink-fail-minimal.edn, `(cas-register nil)`).
#[test]
fn rethink_fail_minimal_test() {
    let a = without_time(analysis(Value::Null, &data_file(RETHINK_FAIL_MINIMAL)));
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(a["op"], op(1, "ok", "read", json!(3), 4));
}

/// knossos v0.3.9 test/knossos/wgl_test.clj, deftest rethink-fail-smaller-test
/// (rethink-fail-smaller.edn, `(cas-register nil)`); this file has `:time`s.
#[test]
fn rethink_fail_smaller_test() {
    let h = data_file(include_str!(
        "../../../tests/fixtures/knossos/rethink-fail-smaller.edn"
    ));
    let a = analysis(Value::Null, &h);
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(
        a["op"],
        json!({"process": 12, "type": "ok", "f": "read", "value": 3, "index": 217,
               "time": 106334571856u64})
    );
}

/// knossos v0.3.9 test/knossos/linear_test.clj and wgl_test.clj, deftest cas-failure-test.
#[test]
fn cas_failure_test() {
    let a = without_time(analysis(json!(0), &cas_failure()));
    assert_eq!(a["valid?"], json!(false));
    assert_eq!(a["op"], op(70, "ok", "read", json!(0), 491));
}

/// knossos v0.3.9 test/knossos/core_test.clj `volatile-history`, as
/// linear_test.clj and wgl_test.clj, deftest volatile-linearizable-test,
/// use it: `(dotimes [i 10] (volatile-history 100 50 1/1000))`, checked
/// against `(register 0)`, must be valid. The source's threads race on a
/// volatile; here each of 100 processes is a coroutine stepped in a random
/// order, so ops overlap as they do there, with the same crash rule (a
/// process that crashes records `(info process :crash nil)` and stops;
/// before or after its write took effect).
#[test]
fn volatile_linearizable_test() {
    for seed in 0..10 {
        let h = volatile_history(100, 50, 1000, seed);
        let a = analysis(json!(0), &h);
        assert_eq!(a["valid?"], json!(true), "seed {seed}: {a}");
    }
}

/// `(volatile-history process-count action-count crash-factor)` with
/// crash-factor 1/`crash_one_in`.
fn volatile_history(processes: u64, actions: u32, crash_one_in: u32, seed: u64) -> History {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut x = json!(0);
    let mut ops: Vec<(u64, &str, &str, Value)> = Vec::new();
    // Per process: actions left, and the op in flight (f, value) if any.
    let mut left: Vec<u32> = vec![actions; processes as usize];
    let mut flight: Vec<Option<(&str, Value)>> = vec![None; processes as usize];
    let mut crashed = vec![false; processes as usize];
    let crash = |rng: &mut fastrand::Rng| rng.u32(0..crash_one_in) == 0;
    loop {
        let live: Vec<usize> = (0..processes as usize)
            .filter(|&p| !crashed[p] && (left[p] > 0 || flight[p].is_some()))
            .collect();
        if live.is_empty() {
            break;
        }
        let p = live[rng.usize(0..live.len())];
        match flight[p].take() {
            None => {
                // `(when (< (rand) crash-factor) (assert false))` before the op.
                if crash(&mut rng) {
                    ops.push((p as u64, "info", "crash", Value::Null));
                    crashed[p] = true;
                    continue;
                }
                left[p] -= 1;
                let value = json!(rng.u32(0..10));
                if rng.bool() {
                    ops.push((p as u64, "invoke", "write", value.clone()));
                    x = value.clone();
                    flight[p] = Some(("write", value));
                } else {
                    ops.push((p as u64, "invoke", "read", Value::Null));
                    flight[p] = Some(("read", x.clone()));
                }
            }
            Some((f, value)) => {
                // The crash between the effect and the completion.
                if crash(&mut rng) {
                    ops.push((p as u64, "info", "crash", Value::Null));
                    crashed[p] = true;
                    continue;
                }
                ops.push((p as u64, "ok", f, value));
            }
        }
    }
    lit(&ops)
}

/// knossos v0.3.9 test/knossos/model/memo_test.clj, deftest wrapper-test:
/// the `(register 0)` steps it asserts through the memoising wrapper, on
/// our model (which needs no wrapper: values are interned once per
/// history). The ops are the test's `history`: 1 read 1, 2 write 1, 3
/// write 2. Write 1 then read 1 is `(register 1)`; then write 2 is
/// `(register 2)`; write 2 then read 1 is refused, `"2≠1"` in
/// `Register`'s words, "can't read 1 from register 2" in the
/// cas-register's. The test's `models-test` enumerates every model these
/// ops reach: 0, 1, 2 and five inconsistencies, which are our refusals.
#[test]
fn memo_wrapper_test() {
    use super::models::{CasOp, CasRegister, Interner};
    use super::Model;
    let mut values = Interner::new();
    let (zero, one, two) = (
        values.intern(&json!(0)),
        values.intern(&json!(1)),
        values.intern(&json!(2)),
    );
    let register = CasRegister { initial: zero };
    let (read_1, write_1, write_2) = (CasOp::Read(Some(one)), CasOp::Write(one), CasOp::Write(two));
    let w = register.init();
    assert_eq!(w, zero);
    let after_write_1 = register.step(&w, &write_1);
    assert_eq!(after_write_1, Some(one));
    assert_eq!(register.step(&one, &read_1), Some(one));
    assert_eq!(register.step(&one, &write_2), Some(two));
    assert_eq!(register.step(&two, &read_1), None);
    assert_eq!(
        CasRegister::refusal(&read_1, two, &values),
        "can't read 1 from register 2"
    );
    // models-test: from 0, the reads of 1 and of :unreachable are refused
    // ("0≠1", "0≠:unreachable"); writes reach 1 and 2.
    let unreachable = values.intern(&json!("unreachable"));
    let read_unreachable = CasOp::Read(Some(unreachable));
    let mut reached = vec![zero];
    let mut refused = Vec::new();
    let mut i = 0;
    while i < reached.len() {
        let s = reached[i];
        for op in [&read_unreachable, &read_1, &write_1, &write_2] {
            match register.step(&s, op) {
                Some(n) if !reached.contains(&n) => reached.push(n),
                Some(_) => {}
                None => refused.push(CasRegister::refusal(op, s, &values)),
            }
        }
        i += 1;
    }
    reached.sort();
    assert_eq!(reached, vec![zero, one, two]);
    refused.sort();
    assert_eq!(
        refused,
        [
            "can't read 1 from register 0",
            "can't read 1 from register 2",
            "can't read unreachable from register 0",
            "can't read unreachable from register 1",
            "can't read unreachable from register 2",
        ]
    );
}
