//! Histories written as Jepsen 0.3.1 writes `history.edn` (one `prn`ed op a
//! line: `#jepsen.history.Op{:index .., :time .., :type .., :process .., :f
//! .., :value ..}` plus any extra fields, or a plain keyword map), a good and
//! a bad one per workload, each with partition nemesis ops; and the reader's
//! errors.

use super::read_history;
use crate::checkers::Validity;
use crate::cmd::check::{command, run};
use crate::history::{OpType, Process};
use serde_json::{json, Value};

/// The partition nemesis's four ops as Maelstrom v0.2.3 records them
/// (jepsen.nemesis `partitioner`: `:start-partition` invoked with the grudge
/// name, completed with `[:isolated grudge]`; `:stop-partition` completed
/// with `:network-healed`). `{i}` placeholders are the indexes.
fn nemesis(first_index: usize, time: u64) -> String {
    let i = first_index;
    format!(
        "{{:type :info, :f :start-partition, :value :majority, :time {t0}, :process :nemesis, :index {i0}}}
{{:type :info, :f :start-partition, :value [:isolated {{\"n0\" #{{\"n1\"}}, \"n1\" #{{\"n0\"}}}}], :time {t1}, :process :nemesis, :index {i1}}}
{{:type :info, :f :stop-partition, :value nil, :time {t2}, :process :nemesis, :index {i2}}}
{{:type :info, :f :stop-partition, :value :network-healed, :time {t3}, :process :nemesis, :index {i3}}}
",
        t0 = time,
        t1 = time + 1_000,
        t2 = time + 2_000,
        t3 = time + 3_000,
        i0 = i,
        i1 = i + 1,
        i2 = i + 2,
        i3 = i + 3,
    )
}

/// `op` as Jepsen prints a `jepsen.history.Op` record.
fn rec(index: usize, time: u64, kind: &str, process: u64, f: &str, value: &str) -> String {
    format!(
        "#jepsen.history.Op{{:index {index}, :time {time}, :type :{kind}, :process {process}, :f :{f}, :value {value}}}\n"
    )
}

/// Writes `edn` to a temporary history.edn and checks it.
fn check(workload: &str, edn: &str, flags: &[&str]) -> (Value, Validity) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.edn");
    std::fs::write(&path, edn).expect("write history.edn");
    let mut args = vec![workload.to_string(), path.display().to_string()];
    args.extend(flags.iter().map(|s| s.to_string()));
    run(&args).unwrap_or_else(|e| panic!("{workload}: {e}\n{edn}"))
}

fn assert_verdict(workload: &str, edn: &str, flags: &[&str], want: Validity) -> Value {
    let (results, valid) = check(workload, edn, flags);
    assert_eq!(valid, want, "{workload}: {results:#}");
    assert_eq!(results["valid?"], want.to_json());
    // The nemesis ops were read and counted as the nemesis's, not a client's.
    assert!(results["stats"].is_object(), "{results:#}");
    results
}

fn echo(second_reply: &str) -> String {
    let mut h = rec(0, 7_441_666, "invoke", 0, "echo", "\"Please echo 35\"");
    h += &rec(1, 7_501_000, "invoke", 1, "echo", "\"Please echo 36\"");
    h += &rec(
        2,
        9_120_333,
        "ok",
        0,
        "echo",
        "{:type \"echo_ok\", :echo \"Please echo 35\", :msg_id 1, :in_reply_to 1}",
    );
    h += &nemesis(3, 10_000_000);
    h += &format!("{{:type :ok, :f :echo, :value {{:type \"echo_ok\", :echo \"{second_reply}\", :msg_id 1, :in_reply_to 1}}, :time 20000000, :process 1, :index 7}}\n");
    h
}

#[test]
fn echo_good_and_bad() {
    let r = assert_verdict("echo", &echo("Please echo 36"), &[], Validity::True);
    assert_eq!(r["stats"]["count"], json!(2), "{r:#}");
    let r = assert_verdict("echo", &echo("Please echo 99"), &[], Validity::False);
    assert_eq!(r["workload"]["errors"][0][1], json!("Please echo 36"));
}

fn unique_ids(second_id: &str) -> String {
    let mut h = rec(0, 1_000, "invoke", 0, "generate", "nil");
    h += &rec(1, 2_000, "invoke", 1, "generate", "nil");
    h += &rec(2, 3_000, "ok", 0, "generate", "\"n0-1\"");
    h += &nemesis(3, 4_000);
    h += &rec(7, 9_000, "ok", 1, "generate", second_id);
    h += &rec(8, 10_000, "invoke", 0, "generate", "nil");
    h += &rec(9, 11_000, "info", 0, "generate", "nil");
    h
}

#[test]
fn unique_ids_good_and_bad() {
    assert_verdict("unique-ids", &unique_ids("\"n1-1\""), &[], Validity::True);
    let r = assert_verdict("unique-ids", &unique_ids("\"n0-1\""), &[], Validity::False);
    assert_eq!(r["workload"]["duplicated-count"], json!(1), "{r:#}");
    // --availability total: the :info generate now fails availability.
    let r = assert_verdict(
        "unique-ids",
        &unique_ids("\"n1-1\""),
        &["--availability", "total"],
        Validity::False,
    );
    assert_eq!(r["availability"]["valid?"], json!(false), "{r:#}");
}

fn broadcast(final_read: &str) -> String {
    let mut h = rec(0, 1_000, "invoke", 0, "broadcast", "0");
    h += &rec(1, 2_000, "ok", 0, "broadcast", "0");
    h += &rec(2, 3_000, "invoke", 1, "broadcast", "1");
    h += &rec(3, 4_000, "ok", 1, "broadcast", "1");
    h += &nemesis(4, 5_000);
    h += "#jepsen.history.Op{:index 8, :time 20000000000, :type :invoke, :process 0, :f :read, :value nil, :final? true}\n";
    h += &format!("#jepsen.history.Op{{:index 9, :time 20001000000, :type :ok, :process 0, :f :read, :value {final_read}, :final? true}}\n");
    h
}

#[test]
fn broadcast_good_and_bad() {
    let r = assert_verdict("broadcast", &broadcast("[0 1]"), &[], Validity::True);
    assert_eq!(r["workload"]["stable-count"], json!(2), "{r:#}");
    let r = assert_verdict("broadcast", &broadcast("[0]"), &[], Validity::False);
    assert_eq!(r["workload"]["lost"], json!([1]), "{r:#}");
}

fn g_counter(final_value: u64) -> String {
    let mut h = rec(0, 1_000, "invoke", 0, "add", "3");
    h += &rec(1, 2_000, "ok", 0, "add", "3");
    h += &rec(2, 3_000, "invoke", 1, "add", "4");
    h += &rec(3, 4_000, "ok", 1, "add", "4");
    h += &nemesis(4, 5_000);
    h += "{:type :invoke, :f :read, :value nil, :final? true, :time 30000000000, :process 0, :index 8}\n";
    h += &format!("{{:type :ok, :f :read, :value {final_value}, :final? true, :time 30000500000, :process 0, :index 9}}\n");
    h
}

#[test]
fn g_counter_good_and_bad() {
    let r = assert_verdict("g-counter", &g_counter(7), &[], Validity::True);
    assert_eq!(r["workload"]["final-reads"], json!([7]), "{r:#}");
    let r = assert_verdict("g-counter", &g_counter(3), &[], Validity::False);
    assert_eq!(r["workload"]["acceptable"], json!([[7, 7]]), "{r:#}");
}

/// Sends of 1, 2, 3 to key "5" (offsets 0, 1, 2), an assign, a crash and a
/// poll returning `polled`; Maelstrom's kafka ops carry Jepsen's extra
/// fields (`:poll-ms`, `:seek-to-beginning?`).
fn kafka(polled: &str) -> String {
    let mut h = String::new();
    for (i, msg) in [1u64, 2, 3].into_iter().enumerate() {
        let t = 1_000 * (i as u64 + 1) * 10;
        h += &rec(
            2 * i,
            t,
            "invoke",
            1,
            "send",
            &format!("[[:send \"5\" {msg}]]"),
        );
        h += &rec(
            2 * i + 1,
            t + 5_000,
            "ok",
            1,
            "send",
            &format!("[[:send \"5\" [{i} {msg}]]]"),
        );
    }
    h += &nemesis(6, 40_000);
    h += "#jepsen.history.Op{:index 10, :time 50000, :type :invoke, :process 0, :f :crash, :value nil}\n";
    h += "#jepsen.history.Op{:index 11, :time 50001, :type :info, :process 0, :f :crash, :value nil}\n";
    h += "#jepsen.history.Op{:index 12, :time 60000, :type :invoke, :process 2, :f :assign, :value [\"5\"], :seek-to-beginning? true}\n";
    h += "#jepsen.history.Op{:index 13, :time 61000, :type :ok, :process 2, :f :assign, :value [\"5\"], :seek-to-beginning? true}\n";
    h += "#jepsen.history.Op{:index 14, :time 70000, :type :invoke, :process 2, :f :poll, :value [[:poll]], :poll-ms 1000}\n";
    h += &format!("#jepsen.history.Op{{:index 15, :time 71000, :type :ok, :process 2, :f :poll, :value [[:poll {{\"5\" {polled}}}]], :poll-ms 1000}}\n");
    h
}

#[test]
fn kafka_good_and_bad() {
    let r = assert_verdict("kafka", &kafka("[[0 1] [1 2] [2 3]]"), &[], Validity::True);
    assert_eq!(
        r["workload"]["worst-realtime-lag"]["key"],
        json!("5"),
        "{r:#}"
    );
    // Offset 1 (message 2) acknowledged but skipped by a poll that read past it.
    let r = assert_verdict("kafka", &kafka("[[0 1] [2 3]]"), &[], Validity::False);
    let types = r["workload"]["bad-error-types"].to_string();
    assert!(types.contains("lost-write"), "{r:#}");
}

/// w1=1 completes, then a later txn reads key 1 (as nil: a
/// G-single-realtime); a wr pair on key 100 keeps the graph non-empty.
fn txn(read: &str) -> String {
    let mut h = rec(0, 1_000, "invoke", 2, "txn", "[[:w 100 1]]");
    h += &rec(1, 1_500, "ok", 2, "txn", "[[:w 100 1]]");
    h += &rec(2, 1_600, "invoke", 3, "txn", "[[:r 100 nil]]");
    h += &rec(3, 1_700, "ok", 3, "txn", "[[:r 100 1]]");
    h += &rec(4, 2_000, "invoke", 0, "txn", "[[:w 1 1]]");
    h += &rec(5, 2_500, "ok", 0, "txn", "[[:w 1 1]]");
    h += &nemesis(6, 3_000);
    h += "{:type :invoke, :f :txn, :value [[:r 1 nil]], :time 10000, :process 1, :index 10}\n";
    h += &format!(
        "{{:type :ok, :f :txn, :value [[:r 1 {read}]], :time 11000, :process 1, :index 11}}\n"
    );
    h
}

#[test]
fn txn_rw_register_good_and_bad_and_consistency_models() {
    assert_verdict("txn-rw-register", &txn("1"), &[], Validity::True);
    let r = assert_verdict("txn-rw-register", &txn("nil"), &[], Validity::False);
    assert!(
        r["workload"]["anomaly-types"]
            .to_string()
            .contains("G-single-realtime"),
        "{r:#}"
    );
    // Serializable has no real-time order: the same history is valid.
    let flags = ["--consistency-models", "serializable"];
    assert_verdict("txn-rw-register", &txn("nil"), &flags, Validity::True);
}

#[test]
fn both_edn_forms_and_jsonl_read_alike() {
    let dir = tempfile::tempdir().unwrap();
    let rec_form = dir.path().join("a.edn");
    let map_form = dir.path().join("b.edn");
    let jsonl = dir.path().join("c.jsonl");
    std::fs::write(
        &rec_form,
        rec(0, 5, "invoke", 3, "read", "nil") + &rec(1, 6, "fail", 3, "read", "nil"),
    )
    .unwrap();
    std::fs::write(
        &map_form,
        "{:type :invoke, :f :read, :value nil, :time 5, :process 3, :index 0}\n\n{:type :fail, :f :read, :value nil, :time 6, :process 3, :index 1, :error [:timeout \"t\"]}\n",
    )
    .unwrap();
    std::fs::write(
        &jsonl,
        "{\"index\":0,\"time\":5,\"process\":3,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n{\"index\":1,\"time\":6,\"process\":3,\"type\":\"fail\",\"f\":\"read\",\"value\":null,\"error\":[\"timeout\",\"t\"]}\n",
    )
    .unwrap();
    let a = read_history(&rec_form).unwrap();
    let b = read_history(&map_form).unwrap();
    let c = read_history(&jsonl).unwrap();
    assert_eq!(b.ops, c.ops);
    assert_eq!(a.ops[0], b.ops[0]);
    assert_eq!(
        (b.ops[1].kind, b.ops[1].process),
        (OpType::Fail, Process::Client(3))
    );
    assert_eq!(b.ops[1].error, Some(json!(["timeout", "t"])));
}

#[test]
fn jepsen_exception_maps_become_class_and_message() {
    let edn = "{:type :invoke, :f :echo, :value \"x\", :time 1, :process 0, :index 0}\n{:type :info, :f :echo, :value \"x\", :time 2, :process 0, :index 1, :exception {:via [{:type java.net.SocketTimeoutException, :message \"Read timed out\"}], :trace []}, :error \"indeterminate: Read timed out\"}\n";
    let (r, _) = check("echo", edn, &[]);
    assert_eq!(
        r["exceptions"]["exceptions"][0]["class"],
        json!("java.net.SocketTimeoutException"),
        "{r:#}"
    );
}

#[test]
fn bad_input_is_a_clear_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "echo".into(),
                dir.path().join("missing.edn").display().to_string(),
            ],
            "cannot read",
        ),
        (vec!["echo".into(), p("e.txt", "")], "empty"),
        (
            vec!["echo".into(), p("x.txt", "hello\n")],
            "unknown history format",
        ),
        (
            vec!["echo".into(), p("b.edn", "{:type :invoke, :f :echo\n")],
            "line 1",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "t.edn",
                    "{:type :wat, :f :echo, :value nil, :time 1, :process 0, :index 0}\n",
                ),
            ],
            "unknown :type",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "i.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process 0}\n\
                     {:type :ok, :f :echo, :value nil, :time 1, :process 0, :index 4}\n",
                ),
            ],
            "line 2: :index 4 is not the op's position 1",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "s.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process 0, :index 3}\n\
                     {:type :ok, :f :echo, :value nil, :time 1, :process 0}\n",
                ),
            ],
            "line 2: no integer :index",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "n.edn",
                    "{:type :invoke, :f :echo, :value nil, :time \"x\", :process 0, :index 0}\n",
                ),
            ],
            ":time",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "q.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process \"x\", :index 0}\n",
                ),
            ],
            ":process",
        ),
        (
            vec!["echo".into(), p("j.jsonl", "{\"type\": \"invoke\"\n")],
            "not JSON",
        ),
        (
            vec![
                "nope".into(),
                p(
                    "ok.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process 0, :index 0}\n",
                ),
            ],
            "no \"nope\" workload",
        ),
        (vec!["echo".into()], "workload name and a history file"),
        (
            vec![
                "echo".into(),
                p(
                    "ok2.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process 0, :index 0}\n",
                ),
                "--rate".into(),
            ],
            "--rate",
        ),
        (
            vec![
                "echo".into(),
                p(
                    "ok3.edn",
                    "{:type :invoke, :f :echo, :value nil, :time 1, :process 0, :index 0}\n",
                ),
                "--journal".into(),
                p("nj.jsonl", "{}\n"),
            ],
            "not a journal event",
        ),
    ];
    for (args, want) in cases {
        let err = run(&args)
            .err()
            .unwrap_or_else(|| panic!("{args:?} was accepted"));
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        assert_eq!(i32::from(command(&args)), 254, "{args:?}");
    }
}

