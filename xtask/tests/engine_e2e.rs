//! End-to-end: run the xtask binary against small Python nodes and check the
//! exit status, output and store files. Each run is a few seconds long.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{fixture, flags, xtask, Run};

/// `xtask maelstrom test <args>` on the embedded engine with a fixed seed.
fn embedded_test(args: &[&str]) -> Run {
    xtask(
        &[
            &["maelstrom", "test", "--engine", "embedded", "--seed", "42"],
            args,
        ]
        .concat(),
    )
}

/// `embedded_test` of the echo workload with `--bin <fixture> <flags>`.
fn echo(node: &str, flag_line: &str) -> Run {
    let bin = fixture(node);
    let bin = bin.to_str().expect("UTF-8 path");
    embedded_test(&[&["-w", "echo", "--bin", bin], &flags(flag_line)[..]].concat())
}

#[test]
fn correct_echo_passes() {
    let r = echo("echo_ok.py", "--node-count 2 --time-limit 2 --rate 20");
    assert_eq!(r.code, 0, "{}", r.tail());
    assert!(
        r.stdout
            .ends_with("}\n\n\nEverything looks good! ヽ(‘ー`)ノ\n"),
        "{}",
        r.stdout
    );
    let res = r.results();
    assert_eq!(res["valid?"], Value::Bool(true));
    let ok = res["stats"]["ok-count"].as_u64().unwrap();
    assert!(
        ok >= 10,
        "about 40 ops expected at rate 20 for 2 s, got {ok}"
    );
    // Init traffic (2 x init, 2 x init_ok) plus two messages per op, all client traffic.
    let invokes = r
        .jsonl("history.jsonl")
        .iter()
        .filter(|o| o["type"] == "invoke")
        .count() as u64;
    assert_eq!(
        res["net"]["clients"]["msg-count"].as_u64().unwrap(),
        4 + 2 * invokes
    );
    assert_eq!(res["net"]["servers"]["msg-count"].as_u64().unwrap(), 0);
    // Ops alternate over both nodes; stderr reached the node logs.
    let journal = r.jsonl("net-journal.jsonl");
    for n in ["n0", "n1"] {
        assert!(journal
            .iter()
            .any(|e| e["dest"] == n && e["body"]["type"] == "echo"));
        assert!(r.node_log(n).contains("answered init"));
    }
    assert!(r.dir().join("store/echo/latest/history.txt").exists());
}

#[test]
fn altered_echo_is_invalid() {
    let r = echo("echo_faulty.py", "--node-count 1 --time-limit 2 -- alter");
    assert_eq!(r.code, 1, "{}", r.tail());
    assert!(r
        .stdout
        .trim_end()
        .ends_with("Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻"));
    let res = r.results();
    assert_eq!(res["workload"]["valid?"], Value::Bool(false));
    assert!(!res["workload"]["errors"].as_array().unwrap().is_empty());
}

#[test]
fn extra_reply_key_becomes_info_with_exception() {
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 2 -- extra-key",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    let res = r.results();
    assert_eq!(res["stats"]["valid?"], Value::Bool(false));
    assert_eq!(res["stats"]["ok-count"], 0);
    assert_eq!(
        res["workload"]["valid?"],
        Value::Bool(true),
        "info ops are skipped by the echo checker"
    );
    assert_eq!(
        res["exceptions"]["exceptions"][0]["class"],
        "malformed RPC response"
    );
    // Each :info renumbers the process and opens a fresh client (c2, c3, ...).
    let h = r.history();
    let procs: Vec<u64> = h
        .iter()
        .filter(|o| o["type"] == "invoke")
        .map(|o| o["process"].as_u64().unwrap())
        .collect();
    assert!(
        procs.len() >= 2 && procs.windows(2).all(|w| w[1] == w[0] + 1),
        "{procs:?}"
    );
    let journal = r.jsonl("net-journal.jsonl");
    assert!(
        journal.iter().any(|e| e["src"] == "c3"),
        "a replacement client was opened"
    );
}

