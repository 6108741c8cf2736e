//! Jepsen's `set-full` checker in its non-linearizable mode, as broadcast
//! (and g-set) use it (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker.clj, `set-full`).
//!
//! One pass over the client ops in history order. An element is tracked from
//! its add invocation; every `:ok` read completion updates every element
//! tracked so far, using the read's *invocation* for ordering and times.

use crate::checkers::value_order::{compare, sort_values, write_key};
use crate::checkers::{CheckResult, Validity};
use crate::history::{History, Op, OpType};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Quantile points of `:stable-latencies` / `:lost-latencies`, with their keys.
const POINTS: [(f64, &str); 5] = [
    (0.0, "0"),
    (0.5, "0.5"),
    (0.95, "0.95"),
    (0.99, "0.99"),
    (1.0, "1"),
];
/// How many stale elements `:worst-stale` shows.
const WORST_STALE: usize = 8;

/// What we know about one element (Jepsen's `SetFullElement`); op fields are
/// history indexes.
struct Element {
    value: Value,
    /// Earliest completion: the `:ok` add, or the first `:ok` read that saw it.
    known: Option<usize>,
    /// Latest-invoked `:ok` read (its invocation) that contained it.
    last_present: Option<usize>,
    /// Latest-invoked `:ok` read (its invocation) that did not.
    last_absent: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Stable,
    Lost,
    NeverRead,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Outcome::Stable => "stable",
            Outcome::Lost => "lost",
            Outcome::NeverRead => "never-read",
        }
    }
}

struct ElementResult<'a> {
    element: &'a Element,
    outcome: Outcome,
    stable_latency: Option<u64>,
    lost_latency: Option<u64>,
}

/// Runs set-full over `history`, treating ops with `:f add_f` as adds
/// ("broadcast" for broadcast, "add" for g-set) and `:f "read"` as reads.
pub fn check(history: &History, add_f: &str) -> CheckResult {
    match analyse(history, add_f) {
        Ok(r) => r,
        Err(e) => CheckResult::unknown(format!("set-full: {e}")),
    }
}

fn analyse(history: &History, add_f: &str) -> Result<CheckResult, String> {
    let ops = &history.ops;
    if let Some(op) = ops.iter().enumerate().find(|(i, op)| op.index != *i) {
        return Err(format!(
            "history index {} at position {} (indexes must be dense)",
            op.1.index, op.0
        ));
    }
    let pairs = history.pair_index();
    // Elements in the order first added, and where each one's key is. A
    // read marks the elements it saw with its own stamp, then every element
    // is updated once: no set or key string is built per read (a 3d run has
    // ~1 000 reads of up to ~2 000 values each).
    let mut elements: Vec<Element> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut seen_by: Vec<usize> = Vec::new();
    let mut key = String::new();

    for op in history.client_ops() {
        if op.f == add_f {
            key.clear();
            write_key(&op.value, &mut key);
            if op.kind == OpType::Invoke {
                // A re-added value starts over, as `assoc` does in Jepsen.
                let fresh = Element {
                    value: op.value.clone(),
                    known: None,
                    last_present: None,
                    last_absent: None,
                };
                match index.get(key.as_str()) {
                    Some(&i) => elements[i] = fresh,
                    None => {
                        index.insert(key.clone(), elements.len());
                        elements.push(fresh);
                        seen_by.push(0);
                    }
                }
            } else {
                let e = index
                    .get(key.as_str())
                    .map(|&i| &mut elements[i])
                    .ok_or_else(|| {
                        format!(
                            "completion {} of an add that was never invoked: {}",
                            op.index, op.value
                        )
                    })?;
                if op.kind == OpType::Ok && e.known.is_none() {
                    e.known = Some(op.index);
                }
            }
        } else if op.f == "read" {
            if op.kind != OpType::Ok {
                continue;
            }
            let inv = pairs[op.index]
                .ok_or_else(|| format!("read completion {} has no invocation", op.index))?;
            // `(frequencies v)` and `(c/set v)` of nil are `{}` and `#{}`:
            // an :ok read of nil saw no element (checker.clj `set-full`).
            let items: &[Value] = match &op.value {
                Value::Array(items) => items,
                Value::Null => &[],
                other => {
                    return Err(format!(
                        "read {} returned a non-collection {other}",
                        op.index
                    ))
                }
            };
            // Unique to this read: op indexes are dense and distinct.
            let stamp = op.index + 1;
            for item in items {
                key.clear();
                write_key(item, &mut key);
                if let Some(&i) = index.get(key.as_str()) {
                    seen_by[i] = stamp;
                }
            }
            for (e, &seen) in elements.iter_mut().zip(&seen_by) {
                if seen == stamp {
                    if e.known.is_none() {
                        e.known = Some(op.index);
                    }
                    if e.last_present.is_none_or(|lp| lp < inv) {
                        e.last_present = Some(inv);
                    }
                } else if e.last_absent.is_none_or(|la| la < inv) {
                    e.last_absent = Some(inv);
                }
            }
        } else {
            // Jepsen's `condp` has no default branch: any other :f throws.
            // fidelity X17: an unexpected `:f` gives `unknown`.
            return Err(format!("unexpected :f {} in op {}", op.f, op.index));
        }
    }

    // Jepsen sorts the elements by value before computing results.
    let mut sorted = elements;
    let mut sort_error = None;
    sorted.sort_by(|a, b| {
        compare(&a.value, &b.value).unwrap_or_else(|e| {
            sort_error.get_or_insert(e);
            Ordering::Equal
        })
    });
    if let Some(e) = sort_error {
        return Err(format!("elements are not comparable: {e}"));
    }
    let results: Vec<ElementResult> = sorted.iter().map(|e| element_result(e, ops)).collect();
    Ok(aggregate(&results, ops))
}

