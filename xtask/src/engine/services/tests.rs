//! Every rule of Maelstrom's services (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/service.clj), each in a test that fails if the rule breaks.

use super::*;
use serde_json::json;

fn rng() -> fastrand::Rng {
    fastrand::Rng::with_seed(7)
}

fn read(s: &mut Services, svc: &str, src: &str, key: Value, r: &mut fastrand::Rng) -> Value {
    s.handle(
        svc,
        src,
        &json!({"type": "read", "key": key, "msg_id": 1}),
        r,
    )
    .expect("read gets a reply")
}

fn write(
    s: &mut Services,
    svc: &str,
    src: &str,
    key: Value,
    value: Value,
    r: &mut fastrand::Rng,
) -> Value {
    s.handle(
        svc,
        src,
        &json!({"type": "write", "key": key, "value": value, "msg_id": 2}),
        r,
    )
    .expect("write gets a reply")
}

fn cas(
    s: &mut Services,
    svc: &str,
    src: &str,
    key: Value,
    from: Value,
    to: Value,
    r: &mut fastrand::Rng,
) -> Value {
    let body = json!({"type": "cas", "key": key, "from": from, "to": to, "msg_id": 3});
    s.handle(svc, src, &body, r).expect("cas gets a reply")
}

/// The value a read reply carries, or None for error 20.
fn read_value(reply: &Value) -> Option<Value> {
    match reply["type"].as_str() {
        Some("read_ok") => Some(reply["value"].clone()),
        _ => {
            assert_eq!(reply["code"], json!(20), "unexpected read reply {reply}");
            None
        }
    }
}

#[test]
fn lin_kv_reply_shapes_are_exact() {
    let (mut s, mut r) = (Services::new(), rng());
    let missing = s.handle(
        "lin-kv",
        "n0",
        &json!({"type": "read", "key": "x", "msg_id": 7}),
        &mut r,
    );
    assert_eq!(
        missing,
        Some(json!({"type": "error", "code": 20, "text": "key does not exist", "in_reply_to": 7}))
    );
    assert_eq!(
        write(&mut s, "lin-kv", "n0", json!("x"), json!(3), &mut r),
        json!({"type": "write_ok", "in_reply_to": 2})
    );
    assert_eq!(
        read(&mut s, "lin-kv", "n1", json!("x"), &mut r),
        json!({"type": "read_ok", "value": 3, "in_reply_to": 1})
    );
    assert_eq!(
        cas(
            &mut s,
            "lin-kv",
            "n0",
            json!("x"),
            json!(5),
            json!(6),
            &mut r
        ),
        json!({"type": "error", "code": 22, "text": "current value 3 is not 5", "in_reply_to": 3})
    );
    assert_eq!(
        cas(
            &mut s,
            "lin-kv",
            "n0",
            json!("x"),
            json!(3),
            json!(6),
            &mut r
        ),
        json!({"type": "cas_ok", "in_reply_to": 3})
    );
    assert_eq!(
        cas(
            &mut s,
            "lin-kv",
            "n0",
            json!("y"),
            json!(3),
            json!(6),
            &mut r
        )["code"],
        json!(20)
    );
}

#[test]
fn missing_msg_id_and_fields_are_null() {
    let (mut s, mut r) = (Services::new(), rng());
    // No msg_id: in_reply_to is null, and no msg_id is ever added.
    let reply = s
        .handle("lin-kv", "n0", &json!({"type": "write"}), &mut r)
        .unwrap();
    assert_eq!(reply, json!({"type": "write_ok", "in_reply_to": null}));
    // That write addressed the null key with a null value.
    assert_eq!(
        read(&mut s, "lin-kv", "n0", json!(null), &mut r)["value"],
        json!(null)
    );
    let ts = s
        .handle("lin-tso", "n0", &json!({"type": "ts"}), &mut r)
        .unwrap();
    assert_eq!(ts, json!({"type": "ts_ok", "ts": 0, "in_reply_to": null}));
}

