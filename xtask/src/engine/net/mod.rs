//! The simulated network (jepsen-io/maelstrom v0.2.3 src/maelstrom/net.clj, `send!` / `recv!`): registered ids, one
//! deadline-ordered inbox per id with a single consumer, latency at send,
//! partition check at dequeue, and the journal. Pure: the caller supplies
//! the time and performs the deliveries this module hands back.

pub mod backlog;
pub mod body;
pub mod journal;
pub mod latency;
pub mod partition;

use crate::journal::JournalKind;
use backlog::Backlog;
use body::Body;
use journal::NetJournal;
use latency::Latency;
use partition::Grudge;
use serde_json::Value;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Network-wide message id (the `id` key delivered to nodes).
    pub id: u64,
    pub src: String,
    pub dest: String,
    pub body: Body,
    pub deadline_ns: u64,
}

impl Message {
    /// The line a node reads: `id` first, then src, dest, body, the field
    /// order of jepsen-io/maelstrom v0.2.3 src/maelstrom/net/message.clj
    /// `(defrecord Message [id src dest body])` as process.clj `stdin-thread`
    /// writes it.
    /// fidelity D5: field order on a node's stdin.
    pub fn to_line(&self) -> String {
        let s = |v: &str| Value::String(v.to_string()).to_string();
        format!(
            r#"{{"id":{},"src":{},"dest":{},"body":{}}}"#,
            self.id,
            s(&self.src),
            s(&self.dest),
            self.body
        )
    }
}

/// Heap entry ordered by (deadline, id): ties go to the earlier-sent message.
struct Queued(Message, usize);

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.0.deadline_ns, self.0.id).cmp(&(o.0.deadline_ns, o.0.id))
    }
}

#[derive(Default)]
struct Inbox {
    queue: BinaryHeap<Reverse<Queued>>,
    /// The message the consumer has taken and the time its sleep ends.
    /// Anything arriving meanwhile waits behind it (head-of-line blocking).
    sleeping: Option<(Message, u64)>,
    /// What waits in `queue` and what the cap turned away.
    backlog: Backlog,
    /// A node's inbox: bodies wait as text (`body.rs`).
    compact: bool,
}

/// What the consumer of one inbox does next.
#[derive(Debug, PartialEq)]
pub enum Pump {
    /// Hand this message over now (already journaled as `recv`).
    Deliver(Message),
    /// The consumer just started sleeping until this time; wake it then.
    Sleep(u64),
    /// Nothing to do now (empty, or already sleeping with a wake-up pending).
    Idle,
}

/// When a consumer that takes a message at `now` delivers it, or None for
/// "right away". Maelstrom (net.clj `recv!`) sleeps `(long dt)` whole
/// milliseconds, dt = deadline - now: truncation wakes it up to 1 ms before
/// the deadline. Its consumer always takes a message
/// some time after the send, so with whole-ms latencies dt is never a whole
/// number of ms: an idle receiver gets an L ms message after L - 1 ms (plus
/// the sleep's overshoot). The `- 1` keeps that true when our clock has not
/// moved between send and pump (a virtual clock, or a coarse one).
/// fidelity D1: a message arrives about 1 ms early.
fn wake_time(deadline_ns: u64, now: u64) -> Option<u64> {
    const MS: u64 = 1_000_000;
    let sleep_ms = deadline_ns.checked_sub(now)?.checked_sub(1)? / MS;
    (sleep_ms > 0).then(|| now + sleep_ms * MS)
}

pub struct Network {
    inboxes: HashMap<String, Inbox>,
    grudge: Grudge,
    latency: Latency,
    rng: fastrand::Rng,
    next_msg_id: u64,
    pub journal: NetJournal,
    pub log_send: bool,
    pub log_recv: bool,
    /// Probability of losing a message at send (Maelstrom's `:p-loss`).
    pub p_loss: f64,
    /// Estimated bytes queued in all inboxes, and the caps (`backlog.rs`).
    queued_bytes: usize,
    pub per_queue_cap: usize,
    pub total_cap: usize,
}

