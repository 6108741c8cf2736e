//! A cheap refutation of a cas-register read (docs/linearizability.md,
//! "5. A read no write can explain"): a completed read of v is impossible
//! when every op that can produce v (the initial value, a write of v, a cas
//! to v) is cut off from it by a completed op that sets another value and
//! lies wholly between them in real time. Then no linearization contains
//! the read, and the search may stop as soon as it has configurations just
//! before it (the failing op can be no later).

use super::models::CasOp;
use super::Call;

/// Indices of the completed reads that no producer can explain.
pub fn impossible_reads(calls: &[Call<CasOp>]) -> Vec<usize> {
    // Completed ops that set a value, by return: (ret, call, value).
    let mut setters: Vec<(u64, u64, u32)> = calls
        .iter()
        .filter_map(|c| match (c.op, c.ret) {
            (CasOp::Write(v) | CasOp::Cas(_, v), Some(r)) => Some((r, c.call, v)),
            _ => None,
        })
        .collect();
    setters.sort_unstable();
    // Prefix over `setters`: the latest call, and the latest call whose
    // value differs from that one's (so "latest call with value != v" is
    // one of the two).
    let mut best: Vec<((u64, u32), Option<u64>)> = Vec::with_capacity(setters.len());
    for &(_, call, v) in &setters {
        let next = match best.last() {
            None => ((call, v), None),
            Some(&((c1, v1), c2)) => {
                if call >= c1 {
                    let second = if v1 != v { Some(c1) } else { c2 };
                    ((call, v), second)
                } else {
                    let second = if v != v1 { c2.max(Some(call)) } else { c2 };
                    ((c1, v1), second)
                }
            }
        };
        best.push(next);
    }
    // Producers of each value: (call, ret or MAX) sorted by call, with the
    // prefix maximum of ret.
    let mut producers: std::collections::HashMap<u32, Vec<(u64, u64)>> = Default::default();
    for c in calls {
        if let CasOp::Write(v) | CasOp::Cas(_, v) = c.op {
            producers
                .entry(v)
                .or_default()
                .push((c.call, c.ret.unwrap_or(u64::MAX)));
        }
    }
    for list in producers.values_mut() {
        list.sort_unstable();
        for i in 1..list.len() {
            list[i].1 = list[i].1.max(list[i - 1].1);
        }
    }
    let mut out = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        let (CasOp::Read(Some(v)), Some(ret)) = (c.op, c.ret) else {
            continue;
        };
        // The latest call of a completed setter of another value that
        // returned before the read was called: a producer that returned
        // before that call is cut off.
        let n = setters.partition_point(|s| s.0 < c.call);
        let cut = n.checked_sub(1).and_then(|j| {
            let ((c1, v1), c2) = best[j];
            if v1 != v {
                Some(c1)
            } else {
                c2
            }
        });
        let Some(cut) = cut else {
            continue; // nothing sets another value before it: not refuted here
        };
        // The initial value is produced before everything: always cut off.
        let explained = producers.get(&v).is_some_and(|list| {
            let m = list.partition_point(|p| p.0 <= ret);
            m > 0 && list[m - 1].1 >= cut
        });
        if !explained {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::impossible_reads;
    use crate::checkers::linearizable::models::CasOp::{self, Cas, Read, Write};
    use crate::checkers::linearizable::Call;

    fn h(ops: &[(CasOp, u64, Option<u64>)]) -> Vec<Call<CasOp>> {
        ops.iter()
            .enumerate()
            .map(|(i, &(op, call, ret))| Call {
                op,
                call,
                ret,
                process: i as u64,
            })
            .collect()
    }

    /// Worked by hand: write 1 [0,1], write 2 [2,3], read 1 [4,5]. The only
    /// producer of 1 returned (1) before write 2 was called (2), and write 2
    /// returned (3) before the read was called (4): refuted. A pending write
    /// of 1 called before the read returned, or a write 2 overlapping write
    /// 1, or a tie between a return and a call, each explain it.
    #[test]
    fn a_read_cut_off_from_every_write_of_its_value_is_impossible() {
        let base = [
            (Write(1), 0, Some(1)),
            (Write(2), 2, Some(3)),
            (Read(Some(1)), 4, Some(5)),
        ];
        assert_eq!(impossible_reads(&h(&base)), vec![2]);
        let mut pending = base.to_vec();
        pending.push((Write(1), 5, None));
        assert!(impossible_reads(&h(&pending)).is_empty());
        let overlap = [
            (Write(1), 0, Some(3)),
            (Write(2), 1, Some(2)),
            (Read(Some(1)), 4, Some(5)),
        ];
        assert!(impossible_reads(&h(&overlap)).is_empty());
        let tie = [
            (Write(1), 0, Some(2)),
            (Write(2), 2, Some(3)),
            (Read(Some(1)), 4, Some(5)),
        ];
        assert!(impossible_reads(&h(&tie)).is_empty());
        // The initial value is cut off by any completed setter before the read.
        let initial = [
            (Write(2), 0, Some(1)),
            (Read(Some(0)), 2, Some(3)),
            (Read(Some(2)), 4, Some(5)),
        ];
        assert_eq!(impossible_reads(&h(&initial)), vec![1]);
        assert!(impossible_reads(&h(&[(Read(Some(0)), 0, Some(1))])).is_empty());
        // A cas produces its `to` and cuts off others; reads of nil never fail.
        let cas = [
            (Write(1), 0, Some(1)),
            (Cas(1, 3), 2, Some(3)),
            (Read(Some(3)), 4, Some(5)),
            (Read(Some(1)), 6, Some(7)),
            (Read(None), 8, Some(9)),
        ];
        assert_eq!(impossible_reads(&h(&cas)), vec![3]);
    }
}
