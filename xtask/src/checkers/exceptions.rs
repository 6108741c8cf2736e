//! Jepsen's unhandled-exceptions checker: groups `:info` ops that carry an
//! exception, most frequent first. Always valid.
//!
//! Jepsen groups by the Java exception class; our exceptions are texts, so
//! the class is the text up to its first colon (e.g. "malformed RPC response").
//! fidelity X6: the exceptions checker's class is the text up to its first colon.

use crate::checkers::{CheckResult, OpFold, Validity};
#[cfg(test)]
use crate::history::History;
use crate::history::{Op, OpType};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Exception classes with their count and first op (as JSON), by class.
#[derive(Default)]
pub struct Exceptions {
    groups: BTreeMap<String, (u64, Value)>,
}

impl OpFold for Exceptions {
    fn observe(&mut self, op: &Op) {
        if op.kind != OpType::Info {
            return;
        }
        let Some(e) = &op.exception else { return };
        let class = e.split(':').next().unwrap_or(e).trim();
        match self.groups.get_mut(class) {
            Some(g) => g.0 += 1,
            None => {
                // Jepsen keeps the whole op; a long body would be printed
                // and held again here, so long strings are cut (elide.rs).
                let mut example = serde_json::to_value(op).unwrap_or(Value::Null);
                super::elide::elide_long_strings(&mut example);
                self.groups.insert(class.to_string(), (1, example));
            }
        }
    }

    fn finish(self: Box<Self>) -> CheckResult {
        let mut r = CheckResult::new(Validity::True);
        if self.groups.is_empty() {
            return r;
        }
        let mut list: Vec<(String, (u64, Value))> = self.groups.into_iter().collect();
        list.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        let v: Vec<Value> = list
            .into_iter()
            .map(|(class, (count, example))| {
                json!({"count": count, "class": class, "example": example})
            })
            .collect();
        r.fields.insert("exceptions".into(), Value::Array(v));
        r
    }
}

#[cfg(test)]
pub fn check(history: &History) -> CheckResult {
    crate::checkers::fold_history(Box::<Exceptions>::default(), history)
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
        // Issue 22 row 13: a 15 MiB body quoted in the exception (and in
        // the error, as Jepsen's interpreter writes it) is not kept whole.
        let mut huge = op(7, 3, OpType::Info, "echo");
        let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(15 << 20));
        huge.exception = Some(format!(
            "malformed RPC response: disallowed key pad in {body}"
        ));
        huge.error = Some(json!(format!(
            "indeterminate: {}",
            huge.exception.as_ref().unwrap()
        )));
        let len = huge.exception.as_ref().unwrap().len();
        let r = check(&History::new(vec![op(6, 3, OpType::Invoke, "echo"), huge]));
        let example = &r.fields["exceptions"][0]["example"];
        let text = serde_json::to_string(example).unwrap();
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(
            text.contains(&format!("elided: {len} bytes in all")),
            "{text}"
        );
        assert!(
            text.contains(&format!("elided: {} bytes in all", len + 15)),
            "{text}"
        );
        assert!(check(&History::default())
            .fields
            .get("exceptions")
            .is_none());
    }
}
