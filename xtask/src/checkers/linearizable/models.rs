//! Models for the search: Knossos's compare-and-set register (what Maelstrom's
//! lin-kv is checked against), and two of Porcupine's test models (its etcd
//! register and its get/put/append key-value store), which the benchmark
//! needs to give the verdicts Porcupine gives on Porcupine's data.

use super::Model;
use serde_json::Value;
use std::sync::Arc;

/// Values are interned to small integers once per history. Two values get
/// one id when Clojure's `=` holds between them, which is what Knossos's
/// cas-register compares with (knossos v0.3.9 model.clj `CASRegister`: `(if
/// (= cur value) ..)`, `(= value (:value op))`); see [`equality_key`].
/// fidelity D28: values compare as Clojure's `=`.
pub struct ClojureEq;

impl crate::checkers::interner::Identity for ClojureEq {
    fn key(v: &Value) -> String {
        equality_key(v)
    }
}

/// The register's values, interned under Clojure's `=`; `null`, the
/// register's initial value, is 0.
pub type Interner = crate::checkers::interner::Interner<ClojureEq>;

/// A text that two JSON values share iff Clojure 1.11's `=` holds between
/// them as Cheshire reads them. `Util.equiv` on numbers is `Numbers.equal`:
/// `category(x) == category(y) && ops(x).combine(ops(y)).equiv(x, y)`, so
/// `(= 1 1.0)` is false (integer and floating categories differ: serde_json
/// prints `1` and `1.0`), while `(= 0.0 -0.0)` is true (`DoubleOps.equiv` is
/// `x.doubleValue() == y.doubleValue()`, and `0.0 == -0.0` in Java): `-0.0`
/// is keyed as `0.0`, inside vectors and maps too (their `equiv` compares
/// elements with `Util.equiv`). Maps compare as sets of entries; serde_json's
/// maps are sorted, so the text does not depend on key order.
pub fn equality_key(v: &Value) -> String {
    fn positive_zero(v: &Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() && n.as_f64() == Some(0.0) => Value::from(0.0),
            Value::Array(items) => Value::Array(items.iter().map(positive_zero).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), positive_zero(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    positive_zero(v).to_string()
}

/// An operation on Knossos's cas-register (knossos v0.3.9 model.clj `CASRegister`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CasOp {
    /// A read of a value; `None` is a read of `nil`, which Knossos takes as
    /// "we don't know what the read saw" and always allows.
    Read(Option<u32>),
    Write(u32),
    /// `[from to]`.
    Cas(u32, u32),
}

/// fidelity P11: the register takes an initial value.
/// `(cas-register initial)`: Maelstrom's lin-kv uses `(model/cas-register)`,
/// which starts at `nil` (interned as 0); Knossos's own tests and data
/// start it at 0 (`(cas-register 0)`). Knossos's `(register x)` is the same
/// model without `:cas` (model.clj `Register`), so it is this one too.
pub struct CasRegister {
    /// The interned initial value.
    pub initial: u32,
}

impl CasRegister {
    /// `(cas-register)`: starts at `nil`.
    pub const NIL: CasRegister = CasRegister { initial: 0 };
}

impl Model for CasRegister {
    type State = u32;
    type Op = CasOp;
    fn init(&self) -> u32 {
        self.initial
    }
    fn step(&self, s: &u32, op: &CasOp) -> Option<u32> {
        match *op {
            CasOp::Write(v) => Some(v),
            CasOp::Cas(from, to) => (from == *s).then_some(to),
            CasOp::Read(None) => Some(*s),
            CasOp::Read(Some(v)) => (v == *s).then_some(*s),
        }
    }
    /// A write sets v whatever the state; of the other ops, one accepted in
    /// both s and v != s is a read of nil (leaves both unchanged) or a write
    /// (same result): a read of x or a cas from x needs x = s = v.
    fn is_blind_write(&self, op: &CasOp) -> bool {
        matches!(op, CasOp::Write(_))
    }
}

impl CasRegister {
    /// The inconsistency message Knossos gives for a refused op, built with
    /// Clojure's `str` (nil prints as nothing, a string without quotes):
    /// knossos v0.3.9 model.clj `CASRegister`,
    /// `(str "can't CAS " value " from " cur " to " new)` and
    /// `(str "can't read " (:value op) " from register " value)`.
    pub fn refusal(op: &CasOp, state: u32, values: &Interner) -> String {
        let v = |id: u32| crate::edn::plain_str(values.value(id));
        let st = v(state);
        match *op {
            CasOp::Cas(from, to) => format!("can't CAS {st} from {} to {}", v(from), v(to)),
            CasOp::Read(Some(r)) => format!("can't read {} from register {st}", v(r)),
            _ => format!("can't apply {op:?} to {st}"),
        }
    }
}

/// An operation of Porcupine's `etcdModel` (porcupine porcupine_test.go):
/// unlike Knossos, a read of nil means the key is absent, and a failed cas
/// is an op that happened and found a different value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtcdOp {
    /// `None`: the read timed out (anything goes); `Some(None)`: read nil.
    Read(Option<Option<i64>>),
    Write(i64),
    /// `ok: None` when the outcome is unknown (`:info`).
    Cas {
        from: i64,
        to: i64,
        ok: Option<bool>,
    },
}

