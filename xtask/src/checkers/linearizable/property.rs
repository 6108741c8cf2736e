//! The search, with its symmetry and the cas-register reduction, against
//! the brute-force checker on thousands of small random histories, valid
//! and invalid, with indeterminate ops.

use super::brute_force::linearizable;
use super::models::{CasOp, CasRegister};
use super::reduce::{check_cas_register, unobserved_pending_writes};
use super::refute::impossible_reads;
use super::{check, Budget, Call, Verdict};

/// A random history of `n` ops by up to 3 processes on a register with
/// values 0..3: each op takes effect at a random instant inside its
/// interval on a real register (so the history is linearizable), a quarter
/// of them are indeterminate (half of those never take effect; reads among
/// them return nothing), and with probability 1/2 one completed read or
/// cas is then given a random value (often making it invalid).
fn random_history(rng: &mut fastrand::Rng, n: usize) -> Vec<Call<CasOp>> {
    let procs = rng.u64(1..=3);
    let mut clock = vec![0u64; procs as usize];
    // (call, ret, effect, op, pending, takes effect)
    let mut planned = Vec::new();
    for _ in 0..n {
        let p = rng.u64(0..procs);
        let call = clock[p as usize] + rng.u64(0..4);
        let ret = call + rng.u64(1..6);
        // Calls and returns on even instants, effects on odd ones inside.
        let effect = 2 * rng.u64(call..ret) + 1;
        clock[p as usize] = ret + 1;
        let op = match rng.u8(0..3) {
            0 => CasOp::Read(None),
            1 => CasOp::Write(rng.u32(0..3)),
            _ => CasOp::Cas(rng.u32(0..3), rng.u32(0..3)),
        };
        let pending = rng.u8(0..4) == 0;
        let happens = !pending || rng.bool();
        planned.push((2 * call, 2 * ret, effect, op, pending, happens, p));
    }
    // Run the register; a cas that would fail is recorded as a read (a
    // failed cas is dropped by Knossos, so it is not a call at all).
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&i| planned[i].2);
    let mut reg = 0u32;
    for i in order {
        let (.., pending, happens, _) = planned[i];
        let op = &mut planned[i].3;
        match *op {
            CasOp::Write(v) if happens => reg = v,
            CasOp::Cas(from, to) if happens && from == reg => reg = to,
            CasOp::Cas(..) if !pending => *op = CasOp::Read(Some(reg)),
            CasOp::Read(None) if !pending && rng.u8(0..5) != 0 => *op = CasOp::Read(Some(reg)),
            _ => {}
        }
    }
    let mut calls: Vec<Call<CasOp>> = planned
        .into_iter()
        .map(|(call, ret, _, op, pending, _, p)| Call {
            op,
            call,
            ret: (!pending).then_some(ret),
            process: p,
        })
        .collect();
    if rng.bool() {
        let definite: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].ret.is_some())
            .collect();
        if let Some(&i) = definite.get(rng.usize(0..definite.len().max(1))) {
            calls[i].op = match calls[i].op {
                CasOp::Cas(_, to) => CasOp::Cas(rng.u32(0..3), to),
                CasOp::Write(v) => CasOp::Write(v),
                CasOp::Read(_) => CasOp::Read(Some(rng.u32(0..3))),
            };
        }
    }
    calls
}

fn valid<S>(v: &Verdict<S>) -> bool {
    match v {
        Verdict::Valid(_) => true,
        Verdict::Invalid(_) => false,
        Verdict::Unknown(why) => panic!("a tiny history ran out of budget: {why}"),
    }
}

/// 6 000 histories of 1 to 8 ops: the search alone (symmetry only) and
/// with the reduction give the brute-force verdict; the reduction keeps
/// the failing op, and its configurations list every dropped write that
/// was pending.
#[test]
fn the_search_and_the_reduction_agree_with_brute_force() {
    let mut rng = fastrand::Rng::with_seed(2026);
    let (mut n_valid, mut n_invalid, mut n_reduced, mut n_refuted) = (0, 0, 0, 0);
    for round in 0..6000 {
        let calls = random_history(&mut rng, 1 + round % 8);
        let model = CasRegister { initial: 0 };
        let truth = linearizable(&model, &calls);
        let budget = Budget::default_budget();
        let plain = check(&model, &calls, &budget);
        let reduced = check_cas_register(&model, &calls, &budget);
        assert_eq!(valid(&plain), truth, "search, history {round}: {calls:?}");
        assert_eq!(
            valid(&reduced),
            truth,
            "reduced, history {round}: {calls:?}"
        );
        for r in impossible_reads(&calls) {
            assert!(
                !truth,
                "read {r} refuted in a valid history {round}: {calls:?}"
            );
            n_refuted += 1;
        }
        let elided = unobserved_pending_writes(&calls);
        if !elided.is_empty() {
            n_reduced += 1;
        }
        if let (Verdict::Invalid(a), Verdict::Invalid(b)) = (&plain, &reduced) {
            assert_eq!(a.op, b.op, "failing op, history {round}: {calls:?}");
            assert_eq!(b.elided, elided);
            let ret = calls[b.op].ret.unwrap_or(u64::MAX);
            for c in &b.configs {
                for &e in elided.iter().filter(|&&e| calls[e].call <= ret) {
                    assert!(c.pending.contains(&e), "history {round}: {calls:?}");
                }
            }
        }
        if truth {
            n_valid += 1
        } else {
            n_invalid += 1
        }
    }
    // The sample has both kinds, and the reduction was exercised.
    assert!(
        n_valid > 1000 && n_invalid > 1000,
        "{n_valid} valid, {n_invalid} invalid"
    );
    assert!(n_reduced > 300, "only {n_reduced} histories were reduced");
    assert!(n_refuted > 100, "only {n_refuted} reads were refuted");
}
