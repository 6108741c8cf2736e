//! Jepsen's `stats` checker, wrapped as Maelstrom wraps it for every workload
//! in the kafka `stats-checker`: valid iff every `f` except `crash` and
//! `debug-topic-partitions` has at least one `:ok`.
//! fidelity D24: `stats` ignores `crash` and `debug-topic-partitions`.

use crate::checkers::{CheckResult, OpFold, Validity};
#[cfg(test)]
use crate::history::History;
use crate::history::{Op, OpType};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const EXEMPT: [&str; 2] = ["crash", "debug-topic-partitions"];

#[derive(Default)]
struct Counts {
    count: u64,
    ok: u64,
    fail: u64,
    info: u64,
}

impl Counts {
    fn add(&mut self, kind: OpType) {
        self.count += 1;
        match kind {
            OpType::Ok => self.ok += 1,
            OpType::Fail => self.fail += 1,
            _ => self.info += 1,
        }
    }
    fn fields(&self, m: &mut Map<String, Value>) {
        m.insert("count".into(), json!(self.count));
        m.insert("ok-count".into(), json!(self.ok));
        m.insert("fail-count".into(), json!(self.fail));
        m.insert("info-count".into(), json!(self.info));
    }
}

/// The stats checker as a fold: counts completions by `f`.
#[derive(Default)]
pub struct Stats {
    total: Counts,
    by_f: BTreeMap<String, Counts>,
}

impl OpFold for Stats {
    fn observe(&mut self, op: &Op) {
        if !op.process.is_client() || op.is_invoke() {
            return;
        }
        self.total.add(op.kind);
        match self.by_f.get_mut(op.f.as_str()) {
            Some(c) => c.add(op.kind),
            None => self.by_f.entry(op.f.clone()).or_default().add(op.kind),
        }
    }

    fn finish(self: Box<Self>) -> CheckResult {
        let mut valid = Validity::True;
        let mut by_f_json = Map::new();
        for (f, c) in &self.by_f {
            let mut m = Map::new();
            m.insert("valid?".into(), json!(c.ok > 0));
            c.fields(&mut m);
            by_f_json.insert(f.clone(), Value::Object(m));
            if c.ok == 0 && !EXEMPT.contains(&f.as_str()) {
                valid = Validity::False;
            }
        }
        let mut r = CheckResult::new(valid);
        self.total.fields(&mut r.fields);
        r.with("by-f", Value::Object(by_f_json))
    }
}

#[cfg(test)]
pub fn check(history: &History) -> CheckResult {
    crate::checkers::fold_history(Box::<Stats>::default(), history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;

    #[test]
    fn an_f_without_ok_fails() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "read"),
            op(1, 0, OpType::Ok, "read"),
            op(2, 0, OpType::Invoke, "add"),
            op(3, 0, OpType::Info, "add"),
            op(4, 1, OpType::Invoke, "add"),
            op(5, 1, OpType::Fail, "add"),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::False);
        assert_eq!(r.fields["count"], json!(3));
        assert_eq!(r.fields["by-f"]["add"]["valid?"], json!(false));
        assert_eq!(r.fields["by-f"]["add"]["info-count"], json!(1));
        assert_eq!(r.fields["by-f"]["read"]["ok-count"], json!(1));
    }

    #[test]
    fn exempt_fs_and_empty_history_pass() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "send"),
            op(1, 0, OpType::Ok, "send"),
            op(2, 0, OpType::Invoke, "crash"),
            op(3, 0, OpType::Info, "crash"),
        ]);
        let r = check(&h);
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["by-f"]["crash"]["valid?"], json!(false));
        assert_eq!(check(&History::default()).valid, Validity::True);
    }
}