#[test]
fn unknown_types_and_services_get_no_reply() {
    let (mut s, mut r) = (Services::new(), rng());
    for svc in ["lin-kv", "seq-kv", "lww-kv"] {
        assert_eq!(
            s.handle(svc, "n0", &json!({"type": "ts", "msg_id": 1}), &mut r),
            None
        );
        assert_eq!(s.handle(svc, "n0", &json!({"msg_id": 1}), &mut r), None);
        assert_eq!(s.handle(svc, "n0", &json!("read"), &mut r), None);
    }
    assert_eq!(
        s.handle(
            "lin-tso",
            "n0",
            &json!({"type": "read", "msg_id": 1}),
            &mut r
        ),
        None
    );
    assert_eq!(
        s.handle(
            "lin-foo",
            "n0",
            &json!({"type": "read", "msg_id": 1}),
            &mut r
        ),
        None
    );
    // The rejected ts request did not consume a timestamp.
    assert_eq!(
        s.handle("lin-tso", "n0", &json!({"type": "ts", "msg_id": 1}), &mut r)
            .unwrap()["ts"],
        json!(0)
    );
}

#[test]
fn equality_is_structural_json() {
    let (mut s, mut r) = (Services::new(), rng());
    write(&mut s, "lin-kv", "n0", json!(1), json!(1), &mut r);
    // Keys 1.0 and "1" are other keys than 1.
    assert_eq!(
        read_value(&read(&mut s, "lin-kv", "n0", json!(1.0), &mut r)),
        None
    );
    assert_eq!(
        read_value(&read(&mut s, "lin-kv", "n0", json!("1"), &mut r)),
        None
    );
    // A cas from 1.0 does not match 1, and the text prints both as Clojure does.
    let reply = cas(
        &mut s,
        "lin-kv",
        "n0",
        json!(1),
        json!(1.0),
        json!(2),
        &mut r,
    );
    assert_eq!(reply["text"], json!("current value 1 is not 1.0"));
    // Keys that are objects match regardless of field order; arrays element-wise.
    write(
        &mut s,
        "lin-kv",
        "n0",
        json!({"a": 1, "b": [1, 2]}),
        json!("v"),
        &mut r,
    );
    let key: Value = serde_json::from_str(r#"{"b": [1, 2], "a": 1}"#).unwrap();
    assert_eq!(
        read_value(&read(&mut s, "lin-kv", "n0", key, &mut r)),
        Some(json!("v"))
    );
    assert_eq!(
        read_value(&read(
            &mut s,
            "lin-kv",
            "n0",
            json!({"a": 1, "b": [2, 1]}),
            &mut r
        )),
        None
    );
    // Huge integer keys stay exact.
    write(
        &mut s,
        "lin-kv",
        "n0",
        json!(18446744073709551615u64),
        json!(1),
        &mut r,
    );
    assert_eq!(
        read_value(&read(
            &mut s,
            "lin-kv",
            "n0",
            json!(18446744073709551614u64),
            &mut r
        )),
        None
    );
}

#[test]
fn cas_from_equal_to_succeeds_and_22_texts_are_edn() {
    let (mut s, mut r) = (Services::new(), rng());
    write(
        &mut s,
        "lin-kv",
        "n0",
        json!("k"),
        json!([1, "a", null]),
        &mut r,
    );
    assert_eq!(
        cas(
            &mut s,
            "lin-kv",
            "n0",
            json!("k"),
            json!([1, "a", null]),
            json!([1, "a", null]),
            &mut r
        )["type"],
        json!("cas_ok")
    );
    let reply = cas(
        &mut s,
        "lin-kv",
        "n0",
        json!("k"),
        json!("a"),
        json!(null),
        &mut r,
    );
    assert_eq!(
        reply["text"],
        json!("current value [1 \"a\" nil] is not \"a\"")
    );
    let reply = cas(
        &mut s,
        "lin-kv",
        "n0",
        json!("k"),
        json!(null),
        json!(1),
        &mut r,
    );
    assert_eq!(
        reply["text"],
        json!("current value [1 \"a\" nil] is not nil")
    );
}

#[test]
fn create_if_not_exists_takes_clojure_truthiness() {
    let (mut s, mut r) = (Services::new(), rng());
    let body = |key: &str, flag: Value| json!({"type": "cas", "key": key, "from": 9, "to": 1, "create_if_not_exists": flag, "msg_id": 1});
    for (i, flag) in [json!(true), json!(0), json!(""), json!([])]
        .into_iter()
        .enumerate()
    {
        let key = format!("t{i}");
        assert_eq!(
            s.handle("lin-kv", "n0", &body(&key, flag), &mut r).unwrap()["type"],
            json!("cas_ok")
        );
        assert_eq!(
            read_value(&read(&mut s, "lin-kv", "n0", json!(key), &mut r)),
            Some(json!(1)),
            "from is ignored on create"
        );
    }
    for flag in [json!(false), json!(null)] {
        assert_eq!(
            s.handle("lin-kv", "n0", &body("f", flag), &mut r).unwrap()["code"],
            json!(20)
        );
    }
    // seq-kv honours it too; an existing key is a plain cas.
    assert_eq!(
        s.handle("seq-kv", "n0", &body("s", json!(true)), &mut r)
            .unwrap()["type"],
        json!("cas_ok")
    );
    assert_eq!(
        s.handle("seq-kv", "n0", &body("s", json!(true)), &mut r)
            .unwrap()["code"],
        json!(22)
    );
}

#[test]
fn lin_tso_counts_from_zero_across_callers() {
    let (mut s, mut r) = (Services::new(), rng());
    let got: Vec<Value> = ["n0", "n1", "n0", "c4"]
        .iter()
        .map(|src| {
            s.handle("lin-tso", src, &json!({"type": "ts", "msg_id": 5}), &mut r)
                .unwrap()
        })
        .collect();
    let ts: Vec<Value> = got.iter().map(|g| g["ts"].clone()).collect();
    assert_eq!(ts, vec![json!(0), json!(1), json!(2), json!(3)]);
    assert_eq!(got[0], json!({"type": "ts_ok", "ts": 0, "in_reply_to": 5}));
}

#[test]
fn lww_kv_replicas_never_converge() {
    let (mut s, mut r) = (Services::new(), rng());
    write(&mut s, "lww-kv", "n0", json!("x"), json!(1), &mut r);
    // Long after the write, reads still split between the value and "missing".
    let (mut found, mut missing) = (0, 0);
    for _ in 0..400 {
        match read_value(&read(&mut s, "lww-kv", "n1", json!("x"), &mut r)) {
            Some(v) => {
                assert_eq!(v, json!(1));
                found += 1
            }
            None => missing += 1,
        }
    }
    assert!(
        found > 100 && missing > 100,
        "found {found}, missing {missing}"
    );
}

#[test]
fn lww_kv_ignores_create_if_not_exists_and_prints_from_plainly() {
    let (mut s, mut r) = (Services::new(), rng());
    let body = json!({"type": "cas", "key": "k", "from": 0, "to": 1, "create_if_not_exists": true, "msg_id": 1});
    for _ in 0..50 {
        assert_eq!(
            s.handle("lww-kv", "n0", &body, &mut r).unwrap()["code"],
            json!(20)
        );
    }
    // Write to both replicas (enough tries that each got one), then a mismatching cas.
    for _ in 0..50 {
        write(&mut s, "lww-kv", "n0", json!("k"), json!("cur"), &mut r);
    }
    let reply = cas(
        &mut s,
        "lww-kv",
        "n0",
        json!("k"),
        json!("a"),
        json!("b"),
        &mut r,
    );
    assert_eq!(reply["text"], json!("current value \"cur\" is not a"));
    let reply = cas(
        &mut s,
        "lww-kv",
        "n0",
        json!("k"),
        json!(null),
        json!("b"),
        &mut r,
    );
    assert_eq!(reply["text"], json!("current value \"cur\" is not "));
}

#[test]
fn seq_kv_stale_reads_happen_and_a_reader_reaches_the_head_without_writing() {
    // n0 writes x = 1..=5; n1, which never wrote, only reads. Reads are
    // stale (several distinct results), yet every seed's reader reaches the
    // newest state: v0.2.3 draws uniformly over [seen, last] *inclusive*
    // (`Sequential/handle!`, `(-> last-index (- client-index) inc rand-int
    // (+ client-index))`), so each read hits `last` with probability
    // 1/(last-seen+1). A draw over [seen, last) would never return 5.
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..20 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        for v in 1..=5 {
            write(&mut s, "seq-kv", "n0", json!("x"), json!(v), &mut r);
        }
        let mut reached = false;
        for _ in 0..100 {
            let got = read_value(&read(&mut s, "seq-kv", "n1", json!("x"), &mut r));
            let got = got.map(|v| v.as_i64().unwrap()).unwrap_or(0);
            seen.insert(got);
            reached |= got == 5;
        }
        assert!(reached, "seed {seed}: a reader never reached the head");
        assert_eq!(s.seq_kv.seen("n1"), 5, "the head is absorbing");
    }
    assert!(
        seen.len() >= 3,
        "reads were not stale in varied ways: {seen:?}"
    );
}