impl Network {
    pub fn new(latency: Latency, rng: fastrand::Rng) -> Self {
        Network {
            inboxes: HashMap::new(),
            grudge: Grudge::new(),
            latency,
            rng,
            next_msg_id: 0,
            journal: NetJournal::in_memory(),
            log_send: false,
            log_recv: false,
            p_loss: 0.0,
            queued_bytes: 0,
            per_queue_cap: backlog::PER_QUEUE_CAP,
            total_cap: backlog::TOTAL_CAP,
        }
    }

    pub fn register(&mut self, id: &str) {
        self.inboxes.entry(id.to_string()).or_default();
    }

    /// Registers a node: what waits for it is kept as the text it will read.
    pub fn register_node(&mut self, id: &str) {
        self.inboxes.entry(id.to_string()).or_default().compact = true;
    }

    /// Remove an id; anything queued for it is discarded.
    pub fn unregister(&mut self, id: &str) {
        if let Some(inbox) = self.inboxes.remove(id) {
            self.queued_bytes -= inbox.backlog.bytes.min(self.queued_bytes);
        }
    }

    /// The backlog of `id` and how many messages wait in its queue
    /// (including one its consumer sleeps on).
    pub fn backlog(&self, id: &str) -> Option<(&Backlog, usize)> {
        let inbox = self.inboxes.get(id)?;
        let waiting = inbox.queue.len() + usize::from(inbox.sleeping.is_some());
        Some((&inbox.backlog, waiting))
    }

    /// Messages sent so far (ids consumed, including rejected ones).
    pub fn messages_sent(&self) -> u64 {
        self.next_msg_id
    }

    fn journal(&mut self, kind: JournalKind, m: &Message, now: u64) {
        self.journal.record(kind, m, now);
    }

    /// Send path of net.clj `send!`: id, validate, latency, journal, enqueue.
    /// Err when src or dest is not registered (the id is still consumed).
    /// Subject to the backlog caps (`backlog.rs`).
    pub fn send(&mut self, src: &str, dest: &str, body: Value, now: u64) -> Result<(), String> {
        self.send_to_queue(src, dest, body, now, true)
    }

    /// `send` for the bench's own clients, which the caps do not count: a
    /// client has one request in flight, so clients cannot grow a queue
    /// without bound, and setup must not lose its requests (1 000
    /// topology bodies of ~350 KB each are queued at once).
    pub fn send_from_client(
        &mut self,
        src: &str,
        dest: &str,
        body: Value,
        now: u64,
    ) -> Result<(), String> {
        self.send_to_queue(src, dest, body, now, false)
    }

    fn send_to_queue(
        &mut self,
        src: &str,
        dest: &str,
        body: Value,
        now: u64,
        capped: bool,
    ) -> Result<(), String> {
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        if !self.inboxes.contains_key(src) {
            return Err(format!(
                "Invalid src for message {{src {src:?}, dest {dest:?}}}: {src} is not registered"
            ));
        }
        if !self.inboxes.contains_key(dest) {
            return Err(format!(
                "Invalid dest for message {{src {src:?}, dest {dest:?}}}: {dest} is not registered"
            ));
        }
        let lat = self.latency.draw(src, dest, &mut self.rng);
        let mut m = Message {
            id,
            src: src.into(),
            dest: dest.into(),
            body: Body::Json(body),
            deadline_ns: now + lat * 1_000_000,
        };
        self.journal(JournalKind::Send, &m, now);
        if self.log_send {
            println!("INFO :send {}", m.to_line());
        }
        // net.clj `send!`: journaled, then `(if (< (rand) p-loss) net ...)`.
        // The draw is skipped at 0 so runs without loss keep their sequences.
        if self.p_loss > 0.0 && self.rng.f64() < self.p_loss {
            return Ok(());
        }
        if let Some(inbox) = self.inboxes.get_mut(dest) {
            if inbox.compact {
                m.body = std::mem::replace(&mut m.body, Body::Json(Value::Null)).compact();
            }
            // The bound Maelstrom does not have (backlog.rs): past either
            // cap the message is lost like a `:p-loss` one, and counted.
            // fidelity X2: the backlog is capped.
            let bytes = if capped { backlog::queued_bytes(&m) } else { 0 };
            if capped
                && (inbox.backlog.bytes + bytes > self.per_queue_cap
                    || self.queued_bytes + bytes > self.total_cap)
            {
                inbox.backlog.drop_one(now);
                return Ok(());
            }
            inbox.backlog.bytes += bytes;
            self.queued_bytes += bytes;
            inbox.queue.push(Reverse(Queued(m, bytes)));
        }
        Ok(())
    }

