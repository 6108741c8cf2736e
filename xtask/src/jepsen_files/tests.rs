use super::*;
use crate::history::{Op, OpType, Process};
use serde_json::{json, Value};

/// `op_at` with the time derived from the index.
fn op(index: usize, process: Process, kind: OpType, f: &str, value: Value) -> Op {
    crate::checkers::testing::op_at(index, 1000 + index as u64, process, kind, f, value)
}

/// One op of every workload's shape, completions with errors included.
fn every_shape() -> Vec<Op> {
    use OpType::*;
    use Process::*;
    let mut ops = vec![
        op(0, Client(0), Invoke, "echo", json!("Please echo 35")),
        op(
            1,
            Client(0),
            Ok,
            "echo",
            json!({"echo": "Please echo 35", "in_reply_to": 1, "msg_id": 1, "type": "echo_ok"}),
        ),
        op(2, Client(1), Invoke, "broadcast", json!(7)),
        op(3, Client(1), Ok, "broadcast", json!(7)),
        op(4, Client(2), Invoke, "add", json!(3)),
        op(5, Client(3), Invoke, "send", json!([["send", "k1", 12]])),
        op(6, Client(3), Ok, "send", json!([["send", "k1", [0, 12]]])),
        op(
            7,
            Client(4),
            Invoke,
            "txn",
            json!([["r", 1, null], ["append", 9, 1]]),
        ),
        op(
            8,
            Client(4),
            Ok,
            "txn",
            json!([["r", 1, [1, 2]], ["append", 9, 1]]),
        ),
        op(9, Nemesis, Info, "start-partition", json!("majority")),
        op(
            10,
            Nemesis,
            Info,
            "start-partition",
            json!({"n0": ["n1"], "n1": ["n0"]}),
        ),
        op(11, Client(5), Invoke, "cas", json!([0, [1, 2]])),
        op(12, Client(5), Fail, "cas", json!([0, [1, 2]])),
        op(13, Client(6), Invoke, "read", Value::Null),
        op(14, Client(6), Info, "read", Value::Null),
        op(15, Client(7), Invoke, "write", json!([1, 1])),
        op(16, Client(7), Info, "write", json!([1, 1])),
        op(17, Client(3), Invoke, "poll", json!([["poll"]])),
        op(
            18,
            Client(3),
            Ok,
            "poll",
            json!([["poll", {"k1": [[0, 12], [1, 13]], "7": []}]]),
        ),
        op(
            19,
            Client(3),
            Invoke,
            "assign",
            json!({"keys": ["k1"], "seek-to-beginning?": true}),
        ),
        op(
            20,
            Client(1),
            Invoke,
            "echo",
            json!("quote \" tab \t newline \n \\ é"),
        ),
    ];
    ops[12].error = Some(json!(["precondition-failed", "current value 3 is not 1"]));
    ops[14].error = Some(json!("net-timeout"));
    ops[16].error = Some(json!("a string error, not a keyword"));
    ops[16].exception = Some("java.net.Foo: bar".into());
    ops[19].is_final = true;
    ops
}

fn history_edn(ops: &[Op]) -> String {
    ops.iter().map(history_edn_line).collect()
}

/// Jepsen's op line layout: jepsen.history's `Op` fields in order, keywords
/// where Jepsen has keywords.
#[test]
fn history_edn_lines_are_jepsens_op_maps() {
    let ops = every_shape();
    assert_eq!(
        history_edn_line(&op(
            0,
            Process::Client(0),
            OpType::Invoke,
            "read",
            Value::Null
        )),
        "{:index 0, :time 1000, :type :invoke, :process 0, :f :read, :value nil}\n"
    );
    let lines: Vec<String> = ops.iter().map(history_edn_line).collect();
    assert!(
        lines[1].contains(":value {:echo \"Please echo 35\", :in_reply_to 1"),
        "{}",
        lines[1]
    );
    assert!(
        lines[8].contains(":value [[:r 1 [1 2]] [:append 9 1]]"),
        "{}",
        lines[8]
    );
    assert!(
        lines[9].contains(":process :nemesis, :f :start-partition"),
        "{}",
        lines[9]
    );
    assert!(
        lines[12].contains(":error [:precondition-failed \"current value 3 is not 1\"]"),
        "{}",
        lines[12]
    );
    assert!(
        lines[14].ends_with(":error :net-timeout}\n"),
        "{}",
        lines[14]
    );
    assert!(lines[19].ends_with(":final? true}\n"), "{}", lines[19]);
    // kafka's micro-ops as apply-mop! returns them; the poll's keys stay
    // strings (only the body's own keys are keywordized).
    assert!(
        lines[6].contains(":f :send, :value [[:send \"k1\" [0 12]]]}"),
        "{}",
        lines[6]
    );
    assert!(
        lines[18].contains(":value [[:poll {\"7\" [], \"k1\" [[0 12] [1 13]]}]]}"),
        "{}",
        lines[18]
    );
}

