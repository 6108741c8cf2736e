//! Test support: one node driven line by line, with no network. Unit tests
//! of how a node answers odd input use it; anything that needs peers, a
//! service or a checker runs on the bench (xtask/src/scenarios/).

use super::{Driver, Node};
use serde_json::{json, Value};

/// Node `id` of the cluster `ids`, past `init` (its reply dropped).
pub fn start<N: Node>(id: &str, ids: &[&str]) -> Driver<N> {
    let mut d = Driver::<N>::new(0);
    let init =
        json!({"src":"c0","dest":id,"body":{"type":"init","msg_id":1,"node_id":id,"node_ids":ids}});
    d.handle_line(init.to_string().as_bytes(), 0);
    d.output().clear();
    d
}

/// Delivers `body` from `src` at `now`; returns every message the node
/// wrote, as `(dest, body)`.
pub fn deliver<N: Node>(
    d: &mut Driver<N>,
    src: &str,
    body: Value,
    now: u64,
) -> Vec<(String, Value)> {
    let dest = d.info().id.clone();
    let line = json!({"src": src, "dest": dest, "body": body});
    d.handle_line(line.to_string().as_bytes(), now);
    written(d)
}

/// What the node wrote since the last call, as `(dest, body)`.
pub fn written<N: Node>(d: &mut Driver<N>) -> Vec<(String, Value)> {
    let out = std::mem::take(d.output());
    out.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: Value = serde_json::from_slice(l).expect("a JSON line");
            (
                v["dest"].as_str().unwrap_or("").to_string(),
                v["body"].clone(),
            )
        })
        .collect()
}

/// The body of the one reply to client `src` in `msgs`.
pub fn reply_to(msgs: &[(String, Value)], src: &str) -> Value {
    let replies: Vec<&Value> = msgs
        .iter()
        .filter(|(d, _)| d == src)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(replies.len(), 1, "one reply to {src}: {msgs:?}");
    replies[0].clone()
}
