//! The operations `timeline.html` does not draw in full, counted per time
//! bucket by outcome: a fixed number of buckets across the history, so the
//! summary's size does not grow with the history.

use crate::history::OpType;
use serde_json::{json, Value};

/// How many time buckets the history is cut into.
pub const BUCKETS: usize = 40;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub ok: u64,
    pub fail: u64,
    pub info: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.ok + self.fail + self.info
    }
}

/// Summarised operations, by the time of their completion.
#[derive(Debug)]
pub struct Summary {
    bucket_ns: u64,
    buckets: Vec<Counts>,
}

impl Summary {
    /// Buckets covering [0, `end_ns`].
    pub fn new(end_ns: u64) -> Summary {
        Summary {
            bucket_ns: (end_ns / BUCKETS as u64).max(1) + 1,
            buckets: vec![Counts::default(); BUCKETS],
        }
    }

    /// Counts one operation completed at `time` with `kind` (an invocation
    /// left open counts as info, as Jepsen treats it).
    pub fn count(&mut self, time: u64, kind: OpType) {
        let i = ((time / self.bucket_ns) as usize).min(BUCKETS - 1);
        let c = &mut self.buckets[i];
        match kind {
            OpType::Ok => c.ok += 1,
            OpType::Fail => c.fail += 1,
            OpType::Info | OpType::Invoke => c.info += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.buckets.iter().map(Counts::total).sum()
    }

    /// The non-empty buckets: (start ns, end ns, counts), in time order.
    pub fn rows(&self) -> impl Iterator<Item = (u64, u64, Counts)> + '_ {
        self.buckets
            .iter()
            .enumerate()
            .filter(|(_, c)| c.total() > 0)
            .map(|(i, c)| {
                let a = i as u64 * self.bucket_ns;
                (a, a + self.bucket_ns, *c)
            })
    }

    /// The rows as JSON, for the page's embedded data.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows()
                .map(|(a, b, c)| json!({"from-ns": a, "to-ns": b, "ok": c.ok, "fail": c.fail, "info": c.info}))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_fall_in_their_completion_bucket_and_late_ones_in_the_last() {
        let mut s = Summary::new(BUCKETS as u64 * 10 - 1);
        s.count(0, OpType::Ok);
        s.count(9, OpType::Fail);
        s.count(10, OpType::Info);
        s.count(u64::MAX, OpType::Ok);
        let rows: Vec<_> = s.rows().collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            (
                0,
                10,
                Counts {
                    ok: 1,
                    fail: 1,
                    info: 0
                }
            )
        );
        assert_eq!(
            rows[1].2,
            Counts {
                ok: 0,
                fail: 0,
                info: 1
            }
        );
        assert_eq!(rows[2].0, (BUCKETS as u64 - 1) * 10);
        assert_eq!(s.total(), 4);
        assert_eq!(s.to_json()[0]["fail"], 1);
    }
}
