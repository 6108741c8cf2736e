//! One hand-made history per corner, each with a near-identical twin of the
//! other verdict, through the lin-kv checker (per-key split, Knossos's
//! preprocessing, the search, the result map).

use super::independent::{check_history, check_register};
use super::models::{EtcdOp, EtcdRegister, KvKey, KvMap, KvOp};
use super::{check, Budget, Call, Verdict};
use crate::checkers::testing::op_at;
use crate::checkers::Validity;
use crate::history::{History, OpType, Process};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// `(process, type, f, value)` lines; index and time are the position.
fn hist(lines: &[(u64, &str, &str, Value)]) -> History {
    History::new(
        lines
            .iter()
            .enumerate()
            .map(|(i, (p, t, f, v))| {
                let kind = match *t {
                    "invoke" => OpType::Invoke,
                    "ok" => OpType::Ok,
                    "fail" => OpType::Fail,
                    _ => OpType::Info,
                };
                op_at(i, i as u64, Process::Client(*p), kind, f, v.clone())
            })
            .collect(),
    )
}

fn verdict(lines: &[(u64, &str, &str, Value)]) -> Validity {
    check_history(&hist(lines), &Budget::default_budget()).valid
}

// Shorthands for key 0.
fn inv(p: u64, f: &'static str, v: Value) -> (u64, &'static str, &'static str, Value) {
    (p, "invoke", f, json!([0, v]))
}
fn ok(p: u64, f: &'static str, v: Value) -> (u64, &'static str, &'static str, Value) {
    (p, "ok", f, json!([0, v]))
}
fn info(p: u64, f: &'static str, v: Value) -> (u64, &'static str, &'static str, Value) {
    (p, "info", f, json!([0, v]))
}
fn fail(p: u64, f: &'static str, v: Value) -> (u64, &'static str, &'static str, Value) {
    (p, "fail", f, json!([0, v]))
}

#[test]
fn stale_read() {
    let stale = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(0, "write", json!(2)),
        ok(0, "write", json!(2)),
        inv(1, "read", Value::Null),
        ok(1, "read", json!(1)),
    ];
    assert_eq!(verdict(&stale), Validity::False);
    // The same read, concurrent with the second write: fine.
    let concurrent = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(0, "write", json!(2)),
        inv(1, "read", Value::Null),
        ok(0, "write", json!(2)),
        ok(1, "read", json!(1)),
    ];
    assert_eq!(verdict(&concurrent), Validity::True);
}

#[test]
fn lost_write() {
    // Write 2 was acknowledged, yet a later cas finds the older 1.
    let lost = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(2)),
        ok(1, "write", json!(2)),
        inv(2, "cas", json!([1, 3])),
        ok(2, "cas", json!([1, 3])),
    ];
    assert_eq!(verdict(&lost), Validity::False);
    let overlapping = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(2)),
        inv(2, "cas", json!([1, 3])),
        ok(2, "cas", json!([1, 3])),
        ok(1, "write", json!(2)),
    ];
    assert_eq!(verdict(&overlapping), Validity::True);
}

#[test]
fn cas_that_succeeded_twice() {
    let twice = [
        inv(0, "write", json!(0)),
        ok(0, "write", json!(0)),
        inv(1, "cas", json!([0, 1])),
        inv(2, "cas", json!([0, 1])),
        ok(1, "cas", json!([0, 1])),
        ok(2, "cas", json!([0, 1])),
    ];
    assert_eq!(verdict(&twice), Validity::False);
    // A concurrent write of 0 lets both succeed.
    let rewritten = [
        inv(0, "write", json!(0)),
        ok(0, "write", json!(0)),
        inv(1, "cas", json!([0, 1])),
        inv(2, "cas", json!([0, 1])),
        inv(0, "write", json!(0)),
        ok(1, "cas", json!([0, 1])),
        ok(2, "cas", json!([0, 1])),
        ok(0, "write", json!(0)),
    ];
    assert_eq!(verdict(&rewritten), Validity::True);
    // And a cas that failed definitely (error 22) did not happen.
    let one_failed = [
        inv(0, "write", json!(0)),
        ok(0, "write", json!(0)),
        inv(1, "cas", json!([0, 1])),
        inv(2, "cas", json!([0, 1])),
        ok(1, "cas", json!([0, 1])),
        fail(2, "cas", json!([0, 1])),
    ];
    assert_eq!(verdict(&one_failed), Validity::True);
}

