//! The counterexample of a partition that is not linearizable, computed from
//! the configurations the search cached, as Knossos computes it
//! (knossos v0.3.9 wgl.clj `invalid-analysis`, `final-paths`;
//! analysis.clj `final-paths-for-config`; linear.clj's `:configs`).
//!
//! With definite ops numbered in completion order, the op that cannot be
//! linearized is the first one no reached configuration got past: k = the
//! longest run of linearized ops from id 0 over all cached configurations
//! (every reachable configuration is in the cache: the search only skips a
//! configuration it has already cached). The configurations with that run
//! are the states the system could be in just before op k had to take
//! effect; their pending ops are those invoked before op k completed and not
//! yet linearized. A final path starts at such a configuration, applies some
//! pending ops in some order, then op k, and stops at the first step the
//! model refuses.

use super::search::{Cache, Search};
use super::{Call, Model};
use std::collections::HashSet;

/// How many configurations and final paths to keep (jepsen checker.clj
/// `linearizable` truncates both to 10).
pub const KEEP: usize = 10;
/// Configurations built in full (state, pending ops) before choosing the
/// ones shown; beyond this they are only counted (`config_count` may then
/// count a configuration twice).
const MATERIALIZE: usize = 1000;
/// Model steps the final-path enumeration may take in all.
const PATH_WORK: usize = 200_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Config<S> {
    pub state: S,
    /// Index into the partition's calls of the op linearized last, if any.
    pub last_op: Option<usize>,
    /// Indices of the ops invoked before the failing op completed and not
    /// linearized in this configuration (the failing op among them).
    pub pending: Vec<usize>,
}

/// One transition of a final path: the op applied and the resulting state,
/// `None` when the model refuses the op there.
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep<S> {
    pub op: usize,
    pub state: Option<S>,
}

#[derive(Clone, Debug)]
pub struct FinalPath<S> {
    /// The configuration's own state and last op.
    pub start: Config<S>,
    pub steps: Vec<PathStep<S>>,
}

#[derive(Clone, Debug)]
pub struct Failure<S> {
    /// Index into the partition's calls of the definite op that cannot be linearized.
    pub op: usize,
    /// The definite op that completed just before it, if any.
    pub previous_ok: Option<usize>,
    /// The op linearized last among the configurations, latest call first.
    pub last_op: Option<usize>,
    /// Up to `KEEP` distinct configurations just before `op` (Knossos's `:configs`).
    pub configs: Vec<Config<S>>,
    /// How many configurations there were (distinct among the first `MATERIALIZE`).
    pub config_count: usize,
    /// Up to `KEEP` final paths, shortest first.
    pub final_paths: Vec<FinalPath<S>>,
    /// The longest linearizable prefix the search found (ours, for the
    /// pictures; Knossos reports no such thing): indices into the
    /// partition's calls in linearization order, ending in the op linearized
    /// last by a configuration that got furthest (most ops linearized just
    /// before `op`). Empty when the search was not asked to explain.
    pub linearized: Vec<usize>,
    /// Indeterminate ops a reduction dropped before the search (indices into
    /// the partition's calls): the configurations are those in which none
    /// of them took effect, and no final path applies one.
    pub elided: Vec<usize>,
}

impl<S> Failure<S> {
    /// The failure found on `calls` without the `elided` ops, with its
    /// indices mapped back (`kept[i]` is the original index of reduced op
    /// i) and the elided ops put back among the pending ops of each
    /// configuration, where the whole history has them (invoked before the
    /// failing op completed, not linearized).
    pub fn restore<O>(self, kept: &[usize], calls: &[Call<O>], elided: Vec<usize>) -> Failure<S> {
        let map = |i: usize| kept[i];
        let op = map(self.op);
        let failing_ret = calls[op].ret.unwrap_or(u64::MAX);
        let also_pending: Vec<usize> = elided
            .iter()
            .copied()
            .filter(|&e| calls[e].call <= failing_ret)
            .collect();
        let config = |c: Config<S>| {
            let mut pending: Vec<usize> = c.pending.into_iter().map(map).collect();
            pending.extend(&also_pending);
            Config {
                state: c.state,
                last_op: c.last_op.map(map),
                pending,
            }
        };
        Failure {
            op,
            previous_ok: self.previous_ok.map(map),
            last_op: self.last_op.map(map),
            configs: self.configs.into_iter().map(config).collect(),
            config_count: self.config_count,
            final_paths: self
                .final_paths
                .into_iter()
                .map(|p| FinalPath {
                    start: Config {
                        state: p.start.state,
                        last_op: p.start.last_op.map(map),
                        pending: p.start.pending.into_iter().map(map).collect(),
                    },
                    steps: p
                        .steps
                        .into_iter()
                        .map(|s| PathStep {
                            op: map(s.op),
                            state: s.state,
                        })
                        .collect(),
                })
                .collect(),
            linearized: self.linearized.into_iter().map(map).collect(),
            elided,
        }
    }
}

