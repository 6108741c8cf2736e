//! The real binaries over pipes: init, thousands of echoes, unique ids across
//! nodes, garbage and unknown types, huge lines, EOF without a newline.

use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::thread;

fn init_line(id: &str, ids: &[&str]) -> String {
    json!({"src":"c0","dest":id,"body":{"type":"init","msg_id":1,"node_id":id,"node_ids":ids}})
        .to_string()
}

/// Feeds `input` to `bin` (from a writer thread, so a full pipe cannot
/// deadlock) and returns stdout lines, stderr text and the exit status.
fn run(bin: &str, input: Vec<u8>) -> (Vec<Value>, String, i32) {
    run_with_reader_delay(bin, input, 0)
}

/// Like `run`, but stdout is not read for `delay_ms`, so the node's stdout
/// pipe fills up and its writes would block.
fn run_with_reader_delay(bin: &str, input: Vec<u8>, delay_ms: u64) -> (Vec<Value>, String, i32) {
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn node");
    let mut stdin = child.stdin.take().unwrap();
    let writer = thread::spawn(move || {
        stdin.write_all(&input).unwrap();
    });
    let stderr = child.stderr.take().unwrap();
    let err_reader = thread::spawn(move || std::io::read_to_string(stderr).unwrap());
    thread::sleep(std::time::Duration::from_millis(delay_ms));
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| {
            let l = l.unwrap();
            serde_json::from_str(&l)
                .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
        })
        .collect();
    writer.join().unwrap();
    let status = child.wait().unwrap().code().unwrap_or(-1);
    (lines, err_reader.join().unwrap(), status)
}

#[test]
fn thousands_of_echoes_each_answered_exactly() {
    let mut input = init_line("n0", &["n0"]) + "\n";
    let n = 20_000;
    for i in 1..=n {
        input += &json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":i,"echo":format!("Please echo {i}")}}).to_string();
        input += "\n";
    }
    let (out, _err, status) = run(env!("CARGO_BIN_EXE_echo"), input.into_bytes());
    assert_eq!(status, 0);
    assert_eq!(out[0]["body"], json!({"type":"init_ok","in_reply_to":1}));
    assert_eq!(out.len(), n + 1);
    for (i, reply) in out[1..].iter().enumerate() {
        let i = i + 1;
        assert_eq!(reply["src"], "n0");
        assert_eq!(reply["dest"], "c1");
        assert_eq!(
            reply["body"],
            json!({"type":"echo_ok","in_reply_to":i,"echo":format!("Please echo {i}")})
        );
    }
}

#[test]
fn output_survives_a_full_stdout_pipe_in_order() {
    let mut input = init_line("n0", &["n0"]) + "\n";
    let n = 30_000; // about 2.5 MB of replies: far more than a 64 KiB pipe holds
    for i in 1..=n {
        input += &json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":i,"echo":"padding padding padding"}}).to_string();
        input += "\n";
    }
    let (out, _err, status) =
        run_with_reader_delay(env!("CARGO_BIN_EXE_echo"), input.into_bytes(), 500);
    assert_eq!(status, 0);
    assert_eq!(out.len(), n + 1);
    for (i, reply) in out[1..].iter().enumerate() {
        assert_eq!(
            reply["body"]["in_reply_to"],
            i + 1,
            "reply lost or reordered"
        );
    }
}

#[test]
fn garbage_and_unknown_types_are_answered_and_the_node_keeps_serving() {
    let lines = [
        init_line("n0", &["n0"]),
        "this is not json".to_string(),
        "".to_string(),
        "[1,2,3]".to_string(),
        json!({"src":"c1","dest":"n0","body":{"type":"frobnicate","msg_id":2}}).to_string(),
        json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":3,"wrong":1}}).to_string(),
        json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":null,"echo":1}}).to_string(),
        json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":4,"echo":"still here"}})
            .to_string(),
    ];
    let (out, err, status) = run(
        env!("CARGO_BIN_EXE_echo"),
        (lines.join("\n") + "\n").into_bytes(),
    );
    assert_eq!(status, 0);
    let bodies: Vec<&Value> = out.iter().map(|l| &l["body"]).collect();
    assert_eq!(bodies[1]["code"], 10, "{bodies:?}");
    assert_eq!(bodies[1]["in_reply_to"], 2);
    assert_eq!(bodies[2]["code"], 12);
    assert_eq!(bodies[2]["in_reply_to"], 3);
    // A request with a null msg_id is served, its reply simply has no in_reply_to.
    assert_eq!(bodies[3]["type"], "echo_ok");
    assert_eq!(
        *bodies[4],
        json!({"type":"echo_ok","in_reply_to":4,"echo":"still here"})
    );
    assert_eq!(out.len(), 5);
    assert!(err.contains("not a message"), "stderr: {err}");
}

#[test]
fn a_one_mebibyte_line_and_a_last_line_without_newline() {
    let big = "x".repeat(1 << 20);
    let input = format!(
        "{}\n{}\n{}",
        init_line("n0", &["n0"]),
        json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":2,"echo":big}}),
        json!({"src":"c1","dest":"n0","body":{"type":"echo","msg_id":3,"echo":"tail"}})
    );
    let (out, _err, status) = run(env!("CARGO_BIN_EXE_echo"), input.into_bytes());
    assert_eq!(status, 0);
    assert_eq!(out.len(), 3);
    assert_eq!(out[1]["body"]["echo"].as_str().map(str::len), Some(1 << 20));
    assert_eq!(out[2]["body"]["echo"], "tail");
}

#[test]
fn three_unique_id_nodes_never_collide() {
    let ids = ["n0", "n1", "n2"];
    let per_node = 100_000;
    let handles: Vec<_> = ids
        .iter()
        .map(|id| {
            let id = id.to_string();
            thread::spawn(move || {
                let mut input = init_line(&id, &["n0", "n1", "n2"]) + "\n";
                for i in 1..=per_node {
                    input += &format!("{{\"src\":\"c9\",\"dest\":\"{id}\",\"body\":{{\"type\":\"generate\",\"msg_id\":{i}}}}}\n");
                }
                run(env!("CARGO_BIN_EXE_unique-ids"), input.into_bytes())
            })
        })
        .collect();
    let mut seen = HashSet::new();
    for h in handles {
        let (out, _err, status) = h.join().unwrap();
        assert_eq!(status, 0);
        assert_eq!(out.len(), per_node + 1);
        for l in &out[1..] {
            assert_eq!(l["body"]["type"], "generate_ok");
            let id = l["body"]["id"]
                .as_str()
                .expect("ids are strings")
                .to_string();
            assert!(seen.insert(id.clone()), "duplicate id {id}");
        }
    }
    assert_eq!(seen.len(), 3 * per_node);
}

#[test]
fn a_restarted_node_does_not_repeat_its_ids() {
    let input = format!(
        "{}\n{}\n",
        init_line("n0", &["n0"]),
        json!({"src":"c1","dest":"n0","body":{"type":"generate","msg_id":2}})
    );
    let (a, _, _) = run(env!("CARGO_BIN_EXE_unique-ids"), input.clone().into_bytes());
    let (b, _, _) = run(env!("CARGO_BIN_EXE_unique-ids"), input.into_bytes());
    assert_ne!(a[1]["body"]["id"], b[1]["body"]["id"]);
}
