//! The Maelstrom kafka client (`Client` in maelstrom/workload/kafka.clj):
//! a local map key -> next offset to poll, and per operation one or two RPCs.
//! Outcomes follow `with-errors` with idempotent set `{assign}`.

use crate::history::OpType;
use crate::workloads::rpc::{with_errors, Interpreted, Kind};
use crate::workloads::{Client, Completion, OpSpec, RpcOutcome, Step};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// What the current operation is waiting for.
enum Waiting {
    Idle,
    /// `list_committed_offsets` of a (non-seeking) assign.
    Committed {
        keys: Vec<String>,
    },
    Poll {
        invoke: Value,
    },
    /// `commit_offsets` after a poll that returned `msgs`.
    Commit {
        invoke: Value,
        msgs: Value,
    },
    Send {
        invoke: Value,
        key: Value,
        msg: Value,
    },
}

pub struct KafkaClient {
    /// Key -> next offset to poll. Emptied only by replacing the client.
    offsets: BTreeMap<String, i64>,
    waiting: Waiting,
}

impl KafkaClient {
    pub fn new() -> Self {
        KafkaClient {
            offsets: BTreeMap::new(),
            waiting: Waiting::Idle,
        }
    }

    fn done(&mut self, c: Completion) -> Step {
        self.waiting = Waiting::Idle;
        Step::Complete(c)
    }
}

/// The assign value: a key list, or `{"keys": [...], "seek-to-beginning?": true}`
/// for the final phase's assign (Jepsen carries that flag as an extra op
/// field, which `OpSpec` has no room for).
pub(crate) fn assign_keys(value: &Value) -> (Vec<String>, bool) {
    let (list, seek) = match value {
        Value::Object(o) => (
            o.get("keys"),
            o.get("seek-to-beginning?") == Some(&Value::Bool(true)),
        ),
        other => (Some(other), false),
    };
    let keys = list
        .and_then(Value::as_array)
        .map(|a| a.iter().map(super::key_text).collect())
        .unwrap_or_default();
    (keys, seek)
}

fn keys_value(keys: &[String]) -> Value {
    Value::Array(keys.iter().map(|k| Value::String(k.clone())).collect())
}

/// `poll_ok`'s `msgs`: `{Key [[Offset Msg]]}` with exactly two-element pairs
/// and integer offsets (closed Prismatic schema).
fn check_msgs(msgs: &Map<String, Value>) -> Result<(), String> {
    for (k, pairs) in msgs {
        let pairs = pairs
            .as_array()
            .ok_or_else(|| format!("msgs for key {k} is not an array"))?;
        for p in pairs {
            match p.as_array().map(Vec::as_slice) {
                Some([o, _]) if o.is_i64() => {}
                _ => {
                    return Err(format!(
                        "msgs for key {k}: {p} is not an [offset msg] pair with an integer offset"
                    ))
                }
            }
        }
    }
    Ok(())
}

fn check_offsets(offsets: &Map<String, Value>) -> Result<(), String> {
    match offsets.iter().find(|(_, v)| !v.is_i64()) {
        Some((k, v)) => Err(format!("offset {v} for key {k} is not an integer")),
        None => Ok(()),
    }
}

