//! Maelstrom's pn-counter checker, shared by g-counter (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/pn_counter.clj, `checker`): every `:ok` final read must lie in the set of totals reachable
//! from the definite adds plus any subset of the indeterminate ones.

use crate::checkers::value_order::{integer, integer_json};
use crate::checkers::{CheckResult, Validity};
use crate::history::{History, OpType};
use serde_json::Value;

/// A union of disjoint, non-adjacent closed integer intervals, sorted.
/// Maelstrom keeps a Guava RangeSet of open ranges (lo-1, hi+1), which merges
/// exactly when two integer intervals overlap or touch; this is the same set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntervalSet {
    ranges: Vec<(i128, i128)>,
}

impl IntervalSet {
    pub fn single(v: i128) -> Self {
        IntervalSet {
            ranges: vec![(v, v)],
        }
    }

    /// S ∪ (S + delta): the indeterminate add may or may not have happened.
    pub fn add_maybe(&mut self, delta: i128) {
        let shifted = self
            .ranges
            .iter()
            .map(|&(lo, hi)| (lo.saturating_add(delta), hi.saturating_add(delta)));
        let mut all: Vec<(i128, i128)> = self.ranges.iter().copied().chain(shifted).collect();
        all.sort();
        let mut merged: Vec<(i128, i128)> = Vec::with_capacity(all.len());
        for (lo, hi) in all {
            match merged.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        self.ranges = merged;
    }

    pub fn contains(&self, v: i128) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= v && v <= hi)
    }

    /// `[[lower upper] ...]` inclusive.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.ranges
                .iter()
                .map(|&(lo, hi)| Value::Array(vec![integer_json(lo), integer_json(hi)]))
                .collect(),
        )
    }
}

