//! Long strings cut short where a person reads them: an exceptions example
//! and the results map printed at the end of a run. Jepsen prints and keeps
//! them whole; a node whose replies carry 15 MiB then prints 30 MB of
//! results and holds them twice in memory (issue 22 row 13). The op itself
//! stays whole in `history.jsonl`.
//! fidelity X3: long strings are elided where a person reads them.

use serde_json::Value;

/// Strings longer than this many bytes are elided.
pub const MAX_STRING: usize = 4096;
/// Bytes of an elided string that are kept.
const HEAD: usize = 256;

/// `s` if at most `MAX_STRING` bytes, else its head and its size.
pub fn elided(s: &str) -> Option<String> {
    if s.len() <= MAX_STRING {
        return None;
    }
    let mut end = HEAD;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!(
        "{}... (elided: {} bytes in all)",
        &s[..end],
        s.len()
    ))
}

/// Elides, in place, every string in `v` longer than `MAX_STRING` bytes,
/// keys included.
pub fn elide_long_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(short) = elided(s) {
                *s = short;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(elide_long_strings),
        Value::Object(m) => {
            if m.keys().any(|k| k.len() > MAX_STRING) {
                let old = std::mem::take(m);
                for (k, v) in old {
                    m.insert(elided(&k).unwrap_or(k), v);
                }
            }
            m.values_mut().for_each(elide_long_strings);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_long_strings_are_cut_and_say_their_size() {
        let long = "é".repeat(10_000); // 20 000 bytes, 2 per char
        let mut v = json!({"short": "hi", "list": [long.clone(), 7], long.clone(): null});
        elide_long_strings(&mut v);
        let s = v["list"][0].as_str().unwrap();
        assert_eq!(s.len(), 256 + "... (elided: 20000 bytes in all)".len());
        assert!(s.ends_with("... (elided: 20000 bytes in all)"), "{s}");
        assert_eq!(v["short"], "hi");
        assert_eq!(v["list"][1], 7);
        assert_eq!(v.as_object().unwrap().len(), 3);
        assert!(v.as_object().unwrap().keys().all(|k| k.len() < 300));
        assert_eq!(elided(&"x".repeat(MAX_STRING)), None);
    }
}