/// `set-full-element-results`: outcome and latencies of one element.
fn element_result<'a>(e: &'a Element, ops: &[Op]) -> ElementResult<'a> {
    // Indexes as i64 with -1 for "none", exactly as Jepsen's `(:index x -1)`.
    let idx = |o: Option<usize>| o.map_or(-1, |i| i as i64);
    let stable = e.last_present.is_some() && idx(e.last_absent) < idx(e.last_present);
    let lost = e.known.is_some()
        && e.last_absent.is_some()
        && idx(e.last_present) < idx(e.last_absent)
        && idx(e.known) < idx(e.last_absent);
    let known_time = e.known.map_or(0, |k| ops[k].time as i128);
    // From `known` to one ns after the last contrary read's invocation (or 0),
    // clamped at 0, integer-divided to whole milliseconds.
    let latency = |contrary: Option<usize>| {
        let until = contrary.map_or(0, |i| ops[i].time as i128 + 1);
        ((until - known_time).max(0) / 1_000_000) as u64
    };
    let outcome = if stable {
        Outcome::Stable
    } else if lost {
        Outcome::Lost
    } else {
        Outcome::NeverRead
    };
    ElementResult {
        element: e,
        outcome,
        stable_latency: stable.then(|| latency(e.last_absent)),
        lost_latency: lost.then(|| latency(e.last_present)),
    }
}