#[test]
fn a_jepsen_log_of_one_register_is_checked_as_one_cas_register() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("etcd.log");
    let log = |read: u32| {
        format!(
            "INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n\
             INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t{read}\n"
        )
    };
    for (read, want) in [(1, Validity::True), (2, Validity::False)] {
        std::fs::write(&path, log(read)).expect("write the log");
        let (results, valid) =
            run(&["lin-kv".into(), path.display().to_string()]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(valid, want, "read {read}: {results:#}");
    }
}

const WORKLOADS: [&str; 10] = [
    "broadcast",
    "echo",
    "g-counter",
    "g-set",
    "kafka",
    "txn-list-append",
    "lin-kv",
    "pn-counter",
    "txn-rw-register",
    "unique-ids",
];

/// Four `:ok` reads of one key (1, 2, 1, 3) with no invocation: six
/// workloads called this valid and three unknown. jepsen.history 0.1.0's
/// pair index throws `::not-running` on the first (check/assemble.rs quotes
/// it), so every workload refuses it, naming the op; and a process that
/// invokes twice without completing (`::double-invoke`) likewise. Ops of
/// the nemesis are not paired.
#[test]
fn completions_without_invocations_are_refused_alike_by_every_workload() {
    let dir = tempfile::tempdir().unwrap();
    let orphans = dir.path().join("orphans.edn");
    let reads: String = [1, 2, 1, 3]
        .iter()
        .enumerate()
        .map(|(i, v)| rec(i, i as u64, "ok", 0, "read", &format!("[0 {v}]")))
        .collect();
    std::fs::write(&orphans, &reads).unwrap();
    let twice = dir.path().join("twice.edn");
    std::fs::write(
        &twice,
        rec(0, 0, "invoke", 3, "read", "nil") + &rec(1, 1, "invoke", 3, "read", "nil"),
    )
    .unwrap();
    for w in WORKLOADS {
        let err = run(&[w.into(), orphans.display().to_string()]).unwrap_err();
        assert!(
            err.contains("line 1: process 0 completes an operation it has not invoked"),
            "{w}: {err}"
        );
        let err = run(&[w.into(), twice.display().to_string()]).unwrap_err();
        assert!(
            err.contains("line 2: process 3 invokes while its invocation on line 1"),
            "{w}: {err}"
        );
    }
    // Nemesis ops complete nothing they invoked, and are read.
    let nemesis_only = dir.path().join("nemesis.edn");
    std::fs::write(&nemesis_only, nemesis(0, 0)).unwrap();
    for w in WORKLOADS {
        run(&[w.into(), nemesis_only.display().to_string()]).unwrap_or_else(|e| panic!("{w}: {e}"));
    }
}

