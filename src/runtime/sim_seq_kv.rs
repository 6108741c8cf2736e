//! Maelstrom's `seq-kv` as it really behaves (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/service.clj, `Sequential/handle!`), for the
//! simulator: a window of the 32 newest states, and per caller the version it
//! last observed. A request is tried against a random state between that
//! version and the newest; if it would not change that state (a read, a
//! failing cas, a write of the value already there) it is answered from it,
//! possibly stale; otherwise it is applied to the newest state as a new
//! version. So reads may be stale, but never older than the caller's own
//! last write.

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Versions kept, as in Maelstrom.
const WINDOW: usize = 32;

type State = BTreeMap<String, Value>;

/// A sequentially consistent KV that serves stale states.
pub struct StaleSeqKv {
    /// `(version, state)`, oldest first; never empty.
    states: VecDeque<(u64, State)>,
    /// Per caller: the version it last interacted with.
    seen: HashMap<String, u64>,
    rng: fastrand::Rng,
}

impl StaleSeqKv {
    pub fn new(seed: u64) -> Self {
        StaleSeqKv {
            states: VecDeque::from([(0, State::new())]),
            seen: HashMap::new(),
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The newest state (what a linearizable store would hold).
    pub fn latest(&self) -> &BTreeMap<String, Value> {
        &self.states.back().expect("never empty").1
    }

    /// Handles one request from `src`; `None` for an unknown type (no reply).
    pub fn handle(&mut self, src: &str, body: &Value) -> Option<Value> {
        let last = self.states.back().expect("never empty").0;
        let oldest = self.states.front().expect("never empty").0;
        // Callers that lag behind the window read from its oldest state
        // (Maelstrom wraps around instead; this keeps per-caller monotonicity).
        let from = self.seen.get(src).copied().unwrap_or(0).max(oldest);
        let chosen = self.rng.u64(from..=last);
        let index = (chosen - oldest) as usize;
        let mut speculative = self.states[index].1.clone();
        let reply = apply(&mut speculative, body)?;
        if speculative == self.states[index].1 {
            self.seen.insert(src.to_string(), chosen);
            return Some(reply);
        }
        let mut newest = self.latest().clone();
        let reply = apply(&mut newest, body)?;
        self.states.push_back((last + 1, newest));
        if self.states.len() > WINDOW {
            self.states.pop_front();
        }
        self.seen.insert(src.to_string(), last + 1);
        Some(reply)
    }
}

/// Applies a KV request to `state`; returns the reply body without
/// `in_reply_to`, or `None` for an unknown request type.
fn apply(state: &mut State, body: &Value) -> Option<Value> {
    let key = body["key"].to_string();
    let missing = || json!({"type":"error","code":20,"text":"key does not exist"});
    Some(match body["type"].as_str()? {
        "read" => match state.get(&key) {
            Some(v) => json!({"type":"read_ok","value":v}),
            None => missing(),
        },
        "write" => {
            state.insert(key, body["value"].clone());
            json!({"type":"write_ok"})
        }
        "cas" => match state.get(&key) {
            None if body["create_if_not_exists"] == json!(true) => {
                state.insert(key, body["to"].clone());
                json!({"type":"cas_ok"})
            }
            None => missing(),
            Some(v) if *v == body["from"] => {
                state.insert(key, body["to"].clone());
                json!({"type":"cas_ok"})
            }
            Some(v) => json!({"type":"error","code":22,
                "text":format!("current value {v} is not {}", body["from"])}),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kv: &mut StaleSeqKv, src: &str, key: &str) -> Value {
        kv.handle(src, &json!({"type":"read","key":key})).unwrap()
    }

    #[test]
    fn serves_stale_reads_to_other_callers_but_read_your_writes() {
        let mut kv = StaleSeqKv::new(7);
        let mut stale = 0;
        for i in 0..200 {
            kv.handle("n0", &json!({"type":"write","key":"k","value":i}))
                .unwrap();
            // n0 always sees its own newest write.
            assert_eq!(read(&mut kv, "n0", "k")["value"], json!(i));
            // n1, which never writes, may lag.
            if read(&mut kv, "n1", "k")["value"] != json!(i) {
                stale += 1;
            }
        }
        assert!(stale > 50, "only {stale} stale reads");
    }

    #[test]
    fn reads_of_one_caller_never_go_back_and_a_write_refreshes_it() {
        let mut kv = StaleSeqKv::new(3);
        let mut last = -1;
        for i in 0..100i64 {
            kv.handle("n0", &json!({"type":"write","key":"k","value":i}));
            let v = read(&mut kv, "n1", "k")["value"].as_i64().unwrap_or(-1);
            assert!(v >= last, "n1 went back from {last} to {v}");
            last = v;
        }
        kv.handle("n1", &json!({"type":"write","key":"scratch","value":1}));
        assert_eq!(read(&mut kv, "n1", "k")["value"], json!(99));
    }

    #[test]
    fn a_write_of_an_old_value_may_be_placed_in_the_past() {
        let mut placed_in_past = false;
        for seed in 0..20 {
            let mut kv = StaleSeqKv::new(seed);
            kv.handle("n0", &json!({"type":"write","key":"k","value":1}));
            kv.handle("n1", &json!({"type":"write","key":"k","value":2}));
            kv.handle("n0", &json!({"type":"write","key":"k","value":1}));
            placed_in_past |= kv.latest().get("\"k\"") == Some(&json!(2));
        }
        assert!(placed_in_past);
    }
}
