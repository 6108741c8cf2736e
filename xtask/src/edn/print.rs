//! Rendering JSON values as Clojure prints them: the texts of the services' error 22
//! (`current value <cur> is not <from>`, jepsen-io/maelstrom v0.2.3 src/maelstrom/service.clj,
//! `PersistentKV`: `(pr-str (m k))`) and the labels
//! of messages.svg.

use serde_json::Value;

/// Clojure's `pr-str` of a parsed JSON value: strings quoted, `null` -> `nil`,
/// arrays -> `[1 2]`, objects -> `{"a" 1, "b" 2}`, floats as Java prints them.
///
/// Object entry order: Clojure prints maps of up to 8 entries in parse order
/// and larger ones in hash order; we print serde_json's map order. The texts
/// are informational only (clients must not parse them).
/// fidelity X16: error-22 texts print map keys in sorted order.
pub fn pr_str(v: &Value) -> String {
    let mut out = String::new();
    write_pr(v, &mut out);
    out
}

/// Clojure's `str` of a parsed JSON value: like `pr_str` except that a
/// top-level string is unquoted and `null` is the empty string (lww-kv's
/// rendering of `from`).
pub fn plain_str(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => pr_str(other),
    }
}

fn write_pr(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("nil"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (None, Some(u), _) => out.push_str(&u.to_string()),
            (None, None, Some(f)) => out.push_str(&java_double(f)),
            (None, None, None) => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_quoted(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_pr(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_quoted(k, out);
                out.push(' ');
                write_pr(item, out);
            }
            out.push('}');
        }
    }
}

/// Clojure's readable string: only these characters are escaped.
fn write_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            other => out.push(other),
        }
    }
    out.push('"');
}

/// Java's `Double.toString`: plain notation with at least one fractional
/// digit for magnitudes in [1e-3, 1e7), else `d.dddE<exp>`.
pub fn java_double(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let a = f.abs();
    if (1e-3..1e7).contains(&a) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        format!("{mantissa}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_like_clojure() {
        assert_eq!(pr_str(&json!(null)), "nil");
        assert_eq!(pr_str(&json!("a\"b\n")), "\"a\\\"b\\n\"");
        assert_eq!(pr_str(&json!([1, "x", null, true])), "[1 \"x\" nil true]");
        assert_eq!(
            pr_str(&json!({"a": 1, "b": [2.5]})),
            "{\"a\" 1, \"b\" [2.5]}"
        );
        assert_eq!(
            pr_str(&json!(18446744073709551615u64)),
            "18446744073709551615"
        );
        assert_eq!(pr_str(&json!(-3)), "-3");
        assert_eq!(plain_str(&json!(null)), "");
        assert_eq!(plain_str(&json!("a")), "a");
        assert_eq!(plain_str(&json!(["a"])), "[\"a\"]");
    }

    #[test]
    fn doubles_print_like_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(1.5), "1.5");
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_double(1e300), "1.0E300");
        assert_eq!(java_double(1.5e-5), "1.5E-5");
        assert_eq!(java_double(12345678.0), "1.2345678E7");
        assert_eq!(java_double(0.001), "0.001");
        assert_eq!(java_double(-0.0), "-0.0");
    }
}