pub struct EtcdRegister;

impl Model for EtcdRegister {
    type State = Option<i64>;
    type Op = EtcdOp;
    fn init(&self) -> Option<i64> {
        None
    }
    fn step(&self, s: &Option<i64>, op: &EtcdOp) -> Option<Option<i64>> {
        match *op {
            EtcdOp::Read(None) => Some(*s),
            EtcdOp::Read(Some(v)) => (v == *s).then_some(*s),
            EtcdOp::Write(v) => Some(Some(v)),
            EtcdOp::Cas { from, to, ok } => {
                let matches = *s == Some(from);
                let next = if matches { Some(to) } else { *s };
                match ok {
                    None => Some(next),
                    Some(ok) => (ok == matches).then_some(next),
                }
            }
        }
    }
}

/// An operation of Porcupine's kv models (porcupine_test.go `kvModel`,
/// `kvNoPartitionModel`): keys interned to indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KvOp {
    Get { key: usize, out: Arc<str> },
    Put { key: usize, value: Arc<str> },
    Append { key: usize, value: Arc<str> },
}

impl KvOp {
    pub fn key(&self) -> usize {
        match self {
            KvOp::Get { key, .. } | KvOp::Put { key, .. } | KvOp::Append { key, .. } => *key,
        }
    }
}

/// One key's string, with a polynomial hash kept up to date as it grows:
/// appending hashes only the appended value (`h(s + v) = h(s) * P^|v| +
/// h(v)`), where hashing the whole string at every step of the search cost
/// time in the length of the string. Equal strings have equal hashes, so
/// the hash is only a fast first test; equality compares the text.
#[derive(Clone, Debug)]
pub struct KvText {
    hash: u64,
    text: Arc<str>,
}

/// An odd multiplier (the 64-bit golden ratio), so `P^n` never vanishes
/// modulo 2^64.
const POLY: u64 = 0x9e37_79b9_7f4a_7c15;

/// `(h(v), P^|v|)` over `v`'s bytes.
fn poly(v: &str) -> (u64, u64) {
    v.bytes().fold((0u64, 1u64), |(h, p), b| {
        (
            h.wrapping_mul(POLY).wrapping_add(u64::from(b) + 1),
            p.wrapping_mul(POLY),
        )
    })
}

impl KvText {
    pub fn new(text: Arc<str>) -> Self {
        KvText {
            hash: poly(&text).0,
            text,
        }
    }

    fn append(&self, v: &str) -> Self {
        let (hv, pv) = poly(v);
        let mut s = String::with_capacity(self.text.len() + v.len());
        s.push_str(&self.text);
        s.push_str(v);
        KvText {
            hash: self.hash.wrapping_mul(pv).wrapping_add(hv),
            text: Arc::from(s),
        }
    }
}

impl PartialEq for KvText {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}
impl Eq for KvText {}

impl std::hash::Hash for KvText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// `kvModel`: one key's string (the history is partitioned by key first).
pub struct KvKey;