/// Every shape reads back (as `xtask check` reads a history.edn) to the
/// ops written.
#[test]
fn history_edn_reads_back_to_the_same_ops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.edn");
    let ops = every_shape();
    std::fs::write(&path, history_edn(&ops)).unwrap();
    let back = crate::check::read_history(&path).unwrap();
    assert_eq!(back.ops, ops);
}

/// The op lines read back with the Jepsen log reader, errors included.
#[test]
fn log_lines_are_jepsens_and_read_back() {
    let ops = every_shape();
    assert_eq!(
        log_line(&op(
            0,
            Process::Client(0),
            OpType::Invoke,
            "read",
            Value::Null
        )),
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
    );
    assert_eq!(
        log_line(&ops[14]),
        "INFO  jepsen.util - 6\t:info\t:read\tnil\t:net-timeout\n"
    );
    let text: String = ops.iter().map(log_line).collect();
    let back = crate::history::jepsen_log::parse_jepsen_log(&text).unwrap();
    assert_eq!(back.len(), ops.len());
    for (b, o) in back.iter().zip(&ops) {
        assert_eq!(
            (b.process, b.kind, &b.f, &b.value),
            (o.process, o.kind, &o.f, &o.value)
        );
        // (The reader takes a nemesis :info's string value for its error,
        // as Porcupine's etcd logs mean it.)
        if o.process.is_client() {
            assert_eq!(b.error, o.error, "{}", log_line(o));
        }
    }
}

fn rich_results() -> Value {
    json!({
        "valid?": "unknown",
        "perf": {"latency-graph": {"valid?": true}, "valid?": true},
        "stats": {"valid?": false, "count": 20, "by-f": {"read": {"ok-count": 11}}},
        "availability": {"valid?": true, "ok-fraction": 1.0},
        "net": {"servers": {"msgs-per-op": 3.5, "send-count": 70}, "valid?": true},
        "workload": {
            "valid?": "unknown",
            "stable-latencies": {"0": 0, "0.5": 198, "0.95": 1.5e-5, "1": 300},
            "lost": [],
            "error": "a \"quoted\"\ntext",
            "anomaly-types": ["G1c", "incompatible-order"],
            "weird key": null,
            "1.50": 2,
        },
        "exceptions": {"valid?": true, "exceptions": [{"count": 1, "example": {"type": "info", "f": "read"}}]},
        "worst-stale": [{"outcome": "stable", "element": 0}],
    })
}

/// results.edn parses with our EDN reader to the map results.json holds.
#[test]
fn results_edn_parses_to_the_results_map() {
    let results = rich_results();
    let text = results_text(&results);
    assert_eq!(crate::edn::parse(&text).unwrap(), results, "{text}");
    assert!(text.contains(":valid? :unknown"), "{text}");
    assert!(
        text.contains(":stable-latencies {0 0, 0.5 198, 0.95 1.5E-5, 1 300}"),
        "{text}"
    );
    assert!(
        text.contains(":net {:servers {:msgs-per-op 3.5, :send-count 70}"),
        "{text}"
    );
    assert!(text.contains("\"weird key\" nil"), "{text}");
    assert!(text.contains("{\"1.50\" 2, "), "{text}");
    assert!(text.contains(":example {:f :read, :type :info}"), "{text}");
    assert!(
        text.contains(":worst-stale [{:element 0, :outcome :stable}]"),
        "{text}"
    );
    assert!(
        text.contains(":anomaly-types [\"G1c\" \"incompatible-order\"]"),
        "{text}"
    );
}

/// jepsen v0.3.1 core.clj `log-results`: `(str (with-out-str (pprint
/// (:results test))) .. "\n\n" (case (:valid? ..) ..))`. By hand on
/// `{:valid? :unknown}`: pprint prints `{:valid? :unknown}` and a newline,
/// then come "\n\n" and the verdict: two blank lines between them.
#[test]
fn the_log_ends_with_the_results_two_blank_lines_and_the_verdict() {
    let log = results_log(
        &json!({"valid?": "unknown"}),
        crate::checkers::Validity::Unknown,
    );
    assert_eq!(
        log,
        "INFO  jepsen.core - {:valid? :unknown}\n\n\nErrors occurred during analysis, but no anomalies found. ಠ~ಠ\n"
    );
}

