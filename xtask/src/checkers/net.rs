//! Maelstrom's net checker (jepsen-io/maelstrom v0.2.3 src/maelstrom/net/checker.clj,
//! `checker`): send/recv/msg counts over
//! the journal for all, client and server traffic, and msgs-per-op.

use crate::checkers::{CheckResult, OpFold, Validity};
#[cfg(test)]
use crate::history::History;
use crate::history::{Op, OpType};
#[cfg(test)]
use crate::journal::JournalEvent;
use crate::journal::JournalKind;
use serde_json::{json, Map, Value};
use std::collections::HashSet;

/// Distinct message ids. The engine numbers messages densely from 0, so a
/// bit per id is enough (8 MiB covers 64 M messages); ids beyond that, which
/// only a hand-written journal has, go to a set.
#[derive(Clone, Debug, Default)]
struct IdSet {
    bits: Vec<u64>,
    sparse: HashSet<u64>,
    len: u64,
}

impl IdSet {
    const DENSE_LIMIT: u64 = 1 << 26;

    fn insert(&mut self, id: u64) {
        let fresh = if id < Self::DENSE_LIMIT {
            let (word, bit) = ((id / 64) as usize, id % 64);
            if self.bits.len() <= word {
                self.bits.resize(word + 1, 0);
            }
            let fresh = self.bits[word] & (1 << bit) == 0;
            self.bits[word] |= 1 << bit;
            fresh
        } else {
            self.sparse.insert(id)
        };
        self.len += u64::from(fresh);
    }
}

/// Send, receive and distinct-message counts of one class of traffic.
#[derive(Clone, Debug, Default)]
struct Tally {
    send: u64,
    recv: u64,
    ids: IdSet,
}

impl Tally {
    fn add(&mut self, kind: JournalKind, msg_id: u64) {
        match kind {
            JournalKind::Send => self.send += 1,
            JournalKind::Recv => self.recv += 1,
        }
        self.ids.insert(msg_id);
    }

    fn to_json(&self, op_count: Option<usize>) -> Value {
        let mut m = Map::new();
        m.insert("send-count".into(), json!(self.send));
        m.insert("recv-count".into(), json!(self.recv));
        m.insert("msg-count".into(), json!(self.ids.len));
        if let Some(ops) = op_count.filter(|&n| n > 0) {
            m.insert(
                "msgs-per-op".into(),
                json!(msgs_per_op(self.ids.len, ops as u64)),
            );
        }
        Value::Object(m)
    }
}

/// net/checker.clj: `(float (/ (:msg-count ..) op-count))`, in the float's
/// shortest decimal form. `/` of two longs is exact: a `Long` when it
/// divides, else a `Ratio`. Clojure 1.11 `RT.floatCast` takes
/// `((Number) x).doubleValue()`, then `(float)`; `Ratio.doubleValue()` is
/// `decimalValue(MathContext.DECIMAL64).doubleValue()`: the quotient to 16
/// significant digits, rounded half-even, then to the nearest double. So
/// the counts are never rounded to 32 bits first (16777231 / 7 is
/// 2396747.2857..: 2396747.25 as a float, where `16777231f32 / 7f32` gives
/// 2396747.5).
/// fidelity D29: msgs-per-op is `(float (/ msgs ops))`.
fn msgs_per_op(msgs: u64, ops: u64) -> f64 {
    let x = if msgs.is_multiple_of(ops) {
        (msgs / ops) as f64 as f32
    } else {
        decimal64_quotient(msgs, ops) as f32
    };
    format!("{x}").parse().unwrap_or(f64::from(x))
}

/// `new BigDecimal(a).divide(new BigDecimal(b), MathContext.DECIMAL64)
/// .doubleValue()` for `b > 0`: 16 significant digits, half-even, read back
/// as the nearest double (which Rust's parser gives).
fn decimal64_quotient(a: u64, b: u64) -> f64 {
    const DIGITS_LOW: u128 = 1_000_000_000_000_000; // 10^15
    if a == 0 {
        return 0.0;
    }
    // Scale so that the integer quotient has exactly 16 digits: a * 10^k / b
    // in [10^15, 10^16). Every product stays below 10^16 * 2^64 < 2^128.
    let (a, b) = (u128::from(a), u128::from(b));
    let mut k: i32 = 0;
    let (mut num, mut den) = (a, b);
    while num / den >= 10 * DIGITS_LOW {
        den *= 10;
        k -= 1;
    }
    while num / den < DIGITS_LOW {
        num *= 10;
        k += 1;
    }
    let (mut q, r) = (num / den, num % den);
    if 2 * r > den || (2 * r == den && q % 2 == 1) {
        q += 1;
    }
    format!("{q}e{}", -k).parse().unwrap_or(f64::NAN)
}

/// What the net checker needs of a journal, counted as the events go by, so
/// a run never has to keep its journal in memory.
#[derive(Clone, Debug, Default)]
pub struct NetCounts {
    all: Tally,
    clients: Tally,
    servers: Tally,
}

impl NetCounts {
    /// Counts one event. A message "involves a client" iff its src or dest
    /// starts with `c` (net/checker.clj).
    pub fn add(&mut self, kind: JournalKind, msg_id: u64, src: &str, dest: &str) {
        self.all.add(kind, msg_id);
        if src.starts_with('c') || dest.starts_with('c') {
            self.clients.add(kind, msg_id);
        } else {
            self.servers.add(kind, msg_id);
        }
    }

