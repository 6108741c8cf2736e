//! JSON values printed back as the EDN Jepsen wrote before our JSON lost
//! the keyword/string distinction. Rule (fidelity X33): a map key becomes a keyword when it is keyword-shaped, a number
//! when it is one as Clojure prints it (stable-latencies' `{0 0, 0.5 198}`),
//! else stays a string; a string *value* becomes a keyword only where the
//! caller says Jepsen has one (`Keywords`). Our EDN reader maps keywords and
//! strings to the same JSON string, so printing then reading gives back the
//! value printed, whichever the rule picks.

use crate::edn::pr_str;
use serde_json::Value;

/// Which string values print as keywords.
#[derive(Clone, Copy, PartialEq)]
pub enum Keywords {
    /// None: every string value is a string.
    None,
    /// The value itself, when keyword-shaped (`:valid? :unknown`, an
    /// error `:net-timeout`).
    This,
    /// Results maps: values under `:valid?`, `:type`, `:f` (ops quoted in
    /// results) and `:outcome` (broadcast's `:stable` / `:lost`).
    Results,
    /// A txn value: the first element of each micro-op `[:r 1 nil]`.
    MicroOps,
    /// An error: itself, or the first element of `[:code "text"]`.
    Error,
    /// Data from a node's JSON below the body's top level: no keywords, and
    /// map keys stay strings (maelstrom v0.2.3 src/maelstrom/process.clj
    /// keywordizes only the body's own keys, `keywordize-keys-1`), as in
    /// kafka's poll `{"1" [[0 12]]}`.
    NodeData,
}

/// Whether `s` reads back as a keyword `:s`, the same name.
pub fn keyword_shaped(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let sign_then_digit =
        matches!(first, '-' | '+') && chars.next().is_some_and(|c| c.is_ascii_digit());
    (first.is_ascii_alphabetic() || "*+!-_?<>=".contains(first))
        && !sign_then_digit
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "*+!-_?<>=.".contains(c))
        && !matches!(s, "nil" | "true" | "false")
}

/// A map key as Jepsen's key would print: keyword, number, else string;
/// always a string under `Keywords::NodeData`.
fn write_key(k: &str, kw: Keywords, out: &mut String) {
    let string_keys = kw == Keywords::NodeData;
    let integer = k.parse::<i64>().is_ok_and(|n| n.to_string() == k);
    let double = k
        .parse::<f64>()
        .is_ok_and(|f| f.is_finite() && crate::edn::java_double(f) == k);
    if (integer || double) && !string_keys {
        out.push_str(k);
    } else if keyword_shaped(k) && !string_keys {
        out.push(':');
        out.push_str(k);
    } else {
        out.push_str(&pr_str(&Value::String(k.to_string())));
    }
}

/// `v` as EDN on one line, Clojure's `pr-str` layout (`{:a 1, :b [2 3]}`).
pub fn write(v: &Value, kw: Keywords, out: &mut String) {
    match v {
        Value::String(s) if kw == Keywords::This || kw == Keywords::Error => {
            if keyword_shaped(s) {
                out.push(':');
                out.push_str(s);
            } else {
                out.push_str(&pr_str(v));
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                match kw {
                    Keywords::MicroOps if item.is_array() => write_micro_op(item, out),
                    Keywords::Error if i == 0 => write(item, Keywords::This, out),
                    Keywords::Results => write(item, Keywords::Results, out),
                    Keywords::NodeData => write(item, Keywords::NodeData, out),
                    _ => write(item, Keywords::None, out),
                }
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(k, kw, out);
                out.push(' ');
                let inner = match kw {
                    Keywords::Results
                        if matches!(k.as_str(), "valid?" | "type" | "f" | "outcome") =>
                    {
                        Keywords::This
                    }
                    Keywords::Results => Keywords::Results,
                    Keywords::NodeData => Keywords::NodeData,
                    _ => Keywords::None,
                };
                write(item, inner, out);
            }
            out.push('}');
        }
        other => out.push_str(&pr_str(other)),
    }
}

/// `[:append 9 1]`, `[:poll {"1" [[0 12]]}]`: the micro-op's function is a
/// keyword, the rest the node's data.
fn write_micro_op(op: &Value, out: &mut String) {
    let items = op.as_array().map(Vec::as_slice).unwrap_or_default();
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let kw = if i == 0 {
            Keywords::This
        } else {
            Keywords::NodeData
        };
        write(item, kw, out);
    }
    out.push(']');
}

/// One-line EDN of `v`.
pub fn to_string(v: &Value, kw: Keywords) -> String {
    let mut out = String::new();
    write(v, kw, &mut out);
    out
}

/// A results map as `pprint` lays a map out too wide for one line: one
/// top-level entry per line, each value on one line (fipp's exact line
/// breaking is not kept; the values are).
pub fn results_text(results: &Value) -> String {
    let Some(map) = results.as_object() else {
        return to_string(results, Keywords::Results) + "\n";
    };
    let mut out = String::from("{");
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n ");
        }
        write_key(k, Keywords::Results, &mut out);
        out.push(' ');
        let kw = if k == "valid?" {
            Keywords::This
        } else {
            Keywords::Results
        };
        write(v, kw, &mut out);
    }
    out.push_str("}\n");
    out
}
