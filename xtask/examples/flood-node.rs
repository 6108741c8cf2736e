//! Benchmark fixture for `cargo xtask bench engine`: two nodes that keep a
//! window of messages in flight between them as fast as the bench carries
//! them, so the bench's own cost per message (time and memory) is what the
//! run measures. It also answers `echo`, so the echo workload drives it.
//!
//! After `init`, node `n0` and `n1` each send `FLOOD_WINDOW` (default 32)
//! `flood` messages to the other; every `flood` received is answered with
//! one more. A `flood` that arrives before this node's own `init` is
//! answered once `init` comes (until then the node has no id to send from).

use serde_json::{json, Value};
use std::io::{BufRead, BufWriter, Write};

struct Flood {
    me: String,
    peer: Option<String>,
    next_id: u64,
    /// Floods received before init, answered after it.
    owed: u64,
}

impl Flood {
    fn send(&mut self, out: &mut impl Write, dest: &Value, body: Value) -> std::io::Result<()> {
        self.next_id += 1;
        writeln!(
            out,
            "{}",
            json!({"src": self.me, "dest": dest, "body": body})
        )
    }

    fn flood(&mut self, out: &mut impl Write, count: u64) -> std::io::Result<()> {
        let Some(peer) = self.peer.clone() else {
            return Ok(());
        };
        for _ in 0..count {
            let n = self.next_id;
            self.send(out, &json!(peer), json!({"type": "flood", "n": n}))?;
        }
        Ok(())
    }
}

fn main() -> std::io::Result<()> {
    let window: u64 = std::env::var("FLOOD_WINDOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut node = Flood {
        me: String::new(),
        peer: None,
        next_id: 0,
        owed: 0,
    };
    for line in stdin.lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            eprintln!("not JSON: {line}");
            continue;
        };
        let body = &msg["body"];
        match body["type"].as_str() {
            Some("init") => {
                node.me = body["node_id"].as_str().unwrap_or_default().to_string();
                let ids: Vec<&str> = body["node_ids"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                node.peer = ids
                    .iter()
                    .position(|&id| id == node.me)
                    .filter(|_| ids.len() > 1)
                    .map(|i| ids[(i + 1) % ids.len()].to_string());
                let reply = json!({"type": "init_ok", "in_reply_to": body["msg_id"]});
                node.send(&mut out, &msg["src"], reply)?;
                let owed = std::mem::take(&mut node.owed);
                node.flood(&mut out, window + owed)?;
            }
            Some("echo") => {
                let reply =
                    json!({"type": "echo_ok", "in_reply_to": body["msg_id"], "echo": body["echo"]});
                node.send(&mut out, &msg["src"], reply)?;
            }
            Some("flood") if node.me.is_empty() => node.owed += 1,
            Some("flood") => node.flood(&mut out, 1)?,
            _ => {}
        }
        out.flush()?;
    }
    Ok(())
}
