//! The range of counter values a read may return, over time, and the
//! reads, fed one op at a time into a fixed number of time columns.
//!
//! Maelstrom's checker (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/pn_counter.clj, `checker`) judges only the final
//! reads, against `definite-sum`, "the total of the ops we *definitely*
//! know happened" (`(filter op/ok?)` adds), plus any subset of the
//! `op/info?` adds ("For each possible add, we want to allow that either
//! to happen or not"). The same reasoning at each moment t: the adds
//! completed `:ok` by t have happened; those invoked and not yet completed,
//! and those that ended `:info`, may or may not have; a `:fail` did not.
//! So a read completing at t may return at least `lower` = definite + the
//! sum of the negative uncertain deltas, and at most `upper` = definite +
//! the sum of the positive ones. At the end of the history this is the
//! hull of the checker's `acceptable` set (which may have holes: drawn
//! from the results map beside it).

use crate::checkers::value_order::integer;
use crate::history::{Op, OpType, Process};
use std::collections::HashMap;

/// How many time columns the picture has.
pub const COLUMNS: usize = 600;
/// The most final reads kept (one per client thread in a real run).
pub const MAX_FINAL_READS: usize = 200;

/// One time column: the range's extremes and the reads' within it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Column {
    pub lower: Option<i128>,
    pub upper: Option<i128>,
    pub read_min: Option<i128>,
    pub read_max: Option<i128>,
    pub reads: u64,
    /// The range after the column's last add event, carried to the next.
    pub end: Option<(i128, i128)>,
}

/// An `:ok` final read.
#[derive(Clone, Debug, PartialEq)]
pub struct FinalRead {
    pub index: usize,
    pub process: Process,
    pub invoked_ns: u64,
    pub time_ns: u64,
    pub value: i128,
}

#[derive(Debug)]
pub struct Bounds {
    column_ns: u64,
    columns: Vec<Column>,
    definite: i128,
    maybe_up: i128,
    maybe_down: i128,
    open_adds: HashMap<Process, i128>,
    open_reads: HashMap<Process, u64>,
    finals: Vec<FinalRead>,
    finals_seen: usize,
}

impl Bounds {
    /// Columns covering [0, `end_ns`].
    pub fn new(end_ns: u64) -> Bounds {
        let mut b = Bounds {
            column_ns: end_ns / COLUMNS as u64 + 1,
            columns: vec![Column::default(); COLUMNS],
            definite: 0,
            maybe_up: 0,
            maybe_down: 0,
            open_adds: HashMap::new(),
            open_reads: HashMap::new(),
            finals: Vec::new(),
            finals_seen: 0,
        };
        b.mark(0);
        b
    }

    pub fn lower(&self) -> i128 {
        self.definite.saturating_add(self.maybe_down)
    }

    pub fn upper(&self) -> i128 {
        self.definite.saturating_add(self.maybe_up)
    }

    fn column(&mut self, time: u64) -> &mut Column {
        let i = ((time / self.column_ns) as usize).min(COLUMNS - 1);
        &mut self.columns[i]
    }

    /// Records the range as it is now in the column of `time`.
    fn mark(&mut self, time: u64) {
        let (lo, hi) = (self.lower(), self.upper());
        let c = self.column(time);
        c.lower = Some(c.lower.map_or(lo, |x| x.min(lo)));
        c.upper = Some(c.upper.map_or(hi, |x| x.max(hi)));
        c.end = Some((lo, hi));
    }

    /// Adds or withdraws `d` among the uncertain adds.
    fn uncertain(&mut self, d: i128, sign: i128) {
        if d > 0 {
            self.maybe_up = self.maybe_up.saturating_add(sign * d);
        } else {
            self.maybe_down = self.maybe_down.saturating_add(sign * d);
        }
    }