#[test]
fn non_json_line_is_reported_and_node_output_ignored() {
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 1 -- bad-line",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    assert!(
        r.stderr.contains("bad STDOUT line") && r.stderr.contains("hello, this is not JSON"),
        "{}",
        r.stderr
    );
    let res = r.results();
    assert_eq!(res["stats"]["ok-count"], 0);
    let h = r.history();
    assert!(h
        .iter()
        .any(|o| o["type"] == "info" && o["error"] == "net-timeout"));
}

#[test]
fn bodies_maelstrom_reads_as_maps_are_accepted() {
    // Missing, null, "" and [k, v]-pair bodies are maps to Maelstrom
    // (process.clj parse-msg, keywordize-keys-1), so the node is not silenced.
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 2 --rate 10 -- odd-bodies",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    assert!(!r.stderr.contains("bad STDOUT line"), "{}", r.stderr);
    assert!(r.results()["stats"]["ok-count"].as_u64() > Some(5));
    // A body of 7 cannot be reduced over: that node is silenced.
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 2 --rate 10 -- number-body",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    assert!(r.stderr.contains("body 7 is not a map"), "{}", r.stderr);
}

#[test]
fn node_crashing_during_init_is_reported_at_once() {
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 1 -- init-crash",
    );
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(
        r.stderr
            .contains("n0 exited with exit status: 3 during init"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("cannot start"),
        "its last stderr lines are shown"
    );
    assert!(!r.stderr.contains("did not respond"), "{}", r.stderr);
}