pub fn check(history: &History) -> CheckResult {
    let adds = history.ops.iter().filter(|o| o.f == "add");
    let mut definite: i128 = 0;
    let mut indeterminate: Vec<i128> = Vec::new();
    for add in adds {
        let delta = || {
            integer(&add.value).ok_or_else(|| {
                format!(
                    "counter: add {} has a non-integer value {}",
                    add.index, add.value
                )
            })
        };
        match add.kind {
            OpType::Ok => match delta() {
                Ok(d) => definite = definite.saturating_add(d),
                Err(e) => return CheckResult::unknown(e),
            },
            OpType::Info => match delta() {
                Ok(d) => indeterminate.push(d),
                Err(e) => return CheckResult::unknown(e),
            },
            // Invocations carry no outcome; there are no :fail adds in this
            // workload (the client throws on every error).
            OpType::Invoke | OpType::Fail => {}
        }
    }
    let mut acceptable = IntervalSet::single(definite);
    for d in indeterminate {
        acceptable.add_maybe(d);
    }

    let mut final_reads = Vec::new();
    let mut errors = Vec::new();
    for read in history
        .ops
        .iter()
        .filter(|o| o.is_final && o.kind == OpType::Ok)
    {
        // Maelstrom asserts each checked value is an integer.
        let Some(v) = integer(&read.value) else {
            return CheckResult::unknown(format!(
                "counter: final read {} has a non-integer value {}",
                read.index, read.value
            ));
        };
        final_reads.push(read.value.clone());
        if !acceptable.contains(v) {
            errors.push(serde_json::to_value(read).unwrap_or(Value::Null));
        }
    }

    // fidelity D26: `final-reads` is reported, and `errors` is `(seq errors)`: null when empty.
    CheckResult::new(Validity::from_bool(errors.is_empty()))
        .with(
            "errors",
            if errors.is_empty() {
                Value::Null
            } else {
                Value::Array(errors)
            },
        )
        .with("final-reads", Value::Array(final_reads))
        .with("acceptable", acceptable.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::history::{Op, Process};
    use serde_json::json;

    struct Builder {
        ops: Vec<Op>,
    }

    impl Builder {
        fn new() -> Self {
            Builder { ops: Vec::new() }
        }
        fn push(&mut self, p: u64, kind: OpType, f: &str, value: Value, is_final: bool) {
            let index = self.ops.len();
            let mut op = op_at(
                index,
                index as u64 * 1_000_000,
                Process::Client(p),
                kind,
                f,
                value,
            );
            op.is_final = is_final;
            self.ops.push(op);
        }
        fn add(mut self, kind: OpType, delta: i64) -> Self {
            self.push(0, OpType::Invoke, "add", json!(delta), false);
            self.push(0, kind, "add", json!(delta), false);
            self
        }
        fn read(mut self, kind: OpType, value: Value, is_final: bool) -> Self {
            self.push(1, OpType::Invoke, "read", Value::Null, is_final);
            self.push(1, kind, "read", value, is_final);
            self
        }
        fn done(self) -> History {
            History::new(self.ops)
        }
    }

    #[test]
    fn exact_sum_passes_and_wrong_sum_fails() {
        let good = Builder::new()
            .add(OpType::Ok, 3)
            .add(OpType::Ok, 4)
            .read(OpType::Ok, json!(7), true)
            .done();
        let r = check(&good);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["acceptable"], json!([[7, 7]]));
        assert_eq!(r.fields["final-reads"], json!([7]));
        assert_eq!(r.fields["errors"], Value::Null);

        let bad = Builder::new()
            .add(OpType::Ok, 3)
            .add(OpType::Ok, 4)
            .read(OpType::Ok, json!(3), true)
            .done();
        let r = check(&bad);
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["errors"][0]["value"], json!(3));
        assert_eq!(r.fields["errors"][0]["index"], json!(5));
    }

    #[test]
    fn info_adds_leave_gaps_and_adjacent_values_merge() {
        // definite 1; info 3 -> {1, 4}; info 1 -> {1,2} ∪ {4,5}.
        let h = Builder::new()
            .add(OpType::Ok, 1)
            .add(OpType::Info, 3)
            .add(OpType::Info, 1);
        let r = check(&h.read(OpType::Ok, json!(5), true).done());
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["acceptable"], json!([[1, 2], [4, 5]]));
        // 3 is in the gap.
        let h = Builder::new()
            .add(OpType::Ok, 1)
            .add(OpType::Info, 3)
            .add(OpType::Info, 1);
        assert_eq!(
            check(&h.read(OpType::Ok, json!(3), true).done()).valid,
            Validity::False
        );
        // Adjacent values merge into one range.
        let h = Builder::new()
            .add(OpType::Info, 1)
            .add(OpType::Info, 1)
            .done();
        assert_eq!(check(&h).fields["acceptable"], json!([[0, 2]]));
        // Zero deltas change nothing; negative deltas (pn-counter) shift down.
        let h = Builder::new()
            .add(OpType::Info, 0)
            .add(OpType::Info, -2)
            .done();
        assert_eq!(check(&h).fields["acceptable"], json!([[-2, -2], [0, 0]]));
    }

    #[test]
    fn only_ok_final_reads_are_checked() {
        let h = Builder::new()
            .add(OpType::Ok, 2)
            .read(OpType::Ok, json!(0), false) // stale main-phase read: ignored
            .read(OpType::Ok, json!(99), false)
            .read(OpType::Info, json!(null), true) // failed final read: skipped
            .read(OpType::Ok, json!(2), true)
            .done();
        let r = check(&h);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["final-reads"], json!([2]));
        // The same history with a bad final read fails.
        let h = Builder::new()
            .add(OpType::Ok, 2)
            .read(OpType::Ok, json!(1), true)
            .read(OpType::Ok, json!(2), true);
        assert_eq!(check(&h.done()).valid, Validity::False);
    }

    #[test]
    fn no_final_reads_is_valid_and_non_integers_are_unknown() {
        assert_eq!(
            check(&Builder::new().add(OpType::Ok, 1).done()).valid,
            Validity::True
        );
        let h = Builder::new()
            .add(OpType::Ok, 1)
            .read(OpType::Ok, json!(1.0), true)
            .done();
        assert_eq!(check(&h).valid, Validity::Unknown);
        let h = Builder::new().add(OpType::Ok, 1);
        let mut h = h.done();
        h.ops[1].value = json!("x");
        assert_eq!(check(&h).valid, Validity::Unknown);
    }
}