fn aggregate(results: &[ElementResult], ops: &[Op]) -> CheckResult {
    let of = |o: Outcome| results.iter().filter(move |r| r.outcome == o);
    let stable_count = of(Outcome::Stable).count();
    let lost: Vec<&ElementResult> = of(Outcome::Lost).collect();
    let never_read: Vec<&ElementResult> = of(Outcome::NeverRead).collect();
    let stale: Vec<&ElementResult> = of(Outcome::Stable)
        .filter(|r| r.stable_latency.unwrap_or(0) > 0)
        .collect();
    // `(->> stale (sort-by :stable-latency) reverse (take 8))`: stable sort, then reverse.
    let mut worst = stale.clone();
    worst.sort_by_key(|r| r.stable_latency);
    worst.reverse();
    worst.truncate(WORST_STALE);

    let valid = if !lost.is_empty() {
        Validity::False
    } else if stable_count == 0 {
        Validity::Unknown
    } else {
        Validity::True
    };
    let values = |rs: &[&ElementResult]| {
        let mut vs: Vec<Value> = rs.iter().map(|r| r.element.value.clone()).collect();
        // Already in element order, so this cannot meet incomparable values.
        let _ = sort_values(&mut vs);
        Value::Array(vs)
    };
    let mut r = CheckResult::new(valid)
        .with("attempt-count", results.len() as u64)
        .with("stable-count", stable_count as u64)
        .with("lost-count", lost.len() as u64)
        .with("lost", values(&lost))
        .with("never-read-count", never_read.len() as u64)
        .with("never-read", values(&never_read))
        .with("stale-count", stale.len() as u64)
        .with("stale", values(&stale))
        .with(
            "worst-stale",
            Value::Array(worst.iter().map(|r| element_json(r, ops)).collect()),
        );
    let stable_latencies: Vec<u64> = results.iter().filter_map(|r| r.stable_latency).collect();
    let lost_latencies: Vec<u64> = results.iter().filter_map(|r| r.lost_latency).collect();
    if let Some(d) = frequency_distribution(&stable_latencies) {
        r = r.with("stable-latencies", d);
    }
    if let Some(d) = frequency_distribution(&lost_latencies) {
        r = r.with("lost-latencies", d);
    }
    // Jepsen's duplicate filter keeps multiplicities < 1, so nothing is ever
    // reported (checker.clj `set-full`: `(and (empty? dups) ..)` over a
    // `dups` map its reducer never fills).
    // fidelity D25: set-full never reports duplicates.
    r.with("duplicated-count", 0u64)
        .with("duplicated", Value::Object(Map::new()))
}

fn element_json(r: &ElementResult, ops: &[Op]) -> Value {
    let op_json = |i: Option<usize>| {
        i.map_or(Value::Null, |i| {
            serde_json::to_value(&ops[i]).unwrap_or(Value::Null)
        })
    };
    let mut m = Map::new();
    m.insert("element".into(), r.element.value.clone());
    m.insert("outcome".into(), Value::String(r.outcome.name().into()));
    m.insert(
        "stable-latency".into(),
        r.stable_latency.map_or(Value::Null, Value::from),
    );
    m.insert(
        "lost-latency".into(),
        r.lost_latency.map_or(Value::Null, Value::from),
    );
    m.insert("known".into(), op_json(r.element.known));
    m.insert("last-absent".into(), op_json(r.element.last_absent));
    Value::Object(m)
}