#[test]
fn missing_or_unexecutable_bin_is_one_clear_line() {
    let r = embedded_test(&[
        "-w",
        "echo",
        "--bin",
        "/nonexistent/node",
        "--node-count",
        "1",
    ]);
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(
        r.stderr.contains("--bin /nonexistent/node does not exist"),
        "{}",
        r.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("node.txt");
    std::fs::write(&plain, "not a program").unwrap();
    let r = embedded_test(&[
        "-w",
        "echo",
        "--bin",
        plain.to_str().unwrap(),
        "--node-count",
        "1",
    ]);
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(r.stderr.contains("is not executable"), "{}", r.stderr);
}

#[test]
fn node_exiting_mid_run_is_a_crash() {
    let r = echo(
        "echo_faulty.py",
        "--node-count 1 --time-limit 2 --rate 10 -- exit",
    );
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(
        r.stderr.contains("Node n0 crashed with exit status: 3"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("giving up"),
        "last stderr lines are in the report"
    );
    assert!(
        r.stdout.contains("\n :valid? "),
        "analysis is still printed, in EDN"
    );
    // Issue 22 row 12: Maelstrom prints the crash, never a verdict line.
    let last = r.stdout.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "Oh jeez, I'm sorry, Jepsen broke: Node n0 crashed with exit status: 3. \
         The run crashed: no verdict (Maelstrom prints none; exit 255).",
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Everything looks good!"), "{}", r.stdout);
}

#[test]
fn node_never_answering_init_aborts() {
    let r = echo("echo_faulty.py", "--node-count 1 --time-limit 1 -- no-init");
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(
        r.stderr
            .contains("Expected node n0 to respond to an init message"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("valid?"),
        "no analysis after a setup failure"
    );
}

#[test]
fn bad_flags_exit_254() {
    let bin = fixture("echo_ok.py");
    let bin = bin.to_str().expect("UTF-8 path");
    for args in [
        vec!["-w", "echo", "--bin", bin, "--rate", "fast"],
        vec!["-w", "echo", "--bin", bin, "--frobnicate"],
        vec!["-w", "echo"],
    ] {
        let r = embedded_test(&args);
        assert_eq!(r.code, 254, "{args:?}: {}", r.stderr);
    }
    let r = embedded_test(&["-w", "echo", "--bin", bin, "--rate", "fast"]);
    assert!(r.stderr.contains("--rate"), "{}", r.stderr);
    // v0.2.3 crashes without -w; a zero-mean uniform latency crashes at startup.
    assert_eq!(embedded_test(&["--bin", bin]).code, 255);
    assert_eq!(
        embedded_test(&["-w", "echo", "--bin", bin, "--latency-dist", "uniform"]).code,
        255
    );
}

#[test]
fn latency_applies_between_nodes_not_to_clients() {
    let r = echo(
        "echo_faulty.py",
        "--node-count 2 --time-limit 2 --latency 100 -- forward",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    let h = r.history();
    let mut lat = Vec::new();
    for inv in h.iter().filter(|o| o["type"] == "invoke") {
        let done = h
            .iter()
            .find(|o| o["index"].as_u64() > inv["index"].as_u64() && o["process"] == inv["process"])
            .expect("completion");
        assert_eq!(done["type"], "ok");
        lat.push((done["time"].as_u64().unwrap() - inv["time"].as_u64().unwrap()) / 1_000_000);
    }
    assert!(!lat.is_empty());
    // Two node-to-node hops of 100 ms each, each delivered up to 1 ms early
    // (Maelstrom sleeps whole ms, network.md section 3); client hops are free.
    assert!(lat.iter().all(|&ms| (198..290).contains(&ms)), "{lat:?}");
    let journal = r.jsonl("net-journal.jsonl");
    let mut checked = 0;
    for send in journal.iter().filter(|e| e["type"] == "send") {
        let Some(recv) = journal
            .iter()
            .find(|e| e["type"] == "recv" && e["msg_id"] == send["msg_id"])
        else {
            continue;
        };
        let dt = (recv["time"].as_u64().unwrap() - send["time"].as_u64().unwrap()) / 1_000_000;
        let client = send["src"].as_str().unwrap().starts_with('c')
            || send["dest"].as_str().unwrap().starts_with('c');
        if client {
            assert!(dt < 50, "client message took {dt} ms");
        } else {
            assert!((99..150).contains(&dt), "node message took {dt} ms");
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn partition_nemesis_schedule_and_history() {
    let r = echo(
        "echo_ok.py",
        "--node-count 3 --time-limit 2 --nemesis partition --nemesis-interval 0.3",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    let h = r.history();
    let nem: Vec<&Value> = h.iter().filter(|o| o["process"] == "nemesis").collect();
    assert!(
        nem.len() >= 4,
        "several nemesis ops at interval 0.3 s: {nem:?}"
    );
    assert!(nem.iter().all(|o| o["type"] == "info"));
    assert_eq!(nem[0]["f"], "start-partition");
    assert!(
        nem[0]["time"].as_u64().unwrap() < 100_000_000,
        "first start at t=0"
    );
    assert_eq!(nem[1]["value"][0], "isolated");
    for pair in nem.chunks(2) {
        assert_eq!(
            pair[0]["f"],
            pair.get(1).map_or(pair[0]["f"].clone(), |p| p["f"].clone())
        );
    }
    let fs: Vec<&str> = nem.chunks(2).map(|p| p[0]["f"].as_str().unwrap()).collect();
    assert!(
        fs.windows(2).all(|w| w[0] != w[1]),
        "start and stop alternate: {fs:?}"
    );
    assert!(
        nem.iter()
            .all(|o| o["time"].as_u64().unwrap() < 2_000_000_000),
        "none at/after the limit"
    );
    let stop = nem
        .iter()
        .find(|o| o["f"] == "stop-partition" && o["value"].is_string())
        .unwrap();
    assert_eq!(stop["value"], "network-healed");
}

/// More nodes than the open-file limit allows: a clear message before any
/// node starts, not a Rust panic (three threads per node used to abort with
/// "failed to spawn thread").
#[test]
fn too_many_nodes_for_the_open_file_limit_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fixture("echo_ok.py");
    let out = std::process::Command::new("/bin/sh")
        .current_dir(dir.path())
        .args([
            "-c",
            r#"ulimit -n 256 && exec "$@""#,
            "sh",
            env!("CARGO_BIN_EXE_glomers"),
            "maelstrom",
            "test",
            "--engine",
            "embedded",
            "-w",
            "echo",
            "--bin",
            bin.to_str().unwrap(),
            "--node-count",
            "100",
            "--time-limit",
            "1",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(
        stderr.contains("--node-count 100 needs about") && stderr.contains("ulimit -n"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
