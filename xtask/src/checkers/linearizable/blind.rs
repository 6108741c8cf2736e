//! Pending blind writes, linearized just in time (docs/linearizability.md,
//! "Pending blind writes, just in time"): an indeterminate op the model
//! calls a blind write ([`Model::is_blind_write`]) is never linearized on
//! its own, only together with a following op that the model refuses in
//! the current state but accepts after it. Equal ones form a class and are
//! taken in invocation order (the symmetry), so per class only the first
//! not yet taken is a candidate.

use super::{Call, Model};

pub(super) struct BlindWrites {
    /// Per op id: its class, or `u32::MAX` if the op is not a pending blind write.
    pub class_of: Vec<u32>,
    /// Per class: its op ids in invocation order.
    members: Vec<Vec<u32>>,
    /// Per class: how many of its members are linearized (always the first ones).
    taken: Vec<u32>,
}

/// Classes compared against when grouping; past this many, an op gets a
/// class of its own (no symmetry for it, still sound).
const MAX_CLASSES: usize = 4096;

impl BlindWrites {
    /// `pending`: the ids of the indeterminate ops, in invocation order.
    pub fn new<M: Model>(
        model: &M,
        calls: &[Call<M::Op>],
        id_to_call: &[usize],
        pending: std::ops::Range<usize>,
    ) -> Self {
        let mut class_of = vec![u32::MAX; id_to_call.len()];
        let mut members: Vec<Vec<u32>> = Vec::new();
        for id in pending {
            let op = &calls[id_to_call[id]].op;
            if !model.is_blind_write(op) {
                continue;
            }
            let same = members
                .iter()
                .take(MAX_CLASSES)
                .position(|m| calls[id_to_call[m[0] as usize]].op == *op);
            let c = same.unwrap_or_else(|| {
                members.push(Vec::new());
                members.len() - 1
            });
            members[c].push(id as u32);
            class_of[id] = c as u32;
        }
        let taken = vec![0; members.len()];
        BlindWrites {
            class_of,
            members,
            taken,
        }
    }

    pub fn classes(&self) -> usize {
        self.members.len()
    }

    pub fn is_blind(&self, id: usize) -> bool {
        self.class_of[id] != u32::MAX
    }

    /// The first member of class `c` not yet linearized.
    pub fn candidate(&self, c: usize) -> Option<usize> {
        self.members[c]
            .get(self.taken[c] as usize)
            .map(|&id| id as usize)
    }

    /// Class `c`'s candidate is linearized.
    pub fn take(&mut self, c: usize) {
        self.taken[c] += 1;
    }

    /// Undoes the last [`BlindWrites::take`] of class `c`; returns the member.
    pub fn give_back(&mut self, c: usize) -> usize {
        self.taken[c] -= 1;
        self.members[c][self.taken[c] as usize] as usize
    }
}
