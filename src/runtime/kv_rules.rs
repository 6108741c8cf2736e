//! Maelstrom's key-value rules: how a read / write / cas request applies to
//! one key-value state (`PersistentKV`, jepsen-io/maelstrom v0.2.3
//! src/maelstrom/service.clj). Pure: the bench's `lin-kv`, `seq-kv` and
//! `lww-kv` services (xtask/src/engine/services) and the test-only simulator
//! (`runtime/sim.rs`) all apply these, so there is one set of KV rules.
//!
//! The one thing a caller chooses is how a value is printed in the text of
//! error 22 (`ValueText`): the bench prints it as Clojure does, the
//! simulator as JSON.
//! fidelity D19: one set of KV rules.

use super::error::ErrorCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::rc::Rc;

/// A parsed KV request. A missing field is JSON `null`, as Clojure's
/// keyword lookup on the body gives `nil`.
#[derive(Clone, Debug, PartialEq)]
pub enum KvRequest {
    Read {
        key: Value,
    },
    Write {
        key: Value,
        value: Value,
    },
    Cas {
        key: Value,
        from: Value,
        to: Value,
        create_if_not_exists: bool,
    },
}

impl KvRequest {
    /// None for a body that is not an object or whose `type` is not one of
    /// read / write / cas: Maelstrom's service throws and sends no reply.
    pub fn parse(body: &Value) -> Option<KvRequest> {
        let obj = body.as_object()?;
        let field = |name: &str| obj.get(name).cloned().unwrap_or(Value::Null);
        let key = field("key");
        match obj.get("type")?.as_str()? {
            "read" => Some(KvRequest::Read { key }),
            "write" => Some(KvRequest::Write {
                key,
                value: field("value"),
            }),
            "cas" => Some(KvRequest::Cas {
                key,
                from: field("from"),
                to: field("to"),
                // Clojure truthiness: anything but false and nil.
                create_if_not_exists: !matches!(
                    obj.get("create_if_not_exists"),
                    None | Some(Value::Null | Value::Bool(false))
                ),
            }),
            _ => None,
        }
    }
}

/// Which service's variant of the KV rules applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// lin-kv and seq-kv: cas honours `create_if_not_exists`; the 22 text
    /// prints `from` readably.
    Standard,
    /// lww-kv: cas ignores `create_if_not_exists`; the 22 text prints `from`
    /// with plain `str`.
    Lww,
}

/// How values are printed in the text of error 22 ("current value X is not
/// Y"). Maelstrom formats them with Clojure's `pr-str` (readable) and, for
/// lww-kv's `from`, `str` (plain).
/// fidelity D18: error 22's text uses Clojure's printers.
pub trait ValueText {
    fn readable(v: &Value) -> String;
    fn plain(v: &Value) -> String;
}

/// Values printed as JSON text, for callers with no Clojure printer (the
/// test-only simulator).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct JsonText;

impl ValueText for JsonText {
    fn readable(v: &Value) -> String {
        v.to_string()
    }
    fn plain(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// The map key under which a JSON key is stored: a canonical text in which
/// object keys are sorted, so structurally equal keys collide and `1`,
/// `1.0` and `"1"` stay distinct (serde_json prints floats with a point).
/// fidelity X12: keys `0.0` and `-0.0` stay distinct, where Clojure finds them equal.
fn key_text(key: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(item, out);
                }
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(key, &mut out);
    out
}

/// One KV state, printing error texts with `T`. Values are shared between
/// versions (seq-kv keeps 32), so a copy costs one pointer per key.
#[derive(Debug)]
pub struct KvState<T> {
    entries: HashMap<String, Rc<Value>>,
    text: PhantomData<T>,
}

// By hand: derived impls would require `T` itself to be Clone / Default /
// PartialEq, though no `T` is ever stored.
impl<T> Clone for KvState<T> {
    fn clone(&self) -> Self {
        KvState {
            entries: self.entries.clone(),
            text: PhantomData,
        }
    }
}

impl<T> Default for KvState<T> {
    fn default() -> Self {
        KvState {
            entries: HashMap::new(),
            text: PhantomData,
        }
    }
}

impl<T> PartialEq for KvState<T> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

/// The change a request makes to a state: set `key_text` to `value`.
#[derive(Clone, Debug)]
pub struct Change {
    key_text: String,
    value: Rc<Value>,
}

/// What applying a request to a state gives: the reply body (without
/// `in_reply_to`) and the change, or None when the state is left equal to
/// what it was (Maelstrom compares the states before and after).
pub struct Applied {
    pub reply: Value,
    pub change: Option<Change>,
}

impl<T: ValueText> KvState<T> {
    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries.get(&key_text(key)).map(|v| v.as_ref())
    }

