//! PLACEHOLDER for the services helper's module (same API): lin-kv semantics
//! for all three KV services and a counter for lin-tso. The lead replaces
//! this file with the real one at merge.

use serde_json::{json, Value};
use std::collections::HashMap;

pub const SERVICE_IDS: [&str; 4] = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"];

pub struct Services {
    kv: HashMap<String, Vec<(Value, Value)>>,
    ts: u64,
}

impl Services {
    pub fn new() -> Self {
        Services {
            kv: HashMap::new(),
            ts: 0,
        }
    }

    /// Handle one request delivered to `service` from `src`; Some(reply body) or None (unknown type: no reply).
    pub fn handle(
        &mut self,
        service: &str,
        _src: &str,
        body: &Value,
        _rng: &mut fastrand::Rng,
    ) -> Option<Value> {
        let msg_id = body.get("msg_id").cloned().unwrap_or(Value::Null);
        let typ = body.get("type").and_then(Value::as_str)?;
        let field = |k: &str| body.get(k).cloned().unwrap_or(Value::Null);
        if service == "lin-tso" {
            if typ != "ts" {
                return None;
            }
            self.ts += 1;
            return Some(json!({"type":"ts_ok","ts":self.ts,"in_reply_to":msg_id}));
        }
        let store = self.kv.entry(service.to_string()).or_default();
        let key = field("key");
        let pos = store.iter().position(|(k, _)| *k == key);
        let missing =
            json!({"type":"error","code":20,"text":"key does not exist","in_reply_to":msg_id});
        match typ {
            "read" => Some(match pos {
                Some(i) => json!({"type":"read_ok","value":store[i].1,"in_reply_to":msg_id}),
                None => missing,
            }),
            "write" => {
                match pos {
                    Some(i) => store[i].1 = field("value"),
                    None => store.push((key, field("value"))),
                }
                Some(json!({"type":"write_ok","in_reply_to":msg_id}))
            }
            "cas" => {
                let create = !matches!(
                    field("create_if_not_exists"),
                    Value::Null | Value::Bool(false)
                );
                Some(match pos {
                    Some(i) if store[i].1 == field("from") => {
                        store[i].1 = field("to");
                        json!({"type":"cas_ok","in_reply_to":msg_id})
                    }
                    Some(i) => json!({"type":"error","code":22,
                        "text":format!("current value {} is not {}", store[i].1, field("from")),"in_reply_to":msg_id}),
                    None if create => {
                        store.push((key, field("to")));
                        json!({"type":"cas_ok","in_reply_to":msg_id})
                    }
                    None => missing,
                })
            }
            _ => None,
        }
    }
}
