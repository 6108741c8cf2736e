//! A test-only linearizability checker by exhaustion, for tiny histories:
//! every sequence of ops that contains all definite ops, any subset of the
//! indeterminate ones, respects real-time order (an op that returned
//! before another was called comes first; a tie counts as overlap, as in
//! the search) and that the model accepts step by step. No memo, no
//! pruning, no reduction: the reference the search is compared against.

use super::{Call, Model};

/// Whether some linearization exists.
pub fn linearizable<M: Model>(model: &M, calls: &[Call<M::Op>]) -> bool {
    let mut used = vec![false; calls.len()];
    extend(model, calls, &model.init(), &mut used)
}

fn extend<M: Model>(model: &M, calls: &[Call<M::Op>], state: &M::State, used: &mut [bool]) -> bool {
    let definite_left = (0..calls.len()).any(|i| !used[i] && calls[i].ret.is_some());
    if !definite_left {
        return true;
    }
    for c in 0..calls.len() {
        if used[c] {
            continue;
        }
        // `c` may come next only if no op still to place returned before it was called.
        let blocked = (0..calls.len())
            .any(|d| !used[d] && d != c && calls[d].ret.is_some_and(|r| r < calls[c].call));
        if blocked {
            continue;
        }
        if let Some(next) = model.step(state, &calls[c].op) {
            used[c] = true;
            let found = extend(model, calls, &next, used);
            used[c] = false;
            if found {
                return true;
            }
        }
    }
    false
}
