//! Jepsen's `unique-ids` checker (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker.clj,
//! `unique-ids`): every
//! `:ok` `generate` must return a value no other `:ok` `generate` returned.

use crate::checkers::value_order::{compare, identity_key, sort_values};
use crate::checkers::{CheckResult, Validity};
use crate::history::{History, OpType};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;

/// How many duplicates `:duplicated` lists (Jepsen: `take 48`).
const MAX_LISTED_DUPLICATES: usize = 48;

pub fn check(history: &History) -> CheckResult {
    let generates = history.ops.iter().filter(|o| o.f == "generate");
    let mut attempted = 0u64;
    let mut acks: Vec<&Value> = Vec::new();
    for op in generates {
        match op.kind {
            OpType::Invoke => attempted += 1,
            OpType::Ok => acks.push(&op.value),
            _ => {}
        }
    }

    // Frequency table by exact value; remember first-seen order for ties.
    let mut counts: HashMap<String, (usize, &Value)> = HashMap::new();
    for v in &acks {
        counts.entry(identity_key(v)).or_insert((0, v)).0 += 1;
    }
    let mut dups: Vec<(Value, usize)> = counts
        .values()
        .filter(|(n, _)| *n > 1)
        .map(|(n, v)| ((*v).clone(), *n))
        .collect();
    // Jepsen puts the duplicates in a sorted-map, which compares their ids.
    let mut dup_ids: Vec<Value> = dups.iter().map(|(v, _)| v.clone()).collect();
    if let Err(e) = sort_values(&mut dup_ids) {
        return CheckResult::unknown(format!(
            "unique-ids: duplicated ids are not comparable: {e}"
        ));
    }
    dups.sort_by(|a, b| compare(&a.0, &b.0).unwrap_or(Ordering::Equal));
    let range = match id_range(&acks) {
        Ok(r) => r,
        Err(e) => return CheckResult::unknown(format!("unique-ids: ids are not comparable: {e}")),
    };

    // `(->> dups (sort-by val) reverse (take 48) (into (sorted-map)))`.
    let mut by_count = dups.clone();
    by_count.sort_by_key(|(_, n)| *n);
    by_count.reverse();
    let mut listed = Map::new();
    for (v, n) in by_count.into_iter().take(MAX_LISTED_DUPLICATES) {
        // JSON object keys must be strings: the id's exact JSON text.
        listed.insert(identity_key(&v), Value::from(n as u64));
    }

    CheckResult::new(Validity::from_bool(dups.is_empty()))
        .with("attempted-count", attempted)
        .with("acknowledged-count", acks.len() as u64)
        .with("duplicated-count", dups.len() as u64)
        .with("duplicated", Value::Object(listed))
        .with("range", range)
}

/// Tesser's `range`: `[min max]` by `compare`, where a nil accumulator is
/// replaced by the next value without comparing (so a lone object id is
/// fine, but two of them throw). `[null null]` when nothing was acknowledged.
/// fidelity X18: ids that cannot be compared make `range` unknown.
fn id_range(acks: &[&Value]) -> Result<Value, String> {
    let mut low: &Value = &Value::Null;
    let mut high: &Value = &Value::Null;
    for v in acks {
        if low.is_null() || compare(v, low)? == Ordering::Less {
            low = v;
        }
        if high.is_null() || compare(v, high)? == Ordering::Greater {
            high = v;
        }
    }
    Ok(Value::Array(vec![low.clone(), high.clone()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::history::{Op, Process};
    use serde_json::json;

    fn op(index: usize, process: u64, kind: OpType, value: Value) -> Op {
        op_at(
            index,
            index as u64 * 1000,
            Process::Client(process),
            kind,
            "generate",
            value,
        )
    }

    /// One invoke + completion per id, alternating between two processes.
    fn history(results: &[(OpType, Value)]) -> History {
        let mut ops = Vec::new();
        for (i, (kind, v)) in results.iter().enumerate() {
            let p = (i % 2) as u64;
            ops.push(op(ops.len(), p, OpType::Invoke, Value::Null));
            ops.push(op(ops.len(), p, *kind, v.clone()));
        }
        History::new(ops)
    }

    #[test]
    fn distinct_ids_pass_with_range_and_counts() {
        let h = history(&[
            (OpType::Ok, json!("n0-1")),
            (OpType::Ok, json!("n1-1")),
            (OpType::Info, Value::Null),
            (OpType::Ok, json!("n0-2")),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["attempted-count"], json!(4));
        assert_eq!(r.fields["acknowledged-count"], json!(3));
        assert_eq!(r.fields["duplicated-count"], json!(0));
        assert_eq!(r.fields["duplicated"], json!({}));
        assert_eq!(r.fields["range"], json!(["n0-1", "n1-1"]));
    }

    #[test]
    fn duplicates_fail_and_are_counted() {
        let h = history(&[
            (OpType::Ok, json!(1)),
            (OpType::Ok, json!(1)),
            (OpType::Ok, json!(2)),
            (OpType::Ok, json!(1)),
            (OpType::Ok, json!(2)),
            (OpType::Ok, json!(3)),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["duplicated-count"], json!(2));
        assert_eq!(r.fields["duplicated"], json!({"1": 3, "2": 2}));
        assert_eq!(r.fields["range"], json!([1, 3]));
    }

    #[test]
    fn ids_compare_as_exact_json() {
        // 1 and 1.0 and "1" are different ids; two u64 ids that are equal as f64 are different.
        let a: Value = serde_json::from_str("18446744073709551615").unwrap();
        let b: Value = serde_json::from_str("18446744073709551614").unwrap();
        let r = check(&history(&[(OpType::Ok, a), (OpType::Ok, b)]));
        assert_eq!(r.valid, Validity::True);
        let r = check(&history(&[
            (OpType::Ok, json!(1)),
            (OpType::Ok, json!(1.0)),
        ]));
        assert_eq!(r.valid, Validity::True);
        // Structurally equal arrays are the same id.
        let r = check(&history(&[
            (OpType::Ok, json!(["n0", 1])),
            (OpType::Ok, json!(["n0", 1])),
        ]));
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["duplicated"], json!({"[\"n0\",1]": 2}));
        // Two equal objects are one duplicated id, but Jepsen's range then
        // compares two maps and throws: unknown, as in Maelstrom.
        let r = check(&history(&[
            (OpType::Ok, json!({"a":1,"b":2})),
            (OpType::Ok, json!({"b":2,"a":1})),
        ]));
        assert_eq!(r.valid, Validity::Unknown);
    }

    #[test]
    fn fail_and_info_values_are_never_seen() {
        let h = history(&[
            (OpType::Ok, json!(7)),
            (OpType::Fail, json!(7)),
            (OpType::Info, json!(7)),
        ]);
        assert_eq!(check(&h).valid, Validity::True);
    }

    #[test]
    fn incomparable_ids_make_it_unknown() {
        let r = check(&history(&[
            (OpType::Ok, json!("a")),
            (OpType::Ok, json!(1)),
        ]));
        assert_eq!(r.valid, Validity::Unknown);
        assert!(r.fields.contains_key("error"));
        let r = check(&history(&[
            (OpType::Ok, json!({"a":1})),
            (OpType::Ok, json!({"a":2})),
        ]));
        assert_eq!(r.valid, Validity::Unknown);
        // A single object id is never compared (tesser's nil accumulator).
        let r = check(&history(&[(OpType::Ok, json!({"a":1}))]));
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["range"], json!([{"a":1}, {"a":1}]));
    }

    #[test]
    fn empty_history_has_a_nil_range() {
        let r = check(&History::default());
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["range"], json!([null, null]));
    }
}
