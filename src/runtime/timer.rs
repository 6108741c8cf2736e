//! A timer wheel with millisecond resolution.
//!
//! Near deadlines (within `SLOTS` ms of the wheel's position) live in a
//! hashed wheel of one-millisecond slots with an occupancy bitmap, so
//! setting, cancelling and finding the next deadline are cheap; farther ones
//! wait in an overflow heap and move into the wheel as time approaches them.
//! Entries live in a `slab`; a `TimerId` carries a generation so a stale id
//! (fired or cancelled) can never cancel a newer timer.

use slab::Slab;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const SLOTS: u64 = 256;
const WORDS: usize = (SLOTS / 64) as usize;

/// Handle to a pending timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimerId {
    key: usize,
    generation: u64,
}

struct Entry<T> {
    deadline: u64,
    generation: u64,
    payload: T,
}

/// Timers carrying payloads of type `T`, keyed by absolute deadlines in ms.
pub struct TimerWheel<T> {
    entries: Slab<Entry<T>>,
    /// `slots[d % SLOTS]` holds (key, generation) of entries due at `d`,
    /// for `now <= d < now + SLOTS`.
    slots: Vec<Vec<(usize, u64)>>,
    occupied: [u64; WORDS],
    /// Entries due at or after `now + SLOTS`, by deadline.
    overflow: BinaryHeap<Reverse<(u64, usize, u64)>>,
    /// The wheel's position: every deadline before it has fired.
    now: u64,
    next_generation: u64,
}

impl<T> Default for TimerWheel<T> {
    fn default() -> Self {
        Self::new(0)
    }
}

impl<T> TimerWheel<T> {
    /// A wheel positioned at `now` ms.
    pub fn new(now: u64) -> Self {
        TimerWheel {
            entries: Slab::new(),
            slots: (0..SLOTS).map(|_| Vec::new()).collect(),
            occupied: [0; WORDS],
            overflow: BinaryHeap::new(),
            now,
            next_generation: 0,
        }
    }

    /// Number of pending timers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets a timer due at absolute time `deadline` (ms). A deadline in the
    /// past fires on the next `expire`.
    pub fn set(&mut self, deadline: u64, payload: T) -> TimerId {
        let deadline = deadline.max(self.now);
        let generation = self.next_generation;
        self.next_generation += 1;
        let key = self.entries.insert(Entry {
            deadline,
            generation,
            payload,
        });
        self.place(deadline, key, generation);
        TimerId { key, generation }
    }

    /// Cancels a pending timer and returns its payload; `None` if it already
    /// fired or was cancelled.
    pub fn cancel(&mut self, id: TimerId) -> Option<T> {
        match self.entries.get(id.key) {
            Some(e) if e.generation == id.generation => Some(self.entries.remove(id.key).payload),
            _ => None,
        }
        // The slot or heap reference is now stale and is skipped lazily.
    }

    /// The earliest pending deadline, if any.
    pub fn next_deadline(&mut self) -> Option<u64> {
        let mut from = self.now;
        while let Some(t) = self.first_occupied_from(from) {
            if self.slot_has_live(t) {
                return Some(t);
            }
            self.clear_slot_if_stale(t);
            from = t + 1;
        }
        while let Some(Reverse((d, key, generation))) = self.overflow.peek().copied() {
            if self.is_live(key, generation) {
                return Some(d);
            }
            self.overflow.pop();
        }
        None
    }

    /// The first time in `from..now + SLOTS` whose slot's bit is set: whole
    /// bitmap words at a time, not one slot at a time (a host asks for the
    /// next deadline after every event).
    fn first_occupied_from(&self, from: u64) -> Option<u64> {
        let end = self.now + SLOTS;
        let mut t = from;
        while t < end {
            let s = t % SLOTS;
            let bits = self.occupied[(s / 64) as usize] >> (s % 64);
            if bits != 0 {
                let hit = t + u64::from(bits.trailing_zeros());
                return (hit < end).then_some(hit);
            }
            t += 64 - s % 64;
        }
        None
    }

    /// Advances the wheel to `now` and returns every payload due at or before
    /// it, in deadline order (ties in the order they were set).
    pub fn expire(&mut self, now: u64) -> Vec<T> {
        let mut fired = Vec::new();
        if now < self.now {
            return fired;
        }
        loop {
            let next = match self.next_deadline() {
                Some(d) if d <= now => d,
                _ => break,
            };
            // Every deadline before `next` has fired, so the wheel may jump
            // straight to it (pulling overflow entries into the new window).
            self.now = next;
            self.refill_from_overflow();
            let slot = (next % SLOTS) as usize;
            let due: Vec<(usize, u64)> = std::mem::take(&mut self.slots[slot]);
            let mut keep = Vec::new();
            let mut due_now: Vec<(usize, u64)> = Vec::new();
            for (key, generation) in due {
                match self.entries.get(key) {
                    Some(e) if e.generation == generation && e.deadline == next => {
                        due_now.push((key, generation))
                    }
                    Some(e) if e.generation == generation => keep.push((key, generation)),
                    _ => {}
                }
            }
            due_now.sort_by_key(|&(_, g)| g);
            for (key, _) in due_now {
                fired.push(self.entries.remove(key).payload);
            }
            if keep.is_empty() {
                self.clear_bit(next);
            }
            self.slots[slot] = keep;
        }
        self.now = now;
        self.refill_from_overflow();
        fired
    }

    fn place(&mut self, deadline: u64, key: usize, generation: u64) {
        if deadline < self.now + SLOTS {
            self.slots[(deadline % SLOTS) as usize].push((key, generation));
            self.set_bit(deadline);
        } else {
            self.overflow.push(Reverse((deadline, key, generation)));
        }
    }

