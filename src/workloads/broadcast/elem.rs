//! A broadcast value: any JSON value, held as its canonical JSON text.
//!
//! The workload's schema allows any JSON as `message` (the generator sends
//! unique integers). Values are compared the way Maelstrom's checker compares
//! them, as parsed JSON: `3` and `3.0` differ, `{"a":1,"b":2}` equals
//! `{"b":2,"a":1}`. Keeping the canonical text lets a value be hashed,
//! compared and written back out without ever being parsed again.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// One value of the grow-only set. Shared, not copied: a read answers the
/// whole set, and copying every value's text for each read was the largest
/// cost of a 25-node broadcast run in virtual time.
#[derive(Clone, Debug)]
pub struct Elem(Arc<RawValue>);

impl Elem {
    /// The canonical form of a parsed JSON value.
    pub fn from_value(value: &Value) -> Elem {
        // A `Value` always serialises to valid JSON (object keys come out
        // sorted, since serde_json's map is a BTreeMap here).
        let text = value.to_string();
        Elem(
            RawValue::from_string(text)
                .unwrap_or_else(|_| null())
                .into(),
        )
    }

    /// The canonical form of raw JSON text.
    fn from_raw(raw: Box<RawValue>) -> Elem {
        if raw.get() == "-0" {
            // An integer zero, as a JSON reader on the checker's side sees it
            // (serde_json alone would make it the float -0.0).
            return Elem::from(0);
        }
        if is_integer_literal(raw.get()) {
            // Already canonical, and kept exact even beyond 64 bits.
            return Elem(raw.into());
        }
        match serde_json::from_str::<Value>(raw.get()) {
            Ok(v) => Elem::from_value(&v),
            Err(_) => Elem(raw.into()),
        }
    }

    /// The canonical JSON text.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }
}

fn null() -> Box<RawValue> {
    RawValue::NULL.to_owned()
}

/// `-?(0|[1-9][0-9]*)`: the one form JSON allows an integer to take.
fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && s != "-0"
}

impl From<i64> for Elem {
    fn from(n: i64) -> Elem {
        Elem::from_value(&Value::from(n))
    }
}

impl PartialEq for Elem {
    fn eq(&self, other: &Elem) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Elem {}

/// Ordered by canonical text, so sets of values iterate (and reads answer)
/// in the same order in every run: deterministic under a seeded host.
impl Ord for Elem {
    fn cmp(&self, other: &Elem) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Elem {
    fn partial_cmp(&self, other: &Elem) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Elem {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Serialize for Elem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Elem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Elem, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Elem::from_raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Elem {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn equal_json_values_are_equal_elements() {
        assert_eq!(parse("7"), Elem::from(7));
        assert_eq!(parse(r#"{"b": 2, "a": 1}"#), parse(r#"{"a":1,"b":2}"#));
        assert_eq!(parse("[1, 2]").as_str(), "[1,2]");
        assert_eq!(parse("-0").as_str(), "0");
    }

    #[test]
    fn distinct_json_values_stay_distinct() {
        assert_ne!(parse("3"), parse("3.0"));
        assert_ne!(parse("3"), parse("\"3\""));
        assert_ne!(parse("null"), parse("0"));
    }

    #[test]
    fn big_integers_are_kept_exactly() {
        let big = "123456789012345678901234567890";
        assert_eq!(parse(big).as_str(), big);
    }

    #[test]
    fn serialises_as_the_json_value_itself() {
        let v = vec![parse("1"), parse(r#"{"x": [true]}"#)];
        assert_eq!(serde_json::to_value(&v).unwrap(), json!([1, {"x": [true]}]));
    }
}