/// `(when (:error (:results test)) (str "\n\n" (:error (:results test))))`
/// comes between the map and the verdict: by hand on `{:error "boom",
/// :valid? false}`, `{:error "boom", :valid? false}\n` + `\n\nboom` +
/// `\n\n` + the verdict.
#[test]
fn a_top_level_error_is_printed_between_the_map_and_the_verdict() {
    let text = results_and_last_line(&json!({"valid?": false, "error": "boom"}), "V");
    assert_eq!(text, "{:error \"boom\",\n :valid? false}\n\n\nboom\n\nV\n");
    let none = results_and_last_line(&json!({"valid?": true, "error": null}), "V");
    assert_eq!(none, "{:error nil,\n :valid? true}\n\n\nV\n");
}

/// Real runs of every workload with our own nodes (in-process, virtual
/// time): results.edn parses to the results map, and history.edn reads back
/// (as `xtask check` reads it) to the very ops of the run.
#[test]
fn real_runs_of_every_workload_round_trip() {
    use crate::scenarios::{run, Test};
    // A line of each workload's history.txt holds this (see
    // history_txt_lines_are_prn_op_lines_for_every_workload).
    for (workload, shape) in [
        ("echo", ":ok\t:echo\t{:echo \"Please echo "),
        ("broadcast", ":ok\t:read\t["),
        ("g-counter", ":ok\t:read\t0"),
        ("g-set", ":ok\t:read\t["),
        ("pn-counter", ":ok\t:add\t"),
        ("kafka", ":ok\t:send\t[[:send \""),
        ("lin-kv", ":invoke\t:read\t["),
        ("txn-list-append", ":ok\t:txn\t[[:"),
        ("txn-rw-register", ":ok\t:txn\t[[:"),
        ("unique-ids", ":ok\t:generate\t"),
    ] {
        let mut test = Test::new(workload).time_limit(3).rate(50.0).nodes(3);
        if workload.starts_with("txn") {
            test = test.total_availability();
        }
        let r = run(&test, 7);
        let text = results_text(&r.results);
        assert_eq!(
            crate::edn::parse(&text).unwrap(),
            r.results,
            "{workload}: {text}"
        );
        let ops = r.out.history.load().unwrap().ops.clone();
        assert!(ops.len() > 10, "{workload}: {} ops", ops.len());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.edn");
        std::fs::write(&path, history_edn(&ops)).unwrap();
        let back = crate::check::read_history(&path).unwrap();
        assert_eq!(back.ops, ops, "{workload}");
        let txt: Vec<String> = ops.iter().map(history_txt_line).collect();
        assert!(
            txt.iter().any(|l| l.contains(shape)),
            "{workload}: no line with {shape:?}: {:?}",
            txt.iter()
                .filter(|l| l.contains(":ok"))
                .take(10)
                .collect::<Vec<_>>()
        );
        for l in &txt {
            assert!(l.split('\t').count() >= 4 && l.ends_with('\n'), "{l}");
        }
    }
}