#[test]
fn info_write_seen_later_is_valid() {
    let seen = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(3)),
        info(1, "write", json!(3)),
        inv(0, "read", Value::Null),
        ok(0, "read", json!(1)),
        inv(2, "read", Value::Null),
        ok(2, "read", json!(3)),
    ];
    assert_eq!(verdict(&seen), Validity::True);
    // Seen before it was invoked: impossible.
    let too_early = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(2, "read", Value::Null),
        ok(2, "read", json!(3)),
        inv(1, "write", json!(3)),
        info(1, "write", json!(3)),
    ];
    assert_eq!(verdict(&too_early), Validity::False);
}

#[test]
fn info_write_never_seen_is_valid() {
    let never = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(3)),
        info(1, "write", json!(3)),
        inv(0, "read", Value::Null),
        ok(0, "read", json!(1)),
        inv(2, "read", Value::Null),
        ok(2, "read", json!(1)),
    ];
    assert_eq!(verdict(&never), Validity::True);
    // An invocation that never completed is indeterminate too.
    let unfinished = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(3)),
        inv(0, "read", Value::Null),
        ok(0, "read", json!(1)),
    ];
    assert_eq!(verdict(&unfinished), Validity::True);
    // But it takes effect at most once: seen, then gone again.
    let flicker = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "write", json!(3)),
        info(1, "write", json!(3)),
        inv(0, "read", Value::Null),
        ok(0, "read", json!(3)),
        inv(2, "read", Value::Null),
        ok(2, "read", json!(1)),
    ];
    assert_eq!(verdict(&flicker), Validity::False);
}

#[test]
fn read_of_a_value_nobody_wrote() {
    let phantom = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "read", Value::Null),
        ok(1, "read", json!(4)),
    ];
    assert_eq!(verdict(&phantom), Validity::False);
    let real = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "read", Value::Null),
        ok(1, "read", json!(1)),
    ];
    assert_eq!(verdict(&real), Validity::True);
    // A read of 1.0 is not a read of 1 (Clojure's `=` on a long and a double).
    let float = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "read", Value::Null),
        ok(1, "read", json!(1.0)),
    ];
    assert_eq!(verdict(&float), Validity::False);
    // A failed read (error 20, key does not exist) is no evidence.
    let failed = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(1, "read", Value::Null),
        fail(1, "read", Value::Null),
    ];
    assert_eq!(verdict(&failed), Validity::True);
}