#[test]
fn seq_kv_first_draw_covers_seen_to_last_inclusive() {
    // seen = 3, last = 5: (5-3)+1 = 3, (rand-int 3) in {0,1,2}, +3 gives
    // {3,4,5}; each value shows up, nothing else does.
    let mut got = std::collections::BTreeSet::new();
    for seed in 0..60 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        for v in 1..=3 {
            write(&mut s, "seq-kv", "n1", json!("x"), json!(v), &mut r);
        }
        for v in 4..=5 {
            write(&mut s, "seq-kv", "n0", json!("x"), json!(v), &mut r);
        }
        assert_eq!((s.seq_kv.seen("n1"), s.seq_kv.last()), (3, 5));
        let v = read_value(&read(&mut s, "seq-kv", "n1", json!("x"), &mut r));
        got.insert(v.and_then(|v| v.as_i64()).unwrap_or(0));
    }
    assert_eq!(got, [3, 4, 5].into_iter().collect());
}

#[test]
fn seq_kv_read_your_writes_per_caller() {
    for seed in 0..20 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        for step in 0..25 {
            for (i, node) in ["n0", "n1", "n2"].iter().enumerate() {
                let key = json!(format!("k{i}"));
                write(&mut s, "seq-kv", node, key.clone(), json!(step), &mut r);
                // Another caller's write moves the head past this caller.
                write(
                    &mut s,
                    "seq-kv",
                    "n9",
                    json!("other"),
                    json!(step * 10 + i),
                    &mut r,
                );
                assert_eq!(
                    read_value(&read(&mut s, "seq-kv", node, key, &mut r)),
                    Some(json!(step))
                );
            }
        }
    }
}

