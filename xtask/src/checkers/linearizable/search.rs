//! The Wing-Gong-Lowe search (porcupine checker.go `checkSingle`, knossos
//! v0.3.9 wgl.clj `check`) over one partition.
//!
//! The history is a doubly linked list of call and return entries in time
//! order, kept in two index arrays instead of pointers. The search walks it
//! from the head: a call whose op the model accepts in the current state is
//! linearized (its call and return are lifted out of the list, the step is
//! pushed for backtracking, the walk restarts at the head) unless the
//! resulting (linearized set, state) configuration was already explored; a
//! return met before its call was linearized means a dead end: undo the last
//! linearization and try the next entry after it. The list running empty, or
//! the walk reaching the return of an indeterminate op (those are all placed
//! after every definite return, so every definite op is then linearized),
//! means a linearization exists.
//!
//! Op ids: definite ops in completion order get 0..n_ok, indeterminate ones
//! n_ok..n (knossos wgl.clj `with-entry-ids`), so the longest run of set bits
//! from bit 0 of a configuration says how far through the completions it got;
//! `explain.rs` uses that to find the op that cannot be linearized.
//!
//! The memo cache is keyed by a Zobrist hash of the linearized set (one
//! random word per op, XORed in and out as ops are linearized and undone, so
//! hashing is O(1) rather than O(n/64) per step) XOR a hash of the state;
//! sets live in one flat arena of words.
//!
//! Symmetry (docs/linearizability.md, "Identical pending ops"): of two
//! indeterminate ops with equal ops, the later-invoked one is linearized
//! only once the earlier one is, so the search explores one order of them.

use super::blind::BlindWrites;
use super::explain;
use super::{Budget, Call, Model, Verdict};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};

const NIL: u32 = u32::MAX;
/// Distinct indeterminate ops compared against when finding twins; past
/// this many, an op's twin is not looked for (no pruning, still sound).
const MAX_TWIN_CLASSES: usize = 4096;
/// Steps between two looks at the clock.
const CLOCK_EVERY: u64 = 1 << 12;