/// A real register under `procs` concurrent processes: each op takes effect
/// at a random point between its invocation and completion; some writes and
/// cas crash (`:info`, and take effect or not).
fn simulated(ops: usize, procs: u64, seed: u64) -> Vec<(u64, &'static str, &'static str, Value)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    // Events: (time, order, line); the effect is applied in time order.
    let mut plan: Vec<(u64, u64, &'static str, Value, bool)> = Vec::new(); // (start, proc, f, arg, crash)
    let mut t = vec![0u64; procs as usize];
    for _ in 0..ops {
        let p = rng.u64(0..procs);
        let start = t[p as usize] + rng.u64(1..20);
        let (f, arg) = match rng.u8(0..3) {
            0 => ("read", Value::Null),
            1 => ("write", json!(rng.u8(0..5))),
            _ => ("cas", json!([rng.u8(0..5), rng.u8(0..5)])),
        };
        let crash = f != "read" && rng.u8(0..80) == 0;
        plan.push((start, p, f, arg, crash));
        t[p as usize] = start + rng.u64(1..40);
    }
    // Lay out invoke, effect and completion times.
    let mut events: Vec<(u64, u8, usize)> = Vec::new(); // (time, 0 invoke / 1 effect / 2 done, op)
    let mut proc_of = Vec::new();
    let mut next_proc = procs;
    let mut proc_now: Vec<u64> = (0..procs).collect();
    let mut clock = vec![0u64; procs as usize];
    for (i, (start, p, _, _, crash)) in plan.iter().enumerate() {
        let s = (*start).max(clock[*p as usize]);
        let effect = s + rng.u64(0..30);
        let end = effect + rng.u64(0..30);
        events.push((s * 4, 0, i));
        events.push((effect * 4 + 1, 1, i));
        events.push((end * 4 + 2, 2, i));
        clock[*p as usize] = end + 1;
        proc_of.push(proc_now[*p as usize]);
        if *crash {
            proc_now[*p as usize] = next_proc;
            next_proc += 1;
        }
    }
    events.sort();
    let mut reg: Option<u8> = None;
    let mut result: Vec<Option<(bool, Value)>> = vec![None; plan.len()];
    let mut lines = Vec::new();
    for (_, kind, i) in events {
        let (_, _, f, arg, crash) = &plan[i];
        let p = proc_of[i];
        match kind {
            0 => lines.push((p, "invoke", *f, json!([0, arg]))),
            1 => {
                // A crashed op takes effect half the time.
                if *crash && rng.bool() {
                    result[i] = Some((false, arg.clone()));
                    continue;
                }
                result[i] = Some(match *f {
                    "read" => (true, json!(reg)),
                    "write" => {
                        reg = arg.as_u64().map(|v| v as u8);
                        (true, arg.clone())
                    }
                    _ => {
                        let from = arg[0].as_u64().map(|v| v as u8);
                        let hit = reg == from;
                        if hit {
                            reg = arg[1].as_u64().map(|v| v as u8);
                        }
                        (hit, arg.clone())
                    }
                });
            }
            _ => {
                let (done, v) = result[i].clone().unwrap_or((false, arg.clone()));
                let t = if *crash {
                    "info"
                } else if done {
                    "ok"
                } else {
                    "fail"
                };
                // A failed read (nothing there yet) reads nil; cas failures are definite.
                lines.push((p, t, *f, json!([0, v])));
            }
        }
    }
    lines
}

#[test]
fn long_concurrent_history_is_valid_and_one_mutation_is_not() {
    for seed in 0..5 {
        let lines = simulated(600, 6, seed);
        assert!(lines.len() >= 1200);
        assert_eq!(verdict(&lines), Validity::True, "seed {seed}");
        // Mutate one :ok read late in the history to a value nobody wrote.
        let mut bad = lines.clone();
        let at = bad
            .iter()
            .rposition(|(_, t, f, _)| *t == "ok" && *f == "read")
            .unwrap();
        bad[at].3 = json!([0, 9]);
        assert_eq!(verdict(&bad), Validity::False, "seed {seed}");
    }
}

#[test]
fn the_counterexample_names_the_op_and_the_states_tried() {
    let stale = [
        inv(0, "write", json!(1)),
        ok(0, "write", json!(1)),
        inv(0, "write", json!(2)),
        ok(0, "write", json!(2)),
        inv(1, "read", Value::Null),
        ok(1, "read", json!(1)),
    ];
    let r = check_history(&hist(&stale), &Budget::default_budget()).to_json();
    assert_eq!(r["valid?"], json!(false));
    assert_eq!(r["failures"], json!([0]));
    let lin = &r["results"]["0"]["linearizable"];
    assert_eq!(r["results"]["0"]["valid?"], json!(false));
    assert_eq!(r["results"]["0"]["timeline"], json!({"valid?": true}));
    assert_eq!(
        lin["op"],
        json!({"process": 1, "type": "ok", "f": "read", "value": 1, "index": 5, "time": 5})
    );
    assert_eq!(lin["previous-ok"]["index"], json!(3));
    // Knossos shows a linearized op by its :ok completion.
    assert_eq!(lin["last-op"]["index"], json!(3));
    assert_eq!(
        lin["configs"],
        json!([{
            "model": {"value": 2},
            "last-op": {"process": 0, "type": "ok", "f": "write", "value": 2, "index": 3, "time": 3},
            "pending": [{"process": 1, "type": "invoke", "f": "read", "value": 1, "index": 4, "time": 4}],
        }])
    );
    assert_eq!(
        lin["final-paths"][0],
        json!([
            {"op": {"process": 0, "type": "ok", "f": "write", "value": 2, "index": 3, "time": 3},
             "model": {"value": 2}},
            {"op": {"process": 1, "type": "ok", "f": "read", "value": 1, "index": 5, "time": 5},
             "model": {"msg": "can't read 1 from register 2"}},
        ])
    );
}

