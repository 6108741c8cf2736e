//! Maelstrom's lin-kv checker: `(independent/checker (checker/compose
//! {:linearizable (checker/linearizable {:model (model/cas-register)})
//!  :timeline (timeline/html)}))` (jepsen v0.3.1
//! jepsen/src/jepsen/tests/linearizable_register.clj `test`).
//!
//! - Split by key (jepsen v0.3.1 independent.clj `subhistory`): an op whose
//!   value is a `[k v]` tuple goes to key k's history with value v.
//! - Knossos's preprocessing (knossos v0.3.9 history.clj `preprocess`):
//!   invocations take the value of their `:ok` completion (a read learns
//!   what it read); `:fail` ops are dropped (they did not happen); an
//!   invocation with no completion, or with an `:info` one, may take effect
//!   any time after it, or never.
//! - Per key, the search over the cas-register model; the result map keeps
//!   Knossos's keys (`:valid?`, `:op`, `:previous-ok`, `:last-op`,
//!   `:configs`, `:final-paths`, `:analyzer`, or `:cause` when it gave up).
//! - `:results` maps each key to `{:linearizable .., :timeline .., :valid? ..}`;
//!   `:failures` lists the keys whose `:valid?` is false (independent.clj
//!   `checker`: an `:unknown` key is truthy there, so not a failure).

use super::explain::Failure;
use super::models::{CasOp, CasRegister, Interner};
use super::reduce::check_cas_register;
use super::{Budget, Call, Verdict};
use crate::checkers::{CheckResult, Validity};
use crate::history::{History, Op, OpType, Process};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// One key's sub-history, ready for the search.
pub struct KeyHistory {
    pub key: Value,
    pub calls: Vec<Call<CasOp>>,
    /// For each call: its invocation and its completion (if any) in the history.
    pub ops: Vec<(usize, Option<usize>)>,
    /// Whether values are `[k v]` tuples.
    pub keyed: bool,
}

impl KeyHistory {
    /// An op's value as this key's register sees it.
    fn inner(&self, v: &Value) -> Value {
        if !self.keyed {
            return v.clone();
        }
        tuple(v).map(|(_, v)| v.clone()).unwrap_or(Value::Null)
    }
}

/// Whether a history is `jepsen.independent`'s, a `[key value]` tuple in
/// every client invocation (Maelstrom's lin-kv client writes `[k nil]`,
/// `[k v]`, `[k [from to]]`), rather than one register's (Knossos's
/// `data/cas-register`, a Jepsen log of one register), whose read
/// invocations carry `nil`. A single register's `:cas` value `[from to]` is
/// a two-element vector too, so one tuple proves nothing: one invocation
/// without a tuple does. A history with no invocation is keyed, as
/// `(independent/checker ..)` gives `{:valid? true, :results {}, :failures
/// []}` on it.
/// fidelity C4: keyed or one register.
pub fn is_keyed(history: &History) -> bool {
    history
        .client_ops()
        .filter(|o| o.is_invoke())
        .all(|o| tuple(&o.value).is_some())
}

/// The `[k v]` tuple of a value, if it is one.
fn tuple(v: &Value) -> Option<(&Value, &Value)> {
    match v.as_array().map(Vec::as_slice) {
        Some([k, v]) => Some((k, v)),
        _ => None,
    }
}

/// Jepsen prints keys as given; order them numbers first, by value.
fn key_order(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.to_string().cmp(&b.to_string()),
    }
}