impl Model for KvKey {
    type State = KvText;
    type Op = KvOp;
    fn init(&self) -> KvText {
        KvText::new(Arc::from(""))
    }
    fn step(&self, s: &KvText, op: &KvOp) -> Option<KvText> {
        match op {
            KvOp::Get { out, .. } => (**out == *s.text).then(|| s.clone()),
            KvOp::Put { value, .. } => Some(KvText::new(value.clone())),
            KvOp::Append { value, .. } => Some(s.append(value)),
        }
    }
    fn heap_bytes(&self, s: &KvText) -> usize {
        s.text.len() + 16
    }
}

/// `kvNoPartitionModel`: the whole map as one state (slower, as Porcupine says).
pub struct KvMap {
    pub keys: usize,
}

impl Model for KvMap {
    type State = Arc<[Arc<str>]>;
    type Op = KvOp;
    fn init(&self) -> Arc<[Arc<str>]> {
        vec![Arc::<str>::from(""); self.keys].into()
    }
    fn step(&self, s: &Arc<[Arc<str>]>, op: &KvOp) -> Option<Arc<[Arc<str>]>> {
        let k = op.key();
        let cur = s.get(k)?;
        let with = |v: Arc<str>| {
            let mut m = s.to_vec();
            m[k] = v;
            Some(Arc::from(m))
        };
        match op {
            KvOp::Get { out, .. } => (out == cur).then(|| s.clone()),
            KvOp::Put { value, .. } => with(value.clone()),
            KvOp::Append { value, .. } => with(Arc::from(format!("{cur}{value}"))),
        }
    }
    /// The slice of pointers; the strings are mostly shared between states.
    fn heap_bytes(&self, s: &Self::State) -> usize {
        s.len() * 16 + 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash kept while appending is the hash of the whole string, so
    /// equal strings reached by different steps are equal states.
    #[test]
    fn a_kv_string_built_by_appends_equals_the_same_string_put() {
        use super::super::search::hash_of;
        let m = KvKey;
        let app = |v: &str| KvOp::Append {
            key: 0,
            value: Arc::from(v),
        };
        let s = m.step(&m.init(), &app("x 1 0 y")).unwrap();
        let s = m.step(&s, &app("x 2 0 y")).unwrap();
        let whole = KvOp::Put {
            key: 0,
            value: Arc::from("x 1 0 yx 2 0 y"),
        };
        let put = m.step(&m.init(), &whole).unwrap();
        assert_eq!(s, put);
        assert_eq!(hash_of(&s), hash_of(&put));
        assert_eq!(&*s.text, "x 1 0 yx 2 0 y");
        let other = m.step(&m.init(), &app("x 2 0 yx 1 0 y")).unwrap();
        assert_ne!(s, other);
        let get = |out: &str| KvOp::Get {
            key: 0,
            out: Arc::from(out),
        };
        assert!(m.step(&s, &get("x 1 0 yx 2 0 y")).is_some());
        assert!(m.step(&s, &get("x 1 0 y")).is_none());
    }
    use serde_json::json;

    /// Clojure 1.11 `=` as `equality_key` sees it, evaluated by hand from
    /// `Numbers.equal` (`category(x) == category(y) && ..equiv(x, y)`):
    /// `(= 0.0 -0.0)` true (`0.0 == -0.0`), `(= 1 1.0)` false (integer vs
    /// floating), `(= [0.0] [-0.0])` and `(= {:a 0.0} {:a -0.0})` true.
    #[test]
    fn interner_ids_follow_clojure_equality() {
        let mut i = Interner::new();
        let zero = i.intern(&json!(0.0));
        assert_eq!(i.intern(&json!(-0.0)), zero);
        assert_ne!(i.intern(&json!(0)), zero);
        assert_ne!(i.intern(&json!(1)), i.intern(&json!(1.0)));
        assert_eq!(i.intern(&json!([0.0, 1])), i.intern(&json!([-0.0, 1])));
        assert_eq!(i.intern(&json!({"a": -0.0})), i.intern(&json!({"a": 0.0})));
        assert_ne!(i.intern(&json!("0.0")), zero);
        // The first spelling seen is the one shown.
        assert_eq!(i.value(zero), &json!(0.0));
        // fidelity X24: serde_json reads `-0` as `-0.0`.
        // A known difference (docs/fidelity.md): serde_json reads the
        // integer `-0` as the float -0.0, where Cheshire reads the long 0.
        let minus_zero: Value = serde_json::from_str("-0").unwrap();
        assert_eq!(i.intern(&minus_zero), zero);
    }
}
