//! Linearizability checking: the Wing-Gong-Lowe search with memoisation of
//! (linearized set, model state), as Porcupine runs it
//! (anishathalye/porcupine checker.go `checkSingle`) and as Knossos's `wgl`
//! analyzer runs it (jepsen-io/knossos v0.3.9 src/knossos/wgl.clj `check`),
//! over models behind the [`Model`] trait, one partition (key) at a time.
//!
//! Layout: `search.rs` the search and its cache, `explain.rs` the
//! counterexample of an invalid partition, `models.rs` the models (Knossos's
//! cas-register, Porcupine's etcd and kv models), `independent.rs` Jepsen's
//! per-key split of a Maelstrom history and the results map Maelstrom
//! prints, `etcd_calls.rs` Porcupine's etcd log ops (read by
//! `history/jepsen_log.rs`) as calls on its etcd model, `reduce.rs` the
//! cas-register's sound pre-search reduction (the arguments for it and the
//! search's symmetry are in docs/linearizability.md).

mod blind;
pub mod etcd_calls;
pub mod explain;
pub mod independent;
pub mod models;
pub mod reduce;
mod refute;
mod search;

#[cfg(test)]
mod alloc_count;
#[cfg(test)]
mod brute_force;
#[cfg(test)]
mod ported_knossos;
#[cfg(test)]
mod property;
#[cfg(test)]
mod tests;

use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sequential specification, as Porcupine's `Model` (porcupine model.go)
/// and Knossos's `Model` protocol (model.clj `step`): a pure function from a
/// state and an operation (its input and output together) to the next state,
/// or `None` when the operation cannot happen in that state.
pub trait Model {
    type State: Clone + Eq + Hash;
    /// Equal ops have the same effect (the search's symmetry reduction).
    type Op: PartialEq;
    fn init(&self) -> Self::State;
    fn step(&self, state: &Self::State, op: &Self::Op) -> Option<Self::State>;
    /// Whether `op` is a blind write: it takes every state to one state c,
    /// and every op the model accepts both in some state s and in c either
    /// ends in the same state from both or leaves both unchanged. The search
    /// then linearizes such an op, when indeterminate, only just before an
    /// op the model refuses without it (docs/linearizability.md, "Pending
    /// blind writes, just in time"). Default: none is.
    fn is_blind_write(&self, _op: &Self::Op) -> bool {
        false
    }
    /// Heap bytes a state holds beyond its own size (for the memory budget).
    fn heap_bytes(&self, _state: &Self::State) -> usize {
        0
    }
}

/// One operation of a partition: its call and return positions on one
/// clock (history index or time; calls sort before returns at a tie, as in
/// porcupine checker.go `byTime`). `ret: None` is an indeterminate (`:info`)
/// operation: it may take effect at any point after its call, up to the end
/// of the history, or never (Knossos wgl.clj: infos are reordered to the end
/// and never linearizing them is allowed).
#[derive(Clone, Debug, PartialEq)]
pub struct Call<O> {
    pub op: O,
    pub call: u64,
    pub ret: Option<u64>,
    /// The process, for the counterexample's final paths (Knossos leaves the
    /// failing op's own process out of them).
    pub process: u64,
}

/// How long and how much memory one check may use before it answers
/// `:unknown`. Shared by the partitions of one history.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub deadline: Instant,
    /// Bytes the memo cache of one partition may hold (partitions are
    /// checked one at a time, so this bounds the peak).
    pub max_bytes: usize,
}

/// The default budget of a Maelstrom run's checker: Knossos itself has none
/// (jepsen checker.clj `linearizable` passes no `:time-limit`), but a hung
/// analysis helps nobody, so ours stops and says why.
pub const DEFAULT_TIME: Duration = Duration::from_secs(60);
pub const DEFAULT_MAX_BYTES: usize = 2 << 30;

impl Budget {
    pub fn new(time: Duration, max_bytes: usize) -> Self {
        Budget {
            deadline: Instant::now() + time,
            max_bytes,
        }
    }
    pub fn default_budget() -> Self {
        Budget::new(DEFAULT_TIME, DEFAULT_MAX_BYTES)
    }
}

/// The verdict on one partition.
#[derive(Debug)]
pub enum Verdict<S> {
    /// Linearizable; the state after one full linearization.
    Valid(S),
    /// Not linearizable: which definite op could not be linearized, and the
    /// configurations the search reached just before it.
    Invalid(explain::Failure<S>),
    /// The budget ran out: why.
    Unknown(String),
}

impl<S> Verdict<S> {
    pub fn validity(&self) -> crate::checkers::Validity {
        use crate::checkers::Validity;
        match self {
            Verdict::Valid(_) => Validity::True,
            Verdict::Invalid(_) => Validity::False,
            Verdict::Unknown(_) => Validity::Unknown,
        }
    }
    pub fn is_invalid(&self) -> bool {
        matches!(self, Verdict::Invalid(_))
    }
}

/// Checks one partition.
pub fn check<M: Model>(model: &M, calls: &[Call<M::Op>], budget: &Budget) -> Verdict<M::State> {
    search::Search::new(model, calls).run(budget, None)
}

/// Checks partitions concurrently and cancels the rest as soon as one is
/// not linearizable, as Porcupine does when it is not asked for details
/// (porcupine checker.go `checkParallel`): a history is as fast to reject as
/// its easiest invalid partition. A pool of one worker per core (this
/// thread among them) takes partitions largest first, so a history of many
/// small keys costs no thread per key and the longest search starts first.
/// The verdicts are in partition order; cancelled partitions are `Unknown`;
/// an invalid one names its failing op but, like Porcupine without
/// `computeInfo`, carries no configurations or final paths.
pub fn check_partitions<M>(
    model: &M,
    partitions: &[Vec<Call<M::Op>>],
    budget: &Budget,
) -> Vec<Verdict<M::State>>
where
    M: Model + Sync,
    M::Op: Sync,
    M::State: Send,
{
    let cancel = AtomicBool::new(false);
    let mut order: Vec<usize> = (0..partitions.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(partitions[i].len()));
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Verdict<M::State>)>> = Mutex::new(Vec::new());
    let work = || loop {
        let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
            return;
        };
        let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut search = search::Search::new(model, &partitions[i]);
            search.explain = false;
            search.run(budget, Some(&cancel))
        }))
        .unwrap_or_else(|_| Verdict::Unknown("the search panicked".into()));
        if v.is_invalid() {
            cancel.store(true, Ordering::Relaxed);
        }
        done.lock().unwrap_or_else(|e| e.into_inner()).push((i, v));
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(partitions.len());
    std::thread::scope(|scope| {
        for _ in 1..workers {
            scope.spawn(work);
        }
        work();
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, v)| v).collect()
}