    #[cfg(test)]
    pub fn of<'a>(events: impl IntoIterator<Item = &'a JournalEvent>) -> NetCounts {
        let mut c = NetCounts::default();
        for e in events {
            c.add(e.kind, e.msg_id, &e.src, &e.dest);
        }
        c
    }

    /// Messages sent so far, all classes.
    #[cfg(test)]
    pub fn sends(&self) -> u64 {
        self.all.send
    }
}

/// net/checker.clj: stats for all, client and server traffic; msgs-per-op
/// divides by the client invocations, which this fold counts.
pub struct Net<'c> {
    counts: &'c NetCounts,
    invokes: usize,
}

impl<'c> Net<'c> {
    pub fn new(counts: &'c NetCounts) -> Self {
        Net { counts, invokes: 0 }
    }
}

impl OpFold for Net<'_> {
    fn observe(&mut self, op: &Op) {
        if op.process.is_client() && op.kind == OpType::Invoke {
            self.invokes += 1;
        }
    }

    fn finish(self: Box<Self>) -> CheckResult {
        let ops = self.invokes;
        CheckResult::new(Validity::True)
            .with("all", self.counts.all.to_json(Some(ops)))
            .with("clients", self.counts.clients.to_json(None))
            .with("servers", self.counts.servers.to_json(Some(ops)))
    }
}

#[cfg(test)]
pub fn check(counts: &NetCounts, history: &History) -> CheckResult {
    crate::checkers::fold_history(Box::new(Net::new(counts)), history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;

    fn ev(id: u64, kind: JournalKind, msg_id: u64, src: &str, dest: &str) -> JournalEvent {
        JournalEvent {
            id,
            time: id,
            kind,
            msg_id,
            src: src.into(),
            dest: dest.into(),
            body: Value::Null,
        }
    }

    /// `(float (/ msgs ops))` evaluated by hand (see `msgs_per_op`): exact
    /// ratio, 16 digits, double, float. 16777231/7 = 2396747.285714..: the
    /// floats nearby are 2396747.25 and 2396747.5, so 2396747.25 (printed in
    /// a shortest form); rounding the counts to 32 bits first gave .5.
    #[test]
    fn msgs_per_op_divides_the_exact_counts() {
        assert_eq!(f64::from(msgs_per_op(16_777_231, 7) as f32), 2_396_747.25);
        assert_eq!(msgs_per_op(4, 3), 1.3333334);
        assert_eq!(msgs_per_op(6, 3), 2.0);
        assert_eq!(msgs_per_op(0, 3), 0.0);
        // 2^24 + 1 divides by 1 into a long: (float) 16777217.0 ties to even.
        assert_eq!(msgs_per_op(16_777_217, 1), 16777216.0);
        assert_eq!(decimal64_quotient(1, 3), 0.3333333333333333);
        assert_eq!(decimal64_quotient(2, 3), 0.6666666666666667);
        // 18446744073709551615 to 16 digits: 1844674407370955e4.
        assert_eq!(decimal64_quotient(u64::MAX, 1), 1.844674407370955e19);
        assert_eq!(decimal64_quotient(1, u64::MAX), 5.421010862427522e-20);
    }

    #[test]
    fn counts_and_msgs_per_op() {
        use JournalKind::*;
        let j = vec![
            ev(0, Send, 0, "c0", "n0"),
            ev(1, Recv, 0, "c0", "n0"),
            ev(2, Send, 1, "n0", "n1"),
            ev(3, Send, 2, "n0", "lin-kv"),
            ev(4, Recv, 2, "n0", "lin-kv"),
            ev(5, Send, 3, "n1", "n0"),
        ];
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "echo"),
            op(1, 0, OpType::Ok, "echo"),
            op(2, 0, OpType::Invoke, "echo"),
            op(3, 0, OpType::Ok, "echo"),
            op(4, 0, OpType::Invoke, "echo"),
            op(5, 0, OpType::Info, "echo"),
        ]);
        let r = check(&NetCounts::of(&j), &h);
        assert_eq!(
            r.fields["all"],
            json!({"send-count":4,"recv-count":2,"msg-count":4,"msgs-per-op":1.3333334})
        );
        assert_eq!(
            r.fields["clients"],
            json!({"send-count":1,"recv-count":1,"msg-count":1})
        );
        assert_eq!(
            r.fields["servers"],
            json!({"send-count":3,"recv-count":1,"msg-count":3,"msgs-per-op":1.0})
        );
        // No client ops: no msgs-per-op at all.
        let r = check(&NetCounts::of(&j), &History::default());
        assert!(r.fields["all"].get("msgs-per-op").is_none());
        assert!(r.fields["servers"].get("msgs-per-op").is_none());
    }

    #[test]
    fn distinct_ids_count_once_dense_or_sparse() {
        use JournalKind::*;
        let big = IdSet::DENSE_LIMIT + 5;
        let j = vec![
            ev(0, Send, 7, "n0", "n1"),
            ev(1, Recv, 7, "n0", "n1"),
            ev(2, Send, big, "n1", "n0"),
            ev(3, Recv, big, "n1", "n0"),
            ev(4, Recv, 9, "n1", "n0"),
            ev(5, Send, u64::MAX, "n1", "n0"),
        ];
        let r = check(&NetCounts::of(&j), &History::default());
        assert_eq!(
            r.fields["servers"],
            json!({"send-count":3,"recv-count":3,"msg-count":4})
        );
    }
}
