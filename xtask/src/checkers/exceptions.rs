//! Jepsen's unhandled-exceptions checker: groups `:info` ops that carry an
//! exception, most frequent first. Always valid.
//!
//! Jepsen groups by the Java exception class; our exceptions are texts, so
//! the class is the text up to its first colon (e.g. "malformed RPC response").

use crate::checker::{CheckResult, Validity};
use crate::history::{History, OpType};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn check(history: &History) -> CheckResult {
    let mut groups: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for op in history.ops.iter().filter(|o| o.kind == OpType::Info) {
        let Some(e) = &op.exception else { continue };
        let class = e.split(':').next().unwrap_or(e).trim().to_string();
        groups.entry(class).or_insert((0, op.index)).0 += 1;
    }
    let mut r = CheckResult::new(Validity::True);
    if groups.is_empty() {
        return r;
    }
    let mut list: Vec<(String, u64, usize)> =
        groups.into_iter().map(|(c, (n, i))| (c, n, i)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let v: Vec<Value> = list
        .into_iter()
        .map(|(class, count, i)| {
            let example = history
                .ops
                .get(i)
                .and_then(|o| serde_json::to_value(o).ok())
                .unwrap_or(Value::Null);
            json!({"count": count, "class": class, "example": example})
        })
        .collect();
    r.fields.insert("exceptions".into(), Value::Array(v));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;

    #[test]
    fn groups_by_class_most_frequent_first() {
        let mut a = op(1, 0, OpType::Info, "echo");
        a.exception = Some("malformed RPC response: extra key".into());
        let mut b = op(3, 1, OpType::Info, "echo");
        b.exception = Some("malformed RPC response: other".into());
        let mut c = op(5, 2, OpType::Info, "echo");
        c.exception = Some("RPC timed out".into());
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "echo"),
            a,
            op(2, 1, OpType::Invoke, "echo"),
            b,
            op(4, 2, OpType::Invoke, "echo"),
            c,
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::True);
        let ex = &r.fields["exceptions"];
        assert_eq!(ex[0]["class"], json!("malformed RPC response"));
        assert_eq!(ex[0]["count"], json!(2));
        assert_eq!(ex[1]["count"], json!(1));
        assert!(check(&History::default())
            .fields
            .get("exceptions")
            .is_none());
    }
}
