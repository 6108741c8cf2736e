//! Interning JSON values to small integers, once per history: JSON values
//! are neither `Hash` nor cheap to compare. The one interner of the
//! checkers; each says which identity it follows (Elle keys values by their
//! JSON text, Knossos's register by Clojure's `=`: see their [`Identity`]).

use serde_json::Value;
use std::collections::HashMap;
use std::marker::PhantomData;

/// When two JSON values are the same value: iff their keys are equal.
pub trait Identity {
    fn key(v: &Value) -> String;
}

/// Values interned under identity `I`; `null` (Clojure `nil`) is always 0.
#[derive(Debug)]
pub struct Interner<I: Identity> {
    ids: HashMap<String, u32>,
    values: Vec<Value>,
    identity: PhantomData<I>,
}

impl<I: Identity> Default for Interner<I> {
    fn default() -> Self {
        Interner::new()
    }
}

impl<I: Identity> Interner<I> {
    /// The id of `null`.
    pub const NIL: u32 = 0;

    pub fn new() -> Self {
        Interner {
            ids: HashMap::from([(I::key(&Value::Null), Self::NIL)]),
            values: vec![Value::Null],
            identity: PhantomData,
        }
    }

    /// The id of `v`, a new one if no value the same as `v` was interned.
    pub fn intern(&mut self, v: &Value) -> u32 {
        if v.is_null() {
            return Self::NIL;
        }
        let next = self.values.len() as u32;
        let id = *self.ids.entry(I::key(v)).or_insert(next);
        if id == next {
            self.values.push(v.clone());
        }
        id
    }

    /// The id of `v`, if a value the same as `v` was interned.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn get(&self, v: &Value) -> Option<u32> {
        if v.is_null() {
            return Some(Self::NIL);
        }
        self.ids.get(&I::key(v)).copied()
    }

    /// The value first interned under `id` (`null` for an id never given).
    pub fn value(&self, id: u32) -> &Value {
        self.values.get(id as usize).unwrap_or(&Value::Null)
    }

    /// Clojure truthiness: everything but nil and false.
    pub fn truthy(&self, id: u32) -> bool {
        !matches!(self.value(id), Value::Null | Value::Bool(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Text;
    impl Identity for Text {
        fn key(v: &Value) -> String {
            v.to_string()
        }
    }

    #[test]
    fn one_id_per_value_and_null_is_zero() {
        let mut i = Interner::<Text>::new();
        assert_eq!(i.intern(&Value::Null), 0);
        let a = i.intern(&json!("a"));
        assert_eq!(i.intern(&json!("a")), a);
        assert_ne!(i.intern(&json!(1)), i.intern(&json!(1.0)));
        assert_eq!(i.get(&json!("a")), Some(a));
        assert_eq!(i.get(&json!("b")), None);
        assert_eq!(i.value(a), &json!("a"));
        assert_eq!(i.value(99), &Value::Null);
        assert!(i.truthy(a) && !i.truthy(0));
        let f = i.intern(&json!(false));
        assert!(!i.truthy(f));
    }
}
