//! Where `timeline.html` draws every operation in full: windows of history
//! time around the moments worth looking at. Kept simple on purpose:
//!
//! - every `:fail` or `:info` completion, and its invocation;
//! - when the run is invalid, every op the results map quotes (any JSON
//!   object in it with integer `index` and `time` and a `type`: the
//!   counter's and kafka's error ops, lin-kv's failing ops, set-full's
//!   ops that lost an element, ...);
//! - when the run is invalid and the results list `lost` elements
//!   (set-full: broadcast, g-set), the invocation that added each, and the
//!   first final read (the reads that missed them come together at the
//!   end).
//!
//! Each such moment opens a window of [`MARGIN_NS`] on each side; windows
//! that overlap or touch merge. At most [`MAX_FOCUS`] moments are kept: the
//! results map's first (the checker named them), then the history's
//! earliest.

use serde_json::Value;

/// How much history time a window shows on each side of a moment.
pub const MARGIN_NS: u64 = 1_000_000_000;

/// The most moments windows are opened around.
pub const MAX_FOCUS: usize = 64;

/// How deep the results map is searched for quoted ops.
const MAX_DEPTH: usize = 32;

/// The moments, gathered one at a time up to [`MAX_FOCUS`].
#[derive(Debug, Default)]
pub struct Focus {
    times: Vec<u64>,
}

impl Focus {
    /// Adds a moment; past the cap it is dropped.
    pub fn add(&mut self, time: u64) {
        if self.times.len() < MAX_FOCUS {
            self.times.push(time);
        }
    }

    /// Adds the time of every op the results map quotes.
    pub fn add_quoted_ops(&mut self, results: &Value) {
        self.walk(results, 0);
    }

    fn walk(&mut self, v: &Value, depth: usize) {
        if depth > MAX_DEPTH || self.times.len() >= MAX_FOCUS {
            return;
        }
        match v {
            Value::Object(m) => {
                let is_op = m.get("index").is_some_and(Value::is_u64) && m.contains_key("type");
                if let (true, Some(t)) = (is_op, m.get("time").and_then(Value::as_u64)) {
                    self.add(t);
                }
                m.values().for_each(|x| self.walk(x, depth + 1));
            }
            Value::Array(a) => a.iter().for_each(|x| self.walk(x, depth + 1)),
            _ => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The merged windows, sorted: [t - MARGIN_NS, t + MARGIN_NS] for each
    /// moment t, joined where they overlap or touch.
    pub fn windows(&self) -> Vec<(u64, u64)> {
        let mut times = self.times.clone();
        times.sort_unstable();
        let mut out: Vec<(u64, u64)> = Vec::new();
        for t in times {
            let (a, b) = (t.saturating_sub(MARGIN_NS), t.saturating_add(MARGIN_NS));
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }
}

/// Watches the history for the ops that added the elements a set-full
/// checker reports `lost`, and for the first final read.
#[derive(Debug, Default)]
pub struct LostElements {
    values: Vec<Value>,
    final_seen: bool,
}

impl LostElements {
    /// The first [`MAX_FOCUS`] of `results.workload.lost`.
    pub fn from_results(results: &Value) -> LostElements {
        let values = results["workload"]["lost"]
            .as_array()
            .map(|a| a.iter().take(MAX_FOCUS).cloned().collect())
            .unwrap_or_default();
        LostElements {
            values,
            final_seen: false,
        }
    }

    /// Adds `op`'s time to `focus` when it added a lost element
    /// (broadcast's `broadcast`, g-set's `add`) or is the first final read.
    pub fn visit(&mut self, op: &crate::history::Op, focus: &mut Focus) {
        if self.values.is_empty() {
            return;
        }
        let adds = matches!(op.f.as_str(), "add" | "broadcast");
        if op.is_invoke() && adds && self.values.contains(&op.value) {
            focus.add(op.time);
        }
        if op.is_final && !self.final_seen {
            self.final_seen = true;
            focus.add(op.time);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const S: u64 = 1_000_000_000;

    #[test]
    fn moments_open_windows_that_merge_where_they_meet() {
        let mut f = Focus::default();
        for t in [10 * S, S / 2, 11 * S, 30 * S] {
            f.add(t);
        }
        assert_eq!(
            f.windows(),
            [(0, S / 2 + S), (9 * S, 12 * S), (29 * S, 31 * S)],
            "the window at 0.5 s starts at 0; 10 s and 11 s share one"
        );
    }

    #[test]
    fn quoted_ops_are_found_anywhere_in_the_results_and_capped() {
        let results = json!({
            "workload": {"valid?": false, "errors": [
                {"index": 85, "time": 7, "type": "ok", "f": "read", "value": 1},
                {"index": 86, "type": "ok"},
            ]},
            "stats": {"count": 3, "time": 99},
        });
        let mut f = Focus::default();
        f.add_quoted_ops(&results);
        assert_eq!(f.times, [7], "only maps with an index, a type and a time");
        let many = json!((0..100)
            .map(|i| json!({"index": i, "type": "ok", "time": i}))
            .collect::<Vec<_>>());
        let mut f = Focus::default();
        f.add_quoted_ops(&many);
        assert_eq!(f.times.len(), MAX_FOCUS);
    }

    #[test]
    fn lost_elements_focus_on_their_adds_and_the_final_reads() {
        use crate::checkers::testing::op_at;
        use crate::history::{OpType, Process};
        let results = json!({"valid?": false, "workload": {"lost": [7]}});
        let mut lost = LostElements::from_results(&results);
        let mut f = Focus::default();
        let p = Process::Client(0);
        let mut fin = op_at(4, 40, p, OpType::Invoke, "read", Value::Null);
        fin.is_final = true;
        let mut fin2 = fin.clone();
        fin2.time = 41;
        for op in [
            op_at(0, 10, p, OpType::Invoke, "broadcast", json!(6)),
            op_at(1, 20, p, OpType::Invoke, "broadcast", json!(7)),
            op_at(2, 21, p, OpType::Ok, "broadcast", json!(7)),
            op_at(3, 30, p, OpType::Invoke, "read", Value::Null),
            fin,
            fin2,
        ] {
            lost.visit(&op, &mut f);
        }
        assert_eq!(f.times, [20, 40], "the add of 7 and the first final read");
        let mut none = LostElements::from_results(&json!({"workload": {"lost": []}}));
        let mut f = Focus::default();
        none.visit(&op_at(0, 10, p, OpType::Invoke, "add", json!(7)), &mut f);
        assert!(f.is_empty());
    }
}