/// What jepsen.history 0.1.0 `history` and `op` accept, read: ops without
/// `:index` numbered by position; sparse indices when the first op has
/// one; no `:time`, or Jepsen's `:time -1`, as 0; no `:process` as no
/// client's; no `:f` as the empty name.
#[test]
fn fields_jepsen_fills_or_ignores_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let read = |text: &str| {
        let path = dir.path().join("h.edn");
        std::fs::write(&path, text).unwrap();
        read_history(&path).unwrap_or_else(|e| panic!("{e}\n{text}"))
    };
    let h = read(
        "{:index 10, :time -1, :type :invoke, :process 0, :f :read, :value nil}\n\
         {:index 17, :type :ok, :process 0, :f :read, :value 1}\n\
         {:index 30, :type :info, :value nil}\n",
    );
    let brief: Vec<_> = h
        .ops
        .iter()
        .map(|o| (o.index, o.time, o.process, o.f.as_str()))
        .collect();
    assert_eq!(
        brief,
        [
            (0, 0, Process::Client(0), "read"),
            (1, 0, Process::Client(0), "read"),
            (2, 0, Process::Absent, ""),
        ]
    );
    assert_eq!(h.pair_index(), [Some(1), Some(0), None]);
    let h = read(
        "{:type :invoke, :process 0, :f :read, :value nil}\n\
         {:type :ok, :process 0, :f :read, :value 1, :index 1}\n",
    );
    assert_eq!(h.ops.len(), 2);
}