    fn dropped_by_partition(&self, m: &Message) -> bool {
        self.grudge
            .get(&m.dest)
            .is_some_and(|srcs| srcs.contains(&m.src))
    }

    fn delivered(&mut self, m: Message, now: u64) -> Pump {
        self.journal(JournalKind::Recv, &m, now);
        if self.log_recv {
            println!("INFO :recv {}", m.to_line());
        }
        Pump::Deliver(m)
    }

    /// Run the consumer of `dest` one step (net.clj `recv!`).
    /// fidelity D3: one consumer per node, head-of-line blocking included.
    pub fn pump(&mut self, dest: &str, now: u64) -> Pump {
        loop {
            let Some(inbox) = self.inboxes.get_mut(dest) else {
                return Pump::Idle;
            };
            if let Some((_, wake)) = &inbox.sleeping {
                if *wake > now {
                    return Pump::Idle;
                }
                let (m, _) = inbox.sleeping.take().expect("checked above");
                return self.delivered(m, now);
            }
            let Some(Reverse(Queued(m, bytes))) = inbox.queue.pop() else {
                return Pump::Idle;
            };
            inbox.backlog.taken(bytes);
            self.queued_bytes -= bytes.min(self.queued_bytes);
            // Partition check at dequeue time, before sleeping.
            // fidelity D2: partitions act at delivery, not at send.
            if self.dropped_by_partition(&m) {
                continue;
            }
            let Some(wake) = wake_time(m.deadline_ns, now) else {
                return self.delivered(m, now);
            };
            if let Some(inbox) = self.inboxes.get_mut(dest) {
                inbox.sleeping = Some((m, wake));
            }
            return Pump::Sleep(wake);
        }
    }

    /// Install a grudge (adds to whatever is in force).
    pub fn partition(&mut self, grudge: &Grudge) {
        for (dest, srcs) in grudge {
            self.grudge
                .entry(dest.clone())
                .or_default()
                .extend(srcs.iter().cloned());
        }
    }

