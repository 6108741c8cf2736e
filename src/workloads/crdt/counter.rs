//! A PN-counter: per node, the sum of its positive and of its negative
//! adds, each only ever growing; the value is the sum of increments minus
//! the sum of decrements. A G-counter is the same with no decrements.
//!
//! Merging takes the larger of each node's sums, so a node's own entry is
//! the only one it ever raises itself. A delta is the own entry as it is
//! now: it is the join of every own update since any earlier one.

use super::DeltaState;
use std::collections::BTreeMap;

/// Per node id: `(increments, decrements)` (a JSON `[inc, dec]` pair).
pub type Counts = BTreeMap<String, (u64, u64)>;

/// A PN-counter replica.
#[derive(Clone, Debug, Default)]
pub struct PnCounter {
    own_id: String,
    members: Vec<String>,
    counts: Counts,
    /// Own updates so far (adds of 0 change nothing and do not count).
    version: u64,
}

impl PnCounter {
    /// The replica of node `own_id` in a cluster of `members`.
    pub fn new(own_id: &str, members: &[String]) -> Self {
        PnCounter {
            own_id: own_id.to_string(),
            members: members.to_vec(),
            counts: Counts::new(),
            version: 0,
        }
    }

    /// Adds `delta` (negative: a decrement) to the own entry.
    pub fn add(&mut self, delta: i64) {
        if delta == 0 {
            return;
        }
        let entry = self.counts.entry(self.own_id.clone()).or_default();
        if delta > 0 {
            entry.0 = entry.0.saturating_add(delta.unsigned_abs());
        } else {
            entry.1 = entry.1.saturating_add(delta.unsigned_abs());
        }
        self.version += 1;
    }

    /// Increments minus decrements, saturated to the i64 range.
    pub fn value(&self) -> i64 {
        let (inc, dec) = self
            .counts
            .values()
            .fold((0i128, 0i128), |(i, d), (inc, dec)| {
                (i + i128::from(*inc), d + i128::from(*dec))
            });
        (inc - dec).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }
}

impl DeltaState for PnCounter {
    type Delta = Counts;

    fn version(&self) -> u64 {
        self.version
    }

    fn delta_after(&self, acked: u64) -> Counts {
        if acked >= self.version {
            return Counts::new();
        }
        self.counts
            .get_key_value(&self.own_id)
            .map(|(k, v)| (k.clone(), *v))
            .into_iter()
            .collect()
    }

    /// Takes the larger sums, entry by entry. Entries of ids outside the
    /// cluster are dropped: no node could have made them.
    fn merge(&mut self, _from: &str, delta: Counts) {
        for (id, (inc, dec)) in delta {
            if !self.members.contains(&id) {
                continue;
            }
            let entry = self.counts.entry(id).or_default();
            entry.0 = entry.0.max(inc);
            entry.1 = entry.1.max(dec);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        vec!["n0".into(), "n1".into()]
    }

    #[test]
    fn value_is_increments_minus_decrements() {
        let mut c = PnCounter::new("n0", &ids());
        c.add(5);
        c.add(-7);
        c.add(0);
        assert_eq!(c.value(), -2);
        assert_eq!(c.version(), 2, "an add of 0 is no update");
        assert_eq!(c.delta_after(0), Counts::from([("n0".into(), (5, 7))]));
        assert_eq!(c.delta_after(2), Counts::new());
    }

    #[test]
    fn merge_is_idempotent_and_keeps_the_larger_sums() {
        let mut a = PnCounter::new("n0", &ids());
        a.add(3);
        let mut b = PnCounter::new("n1", &ids());
        b.add(-4);
        let old = b.delta_after(0);
        b.add(10);
        let new = b.delta_after(0);
        a.merge("n1", new.clone());
        a.merge("n1", new);
        a.merge("n1", old);
        assert_eq!(a.value(), 3 - 4 + 10);
        // A stranger's entry is not counted.
        a.merge("n1", Counts::from([("n9".into(), (100, 0))]));
        assert_eq!(a.value(), 9);
    }

    #[test]
    fn extreme_adds_saturate_instead_of_wrapping() {
        let mut c = PnCounter::new("n0", &ids());
        c.add(i64::MAX);
        c.add(i64::MAX);
        assert_eq!(c.value(), i64::MAX);
        c.add(i64::MIN);
        assert_eq!(c.counts["n0"].1, 1 << 63);
    }
}
