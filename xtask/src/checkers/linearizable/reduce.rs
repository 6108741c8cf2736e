//! A sound reduction for Knossos's cas-register, applied before the search
//! (fidelity X31):
//! an indeterminate (`:info`) write whose value no op observes (no read
//! returned it, no cas expected it as `from`) is dropped, as if it never
//! took effect. The argument is in docs/linearizability.md ("Unobserved
//! pending writes"); in short, in any linearization the op after such a
//! write must accept a state it cannot name, so it is a write or a read of
//! `nil` (which Knossos allows anywhere), and the write can be taken out.
//!
//! The verdict is the same; an invalid verdict names the same failing op
//! and its configurations are configurations of the whole history (the
//! dropped writes are put back among their pending ops), those in which no
//! dropped write has taken effect. `Failure::elided` lists them.

use super::models::{CasOp, CasRegister};
use super::refute::impossible_reads;
use super::search::Search;
use super::{Budget, Call, Verdict};
use std::collections::HashSet;

/// Indices of the indeterminate writes whose value no op observes.
pub fn unobserved_pending_writes(calls: &[Call<CasOp>]) -> Vec<usize> {
    let observed: HashSet<u32> = calls
        .iter()
        .filter_map(|c| match c.op {
            CasOp::Read(Some(v)) | CasOp::Cas(v, _) => Some(v),
            CasOp::Read(None) | CasOp::Write(_) => None,
        })
        .collect();
    (0..calls.len())
        .filter(|&i| {
            calls[i].ret.is_none()
                && matches!(calls[i].op, CasOp::Write(v) if !observed.contains(&v))
        })
        .collect()
}

/// [`super::check`] on a cas-register partition, without its unobserved
/// pending writes, stopping early past a read no write can explain.
pub fn check_cas_register(
    model: &CasRegister,
    calls: &[Call<CasOp>],
    budget: &Budget,
) -> Verdict<u32> {
    let elided = unobserved_pending_writes(calls);
    let dropped: HashSet<usize> = elided.iter().copied().collect();
    let kept: Vec<usize> = (0..calls.len()).filter(|i| !dropped.contains(i)).collect();
    let reduced: Vec<Call<CasOp>> = kept.iter().map(|&i| calls[i].clone()).collect();
    let mut search = Search::new(model, &reduced);
    search.impossible = impossible_reads(&reduced);
    let verdict = search.run(budget, None);
    if elided.is_empty() {
        return verdict;
    }
    match verdict {
        Verdict::Invalid(f) => Verdict::Invalid(f.restore(&kept, calls, elided)),
        other => other,
    }
}