#[test]
fn keys_are_checked_independently() {
    let lines = vec![
        (0, "invoke", "write", json!([0, 1])),
        (0, "ok", "write", json!([0, 1])),
        (1, "invoke", "write", json!([1, 1])),
        (1, "ok", "write", json!([1, 1])),
        // Key 0 reads its own 1; key 1 reads key 0's value 2: invalid.
        (2, "invoke", "read", json!([0, null])),
        (2, "ok", "read", json!([0, 1])),
        (3, "invoke", "read", json!([1, null])),
        (3, "ok", "read", json!([1, 2])),
        (4, "invoke", "write", json!([2, 4])),
        (4, "info", "write", json!([2, 4])),
    ];
    let r = check_history(&hist(&lines), &Budget::default_budget());
    assert_eq!(r.valid, Validity::False);
    let j = r.to_json();
    assert_eq!(j["failures"], json!([1]));
    assert_eq!(j["results"]["0"]["valid?"], json!(true));
    assert_eq!(j["results"]["2"]["valid?"], json!(true));
    assert_eq!(
        j["results"]["0"]["linearizable"]["model"],
        json!({"value": 1})
    );
    // Without key tuples the lin-kv checker cannot run: unknown, with why.
    let r = check_history(
        &hist(&[(0, "invoke", "read", json!(null))]),
        &Budget::default_budget(),
    );
    assert_eq!(r.valid, Validity::Unknown);
    assert!(r.fields["error"].as_str().unwrap().contains("tuple"));
}

#[test]
fn an_exhausted_budget_is_unknown_with_the_reason_never_true() {
    let lines = simulated(3000, 8, 7);
    let out_of_time = Budget::new(Duration::ZERO, usize::MAX);
    let r = check_history(&hist(&lines), &out_of_time);
    assert_eq!(r.valid, Validity::Unknown);
    let cause = r.to_json()["results"]["0"]["linearizable"]["cause"].clone();
    assert!(cause.as_str().unwrap().contains("time budget"), "{cause}");
    let no_memory = Budget::new(Duration::from_secs(60), 1024);
    let r = check_history(&hist(&lines), &no_memory);
    assert_eq!(r.valid, Validity::Unknown);
    let cause = r.to_json()["results"]["0"]["linearizable"]["cause"].clone();
    assert!(cause.as_str().unwrap().contains("memory budget"), "{cause}");
    // An invalid key still makes the whole verdict false.
    let mut bad = hist(&lines);
    bad.ops.extend(
        hist(&[
            (999, "invoke", "read", json!([1, null])),
            (999, "ok", "read", json!([1, 3])),
        ])
        .ops,
    );
    for (i, op) in bad.ops.iter_mut().enumerate() {
        op.index = i;
    }
    let r = check_history(&bad, &out_of_time);
    assert_eq!(r.valid, Validity::False);
}

#[test]
fn a_single_register_history_as_knossos_reads_its_data() {
    let h = hist(&[
        (0, "invoke", "write", json!(1)),
        (0, "ok", "write", json!(1)),
        (1, "invoke", "cas", json!([1, 2])),
        (1, "ok", "cas", json!([1, 2])),
        (2, "invoke", "read", json!(null)),
        (2, "ok", "read", json!(1)),
    ]);
    let r = check_register(&h, &Budget::default_budget());
    assert_eq!(r.valid, Validity::False);
    assert_eq!(r.fields["op"]["index"], json!(5));
    let mut good = h.clone();
    good.ops[5].value = json!(2);
    assert_eq!(
        check_register(&good, &Budget::default_budget()).valid,
        Validity::True
    );
}

fn call<O>(op: O, call: u64, ret: Option<u64>, process: u64) -> Call<O> {
    Call {
        op,
        call,
        ret,
        process,
    }
}

