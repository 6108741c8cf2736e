//! Read rounds: one client read (or several that arrived together) waits for
//! the reads of every peer key; the last answer releases the readers.

use super::seq_kv::Waiter;
use std::collections::HashMap;

struct Round {
    readers: Vec<Waiter>,
    outstanding: usize,
    all_ok: bool,
}

/// Read rounds in progress, by id.
#[derive(Default)]
pub(super) struct ReadRounds {
    next_id: u64,
    rounds: HashMap<u64, Round>,
}

impl ReadRounds {
    /// Starts a round that waits for `outstanding` answers; returns its id.
    pub fn start(&mut self, readers: Vec<Waiter>, outstanding: usize) -> u64 {
        self.next_id += 1;
        let round = Round {
            readers,
            outstanding,
            all_ok: true,
        };
        self.rounds.insert(self.next_id, round);
        self.next_id
    }

    /// Records one answer; after the last one, returns the round's readers and
    /// whether every answer was good.
    pub fn finish_one(&mut self, id: u64, ok: bool) -> Option<(Vec<Waiter>, bool)> {
        let round = self.rounds.get_mut(&id)?;
        round.all_ok &= ok;
        round.outstanding = round.outstanding.saturating_sub(1);
        if round.outstanding > 0 {
            return None;
        }
        let round = self.rounds.remove(&id)?;
        Some((round.readers, round.all_ok))
    }
}