/// Jepsen's `frequency-distribution`: sorted values, the one at index
/// min(n-1, floor(n*p)) for each point; None when empty.
pub fn frequency_distribution(values: &[u64]) -> Option<Value> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let mut m = Map::new();
    for (p, key) in POINTS {
        let i = ((n as f64 * p).floor() as usize).min(n - 1);
        m.insert(key.into(), Value::from(sorted[i]));
    }
    Some(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use crate::history::Process;
    use serde_json::json;

    const MS: u64 = 1_000_000;

    /// Hand-built history: ops get dense indexes in push order; times explicit.
    struct H {
        ops: Vec<Op>,
    }

    impl H {
        fn new() -> Self {
            H { ops: Vec::new() }
        }
        fn op(mut self, time: u64, p: u64, kind: OpType, f: &str, value: Value) -> Self {
            let index = self.ops.len();
            self.ops
                .push(op_at(index, time, Process::Client(p), kind, f, value));
            self
        }
        fn inv_add(self, t: u64, p: u64, v: i64) -> Self {
            self.op(t, p, OpType::Invoke, "broadcast", json!(v))
        }
        fn end_add(self, t: u64, p: u64, kind: OpType, v: i64) -> Self {
            self.op(t, p, kind, "broadcast", json!(v))
        }
        fn inv_read(self, t: u64, p: u64) -> Self {
            self.op(t, p, OpType::Invoke, "read", Value::Null)
        }
        fn end_read(self, t: u64, p: u64, kind: OpType, v: Value) -> Self {
            self.op(t, p, kind, "read", v)
        }
        fn read(self, t_inv: u64, t_ok: u64, p: u64, v: Value) -> Self {
            self.inv_read(t_inv, p).end_read(t_ok, p, OpType::Ok, v)
        }
        fn check(self) -> CheckResult {
            check(&History::new(self.ops), "broadcast")
        }
    }

    #[test]
    fn seen_by_every_read_is_stable_with_zero_latency() {
        let r = H::new()
            .inv_add(0, 0, 0)
            .end_add(MS, 0, OpType::Ok, 0)
            .read(2 * MS, 3 * MS, 1, json!([0]))
            .check();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["attempt-count"], json!(1));
        assert_eq!(r.fields["stable-count"], json!(1));
        assert_eq!(r.fields["stale-count"], json!(0));
        assert_eq!(
            r.fields["stable-latencies"],
            json!({"0":0,"0.5":0,"0.95":0,"0.99":0,"1":0})
        );
        assert!(!r.fields.contains_key("lost-latencies"));
        assert_eq!(r.fields["duplicated-count"], json!(0));
    }

    #[test]
    fn stale_latency_runs_from_ack_to_one_ns_after_last_absent_invocation() {
        // Acked at 10 ms; absent read invoked at 11 ms - 1 ns; then present.
        // (11 ms - 1 ns + 1 ns) - 10 ms = exactly 1 ms: stale only thanks to the +1 ns.
        let r = H::new()
            .inv_add(0, 0, 7)
            .end_add(10 * MS, 0, OpType::Ok, 7)
            .read(11 * MS - 1, 12 * MS, 1, json!([]))
            .read(20 * MS, 21 * MS, 2, json!([7]))
            .check();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["stale-count"], json!(1));
        assert_eq!(r.fields["stale"], json!([7]));
        assert_eq!(r.fields["stable-latencies"]["1"], json!(1));
        let worst = &r.fields["worst-stale"][0];
        assert_eq!(worst["element"], json!(7));
        assert_eq!(worst["outcome"], json!("stable"));
        assert_eq!(worst["stable-latency"], json!(1));
        assert_eq!(worst["known"]["index"], json!(1));
        assert_eq!(worst["last-absent"]["index"], json!(2));

        // 2.9999 ms truncates to 2 ms.
        let r = H::new()
            .inv_add(0, 0, 7)
            .end_add(10 * MS, 0, OpType::Ok, 7)
            .read(13 * MS - 2, 14 * MS, 1, json!([]))
            .read(20 * MS, 21 * MS, 2, json!([7]))
            .check();
        assert_eq!(r.fields["stable-latencies"]["0"], json!(2));
    }

    #[test]
    fn known_is_the_earlier_of_ack_and_first_read_containing_it() {
        // Read p1 sees 5 at 2 ms, long before the ack at 50 ms; an absent read
        // invoked at 5 ms then gives 3 ms (from the read), not 0 (from the ack).
        let r = H::new()
            .inv_add(0, 0, 5)
            .read(MS, 2 * MS, 1, json!([5]))
            .read(5 * MS, 6 * MS, 2, json!([]))
            .end_add(50 * MS, 0, OpType::Ok, 5)
            .read(60 * MS, 61 * MS, 1, json!([5]))
            .check();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["stable-latencies"]["0"], json!(3));
        // An absent read invoked before `known` gives latency 0 (clamped).
        let r = H::new()
            .inv_add(0, 0, 5)
            .inv_read(MS, 2)
            .end_add(10 * MS, 0, OpType::Ok, 5)
            .end_read(11 * MS, 2, OpType::Ok, json!([]))
            .read(20 * MS, 21 * MS, 1, json!([5]))
            .check();
        assert_eq!(r.fields["stable-latencies"]["0"], json!(0));
        assert_eq!(r.fields["stale-count"], json!(0));
    }

    #[test]
    fn missing_from_the_last_read_is_lost() {
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!([1]))
            .read(10 * MS, 11 * MS, 2, json!([]))
            .check();
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["lost-count"], json!(1));
        assert_eq!(r.fields["lost"], json!([1]));
        assert_eq!(r.fields["stable-count"], json!(0));
        // lost time = last present invocation + 1 ns = 2 ms + 1 ns; minus known (1 ms) = 1 ms.
        assert_eq!(r.fields["lost-latencies"]["0"], json!(1));
        assert!(!r.fields.contains_key("stable-latencies"));
    }

    #[test]
    fn the_latest_invoked_read_decides_not_the_latest_completed() {
        // Present read invoked at 20 ms (completes at 40); absent read invoked
        // at 10 ms (completes at 50): the present one is later-invoked -> stable.
        let stable = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .inv_read(10 * MS, 1)
            .inv_read(20 * MS, 2)
            .end_read(40 * MS, 2, OpType::Ok, json!([1]))
            .end_read(50 * MS, 1, OpType::Ok, json!([]))
            .check();
        assert_eq!(stable.valid, Validity::True);
        assert_eq!(stable.fields["stable-latencies"]["0"], json!(9));
        // Swap which read sees it: the absent read is later-invoked -> lost.
        let lost = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .inv_read(10 * MS, 1)
            .inv_read(20 * MS, 2)
            .end_read(40 * MS, 2, OpType::Ok, json!([]))
            .end_read(50 * MS, 1, OpType::Ok, json!([1]))
            .check();
        assert_eq!(lost.valid, Validity::False);
        assert_eq!(lost.fields["lost"], json!([1]));
    }

    #[test]
    fn unknown_or_concurrently_missed_elements_are_never_read() {
        // An :info broadcast nobody saw, and an :ok one whose only absent read
        // was invoked before it was known (concurrent with the add).
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Info, 1)
            .inv_add(2 * MS, 0, 2)
            .inv_read(3 * MS, 1)
            .end_add(4 * MS, 0, OpType::Ok, 2)
            .end_read(5 * MS, 1, OpType::Ok, json!([]))
            .check();
        assert_eq!(r.valid, Validity::Unknown);
        assert_eq!(r.fields["never-read-count"], json!(2));
        assert_eq!(r.fields["never-read"], json!([1, 2]));
        assert_eq!(r.fields["lost-count"], json!(0));
        // Nothing broadcast at all: unknown too.
        assert_eq!(
            H::new().read(0, MS, 1, json!([])).check().valid,
            Validity::Unknown
        );
    }

    #[test]
    fn a_read_invoked_before_the_add_but_completing_after_counts() {
        let r = H::new()
            .inv_read(0, 1)
            .inv_add(MS, 0, 3)
            .end_read(2 * MS, 1, OpType::Ok, json!([3]))
            .end_add(3 * MS, 0, OpType::Info, 3)
            .check();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["stable-count"], json!(1));
        // ...while a read completing before the add invocation does not.
        let r = H::new()
            .read(0, MS, 1, json!([3]))
            .inv_add(2 * MS, 0, 3)
            .end_add(3 * MS, 0, OpType::Info, 3)
            .check();
        assert_eq!(r.fields["never-read-count"], json!(1));
    }

    /// checker.clj `set-full`: an :ok read binds `v (c/set v)`, and
    /// `(set nil)` is `#{}` (and `(frequencies nil)` is `{}`): an :ok read of
    /// nil is a read that saw nothing, so an element acknowledged before it
    /// and absent from it is lost, not skipped.
    #[test]
    fn an_ok_read_of_nil_is_the_empty_set() {
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!([1]))
            .read(10 * MS, 11 * MS, 2, Value::Null)
            .check();
        assert_eq!(r.valid, Validity::False, "{:?}", r.fields);
        assert_eq!(r.fields["lost"], json!([1]));
        // Only nil: any other non-collection still makes the check throw.
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!(true))
            .check();
        assert_eq!(r.valid, Validity::Unknown);
    }

    #[test]
    fn fail_and_info_reads_are_ignored() {
        let base = || {
            H::new()
                .inv_add(0, 0, 1)
                .end_add(MS, 0, OpType::Ok, 1)
                .read(2 * MS, 3 * MS, 1, json!([1]))
        };
        let r = base()
            .inv_read(10 * MS, 2)
            .end_read(11 * MS, 2, OpType::Fail, json!([]))
            .inv_read(12 * MS, 3)
            .end_read(13 * MS, 3, OpType::Info, json!([]))
            .check();
        assert_eq!(r.valid, Validity::True);
        // The same absent read as :ok loses it.
        let r = base().read(10 * MS, 11 * MS, 2, json!([])).check();
        assert_eq!(r.valid, Validity::False);
    }

    #[test]
    fn membership_is_exact_json() {
        // 1.0 and "1" do not contain the integer 1.
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!([1.0, "1"]))
            .check();
        assert_eq!(r.valid, Validity::False);
        // Duplicates inside a read are not reported (Jepsen's filter bug).
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!([1, 1]))
            .check();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["duplicated-count"], json!(0));
    }

    #[test]
    fn nemesis_ops_are_skipped_and_odd_histories_are_unknown() {
        let mut h = H::new().inv_add(0, 0, 1).end_add(MS, 0, OpType::Ok, 1);
        h.ops.push(op_at(
            2,
            2 * MS,
            Process::Nemesis,
            OpType::Info,
            "start-partition",
            json!("majority"),
        ));
        let r = h.read(3 * MS, 4 * MS, 1, json!([1])).check();
        assert_eq!(r.valid, Validity::True);
        // A read value that is not an array.
        let r = H::new()
            .inv_add(0, 0, 1)
            .end_add(MS, 0, OpType::Ok, 1)
            .read(2 * MS, 3 * MS, 1, json!(1))
            .check();
        assert_eq!(r.valid, Validity::Unknown);
        // Incomparable elements cannot be sorted.
        let r = H::new()
            .inv_add(0, 0, 1)
            .op(MS, 1, OpType::Invoke, "broadcast", json!("x"))
            .read(2 * MS, 3 * MS, 2, json!([1, "x"]))
            .check();
        assert_eq!(r.valid, Validity::Unknown);
        // A completion for an element never invoked.
        let r = H::new().end_add(0, 0, OpType::Ok, 9).check();
        assert_eq!(r.valid, Validity::Unknown);
    }

    #[test]
    fn worst_stale_lists_the_eight_slowest() {
        let mut h = H::new();
        for v in 0..10u64 {
            h = h.inv_add(v * 100 * MS, 0, v as i64).end_add(
                v * 100 * MS + MS,
                0,
                OpType::Ok,
                v as i64,
            );
            // Absent read invoked (v+1) ms after the ack, then a present read.
            h = h.read(
                v * 100 * MS + MS + (v + 1) * MS,
                v * 100 * MS + 50 * MS,
                1,
                json!([]),
            );
        }
        let all: Vec<u64> = (0..10).collect();
        let r = h.read(2000 * MS, 2001 * MS, 2, json!(all)).check();
        // Each element was also absent from the later elements' absent reads;
        // the last absent read is the one at 9*100+1+10 ms for every element.
        assert_eq!(r.fields["stale-count"], json!(10));
        let worst = r.fields["worst-stale"].as_array().unwrap();
        assert_eq!(worst.len(), 8);
        assert_eq!(worst[0]["element"], json!(0));
        assert_eq!(worst[7]["element"], json!(7));
    }

    #[test]
    fn quantiles_index_without_interpolation() {
        let ten: Vec<u64> = (0..10).rev().collect();
        assert_eq!(
            frequency_distribution(&ten),
            Some(json!({"0":0,"0.5":5,"0.95":9,"0.99":9,"1":9}))
        );
        assert_eq!(
            frequency_distribution(&[4, 1, 3, 2]),
            Some(json!({"0":1,"0.5":3,"0.95":4,"0.99":4,"1":4}))
        );
        assert_eq!(
            frequency_distribution(&[7]),
            Some(json!({"0":7,"0.5":7,"0.95":7,"0.99":7,"1":7}))
        );
        let hundred: Vec<u64> = (0..100).collect();
        assert_eq!(frequency_distribution(&hundred).unwrap()["0.99"], json!(99));
        assert_eq!(frequency_distribution(&hundred).unwrap()["0.95"], json!(95));
        assert_eq!(frequency_distribution(&[]), None);
    }
}
