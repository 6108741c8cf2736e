//! Exact identity and Clojure ordering of JSON values, as the Jepsen checkers
//! see them after Maelstrom parsed a node's reply.
//!
//! Identity: Clojure `=` on parsed JSON, so `1`, `1.0` and `"1"` are three
//! different values, never compared through f64 (two distinct u64 ids above
//! 2^53 must not collide). Order: `clojure.core/compare`, which throws on
//! values of different kinds and on maps; callers turn that into `:unknown`.

use serde_json::Value;
use std::cmp::Ordering;

/// A string that is equal for two values iff they are the same JSON value
/// (objects with their keys sorted, numbers in their parsed form).
pub fn identity_key(v: &Value) -> String {
    let mut out = String::new();
    write_key(v, &mut out);
    out
}

/// Appends `identity_key(v)` to `out` (a caller may reuse one buffer).
pub fn write_key(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            // Sort explicitly: serde_json's map may preserve insertion order
            // if some crate in the build turns on `preserve_order`.
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_key(val, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_key(item, out);
            }
            out.push(']');
        }
        // Numbers print as parsed: i64/u64 as digits, floats always with a
        // fraction or exponent, so `1` and `1.0` stay apart. Written into
        // `out` directly: `to_string` allocated once per value of every read.
        other => {
            use std::fmt::Write;
            let _ = write!(out, "{other}");
        }
    }
}

/// `clojure.core/compare` on parsed JSON: nil sorts first; numbers by value
/// (exactly for integers, as doubles once a float is involved, like
/// `Numbers.compare`); strings by UTF-16 code units (`String.compareTo`);
/// booleans false < true; vectors by length, then element-wise. Anything else
/// (different kinds, maps) throws a ClassCastException in Clojure: `Err`.
pub fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Null, Value::Null) => Ok(Ordering::Equal),
        (Value::Null, _) => Ok(Ordering::Less),
        (_, Value::Null) => Ok(Ordering::Greater),
        (Value::Number(x), Value::Number(y)) => Ok(compare_numbers(x, y)),
        (Value::String(x), Value::String(y)) => Ok(x.encode_utf16().cmp(y.encode_utf16())),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Ok(x.len().cmp(&y.len()));
            }
            for (p, q) in x.iter().zip(y) {
                let c = compare(p, q)?;
                if c != Ordering::Equal {
                    return Ok(c);
                }
            }
            Ok(Ordering::Equal)
        }
        _ => Err(format!(
            "cannot compare {a} with {b} (incomparable JSON values)"
        )),
    }
}

fn as_integer(n: &serde_json::Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn compare_numbers(x: &serde_json::Number, y: &serde_json::Number) -> Ordering {
    match (as_integer(x), as_integer(y)) {
        (Some(p), Some(q)) => p.cmp(&q),
        _ => {
            let p = x.as_f64().unwrap_or(f64::NAN);
            let q = y.as_f64().unwrap_or(f64::NAN);
            p.partial_cmp(&q).unwrap_or(Ordering::Equal)
        }
    }
}

/// Sorts values with `compare`, like Clojure's `sort`; Err if two values that
/// the sort compares are incomparable.
pub fn sort_values(values: &mut [Value]) -> Result<(), String> {
    let mut error = None;
    values.sort_by(|a, b| match compare(a, b) {
        Ok(o) => o,
        Err(e) => {
            error.get_or_insert(e);
            Ordering::Equal
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// A JSON integer as i128 (exact for every i64 and u64), None otherwise.
pub fn integer(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => as_integer(n),
        _ => None,
    }
}

/// An i128 as a JSON number when it fits i64/u64, else as its decimal string
/// (only reachable with absurd hand-built histories).
pub fn integer_json(n: i128) -> Value {
    if let Ok(v) = i64::try_from(n) {
        Value::from(v)
    } else if let Ok(v) = u64::try_from(n) {
        Value::from(v)
    } else {
        Value::String(n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identity_keeps_int_float_and_string_apart() {
        assert_ne!(identity_key(&json!(1)), identity_key(&json!(1.0)));
        assert_ne!(identity_key(&json!(1)), identity_key(&json!("1")));
        assert_eq!(
            identity_key(&json!({"b":1,"a":[1,"x"]})),
            identity_key(&json!({"a":[1,"x"],"b":1}))
        );
        // Two u64 ids that collide as f64.
        let a: Value = serde_json::from_str("18446744073709551615").unwrap();
        let b: Value = serde_json::from_str("18446744073709551614").unwrap();
        assert_ne!(identity_key(&a), identity_key(&b));
    }

    #[test]
    fn compare_follows_clojure() {
        assert_eq!(compare(&json!(1), &json!(2)), Ok(Ordering::Less));
        assert_eq!(compare(&json!(2), &json!(1.5)), Ok(Ordering::Greater));
        assert_eq!(compare(&json!(1), &json!(1.0)), Ok(Ordering::Equal));
        assert_eq!(compare(&json!("n10"), &json!("n9")), Ok(Ordering::Less));
        assert_eq!(compare(&json!(null), &json!("a")), Ok(Ordering::Less));
        assert_eq!(
            compare(&json!(["n1", 0]), &json!(["n0", 5])),
            Ok(Ordering::Greater)
        );
        assert_eq!(compare(&json!([9]), &json!([1, 1])), Ok(Ordering::Less));
        assert_eq!(compare(&json!(false), &json!(true)), Ok(Ordering::Less));
        assert!(compare(&json!("1"), &json!(1)).is_err());
        assert!(compare(&json!({"a":1}), &json!({"a":1})).is_err());
        assert!(compare(&json!(["a"]), &json!([1])).is_err());
        // UTF-16 order: U+FF61 sorts after a surrogate pair in UTF-16, before it in UTF-8.
        assert_eq!(
            compare(&json!("\u{FF61}"), &json!("\u{1F600}")),
            Ok(Ordering::Greater)
        );
        let big: Value = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(compare(&big, &json!(-1)), Ok(Ordering::Greater));
    }

    #[test]
    fn sort_reports_incomparable_values() {
        let mut ok = vec![json!(3), json!(1), json!(2)];
        assert!(sort_values(&mut ok).is_ok());
        assert_eq!(ok, vec![json!(1), json!(2), json!(3)]);
        let mut bad = vec![json!(3), json!("x")];
        assert!(sort_values(&mut bad).is_err());
    }
}