    /// Empty the grudge table.
    pub fn heal(&mut self) {
        self.grudge.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opts::LatencyDist;
    use serde_json::json;

    fn net(lat: u64) -> Network {
        let mut n = Network::new(
            Latency::new(lat, LatencyDist::Constant).unwrap(),
            fastrand::Rng::with_seed(1),
        );
        for id in ["n0", "n1", "c0", "lin-kv"] {
            n.register(id);
        }
        n
    }

    const MS: u64 = 1_000_000;

    #[test]
    fn latency_only_between_non_clients_and_envelope_has_id_first() {
        let mut n = net(100);
        n.send("c0", "n0", json!({"type":"echo"}), 0).unwrap();
        match n.pump("n0", 0) {
            Pump::Deliver(m) => assert_eq!(
                m.to_line(),
                r#"{"id":0,"src":"c0","dest":"n0","body":{"type":"echo"}}"#
            ),
            p => panic!("{p:?}"),
        }
        n.send("n0", "lin-kv", json!({}), 0).unwrap();
        assert_eq!(n.pump("lin-kv", 0), Pump::Sleep(99 * MS));
        assert_eq!(n.pump("lin-kv", 50 * MS), Pump::Idle);
        assert!(matches!(n.pump("lin-kv", 100 * MS), Pump::Deliver(_)));
        assert_eq!(n.journal.events().len(), 4);
        assert!(n.send("n0", "c9", json!({}), 0).is_err());
        assert_eq!(n.messages_sent(), 3, "rejected sends consume an id");
        assert_eq!(
            n.journal.events().len(),
            4,
            "rejected sends are not journaled"
        );
    }

    #[test]
    fn head_of_line_blocking_delays_client_messages() {
        let mut n = net(100);
        n.send("n1", "n0", json!({"k":1}), 0).unwrap();
        assert_eq!(n.pump("n0", 0), Pump::Sleep(99 * MS));
        // A 0-latency client request arrives during the sleep: it waits.
        n.send("c0", "n0", json!({"k":2}), 10 * MS).unwrap();
        assert_eq!(n.pump("n0", 10 * MS), Pump::Idle);
        match n.pump("n0", 100 * MS) {
            Pump::Deliver(m) => assert_eq!(m.body, json!({"k":1})),
            p => panic!("{p:?}"),
        }
        match n.pump("n0", 100 * MS) {
            Pump::Deliver(m) => assert_eq!(m.body, json!({"k":2})),
            p => panic!("{p:?}"),
        }
    }

    #[test]
    fn partitions_are_checked_at_dequeue_and_only_by_grudge() {
        let mut n = net(10);
        let g: Grudge = [("n0".to_string(), ["n1".to_string()].into())].into();
        // Sent and taken before the partition: delivered.
        n.send("n1", "n0", json!(1), 0).unwrap();
        assert_eq!(n.pump("n0", 0), Pump::Sleep(9 * MS));
        n.partition(&g);
        assert!(matches!(n.pump("n0", 10 * MS), Pump::Deliver(_)));
        // Sent during the partition: dropped at dequeue, journaled as send only.
        n.send("n1", "n0", json!(2), 20 * MS).unwrap();
        assert_eq!(n.pump("n0", 20 * MS), Pump::Idle);
        // Other direction and clients are unaffected.
        n.send("n0", "n1", json!(3), 20 * MS).unwrap();
        assert_eq!(n.pump("n1", 20 * MS), Pump::Sleep(29 * MS));
        n.send("c0", "n0", json!(4), 20 * MS).unwrap();
        assert!(matches!(n.pump("n0", 20 * MS), Pump::Deliver(_)));
        n.heal();
        n.send("n1", "n0", json!(5), 40 * MS).unwrap();
        assert_eq!(n.pump("n0", 40 * MS), Pump::Sleep(49 * MS));
        let sends = n
            .journal
            .events()
            .iter()
            .filter(|e| e.kind == JournalKind::Send)
            .count();
        let recvs = n
            .journal
            .events()
            .iter()
            .filter(|e| e.kind == JournalKind::Recv)
            .count();
        assert_eq!((sends, recvs), (5, 2));
    }

    #[test]
    fn consumer_sleeps_whole_milliseconds_like_maelstrom() {
        // Taken 0.3 ms after the send: dt = 9.7 ms, Thread/sleep (long 9.7) = 9 ms.
        // fidelity N3: deliveries came at the exact deadline; found by the demo nodes.
        let mut n = net(10);
        n.send("n1", "n0", json!(1), 0).unwrap();
        assert_eq!(n.pump("n0", 300_000), Pump::Sleep(9_300_000));
        assert_eq!(n.pump("n0", 9_299_999), Pump::Idle);
        assert!(matches!(n.pump("n0", 9_300_000), Pump::Deliver(_)));
        // Less than a millisecond left: (long dt) = 0, delivered at once.
        n.send("n1", "n0", json!(2), 20 * MS).unwrap();
        assert!(matches!(n.pump("n0", 29_000_001), Pump::Deliver(_)));
        // Latency 1 ms: always delivered as soon as it is taken.
        let mut n = net(1);
        n.send("n1", "n0", json!(3), 0).unwrap();
        assert!(matches!(n.pump("n0", 0), Pump::Deliver(_)));
        assert_eq!(wake_time(5 * MS, 5 * MS), None);
        assert_eq!(wake_time(5 * MS, 6 * MS), None);
        assert_eq!(wake_time(7 * MS, 5 * MS), Some(6 * MS));
    }

    #[test]
    fn a_queue_past_its_cap_drops_sends_and_counts_them() {
        let mut n = net(0);
        let one = backlog::queued_bytes(&Message {
            id: 0,
            src: "n0".into(),
            dest: "n1".into(),
            body: json!({"k": 0}).into(),
            deadline_ns: 0,
        });
        n.per_queue_cap = 3 * one;
        n.total_cap = 5 * one;
        for k in 0..5 {
            n.send("n0", "n1", json!({"k": k}), k * MS).unwrap();
        }
        // Three fit; the fourth and fifth are journaled as sent, then dropped.
        let (b, waiting) = n.backlog("n1").unwrap();
        assert_eq!((waiting, b.dropped, b.first_drop_ns), (3, 2, Some(3 * MS)));
        assert!(!b.taken_after_drop);
        assert_eq!(n.journal.events().len(), 5);
        // The total cap: two more fit in another queue, the next is dropped.
        for k in 0..3 {
            n.send("n1", "n0", json!({"k": k}), 0).unwrap();
        }
        assert_eq!(n.backlog("n0").unwrap().0.dropped, 1);
        // Taking a message frees its room and says the node read again.
        assert!(matches!(n.pump("n1", 10 * MS), Pump::Deliver(_)));
        let (b, waiting) = n.backlog("n1").unwrap();
        assert_eq!((waiting, b.bytes), (2, 2 * one));
        assert!(b.taken_after_drop);
        n.send("n0", "n1", json!({"k": 9}), 11 * MS).unwrap();
        assert_eq!(n.backlog("n1").unwrap().1, 3);
        n.unregister("n1");
        n.send("n1", "n0", json!({"k": 3}), 0).ok();
        n.send("n0", "n0", json!({"k": 4}), 0).unwrap();
        assert_eq!(
            n.backlog("n0").unwrap().1,
            3,
            "unregistering freed its room"
        );
        // The bench's clients are not capped, and take no room.
        for k in 0..10 {
            n.send_from_client("c0", "n0", json!({"k": k}), 0).unwrap();
        }
        let (b, waiting) = n.backlog("n0").unwrap();
        assert_eq!((waiting, b.dropped, b.bytes), (13, 1, 3 * one));
    }

    #[test]
    fn a_node_queue_holds_bodies_as_text_several_times_smaller() {
        let mut n = net(0);
        n.register_node("n9");
        let body = json!({"type": "broadcast", "message": 5});
        n.send("n0", "n9", body.clone(), 0).unwrap();
        n.send("n0", "n1", body.clone(), 0).unwrap();
        let node = n.backlog("n9").unwrap().0.bytes;
        let other = n.backlog("n1").unwrap().0.bytes;
        assert!(node * 3 < other, "{node} vs {other} bytes");
        // What the node reads and what the journal records are unchanged.
        let (Pump::Deliver(a), Pump::Deliver(b)) = (n.pump("n9", 0), n.pump("n1", 0)) else {
            panic!("both due")
        };
        assert!(matches!(a.body, Body::Text(_)));
        assert_eq!(
            a.to_line(),
            r#"{"id":0,"src":"n0","dest":"n9","body":{"message":5,"type":"broadcast"}}"#
        );
        assert_eq!(a.body, b.body);
        let recvs: Vec<_> = n.journal.events()[2..].iter().map(|e| &e.body).collect();
        assert_eq!(recvs, [&body, &body]);
    }

    #[test]
    fn unregistered_inbox_discards() {
        let mut n = net(0);
        n.send("n0", "c0", json!(1), 0).unwrap();
        n.unregister("c0");
        assert_eq!(n.pump("c0", 0), Pump::Idle);
        assert!(n.send("n0", "c0", json!(2), 0).is_err());
    }
}
