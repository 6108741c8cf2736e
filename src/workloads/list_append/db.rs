//! The whole database as one immutable value: key -> list of elements, and
//! the execution of a transaction against it.
//!
//! In `lin-kv` it is stored as `[[key, [elements..]], ..]` sorted by the
//! key's JSON text: keys may be any JSON, and every node writes the same
//! database as the same value, which the service's compare-and-set needs.

use serde_json::Value;
use std::collections::BTreeMap;

/// A micro-op `[f, k, v]` as it travels in `txn` / `txn_ok`.
pub type MicroOp = (String, Value, Value);

/// Why a transaction cannot run.
#[derive(Debug, PartialEq, Eq)]
pub struct BadMicroOp(pub String);

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Db {
    /// Key's JSON text -> (key, elements).
    lists: BTreeMap<String, (Value, Vec<Value>)>,
}

impl Db {
    /// Parses the stored form; `None` if it is not one.
    pub fn from_value(v: &Value) -> Option<Db> {
        let mut lists = BTreeMap::new();
        for entry in v.as_array()? {
            match entry.as_array().map(Vec::as_slice) {
                Some([k, Value::Array(elems)]) => {
                    lists.insert(k.to_string(), (k.clone(), elems.clone()));
                }
                _ => return None,
            }
        }
        Some(Db { lists })
    }

    /// The stored form.
    pub fn to_value(&self) -> Value {
        Value::Array(
            self.lists
                .values()
                .map(|(k, elems)| Value::Array(vec![k.clone(), Value::Array(elems.clone())]))
                .collect(),
        )
    }

    /// Checks that every micro-op is a read or an append.
    pub fn validate(ops: &[MicroOp]) -> Result<(), BadMicroOp> {
        match ops.iter().find(|(f, _, _)| f != "r" && f != "append") {
            Some((f, _, _)) => Err(BadMicroOp(format!("unknown micro-op {f:?}"))),
            None => Ok(()),
        }
    }

    /// Runs `ops` in order: a read returns the key's list (`null` if the key
    /// was never appended to), including this transaction's own appends.
    /// Returns the completed micro-ops.
    pub fn execute(&mut self, ops: &[MicroOp]) -> Vec<MicroOp> {
        ops.iter()
            .map(|(f, k, v)| {
                let text = k.to_string();
                if f == "append" {
                    let entry = self
                        .lists
                        .entry(text)
                        .or_insert_with(|| (k.clone(), Vec::new()));
                    entry.1.push(v.clone());
                    (f.clone(), k.clone(), v.clone())
                } else {
                    let seen = self
                        .lists
                        .get(&text)
                        .map_or(Value::Null, |(_, l)| Value::Array(l.clone()));
                    (f.clone(), k.clone(), seen)
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ops(v: Value) -> Vec<MicroOp> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn reads_see_earlier_appends_and_nil_for_new_keys() {
        let mut db = Db::default();
        let out = db.execute(&ops(json!([
            ["r", 1, null],
            ["append", 1, 6],
            ["r", 1, null],
            ["append", "k", 9]
        ])));
        assert_eq!(
            serde_json::to_value(out).unwrap(),
            json!([
                ["r", 1, null],
                ["append", 1, 6],
                ["r", 1, [6]],
                ["append", "k", 9]
            ])
        );
        let stored = db.to_value();
        // Sorted by the key's JSON text: "\"k\"" before "1".
        assert_eq!(stored, json!([["k", [9]], [1, [6]]]));
        assert_eq!(Db::from_value(&stored), Some(db.clone()));
        let out = db.clone().execute(&ops(json!([["r", 1, null]])));
        assert_eq!(serde_json::to_value(out).unwrap(), json!([["r", 1, [6]]]));
        assert!(Db::from_value(&json!([[1, 2]])).is_none());
        assert!(Db::validate(&ops(json!([["w", 1, 2]]))).is_err());
    }

    #[test]
    fn equal_databases_have_equal_stored_forms() {
        let mut a = Db::default();
        let mut b = Db::default();
        a.execute(&ops(json!([["append", 2, 1], ["append", 1, 1]])));
        b.execute(&ops(json!([["append", 1, 1]])));
        b.execute(&ops(json!([["append", 2, 1]])));
        assert_eq!(a.to_value(), b.to_value());
    }
}
