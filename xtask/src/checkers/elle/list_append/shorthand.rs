//! Elle's test shorthand for list-append transactions, shared by our own
//! list-append tests and the port of elle v0.1.6
//! `test/elle/list_append_test.clj` (its `op` helper).

use serde_json::{json, Value};

/// `ax1` appends 1 to "x", `ry12` reads y = [1 2], `rx` reads x = nil.
pub fn txn(s: &str) -> Value {
    let mut mops: Vec<Value> = Vec::new();
    for c in s.chars() {
        match c {
            'a' => mops.push(json!(["append"])),
            'r' => mops.push(json!(["r"])),
            'x' | 'y' | 'z' | 't' | 'u' => {
                let m = mops.last_mut().unwrap().as_array_mut().unwrap();
                m.push(json!(c.to_string()));
                m.push(Value::Null);
            }
            d => {
                let e = json!(d.to_digit(10).unwrap());
                let m = mops.last_mut().unwrap().as_array_mut().unwrap();
                if m[0] == "append" {
                    m[2] = e;
                } else if m[2].is_null() {
                    m[2] = json!([e]);
                } else {
                    m[2].as_array_mut().unwrap().push(e);
                }
            }
        }
    }
    Value::Array(mops)
}