pub(super) fn first_clear(set: &[u64]) -> usize {
    for (w, &word) in set.iter().enumerate() {
        if word != u64::MAX {
            return w * 64 + (!word).trailing_zeros() as usize;
        }
    }
    set.len() * 64
}

fn is_set(set: &[u64], id: usize) -> bool {
    set[id / 64] >> (id % 64) & 1 == 1
}

pub(super) fn failure<M: Model>(
    search: &Search<'_, M>,
    cache: &Cache<M::State>,
) -> Failure<M::State>
where
    M::State: Clone,
{
    let calls = search.calls;
    let ids = &search.id_to_call;
    let k = (0..cache.len())
        .map(|i| first_clear(cache.set(i)))
        .max()
        .unwrap_or(0)
        .min(search.n_ok.saturating_sub(1));
    let failing = ids[k];
    let failing_ret = calls[failing].ret.unwrap_or(u64::MAX);
    let mut seen = HashSet::new();
    let mut configs: Vec<Config<M::State>> = Vec::new();
    let mut config_count = 0;
    let wanted = if search.explain { cache.len() } else { 0 };
    for i in 0..wanted {
        let set = cache.set(i);
        if first_clear(set) != k {
            continue;
        }
        if configs.len() >= MATERIALIZE {
            config_count += 1;
            continue;
        }
        let pending: Vec<usize> = (0..ids.len())
            .filter(|&id| !is_set(set, id) && calls[ids[id]].call <= failing_ret)
            .map(|id| ids[id])
            .collect();
        let last_op = (cache.last[i] != u32::MAX).then(|| ids[cache.last[i] as usize]);
        let config = Config {
            state: cache.states[i].clone(),
            last_op,
            pending,
        };
        if seen.insert(super::search::hash_of(&(
            config.state.clone(),
            &config.pending,
        ))) {
            config_count += 1;
            configs.push(config);
        }
    }
    // Knossos prefers the configurations that got furthest: most ops linearized.
    configs.sort_by_key(|c| c.pending.len());
    let linearized = if search.explain {
        longest_prefix(search, cache, k)
    } else {
        Vec::new()
    };
    let last_op = configs
        .iter()
        .filter_map(|c| c.last_op)
        .max_by_key(|&i| (calls[i].call, i));
    let final_paths = final_paths(search.model, calls, failing, &configs);
    configs.truncate(KEEP);
    Failure {
        op: failing,
        previous_ok: k.checked_sub(1).map(|p| ids[p]),
        last_op,
        configs,
        config_count,
        final_paths,
        linearized,
        elided: Vec::new(),
    }
}

/// The linearization that reached the configuration with first clear bit
/// `k` and the most ops linearized (earliest cached at a tie), read back
/// along the cache's parent links: each step linearized its `last` op,
/// and, with blind writes, possibly one blind write just before it (the
/// bit its set has beyond its parent's and `last`).
fn longest_prefix<M: Model>(
    search: &Search<'_, M>,
    cache: &Cache<M::State>,
    k: usize,
) -> Vec<usize> {
    let ids = &search.id_to_call;
    let count = |i: usize| cache.set(i).iter().map(|w| w.count_ones()).sum::<u32>();
    let Some(best) = (0..cache.len())
        .filter(|&i| first_clear(cache.set(i)) == k)
        .max_by_key(|&i| (count(i), std::cmp::Reverse(i)))
    else {
        return Vec::new();
    };
    let blind = search.has_blind_writes();
    let mut order = Vec::new();
    let mut i = best;
    while cache.parent[i] != u32::MAX {
        let parent = cache.parent[i] as usize;
        let last = cache.last[i] as usize;
        order.push(ids[last]);
        if blind {
            let extra = cache
                .set(i)
                .iter()
                .zip(cache.set(parent))
                .enumerate()
                .flat_map(|(w, (&a, &b))| {
                    let mut bits = a & !b;
                    std::iter::from_fn(move || {
                        (bits != 0).then(|| {
                            let t = bits.trailing_zeros() as usize;
                            bits &= bits - 1;
                            w * 64 + t
                        })
                    })
                })
                .filter(|&id| id != last);
            order.extend(extra.map(|id| ids[id]));
        }
        i = parent;
    }
    order.reverse();
    order
}