#[test]
fn porcupines_etcd_model_reads_nil_as_absent_and_failed_cas_as_a_mismatch() {
    let b = Budget::default_budget();
    // A failed cas [0 1] while the register holds 0 is impossible there...
    let calls = vec![
        call(EtcdOp::Write(0), 0, Some(1), 0),
        call(
            EtcdOp::Cas {
                from: 0,
                to: 1,
                ok: Some(false),
            },
            2,
            Some(3),
            1,
        ),
    ];
    assert!(check(&EtcdRegister, &calls, &b).is_invalid());
    // ... and so is a read of nil after a write.
    let calls = vec![
        call(EtcdOp::Write(0), 0, Some(1), 0),
        call(EtcdOp::Read(Some(None)), 2, Some(3), 1),
    ];
    assert!(check(&EtcdRegister, &calls, &b).is_invalid());
    // An unknown cas may apply (or find another value).
    let calls = vec![
        call(EtcdOp::Write(0), 0, Some(1), 0),
        call(
            EtcdOp::Cas {
                from: 0,
                to: 1,
                ok: None,
            },
            2,
            None,
            1,
        ),
        call(EtcdOp::Read(Some(Some(1))), 4, Some(5), 2),
    ];
    assert!(check(&EtcdRegister, &calls, &b).validity() == Validity::True);
}

#[test]
fn porcupines_kv_models_agree_with_and_without_partitions() {
    let b = Budget::default_budget();
    let s = |x: &str| Arc::<str>::from(x);
    let calls = vec![
        call(
            KvOp::Append {
                key: 0,
                value: s("a"),
            },
            0,
            Some(3),
            0,
        ),
        call(
            KvOp::Append {
                key: 1,
                value: s("b"),
            },
            1,
            Some(2),
            1,
        ),
        call(
            KvOp::Get {
                key: 0,
                out: s("a"),
            },
            4,
            Some(5),
            1,
        ),
        call(
            KvOp::Get {
                key: 1,
                out: s("b"),
            },
            6,
            Some(7),
            0,
        ),
    ];
    assert!(check(&KvMap { keys: 2 }, &calls, &b).validity() == Validity::True);
    let mut bad = calls.clone();
    bad[3].op = KvOp::Get { key: 1, out: s("") };
    assert!(check(&KvMap { keys: 2 }, &bad, &b).is_invalid());
    let key1: Vec<_> = bad.into_iter().filter(|c| c.op.key() == 1).collect();
    assert!(check(&KvKey, &key1, &b).is_invalid());
    assert!(matches!(check(&KvKey, &[], &b), Verdict::Valid(_)));
}