/// Splits a history into per-key cas-register histories (`keyed`), or
/// reads it as one register (Knossos's own data; key `null`). Err when a
/// client operation cannot be read as one (Knossos would throw; the checker
/// is then `:unknown`, as `check-safe` makes it).
pub fn split(
    history: &History,
    keyed: bool,
    values: &mut Interner,
) -> Result<Vec<KeyHistory>, String> {
    let pairs = history.pair_index();
    let mut keys: Vec<KeyHistory> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    for inv in history.client_ops().filter(|o| o.kind == OpType::Invoke) {
        let done = pairs
            .get(inv.index)
            .copied()
            .flatten()
            .and_then(|i| history.ops.get(i));
        if done.is_some_and(|d| d.kind == OpType::Fail) {
            // Knossos drops a failed op, but its key is still one of
            // `history-keys` (independent.clj: every op whose value is a
            // tuple), so a key whose ops all failed is listed, valid
            // (fidelity D27).
            if let (true, Some((k, _))) = (keyed, tuple(&inv.value)) {
                slot(&mut keys, &mut slots, k, keyed);
            }
            continue;
        }
        let unwrap = |op: &'_ Op| -> Result<(Value, Value), String> {
            if !keyed {
                return Ok((Value::Null, op.value.clone()));
            }
            tuple(&op.value)
                .map(|(k, v)| (k.clone(), v.clone()))
                .ok_or_else(|| format!("op {} has no [key value] tuple: {}", op.index, op.value))
        };
        let (k, v) = unwrap(inv)?;
        let ok = done.filter(|d| d.kind == OpType::Ok);
        // Knossos `complete`: the invocation takes its completion's value.
        let v = match ok {
            Some(d) => unwrap(d)?.1,
            None => v,
        };
        let (k, v) = (&k, &v);
        let op = cas_op(&inv.f, v, values).map_err(|e| format!("op {}: {e}", inv.index))?;
        let process = match inv.process {
            Process::Client(p) => p,
            Process::Nemesis | Process::Absent => continue,
        };
        let call = Call {
            op,
            call: inv.index as u64,
            ret: ok.map(|d| d.index as u64),
            process,
        };
        let slot = slot(&mut keys, &mut slots, k, keyed);
        keys[slot].calls.push(call);
        keys[slot].ops.push((inv.index, done.map(|d| d.index)));
    }
    keys.sort_by(|a, b| key_order(&a.key, &b.key));
    Ok(keys)
}

/// The position of key `k`'s history in `keys`, made empty if new.
fn slot(
    keys: &mut Vec<KeyHistory>,
    slots: &mut HashMap<String, usize>,
    k: &Value,
    keyed: bool,
) -> usize {
    *slots.entry(k.to_string()).or_insert_with(|| {
        keys.push(KeyHistory {
            key: k.clone(),
            calls: Vec::new(),
            ops: Vec::new(),
            keyed,
        });
        keys.len() - 1
    })
}

/// A cas-register op from `:f` and the (unwrapped) value.
pub fn cas_op(f: &str, v: &Value, values: &mut Interner) -> Result<CasOp, String> {
    Ok(match f {
        "read" if v.is_null() => CasOp::Read(None),
        "read" => CasOp::Read(Some(values.intern(v))),
        "write" => CasOp::Write(values.intern(v)),
        "cas" => match v.as_array().map(Vec::as_slice) {
            Some([from, to]) => CasOp::Cas(values.intern(from), values.intern(to)),
            _ => return Err(format!("cas value is not [from to]: {v}")),
        },
        other => return Err(format!("the cas-register model has no :f {other}")),
    })
}