impl Client for KafkaClient {
    fn invoke(&mut self, op: &OpSpec) -> Step {
        match op.f.as_str() {
            // The client is torn down; the engine replaces it after this :info.
            "crash" => self.done(Completion {
                kind: OpType::Info,
                value: op.value.clone(),
                error: None,
                exception: None,
            }),
            "assign" => {
                let (keys, seek) = assign_keys(&op.value);
                if seek {
                    self.offsets = keys.iter().map(|k| (k.clone(), 0)).collect();
                    return self.done(Completion::ok(keys_value(&keys)));
                }
                let body = json!({"type": "list_committed_offsets", "keys": keys_value(&keys)});
                self.waiting = Waiting::Committed { keys };
                Step::Send(body)
            }
            "poll" => {
                let body = json!({"type": "poll", "offsets": self.offsets});
                self.waiting = Waiting::Poll {
                    invoke: op.value.clone(),
                };
                Step::Send(body)
            }
            "send" => {
                let mop = op.value.get(0);
                let key = mop.and_then(|m| m.get(1)).cloned().unwrap_or(Value::Null);
                let msg = mop.and_then(|m| m.get(2)).cloned().unwrap_or(Value::Null);
                let body = json!({"type": "send", "key": key, "msg": msg});
                self.waiting = Waiting::Send {
                    invoke: op.value.clone(),
                    key,
                    msg,
                };
                Step::Send(body)
            }
            other => self.done(Completion::exception(
                op.value.clone(),
                format!("kafka client: unknown :f {other}"),
            )),
        }
    }

    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step {
        match std::mem::replace(&mut self.waiting, Waiting::Idle) {
            Waiting::Idle => Step::Complete(Completion::exception(
                Value::Null,
                "kafka client: reply with no operation",
            )),
            Waiting::Committed { keys } => {
                let value = keys_value(&keys);
                let body = match with_errors(
                    outcome,
                    true,
                    &value,
                    "list_committed_offsets_ok",
                    &[("offsets", Kind::Object)],
                ) {
                    Interpreted::Done(c) => return self.done(c),
                    Interpreted::Ok(b) => b,
                };
                if let Err(e) = body
                    .get("offsets")
                    .and_then(Value::as_object)
                    .map_or(Ok(()), check_offsets)
                {
                    return self.done(Completion::exception(
                        value,
                        format!("malformed RPC response: {e}"),
                    ));
                }
                // Maelstrom v0.2.3 looks each key up in the whole (keywordized)
                // reply body instead of its `offsets` map, so the committed
                // offset is never found: new keys start at 0.
                self.offsets = keys
                    .iter()
                    .map(|k| (k.clone(), self.offsets.get(k).copied().unwrap_or(0)))
                    .collect();
                self.done(Completion::ok(value))
            }
            Waiting::Poll { invoke } => {
                let body = match with_errors(
                    outcome,
                    false,
                    &invoke,
                    "poll_ok",
                    &[("msgs", Kind::Object)],
                ) {
                    Interpreted::Done(c) => return self.done(c),
                    Interpreted::Ok(b) => b,
                };
                let msgs = body
                    .get("msgs")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                if let Err(e) = check_msgs(&msgs) {
                    return self.done(Completion::exception(
                        invoke,
                        format!("malformed RPC response: {e}"),
                    ));
                }
                let mut commit = Map::new();
                for (k, pairs) in &msgs {
                    let offsets = pairs
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|p| p.get(0).and_then(Value::as_i64));
                    let hi = offsets.max();
                    let next = hi.map_or(0, |h| h.saturating_add(1));
                    let e = self.offsets.entry(k.clone()).or_insert(next);
                    *e = (*e).max(next);
                    if let Some(h) = hi {
                        // `txn-offsets`: (max (get offsets k 0) offset).
                        commit.insert(k.clone(), json!(h.max(0)));
                    }
                }
                let msgs = Value::Object(msgs);
                if commit.is_empty() {
                    return self.done(Completion::ok(json!([["poll", msgs]])));
                }
                self.waiting = Waiting::Commit { invoke, msgs };
                Step::Send(json!({"type": "commit_offsets", "offsets": commit}))
            }
            Waiting::Commit { invoke, msgs } => {
                match with_errors(outcome, false, &invoke, "commit_offsets_ok", &[]) {
                    Interpreted::Done(c) => self.done(c),
                    Interpreted::Ok(_) => self.done(Completion::ok(json!([["poll", msgs]]))),
                }
            }
            Waiting::Send { invoke, key, msg } => {
                let body =
                    match with_errors(outcome, false, &invoke, "send_ok", &[("offset", Kind::Int)])
                    {
                        Interpreted::Done(c) => return self.done(c),
                        Interpreted::Ok(b) => b,
                    };
                match body.get("offset").and_then(Value::as_i64) {
                    Some(offset) => {
                        self.done(Completion::ok(json!([["send", key, [offset, msg]]])))
                    }
                    None => self.done(Completion::exception(
                        invoke,
                        "malformed RPC response: offset out of range",
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(c: &mut KafkaClient, body: Value) -> Step {
        c.on_rpc(RpcOutcome::Reply(&body))
    }

    fn sent(step: Step) -> Value {
        match step {
            Step::Send(b) => b,
            other => panic!("expected an RPC, got {other:?}"),
        }
    }

    fn done(step: Step) -> Completion {
        match step {
            Step::Complete(c) => c,
            other => panic!("expected a completion, got {other:?}"),
        }
    }

    #[test]
    fn assign_fetches_committed_offsets_but_starts_new_keys_at_zero() {
        let mut c = KafkaClient::new();
        let req = sent(c.invoke(&OpSpec::new("assign", json!(["3", "4"]))));
        assert_eq!(
            req,
            json!({"type": "list_committed_offsets", "keys": ["3", "4"]})
        );
        let ok = done(reply(
            &mut c,
            json!({"type": "list_committed_offsets_ok", "in_reply_to": 1, "offsets": {"3": 7}}),
        ));
        assert_eq!((ok.kind, ok.value), (OpType::Ok, json!(["3", "4"])));
        let poll = sent(c.invoke(&OpSpec::new("poll", json!([["poll"]]))));
        assert_eq!(poll, json!({"type": "poll", "offsets": {"3": 0, "4": 0}}));
    }

    #[test]
    fn assign_errors_fail_and_bad_offsets_are_malformed() {
        let mut c = KafkaClient::new();
        c.invoke(&OpSpec::new("assign", json!(["1"])));
        assert_eq!(done(c.on_rpc(RpcOutcome::Timeout)).kind, OpType::Fail);
        c.invoke(&OpSpec::new("assign", json!(["1"])));
        let bad = done(reply(
            &mut c,
            json!({"type": "list_committed_offsets_ok", "in_reply_to": 2, "offsets": {"1": "x"}}),
        ));
        assert_eq!(bad.kind, OpType::Info);
        assert!(bad.exception.is_some());
    }

    #[test]
    fn poll_advances_offsets_and_commits_the_highest() {
        let mut c = KafkaClient::new();
        assert_eq!(
            sent(c.invoke(&OpSpec::new("poll", json!([["poll"]])))),
            json!({"type": "poll", "offsets": {}})
        );
        let msgs = json!({"9": [[0, 1], [4, 2]], "5": []});
        let commit = sent(reply(
            &mut c,
            json!({"type": "poll_ok", "in_reply_to": 1, "msgs": msgs}),
        ));
        assert_eq!(
            commit,
            json!({"type": "commit_offsets", "offsets": {"9": 4}})
        );
        let ok = done(reply(
            &mut c,
            json!({"type": "commit_offsets_ok", "in_reply_to": 2}),
        ));
        assert_eq!((ok.kind, ok.value), (OpType::Ok, json!([["poll", msgs]])));
        let next = sent(c.invoke(&OpSpec::new("poll", json!([["poll"]]))));
        assert_eq!(next, json!({"type": "poll", "offsets": {"5": 0, "9": 5}}));
        // Nothing returned: no commit RPC.
        let ok = done(reply(
            &mut c,
            json!({"type": "poll_ok", "in_reply_to": 3, "msgs": {}}),
        ));
        assert_eq!(ok.value, json!([["poll", {}]]));
    }

    #[test]
    fn failed_commit_loses_the_poll_data() {
        let mut c = KafkaClient::new();
        c.invoke(&OpSpec::new("poll", json!([["poll"]])));
        reply(
            &mut c,
            json!({"type": "poll_ok", "in_reply_to": 1, "msgs": {"1": [[0, 1]]}}),
        );
        let f = done(reply(
            &mut c,
            json!({"type": "error", "in_reply_to": 2, "code": 11}),
        ));
        assert_eq!((f.kind, f.value), (OpType::Fail, json!([["poll"]])));
        // ... yet the local offset already moved past it.
        assert_eq!(
            sent(c.invoke(&OpSpec::new("poll", json!([["poll"]]))))["offsets"],
            json!({"1": 1})
        );
    }

    #[test]
    fn malformed_poll_replies_are_info_with_exception() {
        for msgs in [
            json!({"1": [[0, 1, 2]]}),
            json!({"1": [[0.5, 1]]}),
            json!({"1": 3}),
            json!({"1": [7]}),
        ] {
            let mut c = KafkaClient::new();
            c.invoke(&OpSpec::new("poll", json!([["poll"]])));
            let r = done(reply(
                &mut c,
                json!({"type": "poll_ok", "in_reply_to": 1, "msgs": msgs}),
            ));
            assert_eq!(r.kind, OpType::Info, "{msgs}");
            assert!(r.exception.is_some());
        }
        let mut c = KafkaClient::new();
        c.invoke(&OpSpec::new("poll", json!([["poll"]])));
        let r = done(reply(
            &mut c,
            json!({"type": "poll_ok", "in_reply_to": 1, "msgs": {}, "extra": 1}),
        ));
        assert!(r.exception.is_some());
    }

    #[test]
    fn send_records_offset_and_maps_errors() {
        let mut c = KafkaClient::new();
        let op = OpSpec::new("send", json!([["send", "2", 3]]));
        assert_eq!(
            sent(c.invoke(&op)),
            json!({"type": "send", "key": "2", "msg": 3})
        );
        let ok = done(reply(
            &mut c,
            json!({"type": "send_ok", "in_reply_to": 1, "offset": 1000}),
        ));
        assert_eq!(ok.value, json!([["send", "2", [1000, 3]]]));
        c.invoke(&op);
        let info = done(c.on_rpc(RpcOutcome::Timeout));
        assert_eq!(
            (info.kind, info.value),
            (OpType::Info, json!([["send", "2", 3]]))
        );
        c.invoke(&op);
        assert_eq!(
            done(reply(
                &mut c,
                json!({"type": "error", "in_reply_to": 3, "code": 14})
            ))
            .kind,
            OpType::Fail
        );
    }

    #[test]
    fn crash_and_seek_to_beginning_need_no_rpc() {
        let mut c = KafkaClient::new();
        let crash = done(c.invoke(&OpSpec::new("crash", Value::Null)));
        assert_eq!((crash.kind, crash.error), (OpType::Info, None));
        let seek = OpSpec::new(
            "assign",
            json!({"keys": ["1", "2"], "seek-to-beginning?": true}),
        );
        assert_eq!(done(c.invoke(&seek)).value, json!(["1", "2"]));
        assert_eq!(
            sent(c.invoke(&OpSpec::new("poll", json!([["poll"]]))))["offsets"],
            json!({"1": 0, "2": 0})
        );
    }
}
