use super::*;
use crate::history::{Op, OpType, Process};
use serde_json::{json, Value};

fn op(index: usize, process: Process, kind: OpType, f: &str, value: Value) -> Op {
    Op {
        index,
        time: 1000 + index as u64,
        process,
        kind,
        f: f.into(),
        value,
        error: None,
        exception: None,
        is_final: false,
    }
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
        op(5, Client(3), Invoke, "send", json!(["k1", 12])),
        op(6, Client(3), Ok, "send", json!(["k1", 12, 0])),
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
        op(17, Client(3), Invoke, "poll", Value::Null),
        op(
            18,
            Client(3),
            Ok,
            "poll",
            json!({"k1": [[0, 12], [1, 13]], "7": []}),
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

#[test]
fn the_log_ends_with_the_results_and_the_verdict() {
    let log = results_log(
        &json!({"valid?": "unknown"}),
        crate::checkers::Validity::Unknown,
    );
    assert_eq!(
        log,
        "INFO  jepsen.core - {:valid? :unknown}\n\nErrors occurred during analysis, but no anomalies found. ಠ~ಠ\n"
    );
}

/// Real runs of every workload with our own nodes (in-process, virtual
/// time): results.edn parses to the results map, and history.edn reads back
/// (as `xtask check` reads it) to the very ops of the run.
#[test]
fn real_runs_of_every_workload_round_trip() {
    use crate::scenarios::{run, Test};
    for workload in [
        "echo",
        "broadcast",
        "g-counter",
        "g-set",
        "pn-counter",
        "kafka",
        "lin-kv",
        "txn-list-append",
        "txn-rw-register",
        "unique-ids",
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
    }
}