#[test]
fn seq_kv_reads_are_monotonic_per_caller_within_the_window() {
    for seed in 0..50 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        let mut last_read = -1;
        // 30 versions: stays within the 32-state window.
        for v in 0..30 {
            write(&mut s, "seq-kv", "n0", json!("x"), json!(v), &mut r);
            for _ in 0..3 {
                let got = read_value(&read(&mut s, "seq-kv", "n1", json!("x"), &mut r))
                    .map_or(-1, |v| v.as_i64().unwrap());
                assert!(
                    got >= last_read,
                    "seed {seed}: read {got} after {last_read}"
                );
                last_read = got;
            }
        }
        assert!(s.seq_kv.last() < 32);
    }
}

#[test]
fn seq_kv_no_op_write_is_placed_in_the_past() {
    // The example of jepsen-io/maelstrom v0.2.3 doc/services.md: n1 writes
    // x=1, n2 writes x=2, n1 writes x=1 again. n1 is at version 1, the head
    // at 2, so the draw is 1 or 2. Drawn 1, the write leaves x=1 unchanged:
    // acknowledged in the past, newest state untouched, n1 stays at 1. Drawn
    // 2, it changes x=2, so it is re-run on the newest state: version 3.
    let mut outcomes = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        write(&mut s, "seq-kv", "n1", json!("x"), json!(1), &mut r);
        write(&mut s, "seq-kv", "n2", json!("x"), json!(2), &mut r);
        assert_eq!(s.seq_kv.last(), 2);
        assert_eq!(
            write(&mut s, "seq-kv", "n1", json!("x"), json!(1), &mut r)["type"],
            json!("write_ok")
        );
        let at = (s.seq_kv.last(), s.seq_kv.seen("n1"));
        assert!(at == (2, 1) || at == (3, 3), "seed {seed}: {at:?}");
        outcomes.insert(at);
        if at == (2, 1) {
            // n2 sits at the head, which the no-op write did not touch.
            assert_eq!(
                read_value(&read(&mut s, "seq-kv", "n2", json!("x"), &mut r)),
                Some(json!(2))
            );
        }
        // A write that changes every state goes to the head and moves the caller there.
        write(&mut s, "seq-kv", "n1", json!("x"), json!(3), &mut r);
        assert_eq!(s.seq_kv.seen("n1"), s.seq_kv.last());
    }
    assert_eq!(outcomes.len(), 2, "one outcome never showed: {outcomes:?}");
}