/// FxHash (rustc's hasher): fast and good enough for states and pre-mixed keys.
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) fn hash_of<T: Hash>(t: &T) -> u64 {
    let mut h = FxHasher::default();
    t.hash(&mut h);
    // Final avalanche (splitmix64's), so that low bits differ too.
    mix(h.finish())
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The keys are already mixed hashes: pass them through.
#[derive(Default)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn write(&mut self, _: &[u8]) {
        unreachable!("IdHasher only hashes u64 keys")
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Every configuration the search has reached: (linearized set, state),
/// plus the op linearized last to reach it and the configuration it was
/// reached from (for the counterexample and its linearized prefix).
///
/// Its memory is accounted exactly: every buffer by its capacity (the map's
/// table with its control bytes), and the structures grow only here, in
/// [`Cache::make_room`], which refuses a growth that would take the bytes
/// held (old and new buffer both, while one is copied into the other) past
/// the limit. `peak` is the most it ever held.
pub(super) struct Cache<S> {
    pub words: usize,
    pub bits: Vec<u64>,
    pub states: Vec<S>,
    pub last: Vec<u32>,
    /// The configuration each was first reached from (NIL for the initial one).
    pub parent: Vec<u32>,
    chain: Vec<u32>,
    map: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
    pub peak: usize,
}

/// What [`Cache::insert`] did.
#[derive(PartialEq, Eq, Debug)]
enum Inserted {
    Added,
    AlreadyThere,
    /// Not added: holding it would pass the memory limit.
    OverBudget,
}

/// Bytes of a vector's buffer.
fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

/// Bytes of a hashbrown table of `buckets` buckets of (u64, u32): the
/// slots (each padded to 16 bytes), then one control byte per bucket plus
/// one group's worth (16) of trailing control bytes
/// (hashbrown raw/mod.rs `TableLayout::calculate_layout_for`).
fn table_bytes(buckets: usize) -> usize {
    if buckets == 0 {
        return 0;
    }
    buckets * std::mem::size_of::<(u64, u32)>() + buckets + 16
}

/// Buckets behind a hashbrown table of `capacity` items (inverse of
/// `bucket_mask_to_capacity`: 7/8 of the buckets are usable from 8 buckets
/// up; below that, all but one).
fn buckets_for(capacity: usize) -> usize {
    match capacity {
        0 => 0,
        c if c < 8 => c + 1,
        c => c / 7 * 8,
    }
}

/// Grows `v` by half (at least by `need` and to 64 items) unless the bytes
/// held during the copy, `held` plus the new buffer, would pass `limit`.
/// Keeps `held` and `peak` up to date.
fn grow<T>(v: &mut Vec<T>, need: usize, held: &mut usize, peak: &mut usize, limit: usize) -> bool {
    if v.capacity() - v.len() >= need {
        return true;
    }
    let size = std::mem::size_of::<T>();
    let new_cap = (v.capacity() + v.capacity() / 2)
        .max(v.len() + need)
        .max(64);
    let during = *held + new_cap * size;
    if during > limit {
        return false;
    }
    let old = vec_bytes(v);
    v.reserve_exact(new_cap - v.len());
    *peak = (*peak).max(*held + vec_bytes(v));
    *held = *held - old + vec_bytes(v);
    true
}

impl<S: Eq> Cache<S> {
    fn new(words: usize) -> Self {
        Cache {
            words,
            bits: Vec::new(),
            states: Vec::new(),
            last: Vec::new(),
            parent: Vec::new(),
            chain: Vec::new(),
            map: HashMap::default(),
            peak: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn set(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    /// The bytes the cache holds: every buffer by its capacity.
    pub fn bytes(&self) -> usize {
        vec_bytes(&self.bits)
            + vec_bytes(&self.states)
            + vec_bytes(&self.last)
            + vec_bytes(&self.parent)
            + vec_bytes(&self.chain)
            + table_bytes(buckets_for(self.map.capacity()))
    }

    /// Room for one more configuration (and possibly one more map key)
    /// within `limit` bytes; false if a structure would have to grow past it.
    fn make_room(&mut self, limit: usize) -> bool {
        let mut held = self.bytes();
        let mut peak = self.peak.max(held);
        let words = self.words;
        let ok = grow(&mut self.bits, words, &mut held, &mut peak, limit)
            && grow(&mut self.states, 1, &mut held, &mut peak, limit)
            && grow(&mut self.last, 1, &mut held, &mut peak, limit)
            && grow(&mut self.parent, 1, &mut held, &mut peak, limit)
            && grow(&mut self.chain, 1, &mut held, &mut peak, limit)
            && {
                if self.map.len() < self.map.capacity() {
                    true
                } else {
                    // `reserve(1)` on a full table doubles its buckets
                    // (4 for an empty one); both tables live during the move.
                    let old = buckets_for(self.map.capacity());
                    let during = held + table_bytes((old * 2).max(4));
                    if during > limit {
                        false
                    } else {
                        self.map.reserve(1);
                        peak = peak.max(held + table_bytes(buckets_for(self.map.capacity())));
                        held = self.bytes();
                        true
                    }
                }
            };
        self.peak = peak.max(held);
        ok
    }

    /// Inserts unless present, dominated, or over `limit` bytes (reached
    /// from configuration `parent` by linearizing `last`). `key`
    /// hashes the state and the ops outside `blind`; a cached configuration
    /// with the same state, the same ops outside `blind` and a subset of
    /// `bits` inside it dominates (docs/linearizability.md, "Fewer blind
    /// writes used dominates"): it counts as already there.
    fn insert(
        &mut self,
        key: u64,
        bits: &[u64],
        blind: &[u64],
        state: &S,
        (last, parent): (u32, u32),
        limit: usize,
    ) -> Inserted
    where
        S: Clone,
    {
        let head = self.map.get(&key).copied().unwrap_or(NIL);
        let mut i = head;
        while i != NIL {
            let iu = i as usize;
            if self.states[iu] == *state
                && self
                    .set(iu)
                    .iter()
                    .zip(bits)
                    .zip(blind)
                    .all(|((&e, &b), &m)| (e ^ b) & !m == 0 && e & !b & m == 0)
            {
                return Inserted::AlreadyThere;
            }
            i = self.chain[iu];
        }
        if !self.make_room(limit) {
            return Inserted::OverBudget;
        }
        let idx = self.states.len() as u32;
        self.bits.extend_from_slice(bits);
        self.states.push(state.clone());
        self.last.push(last);
        self.parent.push(parent);
        self.chain.push(head);
        self.map.insert(key, idx);
        Inserted::Added
    }
}

/// One partition's search state.
pub(super) struct Search<'a, M: Model> {
    pub model: &'a M,
    pub calls: &'a [Call<M::Op>],
    /// Op id -> index into `calls`.
    pub id_to_call: Vec<usize>,
    /// Definite ops (ids 0..n_ok).
    pub n_ok: usize,
    /// List nodes: 0 is the head; node 1 + 2*id is op id's call, 2 + 2*id its return.
    next: Vec<u32>,
    prev: Vec<u32>,
    /// For an indeterminate op, the latest earlier-invoked indeterminate op
    /// with an equal op (its twin), or NIL.
    twin_before: Vec<u32>,
    /// The indeterminate blind writes, by class (linearized just in time).
    blind: BlindWrites,
    /// Per list node, its position in the initial list.
    pos: Vec<u32>,
    /// Indices into `calls` of completed ops known to be in no
    /// linearization (`refute.rs`): once `explain::KEEP` configurations
    /// have linearized every definite op completed before the first of
    /// them, the search stops (the failing op can be no later).
    pub impossible: Vec<usize>,
    /// Whether an invalid verdict gets its configurations and final paths
    /// (Porcupine's `computeInfo`); the failing op is always named.
    pub explain: bool,
}

fn call_node(id: usize) -> u32 {
    (1 + 2 * id) as u32
}
fn ret_node(id: usize) -> u32 {
    (2 + 2 * id) as u32
}
fn node_id(node: u32) -> usize {
    (node as usize - 1) / 2
}
fn is_call(node: u32) -> bool {
    node % 2 == 1
}

/// For each op id, its twin: the indeterminate op invoked just before it
/// (ids n_ok.. are in call order) with an equal op; NIL for definite ops.
fn twins<O: PartialEq>(ops: impl Iterator<Item = (usize, O)>, n: usize) -> Vec<u32> {
    let mut twin = vec![NIL; n];
    // Per class of equal ops, its latest member so far.
    let mut classes: Vec<(O, usize)> = Vec::new();
    for (id, op) in ops {
        if let Some((_, latest)) = classes.iter_mut().find(|(o, _)| *o == op) {
            twin[id] = *latest as u32;
            *latest = id;
        } else if classes.len() < MAX_TWIN_CLASSES {
            classes.push((op, id));
        }
    }
    twin
}

impl<'a, M: Model> Search<'a, M> {
    pub fn new(model: &'a M, calls: &'a [Call<M::Op>]) -> Self {
        // Ids: definite ops by completion, then indeterminate ones by call.
        let mut oks: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].ret.is_some())
            .collect();
        oks.sort_by_key(|&i| (calls[i].ret, calls[i].call, i));
        let n_ok = oks.len();
        let mut infos: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].ret.is_none())
            .collect();
        infos.sort_by_key(|&i| (calls[i].call, i));
        let id_to_call: Vec<usize> = oks.into_iter().chain(infos).collect();

        // Entries in time order, calls before returns at a tie; the returns
        // of indeterminate ops after everything else.
        let mut events: Vec<(u64, u8, u32)> = Vec::with_capacity(2 * calls.len());
        for (id, &c) in id_to_call.iter().enumerate() {
            events.push((calls[c].call, 0, call_node(id)));
            if let Some(r) = calls[c].ret {
                events.push((r, 1, ret_node(id)));
            }
        }
        events.sort_unstable();
        let order: Vec<u32> = events
            .into_iter()
            .map(|e| e.2)
            .chain((n_ok..id_to_call.len()).map(ret_node))
            .collect();
        let nodes = 1 + 2 * id_to_call.len();
        let mut next = vec![NIL; nodes];
        let mut prev = vec![NIL; nodes];
        let mut pos = vec![0u32; nodes];
        for (i, &n) in order.iter().enumerate() {
            pos[n as usize] = i as u32 + 1;
        }
        let mut last = 0u32;
        for &n in &order {
            next[last as usize] = n;
            prev[n as usize] = last;
            last = n;
        }
        let twin_before = twins(
            (n_ok..id_to_call.len()).map(|id| (id, &calls[id_to_call[id]].op)),
            id_to_call.len(),
        );
        let blind = BlindWrites::new(model, calls, &id_to_call, n_ok..id_to_call.len());
        Search {
            model,
            calls,
            id_to_call,
            n_ok,
            next,
            prev,
            twin_before,
            blind,
            pos,
            impossible: Vec::new(),
            explain: true,
        }
    }

    /// Whether some indeterminate op is a blind write (linearized just in
    /// time, so a step may linearize two ops).
    pub fn has_blind_writes(&self) -> bool {
        self.blind.classes() > 0
    }

    fn op(&self, id: usize) -> &M::Op {
        &self.calls[self.id_to_call[id]].op
    }

    /// The step to take at call `entry`, from `*resume` on: its op alone,
    /// or, if the model refuses that, its op just after the first pending
    /// blind write of some class (from `*resume - 1` on) that can be
    /// linearized here and makes the model accept it. Returns the state
    /// after and the class (NIL for the op alone); `*resume` then names
    /// where to go on from.
    fn next_step(&self, state: &M::State, entry: u32, resume: &mut u32) -> Option<(M::State, u32)> {
        let op = self.op(node_id(entry));
        if *resume == 0 {
            if let Some(s) = self.model.step(state, op) {
                return Some((s, NIL));
            }
            *resume = 1;
        }
        if (*resume - 1) as usize >= self.blind.classes() {
            return None;
        }
        // Every entry before this one is a call; a blind write can be
        // linearized here if its call comes before the first return.
        let mut first_ret = self.next[entry as usize];
        while first_ret != NIL && is_call(first_ret) {
            first_ret = self.next[first_ret as usize];
        }
        let bound = if first_ret == NIL {
            u32::MAX
        } else {
            self.pos[first_ret as usize]
        };
        for c in (*resume - 1) as usize..self.blind.classes() {
            let Some(p) = self.blind.candidate(c) else {
                continue;
            };
            if self.pos[call_node(p) as usize] > bound {
                continue;
            }
            if let Some(after) = self
                .model
                .step(state, self.op(p))
                .and_then(|s| self.model.step(&s, op))
            {
                *resume = c as u32 + 2;
                return Some((after, c as u32));
            }
        }
        None
    }

    /// Removes a call and its return from the list.
    fn lift(&mut self, call: u32) {
        let ret = call + 1;
        for n in [call, ret] {
            let (p, nx) = (self.prev[n as usize], self.next[n as usize]);
            self.next[p as usize] = nx;
            if nx != NIL {
                self.prev[nx as usize] = p;
            }
        }
    }

    /// Puts them back (in the reverse order of `lift`).
    fn unlift(&mut self, call: u32) {
        let ret = call + 1;
        for n in [ret, call] {
            let (p, nx) = (self.prev[n as usize], self.next[n as usize]);
            self.next[p as usize] = n;
            if nx != NIL {
                self.prev[nx as usize] = n;
            }
        }
    }

    /// Runs to a verdict; `cancel` (looked at with the clock) stops it early.
    pub fn run(mut self, budget: &Budget, cancel: Option<&AtomicBool>) -> Verdict<M::State> {
        let n = self.id_to_call.len();
        let words = n.div_ceil(64).max(1);
        let zobrist: Vec<u64> = (0..n as u64)
            .map(|i| mix(i.wrapping_add(0x9e37_79b9_7f4a_7c15)))
            .collect();
        let mut cache: Cache<M::State> = Cache::new(words);
        let mut lin = vec![0u64; words];
        let mut lin_hash = 0u64;
        let mut state = self.model.init();
        let mib = |b: usize| b as f64 / (1u64 << 20) as f64;
        // The pending blind writes' bits (left out of the memo key).
        let mut blind_mask = vec![0u64; words];
        for id in (0..n).filter(|&id| self.blind.is_blind(id)) {
            blind_mask[id / 64] |= 1u64 << (id % 64);
        }
        if cache.insert(
            hash_of(&state),
            &lin,
            &blind_mask,
            &state,
            (NIL, NIL),
            budget.max_bytes,
        ) == Inserted::OverBudget
        {
            return Verdict::Unknown(format!(
                "memory budget of {} bytes reached before the first configuration \
                 (it needs {:.1} MiB, peak {:.1} MiB)",
                budget.max_bytes,
                mib(cache.bytes()),
                mib(cache.peak),
            ));
        }
        // (call entry linearized, state before, class of the blind write
        // linearized just before it or NIL, cached configuration before).
        let mut stack: Vec<(u32, M::State, u32, u32)> = Vec::new();
        // The cached configuration the search is in.
        let mut here = 0u32;
        let mut entry = self.next[0];
        // At a call entry: 0, its op alone not tried yet; r > 0, try it
        // after a blind write of class r - 1 or later.
        let mut resume = 0u32;
        let mut steps = 0u64;
        // The first impossible op by completion, and configurations just before it.
        let mut call_to_id = vec![0usize; self.calls.len()];
        for (id, &c) in self.id_to_call.iter().enumerate() {
            call_to_id[c] = id;
        }
        let stop_id = self.impossible.iter().map(|&c| call_to_id[c]).min();
        let mut at_stop = 0usize;
        // Heap bytes of the cached states, as the model counts them.
        let mut heap = 0usize;
        loop {
            if self.next[0] == NIL {
                return Verdict::Valid(state);
            }
            steps += 1;
            if steps.is_multiple_of(CLOCK_EVERY) {
                if std::time::Instant::now() > budget.deadline {
                    return Verdict::Unknown(format!(
                        "time budget exhausted after {steps} steps and {} configurations \
                         ({} ops in this partition)",
                        cache.len(),
                        n
                    ));
                }
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Verdict::Unknown(
                        "cancelled: another partition is not linearizable".into(),
                    );
                }
            }
            if is_call(entry) {
                let id = node_id(entry);
                if self.blind.is_blind(id) {
                    // Only ever linearized just before an op that needs it.
                    (entry, resume) = (self.next[entry as usize], 0);
                    continue;
                }
                let twin = self.twin_before[id] as usize;
                if twin != NIL as usize && lin[twin / 64] >> (twin % 64) & 1 == 0 {
                    // Its twin first (symmetry): this order is explored there.
                    (entry, resume) = (self.next[entry as usize], 0);
                    continue;
                }
                let Some((next_state, class)) = self.next_step(&state, entry, &mut resume) else {
                    (entry, resume) = (self.next[entry as usize], 0);
                    continue;
                };
                let blind = (class != NIL).then(|| self.blind.candidate(class as usize));
                let h = lin_hash ^ zobrist[id];
                lin[id / 64] |= 1u64 << (id % 64);
                if let Some(Some(p)) = blind {
                    // Not in the hash: see `Cache::insert` on dominance.
                    lin[p / 64] |= 1u64 << (p % 64);
                }
                let state_heap = self.model.heap_bytes(&next_state);
                let limit = budget.max_bytes.saturating_sub(heap + state_heap);
                let key = h ^ hash_of(&next_state);
                let added = cache.insert(
                    key,
                    &lin,
                    &blind_mask,
                    &next_state,
                    (id as u32, here),
                    limit,
                );
                if added == Inserted::OverBudget {
                    return Verdict::Unknown(format!(
                        "memory budget of {} MiB reached at {} configurations \
                         ({} ops in this partition): they hold {:.1} MiB, peak {:.1} MiB, \
                         and the next growth would pass the budget",
                        budget.max_bytes >> 20,
                        cache.len(),
                        n,
                        mib(cache.bytes() + heap),
                        mib(cache.peak + heap),
                    ));
                }
                if added == Inserted::Added {
                    if stop_id.is_some_and(|k| explain::first_clear(&lin) == k) {
                        at_stop += 1;
                        if at_stop >= explain::KEEP {
                            return Verdict::Invalid(explain::failure(&self, &cache));
                        }
                    }
                    heap += state_heap;
                    let before = std::mem::replace(&mut here, cache.len() as u32 - 1);
                    stack.push((
                        entry,
                        std::mem::replace(&mut state, next_state),
                        class,
                        before,
                    ));
                    lin_hash = h;
                    if let Some(Some(p)) = blind {
                        self.blind.take(class as usize);
                        self.lift(call_node(p));
                    }
                    self.lift(entry);
                    (entry, resume) = (self.next[0], 0);
                } else {
                    lin[id / 64] &= !(1u64 << (id % 64));
                    if let Some(Some(p)) = blind {
                        lin[p / 64] &= !(1u64 << (p % 64));
                        // Stay on this entry: `resume` names the next class to try.
                    } else {
                        (entry, resume) = (self.next[entry as usize], 0);
                    }
                }
            } else {
                let id = node_id(entry);
                if id >= self.n_ok {
                    // Every definite op is linearized; the rest may never happen.
                    return Verdict::Valid(state);
                }
                let Some((call, prev_state, class, before)) = stack.pop() else {
                    return Verdict::Invalid(explain::failure(&self, &cache));
                };
                let id = node_id(call);
                lin[id / 64] &= !(1u64 << (id % 64));
                lin_hash ^= zobrist[id];
                state = prev_state;
                here = before;
                self.unlift(call);
                if class == NIL {
                    (entry, resume) = (self.next[call as usize], 0);
                } else {
                    let p = self.blind.give_back(class as usize);
                    lin[p / 64] &= !(1u64 << (p % 64));
                    self.unlift(call_node(p));
                    // Try the op again after the next class's blind write.
                    (entry, resume) = (call, class + 2);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Cache, Inserted, NIL};

    /// Dominance (docs/linearizability.md, "Fewer blind writes used
    /// dominates"): with op 1 a pending blind write (mask bit 1), a
    /// configuration that also used op 1 is dominated by one that did not;
    /// the reverse is a new configuration, and so is any other difference.
    #[test]
    fn a_configuration_using_more_blind_writes_is_dominated() {
        let blind = [0b10u64];
        let limit = 1 << 20;
        let mut cache: Cache<u32> = Cache::new(1);
        assert_eq!(
            cache.insert(7, &[0b01], &blind, &5, (0, NIL), limit),
            Inserted::Added
        );
        assert_eq!(
            cache.insert(7, &[0b11], &blind, &5, (0, NIL), limit),
            Inserted::AlreadyThere
        );
        assert_eq!(
            cache.insert(7, &[0b11], &blind, &6, (0, NIL), limit),
            Inserted::Added
        );
        assert_eq!(
            cache.insert(7, &[0b111], &blind, &5, (0, NIL), limit),
            Inserted::Added
        );
        let mut cache: Cache<u32> = Cache::new(1);
        assert_eq!(
            cache.insert(7, &[0b11], &blind, &5, (0, NIL), limit),
            Inserted::Added
        );
        assert_eq!(
            cache.insert(7, &[0b01], &blind, &5, (0, NIL), limit),
            Inserted::Added
        );
        // Outside the mask, a subset is not enough: exact match only.
        assert_eq!(
            cache.insert(7, &[0b10], &[0], &5, (0, NIL), limit),
            Inserted::Added
        );
    }
}
