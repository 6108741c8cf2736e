//! Test support: an Elle-like transaction generator and a checker of the
//! read-committed properties on recorded histories (every transaction ok,
//! writes returned unchanged, no read of an intermediate or never-written
//! value, reads after own writes see them, and no cycle of wr/ww edges, i.e.
//! no G1c, with Elle's writes-follow-reads version order).

use super::store::MicroOp;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Generates transactions the way Elle's `wr-txns` does: 1..=max_len
/// micro-ops, reads and writes 50/50, keys drawn from a pool of 10 with
/// exponentially skewed weights, values 1, 2, 3, ... per key, and a key
/// retired (replaced by a fresh one) after `max_writes` writes.
pub struct TxnGen {
    rng: fastrand::Rng,
    pool: Vec<u64>,
    next_key: u64,
    writes: HashMap<u64, u64>,
    max_len: usize,
    max_writes: u64,
}

impl TxnGen {
    pub fn new(seed: u64) -> Self {
        TxnGen {
            rng: fastrand::Rng::with_seed(seed),
            pool: (0..10).collect(),
            next_key: 10,
            writes: HashMap::new(),
            max_len: 4,
            max_writes: 16,
        }
    }

    fn pick_slot(&mut self) -> usize {
        // Slot i has weight 2^(i+1): the last slot is hit about half the time.
        let total: u64 = (1..=self.pool.len() as u32).map(|i| 1u64 << i).sum();
        let mut x = self.rng.u64(0..total);
        for i in 0..self.pool.len() {
            let w = 1u64 << (i + 1);
            if x < w {
                return i;
            }
            x -= w;
        }
        self.pool.len() - 1
    }

    pub fn next_txn(&mut self) -> Vec<MicroOp> {
        let len = self.rng.usize(1..=self.max_len);
        let mut ops = Vec::with_capacity(len);
        for _ in 0..len {
            let slot = self.pick_slot();
            let key = self.pool[slot];
            if self.rng.bool() {
                ops.push(("r".to_string(), json!(key), Value::Null));
                continue;
            }
            let n = self.writes.entry(key).or_insert(0);
            *n += 1;
            let value = *n;
            if value >= self.max_writes {
                self.pool[slot] = self.next_key;
                self.next_key += 1;
            }
            ops.push(("w".to_string(), json!(key), json!(value)));
        }
        ops
    }
}

/// One completed transaction: what was asked and what came back.
#[derive(Clone, Debug)]
pub struct Completed {
    pub request: Vec<MicroOp>,
    pub reply: Vec<MicroOp>,
}

fn key_of(k: &Value) -> String {
    k.to_string()
}

/// Per key: the last write of each (key, value) in a txn (external writes)
/// and the writes overwritten later in the same txn (intermediate writes).
fn writes_of(ops: &[MicroOp]) -> (HashMap<String, Value>, Vec<(String, Value)>) {
    let mut last: HashMap<String, Value> = HashMap::new();
    let mut intermediate = Vec::new();
    for (f, k, v) in ops {
        if f == "w" {
            if let Some(prev) = last.insert(key_of(k), v.clone()) {
                intermediate.push((key_of(k), prev));
            }
        }
    }
    (last, intermediate)
}

/// External reads: the first micro-op on each key, when it is a read.
fn external_reads(ops: &[MicroOp]) -> HashMap<String, Value> {
    let mut first: HashMap<String, Option<Value>> = HashMap::new();
    for (f, k, v) in ops {
        first
            .entry(key_of(k))
            .or_insert_with(|| (f == "r").then(|| v.clone()));
    }
    first
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
}