/// history.txt, one workload at a time: jepsen v0.3.1 util.clj `prn-op`,
/// `(pr (:process op)) (print \tab) (pr (:type op)) (print \tab) (pr (:f
/// op)) (print \tab) (pr (:value op)) (when-let [err (:error op)] (print
/// \tab) (print err))`, on the values each maelstrom v0.2.3 client records
/// (src/maelstrom/workload/*.clj, each client's `invoke!`).
#[test]
fn history_txt_lines_are_prn_op_lines_for_every_workload() {
    use OpType::*;
    use Process::*;
    let line =
        |process, kind, f: &str, value: Value| history_txt_line(&op(0, process, kind, f, value));
    let cases = [
        // echo.clj: `(assoc op :type :ok, :value res)`, res the reply body,
        // its keys keywordized (process.clj `keywordize-keys-1`), its
        // values not.
        (
            line(Client(0), Ok, "echo", json!({"echo": "Please echo 35", "in_reply_to": 1, "msg_id": 1, "type": "echo_ok"})),
            "0\t:ok\t:echo\t{:echo \"Please echo 35\", :in_reply_to 1, :msg_id 1, :type \"echo_ok\"}\n",
        ),
        // broadcast.clj: `{:f :broadcast, :value ..}`; `(->> (read conn
        // node {:type :read}) :messages (assoc op :type :ok, :value))`, a
        // JSON array read as a vector.
        (line(Client(1), Invoke, "broadcast", json!(7)), "1\t:invoke\t:broadcast\t7\n"),
        (line(Client(1), Invoke, "read", Value::Null), "1\t:invoke\t:read\tnil\n"),
        (line(Client(1), Ok, "read", json!([0, 7, 3])), "1\t:ok\t:read\t[0 7 3]\n"),
        // g_set.clj: `:value (:value (read conn node {}))`.
        (line(Client(2), Ok, "read", json!([1, 2])), "2\t:ok\t:read\t[1 2]\n"),
        (line(Client(2), Ok, "add", json!(4)), "2\t:ok\t:add\t4\n"),
        // pn_counter.clj (g-counter's too): `(->> (read conn node {}) :value
        // long (assoc op :type :ok, :value))`.
        (line(Client(3), Ok, "add", json!(-2)), "3\t:ok\t:add\t-2\n"),
        (line(Client(3), Ok, "read", json!(17)), "3\t:ok\t:read\t17\n"),
        // unique_ids.clj: `(assoc op :type :ok, :value (:id (generate! ..)))`.
        (line(Client(4), Invoke, "generate", Value::Null), "4\t:invoke\t:generate\tnil\n"),
        (line(Client(4), Ok, "generate", json!("n0-1")), "4\t:ok\t:generate\t\"n0-1\"\n"),
        // kafka.clj: `[:send k [offset msg]]` and `[:poll msgs]` in a
        // one-element txn, keys strings (`gen-string-keys`).
        (
            line(Client(5), Invoke, "send", json!([["send", "1", 12]])),
            "5\t:invoke\t:send\t[[:send \"1\" 12]]\n",
        ),
        (
            line(Client(5), Ok, "send", json!([["send", "1", [0, 12]]])),
            "5\t:ok\t:send\t[[:send \"1\" [0 12]]]\n",
        ),
        (
            line(Client(5), Ok, "poll", json!([["poll", {"1": [[0, 12], [1, 13]]}]])),
            "5\t:ok\t:poll\t[[:poll {\"1\" [[0 12] [1 13]]}]]\n",
        ),
        (line(Client(5), Ok, "assign", json!(["1", "2"])), "5\t:ok\t:assign\t[\"1\" \"2\"]\n"),
        // The final assign, jepsen tests/kafka.clj `final-polls`: `{:f
        // :assign, :value (keys offsets), :seek-to-beginning? true}`; the
        // bench keeps the flag in the value (fidelity C5), prn-op prints the
        // value alone.
        (
            line(Client(5), Invoke, "assign", json!({"keys": ["1", "2"], "seek-to-beginning?": true})),
            "5\t:invoke\t:assign\t[\"1\" \"2\"]\n",
        ),
        // lin_kv.clj: `(independent/tuple k v)`, a pair printed as `[k v]`.
        (line(Client(6), Ok, "read", json!([0, 3])), "6\t:ok\t:read\t[0 3]\n"),
        (line(Client(6), Invoke, "cas", json!([0, [1, 2]])), "6\t:invoke\t:cas\t[0 [1 2]]\n"),
        // txn_list_append.clj and txn_rw_register.clj: `str->kw` on the
        // reply's txn.
        (
            line(Client(7), Ok, "txn", json!([["r", 9, [1, 2]], ["append", 9, 3]])),
            "7\t:ok\t:txn\t[[:r 9 [1 2]] [:append 9 3]]\n",
        ),
        (
            line(Client(8), Ok, "txn", json!([["r", 1, null], ["w", 1, 3]])),
            "8\t:ok\t:txn\t[[:r 1 nil] [:w 1 3]]\n",
        ),
        // The nemesis's process is `:nemesis`.
        (
            line(Nemesis, Info, "start-partition", json!("majority")),
            ":nemesis\t:info\t:start-partition\t:majority\n",
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got, want);
    }
}

/// The error column is `print`, not `pr`: client.clj `with-errors` records
/// `:error :net-timeout` or `:error [(:name e#) (:text (:body e#))]`, and
/// `(print [:precondition-failed "current value 3 is not 1"])` prints
/// `[:precondition-failed current value 3 is not 1]` (strings bare when
/// `*print-readably*` is false); jepsen.log's `op->str` uses `str`, which
/// keeps the quotes.
#[test]
fn history_txt_prints_errors_unreadably() {
    let ops = every_shape();
    assert_eq!(
        history_txt_line(&ops[14]),
        "6\t:info\t:read\tnil\t:net-timeout\n"
    );
    assert_eq!(
        history_txt_line(&ops[12]),
        "5\t:fail\t:cas\t[0 [1 2]]\t[:precondition-failed current value 3 is not 1]\n"
    );
    assert!(log_line(&ops[12]).ends_with("\t[:precondition-failed \"current value 3 is not 1\"]\n"));
    assert_eq!(
        history_txt_line(&ops[16]),
        "7\t:info\t:write\t[1 1]\ta string error, not a keyword\n"
    );
}

/// The tutorial's own filter finds the key-9 micro-ops:
/// `grep :ok store/latest/history.txt | egrep '(append|r) 9 '`.
#[test]
fn the_tutorials_grep_finds_key_9_in_history_txt() {
    let ops = every_shape();
    let text: String = ops.iter().map(history_txt_line).collect();
    let found: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(":ok"))
        .filter(|l| l.contains("append 9 ") || l.contains("r 9 "))
        .collect();
    assert_eq!(found, ["4\t:ok\t:txn\t[[:r 1 [1 2]] [:append 9 1]]"]);
}
