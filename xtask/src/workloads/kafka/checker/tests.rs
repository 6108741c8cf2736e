//! Hand-built histories: every anomaly seen to fire on a bad history and
//! not on a near-identical good one.

use super::check;
use crate::checkers::testing::op_at;
use crate::checkers::Validity;
use crate::history::{History, Op, OpType, Process};
use serde_json::{json, Value};

/// A history under construction; each event is 10 ns after the previous one.
#[derive(Default)]
struct H {
    ops: Vec<Op>,
}

impl H {
    fn push(
        &mut self,
        p: u64,
        kind: OpType,
        f: &str,
        value: Value,
        error: Option<Value>,
    ) -> &mut Self {
        let index = self.ops.len();
        let mut op = op_at(index, index as u64 * 10, Process::Client(p), kind, f, value);
        op.error = error;
        self.ops.push(op);
        self
    }
    fn invoke_send(&mut self, p: u64, k: &str, msg: i64) -> &mut Self {
        self.push(p, OpType::Invoke, "send", json!([["send", k, msg]]), None)
    }
    fn send_ok(&mut self, p: u64, k: &str, offset: i64, msg: i64) -> &mut Self {
        self.invoke_send(p, k, msg);
        self.push(
            p,
            OpType::Ok,
            "send",
            json!([["send", k, [offset, msg]]]),
            None,
        )
    }
    fn send_ended(&mut self, p: u64, kind: OpType, k: &str, msg: i64) -> &mut Self {
        self.invoke_send(p, k, msg);
        self.push(
            p,
            kind,
            "send",
            json!([["send", k, msg]]),
            Some(json!("net-timeout")),
        )
    }
    fn poll_ok(&mut self, p: u64, msgs: Value) -> &mut Self {
        self.push(p, OpType::Invoke, "poll", json!([["poll"]]), None);
        self.push(p, OpType::Ok, "poll", json!([["poll", msgs]]), None)
    }
    fn assign_ok(&mut self, p: u64, keys: Value) -> &mut Self {
        self.push(p, OpType::Invoke, "assign", keys.clone(), None);
        self.push(p, OpType::Ok, "assign", keys, None)
    }
    fn run(&self) -> (Validity, Value) {
        let r = check(&History::new(self.ops.clone()));
        (r.valid, r.to_json())
    }
}

