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
use super::{check, Budget, Call, Verdict};
use crate::checker::{CheckResult, Validity};
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
        let slot = *slots.entry(k.to_string()).or_insert_with(|| {
            keys.push(KeyHistory {
                key: k.clone(),
                calls: Vec::new(),
                ops: Vec::new(),
                keyed,
            });
            keys.len() - 1
        });
        keys[slot].calls.push(call);
        keys[slot].ops.push((inv.index, done.map(|d| d.index)));
    }
    keys.sort_by(|a, b| key_order(&a.key, &b.key));
    Ok(keys)
}

/// A cas-register op from `:f` and the (unwrapped) value.
pub fn cas_op(f: &str, v: &Value, values: &mut Interner) -> Result<CasOp, String> {
    Ok(match f {
        "read" if v.is_null() => CasOp::Read(None),
        "read" => CasOp::Read(Some(values.id(v))),
        "write" => CasOp::Write(values.id(v)),
        "cas" => match v.as_array().map(Vec::as_slice) {
            Some([from, to]) => CasOp::Cas(values.id(from), values.id(to)),
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
        let verdict = check(&CasRegister, &kh.calls, budget);
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
    let mut values = Interner::new();
    let keys = match split(history, false, &mut values) {
        Ok(k) => k,
        Err(e) => return CheckResult::unknown(e),
    };
    let Some(kh) = keys.first() else {
        return CheckResult::new(Validity::True).with("analyzer", "wgl");
    };
    let verdict = check(&CasRegister, &kh.calls, budget);
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
    let configs: Vec<Value> = f
        .configs
        .iter()
        .map(|c| {
            json!({
                "model": model(c.state),
                "last-op": opt(c.last_op, false),
                "pending": c.pending.iter().map(|&p| op_map(history, kh, p, false)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let paths: Vec<Value> = f
        .final_paths
        .iter()
        .map(|p| {
            let mut steps =
                vec![json!({"op": opt(p.start.last_op, false), "model": model(p.start.state)})];
            let mut state = p.start.state;
            for s in &p.steps {
                let m = match s.state {
                    Some(next) => {
                        state = next;
                        model(next)
                    }
                    None => json!({"msg": CasRegister::refusal(&kh.calls[s.op].op, state, values)}),
                };
                steps.push(json!({"op": op_map(history, kh, s.op, false), "model": m}));
            }
            Value::Array(steps)
        })
        .collect();
    json!({
        "valid?": false,
        "analyzer": "wgl",
        "op": opt(Some(f.op), true),
        "previous-ok": opt(f.previous_ok, true),
        "last-op": opt(f.last_op, false),
        "configs": configs,
        "configs-count": f.config_count,
        "final-paths": paths,
    })
}