/// Breadth-first over path lengths, so the shortest explanations come first.
fn final_paths<M: Model>(
    model: &M,
    calls: &[Call<M::Op>],
    failing: usize,
    configs: &[Config<M::State>],
) -> Vec<FinalPath<M::State>>
where
    M::State: Clone,
{
    let mut out = Vec::new();
    let mut work = 0usize;
    let final_process = calls[failing].process;
    // (config index, steps so far, ops used)
    let mut layer: Vec<(usize, Vec<PathStep<M::State>>)> =
        (0..configs.len()).map(|c| (c, Vec::new())).collect();
    while !layer.is_empty() && out.len() < KEEP && work < PATH_WORK {
        let mut next_layer = Vec::new();
        for (c, steps) in &layer {
            let config = &configs[*c];
            let state = steps
                .last()
                .and_then(|s| s.state.clone())
                .unwrap_or_else(|| config.state.clone());
            // End here with the failing op.
            work += 1;
            let mut done = steps.clone();
            done.push(PathStep {
                op: failing,
                state: model.step(&state, &calls[failing].op),
            });
            if out.len() < KEEP {
                out.push(FinalPath {
                    start: Config {
                        state: config.state.clone(),
                        last_op: config.last_op,
                        pending: Vec::new(),
                    },
                    steps: done,
                });
            }
            // Or apply one more pending op first.
            for &p in &config.pending {
                if p == failing
                    || calls[p].process == final_process
                    || steps.iter().any(|s| s.op == p)
                {
                    continue;
                }
                work += 1;
                let mut more = steps.clone();
                let next = model.step(&state, &calls[p].op);
                let refused = next.is_none();
                more.push(PathStep { op: p, state: next });
                if refused {
                    if out.len() < KEEP {
                        out.push(FinalPath {
                            start: Config {
                                state: config.state.clone(),
                                last_op: config.last_op,
                                pending: Vec::new(),
                            },
                            steps: more,
                        });
                    }
                } else {
                    next_layer.push((*c, more));
                }
                if work >= PATH_WORK {
                    break;
                }
            }
        }
        layer = next_layer;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::models::{CasOp, CasRegister};
    use super::super::reduce::check_cas_register;
    use super::super::{Budget, Call, Verdict};
    use CasOp::*;

    fn call(op: CasOp, process: u64, call: u64, ret: Option<u64>) -> Call<CasOp> {
        Call {
            op,
            call,
            ret,
            process,
        }
    }

    fn failure(calls: &[Call<CasOp>]) -> super::Failure<u32> {
        match check_cas_register(&CasRegister::NIL, calls, &Budget::default_budget()) {
            Verdict::Invalid(f) => f,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    /// write 1, write 2 (process 0, one after the other), then process 1
    /// reads 1: the furthest configuration linearized both writes, in their
    /// order, and the read cannot follow.
    #[test]
    fn the_longest_prefix_of_a_stale_read_is_both_writes() {
        let calls = [
            call(Write(1), 0, 0, Some(1)),
            call(Write(2), 0, 2, Some(3)),
            call(Read(Some(1)), 1, 4, Some(5)),
        ];
        let f = failure(&calls);
        assert_eq!(f.op, 2);
        assert_eq!(f.linearized, [0, 1]);
    }

    /// An indeterminate write of 3 (process 2) is a blind write, linearized
    /// just before the read of 3 that needs it, in the same step: the
    /// prefix holds it, before that read. Then process 0 reads 1: no
    /// configuration gets past it. Prefix: write 1, write 3, read 3.
    #[test]
    fn a_blind_write_taken_with_an_op_is_in_the_prefix_before_it() {
        let calls = [
            call(Write(1), 0, 0, Some(1)),
            call(Write(3), 2, 2, None),
            call(Read(Some(3)), 1, 3, Some(4)),
            call(Read(Some(1)), 0, 5, Some(6)),
        ];
        let f = failure(&calls);
        assert_eq!(f.op, 3);
        assert_eq!(f.linearized, [0, 1, 2]);
        // Every prefix is a run of the model.
        let model = CasRegister::NIL;
        let mut state = super::super::Model::init(&model);
        for &i in &f.linearized {
            state = super::super::Model::step(&model, &state, &calls[i].op).expect("accepted");
        }
    }

    /// An unobserved indeterminate write is dropped before the search
    /// (reduce.rs); the prefix's indices are the whole history's.
    #[test]
    fn the_prefix_is_mapped_back_past_a_dropped_write() {
        let calls = [
            call(Write(9), 2, 0, None),
            call(Write(1), 0, 1, Some(2)),
            call(Write(2), 0, 3, Some(4)),
            call(Read(Some(1)), 1, 5, Some(6)),
        ];
        let f = failure(&calls);
        assert_eq!(f.elided, [0]);
        assert_eq!(f.op, 3);
        assert_eq!(f.linearized, [1, 2]);
    }
}