fn error_types(r: &Value) -> Vec<String> {
    r["error-types"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn assert_has(h: &H, kind: &str) -> Value {
    let (v, r) = h.run();
    assert!(
        error_types(&r).contains(&kind.to_string()),
        "expected {kind} in {r:#}"
    );
    if kind != "int-send-skip" {
        assert_eq!(v, Validity::False, "{kind} must be fatal: {r:#}");
    }
    r
}

fn assert_clean(h: &H) -> Value {
    let (v, r) = h.run();
    assert_eq!(v, Validity::True, "expected a valid history: {r:#}");
    assert_eq!(error_types(&r), Vec::<String>::new());
    r
}

/// Three messages in key "0", all polled in order by process 0.
fn base() -> H {
    let mut h = H::default();
    h.send_ok(1, "0", 0, 1)
        .send_ok(1, "0", 1, 2)
        .send_ok(1, "0", 2, 3);
    h.poll_ok(0, json!({"0": [[0, 1], [1, 2], [2, 3]]}));
    h
}

#[test]
fn base_history_is_valid_and_reports_fields() {
    let r = assert_clean(&base());
    assert_eq!(r["bad-error-types"], json!([]));
    assert_eq!(r["info-txn-causes"], json!([]));
    assert_eq!(r["worst-realtime-lag"]["key"], json!("0"));
}

#[test]
fn inconsistent_offsets() {
    let mut bad = base();
    bad.poll_ok(2, json!({"0": [[0, 1], [1, 9]]}));
    bad.send_ok(3, "0", 3, 9); // 9 has a writer, but sits at offset 1 and 3
    let r = assert_has(&bad, "inconsistent-offsets");
    assert_eq!(r["inconsistent-offsets"]["errs"][0]["offset"], json!(1));
    assert_eq!(
        r["inconsistent-offsets"]["errs"][0]["values"],
        json!([2, 9])
    );
    let mut good = base();
    good.send_ok(3, "0", 3, 9)
        .poll_ok(2, json!({"0": [[0, 1], [1, 2], [2, 3], [3, 9]]}));
    assert_clean(&good);
}

#[test]
fn duplicate() {
    let mut bad = base();
    bad.send_ok(1, "0", 3, 1)
        .poll_ok(2, json!({"0": [[0, 1], [1, 2], [2, 3], [3, 1]]}));
    let r = assert_has(&bad, "duplicate");
    assert_eq!(
        r["duplicate"]["errs"][0],
        json!({"key": "0", "value": 1, "count": 2})
    );
    let mut good = base();
    good.send_ok(1, "0", 3, 4)
        .poll_ok(2, json!({"0": [[0, 1], [1, 2], [2, 3], [3, 4]]}));
    assert_clean(&good);
}

#[test]
fn lost_write() {
    let mut bad = H::default();
    bad.send_ok(1, "0", 0, 1)
        .send_ok(1, "0", 1, 2)
        .send_ok(1, "0", 2, 3);
    bad.poll_ok(0, json!({"0": [[0, 1]]}))
        .poll_ok(2, json!({"0": [[2, 3]]}));
    let r = assert_has(&bad, "lost-write");
    assert_eq!(r["lost-write"]["count"], json!(1));
    assert_eq!(r["lost-write"]["errs"][0]["value"], json!(2));
    assert_eq!(r["lost-write"]["errs"][0]["max-read-index"], json!(2));
    // Same, but someone polled 2 at some point: nothing lost.
    let mut good = H::default();
    good.send_ok(1, "0", 0, 1)
        .send_ok(1, "0", 1, 2)
        .send_ok(1, "0", 2, 3);
    good.poll_ok(0, json!({"0": [[0, 1]]}))
        .poll_ok(2, json!({"0": [[2, 3]]}))
        .poll_ok(3, json!({"0": [[1, 2]]}));
    assert_clean(&good);
}

#[test]
fn lost_write_ignores_unread_info_sends() {
    // An :info send sits below the bound but carries no offset: not in the log.
    let mut h = base();
    h.send_ended(4, OpType::Info, "0", 7);
    let (v, r) = h.run();
    assert_eq!(v, Validity::True, "{r:#}");
    assert_eq!(r["info-txn-causes"], json!(["net-timeout"]));
}

#[test]
fn g1a() {
    let mut bad = base();
    bad.send_ended(4, OpType::Fail, "1", 5)
        .poll_ok(2, json!({"1": [[0, 5]]}));
    let r = assert_has(&bad, "G1a");
    assert_eq!(r["G1a"]["errs"][0]["value"], json!(5));
    let mut good = base();
    // (The trailing empty poll keeps Jepsen's unseen merge-with quirk away.)
    good.send_ended(4, OpType::Info, "1", 5)
        .poll_ok(2, json!({"1": [[0, 5]]}))
        .poll_ok(2, json!({}));
    assert_clean(&good);
}

#[test]
fn poll_skip_and_its_reset_by_assign() {
    let mut bad = base();
    bad.poll_ok(5, json!({"0": [[0, 1]]}))
        .poll_ok(5, json!({"0": [[2, 3]]}));
    let r = assert_has(&bad, "poll-skip");
    assert_eq!(r["poll-skip"]["errs"][0]["delta"], json!(2));
    assert_eq!(r["poll-skip"]["errs"][0]["skipped"], json!([2]));
    let mut good = base();
    good.poll_ok(5, json!({"0": [[0, 1]]}))
        .assign_ok(5, json!(["7"]))
        .poll_ok(5, json!({"0": [[2, 3]]}));
    assert_clean(&good);
    // An assign that keeps the key does not reset it.
    let mut kept = base();
    kept.poll_ok(5, json!({"0": [[0, 1]]}))
        .assign_ok(5, json!(["0"]))
        .poll_ok(5, json!({"0": [[2, 3]]}));
    assert_has(&kept, "poll-skip");
    // A [] in between resets the comparison.
    let mut empty = base();
    empty
        .poll_ok(5, json!({"0": [[0, 1]]}))
        .poll_ok(5, json!({"0": []}))
        .poll_ok(5, json!({"0": [[2, 3]]}));
    assert_clean(&empty);
}

#[test]
fn nonmonotonic_poll() {
    let mut bad = base();
    bad.poll_ok(5, json!({"0": [[0, 1], [1, 2]]}))
        .poll_ok(5, json!({"0": [[1, 2], [2, 3]]}));
    let r = assert_has(&bad, "nonmonotonic-poll");
    assert_eq!(r["nonmonotonic-poll"]["errs"][0]["delta"], json!(0));
    assert_eq!(r["nonmonotonic-poll"]["errs"][0]["values"], json!([2, 2]));
    let mut good = base();
    good.poll_ok(5, json!({"0": [[0, 1], [1, 2]]}))
        .poll_ok(6, json!({"0": [[1, 2], [2, 3]]}));
    assert_clean(&good);
}

#[test]
fn internal_poll_anomalies() {
    let mut skip = base();
    skip.poll_ok(5, json!({"0": [[0, 1], [2, 3]]}));
    let r = assert_has(&skip, "int-poll-skip");
    assert_eq!(r["int-poll-skip"]["errs"][0]["skipped"], json!([2]));
    let mut back = base();
    back.poll_ok(5, json!({"0": [[1, 2], [0, 1]]}));
    let r = assert_has(&back, "int-nonmonotonic-poll");
    assert_eq!(r["int-nonmonotonic-poll"]["errs"][0]["delta"], json!(-1));
    let mut good = base();
    good.poll_ok(5, json!({"0": [[0, 1], [1, 2]]}));
    assert_clean(&good);
}

#[test]
fn nonmonotonic_send() {
    let mut bad = H::default();
    bad.send_ok(1, "0", 1, 2)
        .send_ok(1, "0", 0, 1)
        .poll_ok(0, json!({"0": [[0, 1], [1, 2]]}));
    let r = assert_has(&bad, "nonmonotonic-send");
    assert_eq!(r["nonmonotonic-send"]["errs"][0]["delta"], json!(-1));
    let mut reset = H::default();
    reset
        .send_ok(1, "0", 1, 2)
        .assign_ok(1, json!([]))
        .send_ok(1, "0", 0, 1);
    reset.poll_ok(0, json!({"0": [[0, 1], [1, 2]]}));
    assert_clean(&reset);
    let mut good = H::default();
    good.send_ok(1, "0", 1, 2)
        .send_ok(2, "0", 0, 1)
        .poll_ok(0, json!({"0": [[0, 1], [1, 2]]}));
    assert_clean(&good);
}

#[test]
fn internal_send_anomalies_and_the_allowed_skip() {
    // Impossible with Maelstrom's one-message sends; built by hand.
    let mut back = H::default();
    back.push(
        1,
        OpType::Invoke,
        "send",
        json!([["send", "0", 2], ["send", "0", 1]]),
        None,
    );
    back.push(
        1,
        OpType::Ok,
        "send",
        json!([["send", "0", [1, 2]], ["send", "0", [0, 1]]]),
        None,
    );
    back.poll_ok(0, json!({"0": [[0, 1], [1, 2]]}));
    assert_has(&back, "int-nonmonotonic-send");
    let mut skip = base();
    skip.push(
        1,
        OpType::Invoke,
        "send",
        json!([["send", "1", 1], ["send", "1", 3]]),
        None,
    );
    skip.push(
        1,
        OpType::Ok,
        "send",
        json!([["send", "1", [0, 1]], ["send", "1", [2, 3]]]),
        None,
    );
    skip.send_ok(2, "1", 1, 2)
        .poll_ok(0, json!({"1": [[0, 1], [1, 2], [2, 3]]}));
    let (v, r) = skip.run();
    assert_eq!(error_types(&r), vec!["int-send-skip"]);
    assert_eq!(r["bad-error-types"], json!([]));
    assert_eq!(v, Validity::True, "int-send-skip is allowed: {r:#}");
}

#[test]
fn unseen() {
    let mut bad = base();
    bad.send_ok(1, "0", 3, 4).send_ok(1, "2", 0, 1);
    let r = assert_has(&bad, "unseen");
    assert_eq!(r["unseen"]["unseen"], json!({"0": 1, "2": 1}));
    assert_eq!(r["unseen"]["messages"], json!({"0": [4], "2": [1]}));
    let mut good = base();
    good.send_ok(1, "0", 3, 4)
        .send_ok(1, "2", 0, 1)
        .poll_ok(0, json!({"0": [[3, 4]], "2": [[0, 1]]}));
    assert_clean(&good);
}

#[test]
fn unseen_merge_with_quirk_on_the_last_op() {
    // Key "5" first appears in the last :ok op, a poll, fed by an :info send:
    // Jepsen's merge-with copies its polled messages into "unseen".
    let mut bad = base();
    bad.send_ended(4, OpType::Info, "5", 1)
        .poll_ok(0, json!({"5": [[0, 1]]}));
    let r = assert_has(&bad, "unseen");
    assert_eq!(r["unseen"]["unseen"], json!({"5": 1}));
    // One more :ok op afterwards clears it.
    let mut good = base();
    good.send_ended(4, OpType::Info, "5", 1)
        .poll_ok(0, json!({"5": [[0, 1]]}))
        .poll_ok(2, json!({}));
    assert_clean(&good);
}

#[test]
fn g1c_realtime_read_from_the_future() {
    let mut bad = H::default();
    bad.poll_ok(0, json!({"0": [[0, 1]]}))
        .send_ok(1, "0", 0, 1)
        .poll_ok(2, json!({"0": [[0, 1]]}));
    let r = assert_has(&bad, "G1c-realtime");
    assert_eq!(r["G1c-realtime"]["count"], json!(1));
    // The send is concurrent with the poll: no cycle.
    let mut good = H::default();
    good.invoke_send(1, "0", 1)
        .poll_ok(0, json!({"0": [[0, 1]]}));
    good.push(1, OpType::Ok, "send", json!([["send", "0", [0, 1]]]), None);
    assert_clean(&good);
}

#[test]
fn unknown_outcomes() {
    // A polled message nobody ever sent: no writer.
    let mut h = base();
    h.poll_ok(2, json!({"9": [[0, 42]]}));
    assert_eq!(h.run().0, Validity::Unknown);
    // A key only ever returned as []: Jepsen's lost-write throws on index -1.
    let mut h = base();
    h.poll_ok(2, json!({"9": []}));
    let (v, r) = h.run();
    assert_eq!(v, Validity::Unknown, "{r:#}");
    let mut h = base();
    h.poll_ok(2, json!({"9": []}))
        .send_ok(1, "9", 0, 1)
        .poll_ok(2, json!({"9": [[0, 1]]}));
    assert_clean(&h);
    // Negative offsets.
    let mut h = base();
    h.send_ok(1, "0", -1, 4);
    assert_eq!(h.run().0, Validity::Unknown);
    // No :ok poll at all: no realtime-lag measurement.
    let mut h = H::default();
    h.send_ok(1, "0", 0, 1).send_ok(1, "0", 1, 2);
    assert_eq!(h.run().0, Validity::Unknown);
    // Nothing succeeded: empty transaction graph.
    let mut h = H::default();
    h.send_ended(1, OpType::Fail, "0", 1);
    assert_eq!(h.run().0, Validity::Unknown);
    assert_eq!(check(&History::default()).valid, Validity::Unknown);
}

#[test]
fn realtime_lag_follows_jepsens_docstring() {
    let mut h = H::default();
    h.send_ok(0, "x", 0, 1); // ok at t=10
    h.poll_ok(0, json!({"x": [[0, 1]]})); // lag 0
    h.send_ok(1, "x", 1, 2); // ok at t=50: offset 0 stops being the tail
    h.poll_ok(0, json!({"x": []})); // invoked at t=60: lag 10 ns
    h.poll_ok(2, json!({"x": [[1, 2]]}));
    let (v, r) = h.run();
    assert_eq!(v, Validity::True, "{r:#}");
    assert_eq!(
        r["worst-realtime-lag"],
        json!({"time": 60e-9, "process": 0, "key": "x", "lag": 10e-9})
    );
}

#[test]
fn malformed_values_make_the_checker_unknown_not_panic() {
    for value in [
        json!([["poll", 5]]),
        json!([["poll", {"0": 3}]]),
        json!([["poll", {"0": [7]}]]),
        json!([["poll", {"0": [["a", 1]]}]]),
    ] {
        let mut h = base();
        h.push(0, OpType::Invoke, "poll", json!([["poll"]]), None);
        h.push(0, OpType::Ok, "poll", value, None);
        assert_eq!(h.run().0, Validity::Unknown);
    }
    let mut h = base();
    h.push(0, OpType::Invoke, "poll", json!([["poll"]]), None);
    h.push(0, OpType::Ok, "poll", json!("odd"), None).push(
        0,
        OpType::Ok,
        "mystery",
        json!(null),
        None,
    );
    assert_eq!(h.run().0, Validity::True);
    // An :ok poll without its invocation: Jepsen's lag code reads a nil time.
    let mut h = base();
    h.push(0, OpType::Ok, "poll", json!([["poll", {}]]), None);
    assert_eq!(h.run().0, Validity::Unknown);
}

/// ~40k ops, 20 s at 1000 ops/s shape: sends to many keys, polls returning
/// them in order, final polls of everything. Must be valid; prints the time.
#[test]
fn large_valid_history_checks_quickly() {
    let mut h = H::default();
    let mut next = std::collections::BTreeMap::<u64, i64>::new();
    let mut pos = std::collections::BTreeMap::<(u64, u64), i64>::new();
    let mut rng = fastrand::Rng::with_seed(7);
    for i in 0..20_000u64 {
        let p = i % 4;
        let key = rng.u64(0..400);
        if rng.bool() {
            let o = next.entry(key).or_insert(0);
            h.send_ok(p, &key.to_string(), *o, *o + 1);
            *o += 1;
        } else {
            let at = pos.entry((p, key)).or_insert(0);
            let hi = next.get(&key).copied().unwrap_or(0);
            let msgs: Vec<Value> = (*at..hi.min(*at + 5)).map(|o| json!([o, o + 1])).collect();
            if msgs.is_empty() {
                h.poll_ok(p, json!({}));
            } else {
                *at = hi.min(*at + 5);
                h.poll_ok(p, json!({ key.to_string(): msgs }));
            }
        }
    }
    let all: serde_json::Map<String, Value> = next
        .iter()
        .map(|(k, n)| {
            (
                k.to_string(),
                Value::Array((0..*n).map(|o| json!([o, o + 1])).collect()),
            )
        })
        .collect();
    for p in 4..8 {
        h.assign_ok(
            p,
            Value::Array(next.keys().map(|k| json!(k.to_string())).collect()),
        );
        h.poll_ok(p, Value::Object(all.clone()));
    }
    let n = h.ops.len();
    let start = std::time::Instant::now();
    let (v, r) = h.run();
    eprintln!("checked {n} ops in {:?}", start.elapsed());
    assert!(n >= 40_000);
    assert_eq!(v, Validity::True, "{}", r["error-types"]);
}

#[test]
fn realtime_lag_seeds_assigned_keys_nobody_sent_to() {
    // Jepsen's `realtime-lag` seeds every assigned key at offset -1, so a
    // process polling only keys nobody ever sent to still yields a lag of 0
    // (its `expired-at` is ##Inf) and the run is valid, not unknown.
    let mut h = H::default();
    h.send_ended(1, OpType::Info, "0", 1);
    h.assign_ok(0, json!(["5", "6"]));
    h.poll_ok(0, json!({}));
    // A later poll in real time gives Elle's graph an edge.
    h.assign_ok(2, json!(["6"])).poll_ok(2, json!({}));
    let (v, r) = h.run();
    assert_eq!(v, Validity::True, "{r:#}");
    assert_eq!(
        r["worst-realtime-lag"],
        json!({"time": 40e-9, "process": 0, "key": "5", "lag": 0.0})
    );
    // Our final assign records {"keys": [..], "seek-to-beginning?": true}
    // where Jepsen has the key list plus an op field: seeded the same way.
    let mut h = H::default();
    h.send_ended(1, OpType::Info, "0", 1);
    h.assign_ok(0, json!({"keys": ["5"], "seek-to-beginning?": true}));
    h.poll_ok(0, json!({}));
    h.assign_ok(2, json!(["6"])).poll_ok(2, json!({}));
    let (v, r) = h.run();
    assert_eq!(v, Validity::True, "{r:#}");
    assert_eq!(r["worst-realtime-lag"]["key"], json!("5"), "{r:#}");
}

#[test]
fn subscribe_forgets_the_offsets_realtime_lag_tracks() {
    // jepsen v0.3.1 kafka.clj `realtime-lag`:
    //   :subscribe (recur history' (assoc process-offsets process {}) lags)
    // Offset 1 of x is known at t=50; process 0's poll of offset 0, invoked
    // at t=60, lags 10 ns. After its subscribe, its empty polls track no key:
    // kept offsets would make each later poll lag more (the last one 160 ns).
    let mut h = H::default();
    h.assign_ok(0, json!(["x"]));
    h.send_ok(1, "x", 0, 1).send_ok(1, "x", 1, 2);
    h.poll_ok(0, json!({"x": [[0, 1]]}));
    h.push(0, OpType::Invoke, "subscribe", json!(["x"]), None)
        .push(0, OpType::Ok, "subscribe", json!(["x"]), None);
    for _ in 0..5 {
        h.poll_ok(0, json!({}));
    }
    let (_, r) = h.run();
    let lag = r["worst-realtime-lag"]["lag"].as_f64().unwrap();
    assert!((lag - 10e-9).abs() < 1e-12, "{r:#}");
    assert_eq!(r["worst-realtime-lag"]["key"], json!("x"));
}
