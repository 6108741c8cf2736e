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

use super::explain;
use super::{Budget, Call, Model, Verdict};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};

const NIL: u32 = u32::MAX;
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
/// plus the op linearized last to reach it (for the counterexample).
pub(super) struct Cache<S> {
    pub words: usize,
    pub bits: Vec<u64>,
    pub states: Vec<S>,
    pub last: Vec<u32>,
    chain: Vec<u32>,
    map: HashMap<u64, u32, BuildHasherDefault<IdHasher>>,
}

impl<S: Eq> Cache<S> {
    fn new(words: usize) -> Self {
        Cache {
            words,
            bits: Vec::new(),
            states: Vec::new(),
            last: Vec::new(),
            chain: Vec::new(),
            map: HashMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn set(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    /// Inserts unless present; true if it was new.
    fn insert(&mut self, key: u64, bits: &[u64], state: &S, last: u32) -> bool
    where
        S: Clone,
    {
        let head = self.map.get(&key).copied().unwrap_or(NIL);
        let mut i = head;
        while i != NIL {
            let iu = i as usize;
            if self.states[iu] == *state && self.set(iu) == bits {
                return false;
            }
            i = self.chain[iu];
        }
        let idx = self.states.len() as u32;
        self.bits.extend_from_slice(bits);
        self.states.push(state.clone());
        self.last.push(last);
        self.chain.push(head);
        self.map.insert(key, idx);
        true
    }

    /// An estimate of the bytes held: the arena, the states (inline part
    /// only), and the hash map's slots.
    fn bytes(&self) -> usize {
        self.states.len() * (self.words * 8 + std::mem::size_of::<S>() + 8 + 16)
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
        let mut last = 0u32;
        for &n in &order {
            next[last as usize] = n;
            prev[n as usize] = last;
            last = n;
        }
        Search {
            model,
            calls,
            id_to_call,
            n_ok,
            next,
            prev,
            explain: true,
        }
    }

    fn op(&self, id: usize) -> &M::Op {
        &self.calls[self.id_to_call[id]].op
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
        cache.insert(hash_of(&state), &lin, &state, NIL);
        let mut stack: Vec<(u32, M::State)> = Vec::new();
        let mut entry = self.next[0];
        let mut steps = 0u64;
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
                match self.model.step(&state, self.op(id)) {
                    Some(next_state) => {
                        let (w, b) = (id / 64, 1u64 << (id % 64));
                        lin[w] |= b;
                        let h = lin_hash ^ zobrist[id];
                        if cache.insert(h ^ hash_of(&next_state), &lin, &next_state, id as u32) {
                            heap += self.model.heap_bytes(&next_state);
                            if cache.bytes() + heap > budget.max_bytes {
                                return Verdict::Unknown(format!(
                                    "memory budget of {} MiB exhausted at {} configurations \
                                     ({} ops in this partition)",
                                    budget.max_bytes >> 20,
                                    cache.len(),
                                    n
                                ));
                            }
                            stack.push((entry, std::mem::replace(&mut state, next_state)));
                            lin_hash = h;
                            self.lift(entry);
                            entry = self.next[0];
                        } else {
                            lin[w] &= !b;
                            entry = self.next[entry as usize];
                        }
                    }
                    None => entry = self.next[entry as usize],
                }
            } else {
                let id = node_id(entry);
                if id >= self.n_ok {
                    // Every definite op is linearized; the rest may never happen.
                    return Verdict::Valid(state);
                }
                let Some((call, prev_state)) = stack.pop() else {
                    return Verdict::Invalid(explain::failure(&self, &cache));
                };
                let id = node_id(call);
                lin[id / 64] &= !(1u64 << (id % 64));
                lin_hash ^= zobrist[id];
                state = prev_state;
                self.unlift(call);
                entry = self.next[call as usize];
            }
        }
    }
}
