//! Benchmark fixture: the plain way to write a Maelstrom echo node.
//!
//! One thread reads stdin with `BufRead::lines` and hands lines over a
//! channel; the main thread parses each into a `serde_json::Value`, builds
//! the reply and writes it to stdout with a flush per message (Maelstrom
//! needs every line flushed). This is the baseline `cargo xtask bench
//! runtime` compares the mio reactor against.

use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::sync::mpsc;
use std::thread;

fn main() {
    let (tx, rx) = mpsc::channel::<String>();
    thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut out = std::io::stdout().lock();
    let mut node_id = String::new();
    let mut next_id = 0u64;
    for line in rx {
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            eprintln!("not JSON: {line}");
            continue;
        };
        let body = &msg["body"];
        next_id += 1;
        let reply = match body["type"].as_str() {
            Some("init") => {
                node_id = body["node_id"].as_str().unwrap_or_default().to_string();
                json!({"type": "init_ok", "in_reply_to": body["msg_id"], "msg_id": next_id})
            }
            Some("echo") => {
                json!({"type": "echo_ok", "in_reply_to": body["msg_id"], "msg_id": next_id, "echo": body["echo"]})
            }
            _ => {
                json!({"type": "error", "in_reply_to": body["msg_id"], "code": 10, "text": "not supported"})
            }
        };
        let envelope = json!({"src": node_id, "dest": msg["src"], "body": reply});
        if writeln!(out, "{envelope}")
            .and_then(|_| out.flush())
            .is_err()
        {
            break;
        }
    }
}