#[test]
fn seq_kv_cas_against_stale_and_newest_state() {
    // n1 is at version 1 (x=1), the head at 2 (x=2); each request draws 1 or 2.
    let mut outcomes = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        write(&mut s, "seq-kv", "n1", json!("x"), json!(1), &mut r);
        write(&mut s, "seq-kv", "n2", json!("x"), json!(2), &mut r);
        // A cas from 1 to 5: against the stale x=1 it would succeed, so it is
        // re-run on the newest (x=2), fails there, and still appends an
        // identical version; against x=2 it fails without a change.
        let reply = cas(
            &mut s,
            "seq-kv",
            "n1",
            json!("x"),
            json!(1),
            json!(5),
            &mut r,
        );
        assert_eq!(reply["text"], json!("current value 2 is not 1"));
        let at = (s.seq_kv.last(), s.seq_kv.seen("n1"));
        assert!(at == (3, 3) || at == (2, 2), "seed {seed}: {at:?}");
        outcomes.insert(at);
        assert_eq!(
            read_value(&read(&mut s, "seq-kv", "n1", json!("x"), &mut r)),
            Some(json!(2))
        );
    }
    assert_eq!(outcomes.len(), 2, "one outcome never showed: {outcomes:?}");
    // A cas from 2 at version 1 with the head at 2: drawn 1, it fails
    // against the stale x=1; drawn 2, it succeeds on the newest state.
    let mut replies = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        write(&mut s, "seq-kv", "n1", json!("x"), json!(1), &mut r);
        write(&mut s, "seq-kv", "n2", json!("x"), json!(2), &mut r);
        let reply = cas(
            &mut s,
            "seq-kv",
            "n1",
            json!("x"),
            json!(2),
            json!(3),
            &mut r,
        );
        let outcome = match reply["type"].as_str() {
            Some("cas_ok") => (s.seq_kv.last(), "cas_ok".to_string()),
            _ => (s.seq_kv.last(), reply["text"].as_str().unwrap().to_string()),
        };
        replies.insert(outcome);
    }
    let want: std::collections::BTreeSet<_> = [
        (2, "current value 1 is not 2".to_string()),
        (3, "cas_ok".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(replies, want);
}

#[test]
fn seq_kv_wraps_around_for_callers_lagging_beyond_the_window() {
    // n1 stays at version 0 while n0 makes 40 versions; the window holds
    // versions 9..=40. Every read lands inside the window (never the empty
    // map, and a wrapped draw may even hit the head), and across draws
    // monotonicity breaks, as in v0.2.3.
    let mut violated = false;
    for seed in 0..40 {
        let (mut s, mut r) = (Services::new(), fastrand::Rng::with_seed(seed));
        for v in 1..=40 {
            write(&mut s, "seq-kv", "n0", json!("x"), json!(v), &mut r);
        }
        let mut prev = 0;
        for _ in 0..10 {
            let got = read_value(&read(&mut s, "seq-kv", "n1", json!("x"), &mut r))
                .expect("a wrapped read sees the window");
            let got = got.as_i64().unwrap();
            assert!((9..=40).contains(&got), "read {got} outside the window");
            violated |= got < prev;
            prev = got;
        }
    }
    assert!(violated, "the wrap-around quirk never showed");
}
