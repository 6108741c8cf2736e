//! A grow-only set of JSON values (`Elem`, compared as the checker compares
//! them). Merging is union. The own updates are the elements this node
//! added first, in order; a delta is the ones a peer has not acknowledged.

use super::DeltaState;
use crate::workloads::broadcast::Elem;
use std::collections::{BTreeSet, VecDeque};

/// A G-set replica.
#[derive(Clone, Debug, Default)]
pub struct GSet {
    elements: BTreeSet<Elem>,
    /// Own additions not yet acknowledged by every peer, oldest first.
    log: VecDeque<Elem>,
    /// Own additions acknowledged by every peer and dropped from `log`.
    forgotten: u64,
}

impl GSet {
    /// Adds an element; only an element new to this replica is an update.
    pub fn add(&mut self, element: Elem) {
        if self.elements.insert(element.clone()) {
            self.log.push_back(element);
        }
    }

    /// Every element, in `Elem` order.
    pub fn elements(&self) -> &BTreeSet<Elem> {
        &self.elements
    }

    /// Own additions kept for peers that lack them.
    pub fn unacknowledged(&self) -> usize {
        self.log.len()
    }
}

impl DeltaState for GSet {
    type Delta = Vec<Elem>;

    fn version(&self) -> u64 {
        self.forgotten + self.log.len() as u64
    }

    fn delta_after(&self, acked: u64) -> Vec<Elem> {
        let skip = acked.saturating_sub(self.forgotten) as usize;
        self.log.iter().skip(skip).cloned().collect()
    }

    fn merge(&mut self, _from: &str, delta: Vec<Elem>) {
        self.elements.extend(delta);
    }

    fn forget(&mut self, acked: u64) {
        while self.forgotten < acked && self.log.pop_front().is_some() {
            self.forgotten += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elems(ns: &[i64]) -> Vec<Elem> {
        ns.iter().map(|&n| Elem::from(n)).collect()
    }

    #[test]
    fn deltas_are_the_own_additions_after_the_ack() {
        let mut s = GSet::default();
        for n in [1, 2, 2, 3] {
            s.add(Elem::from(n));
        }
        s.merge("n1", elems(&[9, 1]));
        assert_eq!(s.version(), 3, "a repeat or a merged element is no update");
        assert_eq!(s.delta_after(0), elems(&[1, 2, 3]));
        assert_eq!(s.delta_after(2), elems(&[3]));
        s.add(Elem::from(9));
        assert_eq!(s.version(), 3, "9 came from n1 first");
        let all: Vec<Elem> = s.elements().iter().cloned().collect();
        assert_eq!(all, elems(&[1, 2, 3, 9]));
    }

    #[test]
    fn acknowledged_additions_are_forgotten_without_renumbering() {
        let mut s = GSet::default();
        for n in [1, 2, 3] {
            s.add(Elem::from(n));
        }
        s.forget(2);
        assert_eq!(s.unacknowledged(), 1);
        assert_eq!(s.version(), 3);
        assert_eq!(s.delta_after(2), elems(&[3]));
        assert_eq!(s.delta_after(0), elems(&[3]), "never below what all have");
        s.forget(9);
        assert_eq!((s.unacknowledged(), s.version()), (0, 3));
        s.add(Elem::from(4));
        assert_eq!(s.delta_after(3), elems(&[4]));
    }
}
