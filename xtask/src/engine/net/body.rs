//! A message body as the network holds it: parsed, or, while it waits in a
//! node's queue, as its JSON text. A node only ever reads the text (its
//! stdin line), and the text of a small body is ~10 times smaller than its
//! `serde_json` tree (a `BTreeMap` node of 11 entries for a map of two); a
//! queued small message costs ~300 bytes instead of ~900, so a backlog
//! Maelstrom would keep (e.g. the tutorial's broadcast storm, ~90 000
//! messages per node) fits under the cap of `backlog.rs`.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

#[derive(Clone, Debug)]
pub enum Body {
    Json(Value),
    /// Serialised from a `Value` by us, so it always parses back.
    Text(Box<RawValue>),
}

impl Body {
    /// The body as text, for a message that waits in a node's queue; kept
    /// parsed if it cannot be serialised (it always can: a `Value`'s keys
    /// are strings).
    pub fn compact(self) -> Body {
        match self {
            Body::Json(v) => match serde_json::value::to_raw_value(&v) {
                Ok(raw) => Body::Text(raw),
                Err(_) => Body::Json(v),
            },
            text => text,
        }
    }

    /// The parsed body (parsed again from the text if need be).
    pub fn value(&self) -> Cow<'_, Value> {
        match self {
            Body::Json(v) => Cow::Borrowed(v),
            Body::Text(raw) => Cow::Owned(serde_json::from_str(raw.get()).unwrap_or(Value::Null)),
        }
    }

    pub fn into_value(self) -> Value {
        match self {
            Body::Json(v) => v,
            text => text.value().into_owned(),
        }
    }
}

impl From<Value> for Body {
    fn from(v: Value) -> Self {
        Body::Json(v)
    }
}

/// The JSON text, as a node reads it.
impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Json(v) => write!(f, "{v}"),
            Body::Text(raw) => f.write_str(raw.get()),
        }
    }
}

impl Serialize for Body {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Body::Json(v) => v.serialize(s),
            Body::Text(raw) => raw.serialize(s),
        }
    }
}

/// Equal when they hold the same JSON value, parsed or not.
impl PartialEq for Body {
    fn eq(&self, o: &Self) -> bool {
        self.value() == o.value()
    }
}

impl PartialEq<Value> for Body {
    fn eq(&self, o: &Value) -> bool {
        *self.value() == *o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_reads_serialises_and_compares_as_the_value_it_came_from() {
        let v = json!({"type": "broadcast", "message": 5, "f": 0.1, "big": u64::MAX, "s": "é\n"});
        let text = Body::from(v.clone()).compact();
        assert!(matches!(text, Body::Text(_)));
        assert_eq!(text.to_string(), v.to_string());
        assert_eq!(serde_json::to_string(&text).unwrap(), v.to_string());
        assert_eq!(text, v);
        assert_eq!(text, Body::Json(v.clone()));
        assert_eq!(text.into_value(), v);
    }
}