/// Checks a history of transactions that all completed ok. Returns the first
/// violation found, described.
pub fn check_read_committed(history: &[Completed]) -> Result<(), String> {
    // Shape: same micro-ops, writes untouched, reads filled in.
    for (i, t) in history.iter().enumerate() {
        if t.request.len() != t.reply.len() {
            return Err(format!("txn {i}: reply has a different length"));
        }
        for (q, a) in t.request.iter().zip(&t.reply) {
            if q.0 != a.0 || q.1 != a.1 || (q.0 == "w" && q.2 != a.2) {
                return Err(format!("txn {i}: micro-op {q:?} came back as {a:?}"));
            }
        }
    }
    // Who externally wrote each (key, value); which values were intermediate.
    let mut writer: HashMap<(String, String), usize> = HashMap::new();
    let mut intermediate: HashMap<(String, String), usize> = HashMap::new();
    for (i, t) in history.iter().enumerate() {
        let (ext, inter) = writes_of(&t.reply);
        for (k, v) in ext {
            if writer.insert((k.clone(), v.to_string()), i).is_some() {
                return Err(format!("value {v} of key {k} written twice"));
            }
        }
        for (k, v) in inter {
            intermediate.insert((k, v.to_string()), i);
        }
    }
    // Reads: internal consistency, G1b, never-written values; build edges.
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); history.len()];
    for (i, t) in history.iter().enumerate() {
        let mut own: HashMap<String, Value> = HashMap::new();
        for (f, k, v) in &t.reply {
            let key = key_of(k);
            if f == "w" {
                own.insert(key, v.clone());
            } else if let Some(mine) = own.get(&key) {
                if mine != v {
                    return Err(format!("txn {i}: read {k}={v} after writing {mine}"));
                }
            }
        }
        let ext_reads = external_reads(&t.reply);
        for (k, v) in &ext_reads {
            if v.is_null() {
                continue;
            }
            let id = (k.clone(), v.to_string());
            if let Some(&w) = intermediate.get(&id) {
                if w != i {
                    return Err(format!("G1b: txn {i} read intermediate {k}={v} of txn {w}"));
                }
            }
            let Some(&w) = writer.get(&id) else {
                return Err(format!("txn {i} read {k}={v}, which nobody committed"));
            };
            if w != i {
                // wr edge; and if i also wrote k, the wfr version order gives
                // the same ww edge w -> i.
                edges[w].push(i);
            }
        }
    }
    match find_cycle(&edges) {
        Some(cycle) => Err(format!("G1c: cycle of wr/ww edges through txns {cycle:?}")),
        None => Ok(()),
    }
}

/// A cycle in a directed graph, if any (iterative DFS with colours).
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    let n = edges.len();
    let mut colour = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut parent = vec![usize::MAX; n];
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        colour[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                match colour[w] {
                    0 => {
                        colour[w] = 1;
                        parent[w] = v;
                        stack.push((w, 0));
                    }
                    1 => {
                        let mut cycle = vec![w];
                        let mut u = v;
                        while u != w {
                            cycle.push(u);
                            u = parent[u];
                        }
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                colour[v] = 2;
                stack.pop();
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(k: u64, v: Value) -> MicroOp {
        ("r".into(), json!(k), v)
    }
    fn w(k: u64, v: u64) -> MicroOp {
        ("w".into(), json!(k), json!(v))
    }
    fn txn(reply: Vec<MicroOp>) -> Completed {
        let request = reply
            .iter()
            .map(|(f, k, v)| {
                (
                    f.clone(),
                    k.clone(),
                    if f == "r" { Value::Null } else { v.clone() },
                )
            })
            .collect();
        Completed { request, reply }
    }

    #[test]
    fn accepts_a_clean_history() {
        let h = vec![
            txn(vec![w(1, 1), w(2, 1)]),
            txn(vec![r(1, json!(1)), w(1, 2)]),
            txn(vec![r(1, json!(2)), r(2, Value::Null)]),
        ];
        check_read_committed(&h).unwrap();
    }

    #[test]
    fn catches_g1b_garbage_and_internal_reads() {
        let g1b = vec![txn(vec![w(1, 1), w(1, 2)]), txn(vec![r(1, json!(1))])];
        assert!(check_read_committed(&g1b).unwrap_err().starts_with("G1b"));
        let garbage = vec![txn(vec![r(1, json!(7))])];
        assert!(check_read_committed(&garbage).is_err());
        let internal = vec![txn(vec![w(1, 1), r(1, Value::Null)])];
        assert!(check_read_committed(&internal).is_err());
    }

    #[test]
    fn catches_g1c() {
        // Each reads the other's write.
        let h = vec![
            txn(vec![w(1, 1), r(2, json!(1))]),
            txn(vec![w(2, 1), r(1, json!(1))]),
        ];
        assert!(check_read_committed(&h).unwrap_err().starts_with("G1c"));
    }

    #[test]
    fn catches_altered_writes() {
        let mut t = txn(vec![w(1, 1)]);
        t.reply[0].2 = json!(2);
        assert!(check_read_committed(&[t]).is_err());
    }

    #[test]
    fn generator_never_repeats_a_value_of_a_key() {
        let mut g = TxnGen::new(7);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            for (f, k, v) in g.next_txn() {
                if f == "w" {
                    assert!(seen.insert((k.to_string(), v.to_string())));
                }
            }
        }
    }
}