/// The whole lin-kv workload checker.
pub fn check_history(history: &History, budget: &Budget) -> CheckResult {
    let mut values = Interner::new();
    let keys = match split(history, true, &mut values) {
        Ok(k) => k,
        Err(e) => return CheckResult::unknown(e),
    };
    let mut valid = Validity::True;
    let mut results = Map::new();
    let mut failures = Vec::new();
    for kh in &keys {
        let verdict = check_cas_register(&CasRegister::NIL, &kh.calls, budget);
        let lin = render(&verdict, kh, history, &values);
        let v = verdict.validity();
        valid = valid.merge(v);
        if v == Validity::False {
            failures.push(kh.key.clone());
        }
        let name = match &kh.key {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        results.insert(
            name,
            json!({"linearizable": lin, "timeline": {"valid?": true}, "valid?": v.to_json()}),
        );
    }
    CheckResult::new(valid)
        .with("results", Value::Object(results))
        .with("failures", failures)
}

/// `(checker/linearizable {:model (model/cas-register)})` on a history of
/// one register (Knossos's `data/cas-register/*.edn`, Jepsen logs of one
/// register): Knossos's result map.
pub fn check_register(history: &History, budget: &Budget) -> CheckResult {
    check_register_from(history, &Value::Null, budget)
}

/// [`check_register`] with `(cas-register initial)`, as Knossos's own tests
/// and its `data/` examples run (`(cas-register 0)`).
pub fn check_register_from(history: &History, initial: &Value, budget: &Budget) -> CheckResult {
    let mut values = Interner::new();
    let model = CasRegister {
        initial: values.intern(initial),
    };
    let keys = match split(history, false, &mut values) {
        Ok(k) => k,
        Err(e) => return CheckResult::unknown(e),
    };
    let Some(kh) = keys.first() else {
        return CheckResult::new(Validity::True).with("analyzer", "wgl");
    };
    let verdict = check_cas_register(&model, &kh.calls, budget);
    let valid = verdict.validity();
    let mut out = CheckResult::new(valid);
    if let Value::Object(m) = render(&verdict, kh, history, &values) {
        out.fields = m;
        out.fields.remove("valid?");
    }
    out
}

/// Knossos's result map for one key.
fn render(verdict: &Verdict<u32>, kh: &KeyHistory, history: &History, values: &Interner) -> Value {
    let model = |s: u32| json!({"value": values.value(s)});
    match verdict {
        Verdict::Valid(s) => json!({"valid?": true, "model": model(*s), "analyzer": "wgl"}),
        Verdict::Unknown(cause) => {
            json!({"valid?": "unknown", "cause": cause, "analyzer": "wgl"})
        }
        Verdict::Invalid(f) => render_failure(f, kh, history, values),
    }
}

/// An op as Knossos renders it: the invocation with its completed value,
/// unwrapped from the key tuple, with its history index (or, for `:op`
/// and `:previous-ok`, the `:ok` completion itself).
fn op_map(history: &History, kh: &KeyHistory, call: usize, completion: bool) -> Value {
    let (inv, done) = kh.ops[call];
    let done_op = done.and_then(|d| history.ops.get(d));
    let shown: Option<&Op> = if completion {
        done_op
    } else {
        history.ops.get(inv)
    };
    let Some(op) = shown else {
        return Value::Null;
    };
    let value = match done_op.filter(|d| d.kind == OpType::Ok) {
        Some(d) => kh.inner(&d.value),
        None => kh.inner(&op.value),
    };
    let mut m = Map::new();
    m.insert(
        "process".into(),
        serde_json::to_value(op.process).unwrap_or(Value::Null),
    );
    m.insert(
        "type".into(),
        serde_json::to_value(op.kind).unwrap_or(Value::Null),
    );
    m.insert("f".into(), Value::String(op.f.clone()));
    m.insert("value".into(), value);
    m.insert("index".into(), json!(op.index));
    m.insert("time".into(), json!(op.time));
    Value::Object(m)
}

fn render_failure(
    f: &Failure<u32>,
    kh: &KeyHistory,
    history: &History,
    values: &Interner,
) -> Value {
    let model = |s: u32| json!({"value": values.value(s)});
    let opt = |c: Option<usize>, completion: bool| {
        c.map(|c| op_map(history, kh, c, completion))
            .unwrap_or(Value::Null)
    };
    // A linearized op as Knossos's linear analysis shows it in `:last-op`
    // and final paths: its `:ok` completion, or its invocation if it never
    // completed ok (knossos v0.3.9 linear_test.clj `bad-analysis-test-2`:
    // `:last-op {:f :write :process 76 :type :ok :value 2 :index 472}`, and
    // the crashed cas `{:f :cas :process 77 :type :invoke .. :index 463}`).
    let linearized = |c: Option<usize>| {
        c.map(|c| {
            let ok = kh.ops[c]
                .1
                .and_then(|d| history.ops.get(d))
                .is_some_and(|d| d.kind == OpType::Ok);
            op_map(history, kh, c, ok)
        })
        .unwrap_or(Value::Null)
    };
    let configs: Vec<Value> = f
        .configs
        .iter()
        .map(|c| {
            json!({
                "model": model(c.state),
                "last-op": linearized(c.last_op),
                "pending": c.pending.iter().map(|&p| op_map(history, kh, p, false)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let paths: Vec<Value> = f
        .final_paths
        .iter()
        .map(|p| {
            let mut steps =
                vec![json!({"op": linearized(p.start.last_op), "model": model(p.start.state)})];
            let mut state = p.start.state;
            for s in &p.steps {
                let m = match s.state {
                    Some(next) => {
                        state = next;
                        model(next)
                    }
                    None => json!({"msg": CasRegister::refusal(&kh.calls[s.op].op, state, values)}),
                };
                steps.push(json!({"op": linearized(Some(s.op)), "model": m}));
            }
            Value::Array(steps)
        })
        .collect();
    json!({
        "valid?": false,
        "analyzer": "wgl",
        "op": opt(Some(f.op), true),
        "previous-ok": opt(f.previous_ok, true),
        "last-op": linearized(f.last_op),
        "configs": configs,
        "configs-count": f.config_count,
        "final-paths": paths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use serde_json::json;

    /// `(process, type, f, value)`; index and time are the position.
    fn hist(lines: &[(u64, OpType, &str, Value)]) -> History {
        History::new(
            lines
                .iter()
                .enumerate()
                .map(|(i, (p, t, f, v))| op_at(i, i as u64, Process::Client(*p), *t, f, v.clone()))
                .collect(),
        )
    }

    /// independent.clj `history-keys` takes the key of every op whose value
    /// is a tuple, failed ones included, and `checker` checks each key's
    /// subhistory: key 2, whose only op failed, is in `:results` (Knossos
    /// drops the failed op and finds the empty history valid), not a failure.
    #[test]
    fn a_key_whose_ops_all_failed_is_listed_valid() {
        use OpType::*;
        let h = hist(&[
            (0, Invoke, "write", json!([1, 5])),
            (0, Ok, "write", json!([1, 5])),
            (1, Invoke, "cas", json!([2, [3, 4]])),
            (1, Fail, "cas", json!([2, [3, 4]])),
        ]);
        let r = check_history(&h, &Budget::default_budget());
        assert_eq!(r.valid, Validity::True);
        let results = r.fields["results"].as_object().unwrap();
        assert_eq!(results.keys().collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(results["2"]["valid?"], json!(true));
        assert_eq!(results["2"]["linearizable"]["valid?"], json!(true));
        assert_eq!(r.fields["failures"], json!([]));
    }

    /// Knossos's cas-register compares with Clojure's `=` (model.clj
    /// `CASRegister`: `(= value (:value op))`, `(= cur value)`), and
    /// `(= 0.0 -0.0)` is true (`Numbers.equal` -> `DoubleOps.equiv`, Java's
    /// `0.0 == -0.0`) while `(= 1 1.0)` is false (different categories).
    #[test]
    fn values_compare_as_clojure_equals() {
        use OpType::*;
        let run = |written: Value, read: Value, cas_from: Value| {
            let h = hist(&[
                (0, Invoke, "write", json!([0, written])),
                (0, Ok, "write", json!([0, written])),
                (1, Invoke, "read", json!([0, null])),
                (1, Ok, "read", json!([0, read])),
                (2, Invoke, "cas", json!([0, [cas_from, 7]])),
                (2, Ok, "cas", json!([0, [cas_from, 7]])),
            ]);
            check_history(&h, &Budget::default_budget()).valid
        };
        assert_eq!(run(json!(0.0), json!(-0.0), json!(-0.0)), Validity::True);
        assert_eq!(
            run(json!([-0.0]), json!([0.0]), json!([0.0])),
            Validity::True
        );
        assert_eq!(run(json!(1), json!(1.0), json!(1)), Validity::False);
        assert_eq!(run(json!(1), json!(1), json!(1.0)), Validity::False);
        assert_eq!(run(json!(1), json!(1), json!(1)), Validity::True);
    }
}