    fn refill_from_overflow(&mut self) {
        while let Some(Reverse((d, key, generation))) = self.overflow.peek().copied() {
            if d >= self.now + SLOTS {
                break;
            }
            self.overflow.pop();
            if self.is_live(key, generation) {
                self.place(d, key, generation);
            }
        }
    }

    fn is_live(&self, key: usize, generation: u64) -> bool {
        matches!(self.entries.get(key), Some(e) if e.generation == generation)
    }

    fn slot_has_live(&self, t: u64) -> bool {
        self.slots[(t % SLOTS) as usize]
            .iter()
            .any(|&(k, g)| matches!(self.entries.get(k), Some(e) if e.generation == g && e.deadline == t))
    }

    fn clear_slot_if_stale(&mut self, t: u64) {
        let slot = (t % SLOTS) as usize;
        let entries = &self.entries;
        self.slots[slot].retain(|&(k, g)| matches!(entries.get(k), Some(e) if e.generation == g));
        if self.slots[slot].is_empty() {
            self.clear_bit(t);
        }
    }

    fn set_bit(&mut self, t: u64) {
        let s = (t % SLOTS) as usize;
        self.occupied[s / 64] |= 1 << (s % 64);
    }

    fn clear_bit(&mut self, t: u64) {
        let s = (t % SLOTS) as usize;
        self.occupied[s / 64] &= !(1 << (s % 64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_deadline_order_and_not_early() {
        let mut w = TimerWheel::new(0);
        w.set(30, "c");
        w.set(10, "a");
        w.set(20, "b");
        w.set(10_000, "far");
        assert_eq!(w.next_deadline(), Some(10));
        assert_eq!(w.expire(9), Vec::<&str>::new());
        assert_eq!(w.expire(25), vec!["a", "b"]);
        assert_eq!(w.next_deadline(), Some(30));
        assert_eq!(w.expire(5_000), vec!["c"]);
        assert_eq!(w.next_deadline(), Some(10_000));
        assert_eq!(w.expire(10_000), vec!["far"]);
        assert!(w.is_empty());
        assert_eq!(w.next_deadline(), None);
    }

    #[test]
    fn cancel_removes_and_stale_ids_do_nothing() {
        let mut w = TimerWheel::new(100);
        let a = w.set(150, 1);
        let b = w.set(100_000, 2);
        assert_eq!(w.cancel(a), Some(1));
        assert_eq!(w.cancel(a), None);
        assert_eq!(w.next_deadline(), Some(100_000));
        assert_eq!(w.cancel(b), Some(2));
        assert_eq!(w.next_deadline(), None);
        // A new timer may reuse the slab key; the old id must not touch it.
        let c = w.set(200, 3);
        assert_eq!(w.cancel(a), None);
        assert_eq!(w.expire(300), vec![3]);
        assert_eq!(w.cancel(c), None);
    }

    #[test]
    fn past_deadlines_fire_immediately_and_ties_keep_set_order() {
        let mut w = TimerWheel::new(1_000);
        w.set(5, "past");
        w.set(1_000, "now");
        assert_eq!(w.expire(1_000), vec!["past", "now"]);
    }

    /// The word-at-a-time scan against the slot-at-a-time one it replaced,
    /// over random sets, cancels and expiries, the wheel's window wrapping
    /// around its 256 slots many times.
    #[test]
    fn next_deadline_is_the_earliest_live_timer_as_time_wraps_the_wheel() {
        let mut rng = fastrand::Rng::with_seed(26);
        let mut w = TimerWheel::new(rng.u64(0..1_000));
        let mut live: Vec<(TimerId, u64)> = Vec::new();
        for _ in 0..20_000 {
            match rng.u8(0..10) {
                0..=4 => {
                    let d = w.now + rng.u64(0..600);
                    live.push((w.set(d, ()), d));
                }
                5..=6 if !live.is_empty() => {
                    let (id, _) = live.swap_remove(rng.usize(0..live.len()));
                    assert!(w.cancel(id).is_some());
                }
                _ => {
                    let to = w.now + rng.u64(0..80);
                    let fired = w.expire(to).len();
                    let before = live.len();
                    live.retain(|&(_, d)| d > to);
                    assert_eq!(fired, before - live.len());
                }
            }
            let want = live.iter().map(|&(_, d)| d.max(w.now)).min();
            assert_eq!(w.next_deadline(), want);
        }
    }

    #[test]
    fn hundred_thousand_timers_fire_once_each_in_order() {
        let mut w = TimerWheel::new(0);
        let mut rng = fastrand::Rng::with_seed(7);
        let mut ids = Vec::new();
        for i in 0..100_000u64 {
            let d = rng.u64(0..50_000);
            ids.push((w.set(d, (d, i)), d, i));
        }
        // Cancel every third.
        let mut cancelled = std::collections::HashSet::new();
        for (id, _, i) in ids.iter().step_by(3) {
            assert!(w.cancel(*id).is_some());
            cancelled.insert(*i);
        }
        let mut fired = Vec::new();
        let mut t = 0;
        while let Some(d) = w.next_deadline() {
            assert!(d >= t, "deadline went backwards");
            t = d + rng.u64(0..300);
            fired.extend(w.expire(t));
        }
        assert_eq!(fired.len(), 100_000 - cancelled.len());
        assert!(fired.iter().all(|(_, i)| !cancelled.contains(i)));
        assert!(
            fired.windows(2).all(|p| p[0].0 <= p[1].0),
            "fired out of deadline order"
        );
        let mut all: Vec<u64> = fired.iter().map(|(_, i)| *i).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), fired.len(), "a timer fired twice");
    }
}