    /// The next op. Err: an add whose delta is not an integer (the
    /// checker's verdict is unknown then, and there is no range to draw).
    pub fn push(&mut self, op: &Op) -> Result<(), String> {
        match op.f.as_str() {
            "add" => self.push_add(op),
            "read" => {
                self.push_read(op);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn push_add(&mut self, op: &Op) -> Result<(), String> {
        let delta = || {
            integer(&op.value)
                .ok_or_else(|| format!("add {} has a non-integer value {}", op.index, op.value))
        };
        match op.kind {
            OpType::Invoke => {
                let d = delta()?;
                self.open_adds.insert(op.process, d);
                self.uncertain(d, 1);
            }
            OpType::Ok => {
                let d = match self.open_adds.remove(&op.process) {
                    Some(d) => {
                        self.uncertain(d, -1);
                        d
                    }
                    None => delta()?,
                };
                self.definite = self.definite.saturating_add(d);
            }
            OpType::Fail => {
                if let Some(d) = self.open_adds.remove(&op.process) {
                    self.uncertain(d, -1);
                }
            }
            // Stays uncertain for good; an :info with no invocation
            // becomes uncertain now.
            OpType::Info => {
                if self.open_adds.remove(&op.process).is_none() {
                    self.uncertain(delta()?, 1);
                }
            }
        }
        self.mark(op.time);
        Ok(())
    }

    fn push_read(&mut self, op: &Op) {
        if op.is_invoke() {
            self.open_reads.insert(op.process, op.time);
            return;
        }
        let invoked_ns = self.open_reads.remove(&op.process).unwrap_or(op.time);
        // Non-integer reads are the checker's to report; nothing to plot.
        let (OpType::Ok, Some(v)) = (op.kind, integer(&op.value)) else {
            return;
        };
        if op.is_final {
            self.finals_seen += 1;
            if self.finals.len() < MAX_FINAL_READS {
                self.finals.push(FinalRead {
                    index: op.index,
                    process: op.process,
                    invoked_ns,
                    time_ns: op.time,
                    value: v,
                });
            }
            return;
        }
        let c = self.column(op.time);
        c.read_min = Some(c.read_min.map_or(v, |x| x.min(v)));
        c.read_max = Some(c.read_max.map_or(v, |x| x.max(v)));
        c.reads += 1;
    }

    /// The columns, each with the range carried over from the last column
    /// that saw an add, and its time span in ns.
    pub fn columns(&self) -> Vec<(u64, u64, Column)> {
        let mut last = (0, 0);
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut c = *c;
                match c.end {
                    Some(end) => last = end,
                    None => (c.lower, c.upper) = (Some(last.0), Some(last.1)),
                }
                let a = i as u64 * self.column_ns;
                (a, a + self.column_ns, c)
            })
            .collect()
    }

    pub fn finals(&self) -> &[FinalRead] {
        &self.finals
    }

    /// How many final reads there were, kept or not.
    pub fn finals_seen(&self) -> usize {
        self.finals_seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op_at;
    use serde_json::json;

    fn op(time: u64, p: u64, kind: OpType, f: &str, v: serde_json::Value) -> Op {
        op_at(0, time, Process::Client(p), kind, f, v)
    }

    /// add 5 by process 0 and add -2 by 1 in flight together: the range is
    /// [0 + (-2), 0 + 5] = [-2, 5]; the 5 completes ok: [5 - 2, 5] = [3, 5];
    /// the -2 ends :info: it may or may not have happened, for good, as
    /// the checker's `(when (op/info? add) ...)`; an add 7 that fails never
    /// happened.
    #[test]
    fn the_range_is_the_definite_sum_widened_by_the_uncertain_adds() {
        let mut b = Bounds::new(10);
        let steps = [
            (op(1, 0, OpType::Invoke, "add", json!(5)), (0, 5)),
            (op(2, 1, OpType::Invoke, "add", json!(-2)), (-2, 5)),
            (op(3, 0, OpType::Ok, "add", json!(5)), (3, 5)),
            (op(4, 1, OpType::Info, "add", json!(-2)), (3, 5)),
            (op(5, 2, OpType::Invoke, "add", json!(7)), (3, 12)),
            (op(6, 2, OpType::Fail, "add", json!(7)), (3, 5)),
        ];
        for (o, want) in steps {
            b.push(&o).unwrap();
            assert_eq!(
                (b.lower(), b.upper()),
                want,
                "after {:?} {:?}",
                o.kind,
                o.value
            );
        }
        let bad = op(7, 3, OpType::Invoke, "add", json!("x"));
        assert!(b.push(&bad).unwrap_err().contains("non-integer"));
    }

    #[test]
    fn reads_fall_in_columns_and_final_reads_are_kept_apart() {
        let mut b = Bounds::new(COLUMNS as u64 * 10 - 1);
        b.push(&op(0, 0, OpType::Invoke, "add", json!(3))).unwrap();
        b.push(&op(1, 0, OpType::Ok, "add", json!(3))).unwrap();
        for (t, v) in [(20, 1), (25, 3)] {
            b.push(&op(t - 1, 1, OpType::Invoke, "read", json!(null)))
                .unwrap();
            b.push(&op(t, 1, OpType::Ok, "read", json!(v))).unwrap();
        }
        let mut fin = op(99, 2, OpType::Ok, "read", json!(2));
        fin.is_final = true;
        b.push(&op(90, 2, OpType::Invoke, "read", json!(null)))
            .unwrap();
        b.push(&fin).unwrap();
        let cols = b.columns();
        assert_eq!(
            (cols[2].2.read_min, cols[2].2.read_max, cols[2].2.reads),
            (Some(1), Some(3), 2)
        );
        assert_eq!((cols[0].2.lower, cols[0].2.upper), (Some(0), Some(3)));
        assert_eq!(
            (cols[9].2.lower, cols[9].2.upper),
            (Some(3), Some(3)),
            "carried over"
        );
        assert_eq!(cols[9].2.reads, 0, "a final read is not among the others");
        assert_eq!(b.finals()[0].invoked_ns, 90);
        assert_eq!((b.finals()[0].value, b.finals_seen()), (2, 1));
    }
}