    /// Applies `req` without mutating: see `Applied`. The rules of
    /// jepsen-io/maelstrom v0.2.3 src/maelstrom/service.clj,
    /// `PersistentKV/handle` (lww-kv's `LWWKV/handle` differs only as
    /// `Flavor` says):
    ///
    /// ```clojure
    /// "cas" (if (contains? m k)
    ///         (if (= (:from body) (m k))
    ///           [(assoc-in this [:m k] (:to body)) {:type "cas_ok"}]
    ///           [this {:type "error" :code 22
    ///                  :text (str "current value " (pr-str (m k))
    ///                             " is not " (pr-str (:from body)))}])
    ///         (if (:create_if_not_exists body)
    ///           [(assoc-in this [:m k] (:to body)) {:type "cas_ok"}]
    ///           [this {:type "error", :code 20, :text "key does not exist"}]))
    /// ```
    pub fn apply(&self, req: &KvRequest, flavor: Flavor) -> Applied {
        match req {
            KvRequest::Read { key } => Applied {
                reply: match self.get(key) {
                    Some(v) => json!({"type": "read_ok", "value": v}),
                    None => key_missing(),
                },
                change: None,
            },
            KvRequest::Write { key, value } => Applied {
                reply: json!({"type": "write_ok"}),
                change: self.set(key, value),
            },
            KvRequest::Cas {
                key,
                from,
                to,
                create_if_not_exists,
            } => match self.get(key) {
                Some(current) if current == from => Applied {
                    reply: json!({"type": "cas_ok"}),
                    change: self.set(key, to),
                },
                Some(current) => {
                    let from_text = match flavor {
                        Flavor::Standard => T::readable(from),
                        Flavor::Lww => T::plain(from),
                    };
                    let text = format!(
                        "current value {} is not {}",
                        T::readable(current),
                        from_text
                    );
                    Applied {
                        reply: json!({
                            "type": "error",
                            "code": ErrorCode::PreconditionFailed.code(),
                            "text": text
                        }),
                        change: None,
                    }
                }
                None if *create_if_not_exists && flavor == Flavor::Standard => Applied {
                    reply: json!({"type": "cas_ok"}),
                    change: self.set(key, to),
                },
                None => Applied {
                    reply: key_missing(),
                    change: None,
                },
            },
        }
    }

    /// The change that stores `value` under `key`, or None when the key
    /// already holds exactly that value (the map would compare equal).
    fn set(&self, key: &Value, value: &Value) -> Option<Change> {
        let key_text = key_text(key);
        match self.entries.get(&key_text) {
            Some(old) if old.as_ref() == value => None,
            _ => Some(Change {
                key_text,
                value: Rc::new(value.clone()),
            }),
        }
    }

    pub fn commit(&mut self, change: Change) {
        self.entries.insert(change.key_text, change.value);
    }

    /// Applies `req` and commits its change; returns the reply body.
    pub fn apply_in_place(&mut self, req: &KvRequest, flavor: Flavor) -> Value {
        let applied = self.apply(req, flavor);
        if let Some(change) = applied.change {
            self.commit(change);
        }
        applied.reply
    }
}

fn key_missing() -> Value {
    json!({"type": "error", "code": ErrorCode::KeyDoesNotExist.code(), "text": "key does not exist"})
}

/// Adds `in_reply_to` (the request's `msg_id`, or null) to a reply body.
pub fn with_in_reply_to(mut reply: Value, request: &Value) -> Value {
    let msg_id = request.get("msg_id").cloned().unwrap_or(Value::Null);
    // Every reply body built in this module is an object.
    if let Value::Object(map) = &mut reply {
        map.insert("in_reply_to".into(), msg_id);
    }
    reply
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(state: &mut KvState<JsonText>, body: Value, flavor: Flavor) -> Value {
        let req = KvRequest::parse(&body).expect("a KV request");
        with_in_reply_to(state.apply_in_place(&req, flavor), &body)
    }

    /// The rules as the test-only simulator sees them (the bench's services
    /// are tested with Clojure's printer in xtask/src/engine/services/tests.rs).
    #[test]
    fn read_write_and_cas_with_json_texts() {
        let mut s = KvState::<JsonText>::default();
        let read = json!({"type": "read", "key": "k", "msg_id": 1});
        assert_eq!(
            apply(&mut s, read.clone(), Flavor::Standard),
            json!({"type": "error", "code": 20, "text": "key does not exist", "in_reply_to": 1})
        );
        // Clojure truthiness: 0 is true, so the missing key is created.
        let create =
            json!({"type": "cas", "key": "k", "from": 1, "to": 2, "create_if_not_exists": 0});
        assert_eq!(apply(&mut s, create, Flavor::Standard)["type"], "cas_ok");
        let cas = json!({"type": "cas", "key": "k", "from": "x", "to": 3});
        assert_eq!(
            apply(&mut s, cas.clone(), Flavor::Standard)["text"],
            "current value 2 is not \"x\""
        );
        assert_eq!(
            apply(&mut s, cas, Flavor::Lww)["text"],
            "current value 2 is not x"
        );
        assert_eq!(s.get(&json!("k")), Some(&json!(2)));
        // Keys are compared as values: object keys in any order match.
        let write = json!({"type": "write", "key": {"a": 1, "b": 2}, "value": 9});
        assert_eq!(apply(&mut s, write, Flavor::Standard)["type"], "write_ok");
        assert_eq!(s.get(&json!({"b": 2, "a": 1})), Some(&json!(9)));
        assert_eq!(s.get(&json!("{\"a\":1,\"b\":2}")), None);
        // Not a KV request: no reply.
        assert_eq!(
            KvRequest::parse(&json!({"type": "delete", "key": "k"})),
            None
        );
    }
}
