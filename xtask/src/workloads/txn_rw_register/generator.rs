//! Elle's `wr-txns` generator (`elle.txn/wr-txns`, via jepsen's
//! `tests/cycle/wr.clj`): transactions of 1..=max-txn-length micro-ops over
//! a pool of active keys chosen with an exponential distribution; writes are
//! 1, 2, 3, ... per key; a key that would get more than max-writes-per-key
//! writes is retired and its pool slot gets a fresh key.

use crate::workloads::{Generator, OpSpec, TestOpts};
use serde_json::{json, Value};
use std::collections::HashMap;

pub struct WrTxns {
    min_length: u64,
    max_length: u64,
    max_writes_per_key: u64,
    /// `key-dist-scale` for base 2: (2^key-count - 1) * 2.
    scale: f64,
    active_keys: Vec<u64>,
    /// Next value to write per key (absent = 1).
    next_value: HashMap<u64, u64>,
}

impl WrTxns {
    pub fn new(opts: &TestOpts) -> Self {
        // Elle's default for the exponential distribution; 0 is rejected by the CLI.
        let key_count = opts.key_count.unwrap_or(10).max(1);
        WrTxns {
            min_length: 1,
            max_length: opts.max_txn_length,
            max_writes_per_key: opts.max_writes_per_key,
            scale: (2f64.powi(key_count.min(1000) as i32) - 1.0) * 2.0,
            active_keys: (0..key_count).collect(),
            next_value: HashMap::new(),
        }
    }

    /// Pool slot i with probability 2^(i+1) / (2^(k+1) - 2).
    fn slot(&self, rng: &mut fastrand::Rng) -> usize {
        let r = rng.f64() * self.scale + 2.0;
        let i = (r.log2() - 1.0).floor();
        (i.max(0.0) as usize).min(self.active_keys.len() - 1)
    }

    pub fn txn(&mut self, rng: &mut fastrand::Rng) -> Value {
        // (rand-int 0) is 0: a max below the min gives the min.
        let span = (self.max_length + 1).saturating_sub(self.min_length);
        let mut remaining = self.min_length + if span == 0 { 0 } else { rng.u64(0..span) };
        let mut txn = Vec::new();
        while remaining > 0 {
            let write = rng.bool();
            let slot = self.slot(rng);
            let k = self.active_keys[slot];
            if !write {
                txn.push(json!(["r", k, null]));
                remaining -= 1;
                continue;
            }
            let v = self.next_value.get(&k).copied().unwrap_or(1);
            if v > self.max_writes_per_key {
                // Retire k; the draw (f and key) is retried.
                let fresh = self.active_keys.iter().copied().max().unwrap_or(0) + 1;
                self.active_keys[slot] = fresh;
                continue;
            }
            self.next_value.insert(k, v + 1);
            txn.push(json!(["w", k, v]));
            remaining -= 1;
        }
        Value::Array(txn)
    }
}

impl Generator for WrTxns {
    fn next(&mut self, _thread: usize, _now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec {
        OpSpec::new("txn", self.txn(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> TestOpts {
        TestOpts::defaults(vec!["n0".into(), "n1".into()])
    }

    #[test]
    fn txns_have_elle_shape_and_unique_writes() {
        let mut g = WrTxns::new(&opts());
        let mut rng = fastrand::Rng::with_seed(7);
        let mut written: std::collections::HashSet<(u64, u64)> = Default::default();
        let mut lengths = [0usize; 5];
        let mut max_key = 0;
        for _ in 0..20_000 {
            let txn = g.txn(&mut rng);
            let mops = txn.as_array().unwrap();
            assert!((1..=4).contains(&mops.len()));
            lengths[mops.len()] += 1;
            for m in mops {
                let (f, k) = (m[0].as_str().unwrap(), m[1].as_u64().unwrap());
                max_key = max_key.max(k);
                match f {
                    "r" => assert!(m[2].is_null()),
                    "w" => {
                        let v = m[2].as_u64().unwrap();
                        assert!((1..=16).contains(&v), "value {v}");
                        assert!(written.insert((k, v)), "duplicate write {k}={v}");
                    }
                    _ => panic!("bad f {f}"),
                }
            }
        }
        assert!(
            lengths[1..].iter().all(|&n| n > 4000),
            "lengths {lengths:?}"
        );
        assert!(max_key > 100, "hot keys retire and churn: {max_key}");
    }

    #[test]
    fn key_choice_is_exponential() {
        let g = WrTxns::new(&opts());
        let mut rng = fastrand::Rng::with_seed(1);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[g.slot(&mut rng)] += 1;
        }
        // slot 9 ~ 50%, slot 8 ~ 25%, slot 0 ~ 0.1%
        assert!((48_000..52_000).contains(&counts[9]), "{counts:?}");
        assert!((23_500..26_500).contains(&counts[8]), "{counts:?}");
        assert!(counts[0] > 30 && counts[0] < 200, "{counts:?}");
    }

    #[test]
    fn retired_keys_get_the_next_key() {
        let mut o = opts();
        o.key_count = Some(1);
        o.max_writes_per_key = 2;
        o.max_txn_length = 1;
        let mut g = WrTxns::new(&o);
        let mut rng = fastrand::Rng::with_seed(3);
        let writes: Vec<(u64, u64)> = (0..200)
            .filter_map(|_| {
                let t = g.txn(&mut rng);
                let m = &t[0];
                (m[0] == "w").then(|| (m[1].as_u64().unwrap(), m[2].as_u64().unwrap()))
            })
            .take(6)
            .collect();
        assert_eq!(writes, vec![(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (2, 2)]);
    }
}