/// Issue 22 row 9: the memory budget is what the search really holds. 24
/// writes that never complete and one read of a value nobody wrote: every
/// subset of the writes, in every order, is a configuration to try (about
/// 24 * 2^23 of them), so any budget runs out. The bytes the search held at
/// its peak, counted by the test binary's allocator, must stay within the
/// budget and within 20 % of the peak the search itself reports.
/// (Porcupine's etcd model: the cas-register's pending writes are now
/// linearized just in time, which answers this history at once.)
#[test]
fn the_memory_budget_is_the_real_footprint() {
    use super::alloc_count::peak_bytes_of;
    let writes = 24u64;
    let mut calls: Vec<Call<EtcdOp>> = (0..writes)
        .map(|i| call(EtcdOp::Write(i as i64 + 1), i, None, i))
        .collect();
    calls.push(call(
        EtcdOp::Read(Some(Some(999))),
        writes,
        Some(writes + 1),
        100,
    ));
    let budget_bytes = 24 << 20;
    let budget = Budget::new(Duration::from_secs(300), budget_bytes);
    let (verdict, real) = peak_bytes_of(|| check(&EtcdRegister, &calls, &budget));
    let Verdict::Unknown(cause) = verdict else {
        panic!("the budget must run out: {verdict:?}");
    };
    assert!(cause.contains("memory budget"), "{cause}");
    let real = real as f64;
    eprintln!(
        "peak held: {:.2} MiB of a {} MiB budget; {cause}",
        real / (1u64 << 20) as f64,
        budget_bytes >> 20
    );
    assert!(
        real <= budget_bytes as f64 * 1.05,
        "the search held {:.1} MiB at its peak, over its {} MiB budget ({cause})",
        real / (1u64 << 20) as f64,
        budget_bytes >> 20
    );
    // "... peak 23.4 MiB ...": the search's own account of its peak.
    let reported = cause
        .split("peak ")
        .nth(1)
        .and_then(|s| s.split(" MiB").next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no reported peak in {cause:?}"))
        * (1u64 << 20) as f64;
    assert!(
        (reported - real).abs() <= 0.2 * real,
        "reported peak {:.1} MiB, real {:.1} MiB ({cause})",
        reported / (1u64 << 20) as f64,
        real / (1u64 << 20) as f64
    );
}

#[test]
fn refusals_print_values_as_clojures_str_does() {
    // knossos v0.3.9 model.clj `CASRegister`: `(str "can't read " (:value op)
    // " from register " value)`; `(str nil)` is "", `(str "a")` is a,
    // `(str [1 "b"])` is [1 "b"].
    use super::models::{CasOp, CasRegister, Interner};
    let mut values = Interner::new();
    let a = values.intern(&json!("a"));
    let one = values.intern(&json!(1));
    let vec = values.intern(&json!([1, "b"]));
    assert_eq!(
        CasRegister::refusal(&CasOp::Read(Some(a)), 0, &values),
        "can't read a from register "
    );
    assert_eq!(
        CasRegister::refusal(&CasOp::Cas(one, vec), a, &values),
        "can't CAS a from 1 to [1 \"b\"]"
    );
    assert_eq!(
        CasRegister::refusal(&CasOp::Read(Some(one)), vec, &values),
        "can't read 1 from register [1 \"b\"]"
    );
}

/// Symmetry (docs/linearizability.md, "Identical pending ops"): 40 pending
/// writes of 2, all observed by a read of 2, then a read of 3 nobody wrote,
/// with Porcupine's etcd model (its writes are not blind writes, so only the
/// symmetry applies). Without it the search caches every subset of the 40
/// writes (2^40) and runs out of budget; with it, the subsets are prefixes.
#[test]
fn identical_pending_writes_are_explored_in_one_order() {
    let mut calls = vec![call(EtcdOp::Write(1), 0, Some(1), 0)];
    for p in 0..40 {
        calls.push(call(EtcdOp::Write(2), 2 + p, None, 1 + p));
    }
    calls.push(call(EtcdOp::Read(Some(Some(2))), 100, Some(101), 50));
    calls.push(call(EtcdOp::Read(Some(Some(3))), 200, Some(201), 50));
    let budget = Budget::new(Duration::from_secs(20), 64 << 20);
    let v = check(&EtcdRegister, &calls, &budget);
    let Verdict::Invalid(f) = v else {
        panic!("expected invalid, got {v:?}")
    };
    assert_eq!(f.op, 42, "the read of 3 fails");
    // Dropping the final read makes it valid, through the symmetry too.
    calls.pop();
    assert!(matches!(
        check(&EtcdRegister, &calls, &budget),
        Verdict::Valid(Some(2))
    ));
}

/// Just in time (docs/linearizability.md, "Pending blind writes, just in
/// time"): 24 pending writes of 1..=24, then reads of 1, 2, .., 24 one
/// after the other, each needing its write just before it, then a read of
/// 999 nobody wrote. Every value is observed, so none is dropped before
/// the search; without the rule the search tries every subset of the other
/// pending writes before each read (2^23 and more) and runs out of budget.
#[test]
fn pending_writes_are_linearized_just_before_the_reads_that_need_them() {
    use super::models::{CasOp, CasRegister};
    let n = 24u32;
    let mut calls: Vec<Call<CasOp>> = (1..=n)
        .map(|v| call(CasOp::Write(v), v as u64, None, v as u64))
        .collect();
    for v in 1..=n {
        let t = 100 + 10 * v as u64;
        calls.push(call(CasOp::Read(Some(v)), t, Some(t + 1), 100));
    }
    let budget = Budget::new(Duration::from_secs(20), 64 << 20);
    let model = CasRegister { initial: 0 };
    assert!(matches!(check(&model, &calls, &budget), Verdict::Valid(24)));
    calls.push(call(CasOp::Read(Some(999)), 1000, Some(1001), 100));
    let v = check(&model, &calls, &budget);
    let Verdict::Invalid(f) = v else {
        panic!("expected invalid, got {v:?}")
    };
    assert_eq!(f.op, calls.len() - 1, "the read of 999 fails");
}
