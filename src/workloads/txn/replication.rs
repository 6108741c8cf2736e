//! Batched, acknowledged replication of committed transactions to every peer.
//!
//! Each node numbers its own commits 1, 2, 3, ... and keeps them in a log.
//! On every tick it sends each peer one `replicate` message carrying the
//! commits that peer has not been sent yet, plus a cumulative ack of the
//! commits received *from* that peer; nothing is sent on a tick with neither.
//! Commits unacknowledged after a retransmission timeout are sent again from
//! the first unacknowledged one (go-back-N), with exponential backoff while
//! the link stays silent; any message from the peer proves the link is back
//! and cuts the backoff short, so a healed partition is repaired within a
//! tick or two. Each message also says the highest commit number received
//! from the peer (`seen`); when that is above the cumulative ack the peer has
//! a hole (a lost batch), and the sender goes back at once instead of waiting
//! for the timeout. The receiver buffers commits that arrive out of order and
//! hands them to the store in sequence order, each one whole.

use super::store::{Committed, Version};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};

/// A commit on the wire: `[lamport, [[key, value], ...]]`. The writing node's
/// index comes from the message's `src`.
pub type WireTxn = (u64, Vec<(Value, Value)>);

/// Most commits carried by one message; the rest follow on the next ticks.
pub const MAX_BATCH: usize = 4096;

/// Commits further than this ahead of the next expected one are not buffered
/// (a well-behaved peer never sends such a gap; this bounds the buffer).
const MAX_GAP: u64 = 1 << 20;

/// Timing of the protocol, in ms of node time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Interval between two batches to one peer.
    pub tick: u64,
    /// Retransmission timeout when the link is healthy.
    pub rto: u64,
    /// Upper bound of the backed-off timeout.
    pub max_rto: u64,
}

impl Timing {
    /// Batching interval grows with the number of peers, so the messages per
    /// second of the whole cluster grow like n rather than n^2: 40 ms for 2
    /// nodes (≈ 50 server messages/s in total), 160 ms for 5.
    pub fn for_cluster(nodes: usize) -> Self {
        let peers = nodes.saturating_sub(1).max(1) as u64;
        let tick = 40 * peers;
        // An ack needs up to a tick on each side plus two network delays.
        let rto = 3 * tick + 50;
        Timing {
            tick,
            rto,
            max_rto: 1000.max(rto),
        }
    }
}

/// The fields of a received `replicate`.
#[derive(Clone, Debug, PartialEq)]
pub struct Incoming {
    pub first: u64,
    pub txns: Vec<WireTxn>,
    pub ack: u64,
    pub seen: u64,
}

/// One `replicate` message to send: to `dest`, commits numbered from `first`.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub dest: String,
    pub first: u64,
    pub txns: Vec<WireTxn>,
    /// Every commit of `dest` up to this number has been received.
    pub ack: u64,
    /// The highest commit number of `dest` received (above `ack` if some are
    /// missing).
    pub seen: u64,
}

/// What we send to one peer.
#[derive(Debug)]
struct Outbound {
    /// The peer has every commit up to this number.
    acked: u64,
    /// Commits up to this number have been sent (at least once since the last
    /// go-back).
    sent_upto: u64,
    rto: u64,
    /// When to resend from `acked + 1` if no ack progress happened by then.
    retransmit_at: Option<u64>,
    /// Earliest time a reported hole may trigger another go-back (the
    /// previous resend needs a round trip to show up in the peer's reports).
    next_hole_repair: u64,
}

/// What we receive from one peer.
#[derive(Debug, Default)]
struct Inbound {
    /// Every commit of the peer below this number has been applied.
    next: u64,
    /// Commits that arrived ahead of `next`.
    early: BTreeMap<u64, Committed>,
    /// Highest commit number received.
    seen: u64,
    /// A data message arrived since our last message to the peer.
    ack_owed: bool,
}

#[derive(Debug)]
struct Peer {
    id: String,
    index: u32,
    out: Outbound,
    inb: Inbound,
}

/// The replication state of one node.
#[derive(Debug)]
pub struct Replicator {
    timing: Timing,
    /// Own commits numbered `base + 1 ..= base + log.len()`; older ones were
    /// acknowledged by every peer and dropped.
    log: VecDeque<WireTxn>,
    base: u64,
    peers: Vec<Peer>,
}

impl Replicator {
    /// Replication from node `me` to every other node of `ids`.
    pub fn new(me: &str, ids: &[String], timing: Timing) -> Self {
        let peers = ids
            .iter()
            .enumerate()
            .filter(|(_, id)| id.as_str() != me)
            .map(|(i, id)| Peer {
                id: id.clone(),
                index: i as u32,
                out: Outbound {
                    acked: 0,
                    sent_upto: 0,
                    rto: timing.rto,
                    retransmit_at: None,
                    next_hole_repair: 0,
                },
                inb: Inbound {
                    next: 1,
                    ..Inbound::default()
                },
            })
            .collect();
        Replicator {
            timing,
            log: VecDeque::new(),
            base: 0,
            peers,
        }
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    pub fn has_peers(&self) -> bool {
        !self.peers.is_empty()
    }

    fn head(&self) -> u64 {
        self.base + self.log.len() as u64
    }

    /// Queues a local commit for every peer.
    pub fn record(&mut self, commit: &Committed) {
        if self.has_peers() {
            self.log
                .push_back((commit.version.lamport, commit.writes.clone()));
        } else {
            self.base += 1; // nobody to send it to: count it only
        }
    }

    /// The batches due at `now` (at most one per peer).
    pub fn on_tick(&mut self, now: u64) -> Vec<Batch> {
        let head = self.head();
        let max_rto = self.timing.max_rto;
        let mut batches = Vec::new();
        for p in &mut self.peers {
            let out = &mut p.out;
            if out.acked < out.sent_upto && out.retransmit_at.is_some_and(|t| now >= t) {
                out.sent_upto = out.acked;
                out.rto = (out.rto * 2).min(max_rto);
                out.retransmit_at = Some(now + out.rto);
            }
            let end = head.min(out.sent_upto + MAX_BATCH as u64);
            if end == out.sent_upto && !p.inb.ack_owed {
                continue;
            }
            let from = (out.sent_upto - self.base) as usize;
            let to = (end - self.base) as usize;
            let txns: Vec<WireTxn> = self.log.range(from..to).cloned().collect();
            if !txns.is_empty() && out.retransmit_at.is_none() {
                out.retransmit_at = Some(now + out.rto);
            }
            batches.push(Batch {
                dest: p.id.clone(),
                first: out.sent_upto + 1,
                txns,
                ack: p.inb.next - 1,
                seen: p.inb.seen.max(p.inb.next - 1),
            });
            out.sent_upto = end;
            p.inb.ack_owed = false;
        }
        batches
    }

    /// Handles a `replicate` from `src`: takes its ack, buffers its commits and
    /// returns, in order, the commits that are now ready to apply. Messages
    /// from unknown senders are ignored.
    pub fn on_batch(&mut self, src: &str, batch: Incoming, now: u64) -> Vec<Committed> {
        let Incoming {
            first,
            txns,
            ack,
            seen,
        } = batch;
        let head = self.head();
        let base_rto = self.timing.rto;
        let Some(p) = self.peers.iter_mut().find(|p| p.id == src) else {
            return Vec::new();
        };
        let out = &mut p.out;
        let ack = ack.min(head);
        if ack > out.acked {
            out.acked = ack;
            out.sent_upto = out.sent_upto.max(ack);
            out.rto = base_rto;
            out.retransmit_at = (out.acked < out.sent_upto).then_some(now + base_rto);
        } else if out.rto > base_rto && out.acked < out.sent_upto {
            // The link works again after a silence: resend on the next tick.
            out.rto = base_rto;
            out.retransmit_at = Some(now);
        }
        if seen.min(head) > out.acked && out.acked < out.sent_upto && now >= out.next_hole_repair {
            // The peer got later commits but not `acked + 1`: resend from there.
            out.sent_upto = out.acked;
            out.next_hole_repair = now + base_rto;
        }

        let inb = &mut p.inb;
        if !txns.is_empty() {
            inb.ack_owed = true;
        }
        for (i, (lamport, writes)) in txns.into_iter().enumerate() {
            let Some(seq) = first.checked_add(i as u64) else {
                break;
            };
            if seq < inb.next || seq - inb.next > MAX_GAP {
                continue;
            }
            let commit = Committed {
                version: Version {
                    lamport,
                    node: p.index,
                },
                writes,
            };
            inb.seen = inb.seen.max(seq);
            inb.early.insert(seq, commit);
        }
        let mut ready = Vec::new();
        while let Some(commit) = inb.early.remove(&inb.next) {
            ready.push(commit);
            inb.next += 1;
        }
        self.trim_log();
        ready
    }

    /// Drops commits every peer has acknowledged.
    fn trim_log(&mut self) {
        let all_acked = self.peers.iter().map(|p| p.out.acked).min().unwrap_or(0);
        while self.base < all_acked && self.log.pop_front().is_some() {
            self.base += 1;
        }
    }

    /// Own commits some peer has not acknowledged yet.
    pub fn unacked(&self) -> u64 {
        let least = self.peers.iter().map(|p| p.out.acked).min();
        least.map_or(0, |a| self.head() - a)
    }

    /// How many commits of `peer` have been applied here (None if not a peer).
    pub fn applied_from(&self, peer: &str) -> Option<u64> {
        self.peers
            .iter()
            .find(|p| p.id == peer)
            .map(|p| p.inb.next - 1)
    }

    /// Number of own commits so far.
    pub fn committed(&self) -> u64 {
        self.head()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids() -> Vec<String> {
        vec!["n0".into(), "n1".into()]
    }

    fn commit(lamport: u64, key: u64, value: u64) -> Committed {
        Committed {
            version: Version { lamport, node: 0 },
            writes: vec![(json!(key), json!(value))],
        }
    }

    fn deliver(to: &mut Replicator, from: &str, b: Batch, now: u64) -> Vec<Committed> {
        let batch = Incoming {
            first: b.first,
            txns: b.txns,
            ack: b.ack,
            seen: b.seen,
        };
        to.on_batch(from, batch, now)
    }

    #[test]
    fn a_lost_batch_is_resent_as_soon_as_the_peer_reports_the_hole() {
        let timing = Timing::for_cluster(2);
        let mut a = Replicator::new("n0", &ids(), timing);
        let mut b = Replicator::new("n1", &ids(), timing);
        a.record(&commit(1, 1, 1));
        let lost = a.on_tick(40);
        assert_eq!(lost.len(), 1);
        a.record(&commit(2, 1, 2));
        let second = a.on_tick(80).pop().unwrap();
        assert_eq!(second.first, 2);
        assert!(
            deliver(&mut b, "n0", second, 81).is_empty(),
            "2 waits for 1"
        );
        let report = b.on_tick(120).pop().unwrap();
        assert_eq!((report.ack, report.seen), (0, 2));
        deliver(&mut a, "n1", report, 121);
        // Well before the retransmission timeout, the next tick resends 1..=2.
        assert!(161 < 40 + timing.rto);
        let resend = a.on_tick(161).pop().unwrap();
        assert_eq!((resend.first, resend.txns.len()), (1, 2));
        let ready = deliver(&mut b, "n0", resend, 162);
        let values: Vec<_> = ready.iter().map(|c| c.writes[0].1.clone()).collect();
        assert_eq!(values, vec![json!(1), json!(2)]);
        let ack = b.on_tick(200).pop().unwrap();
        deliver(&mut a, "n1", ack, 201);
        assert_eq!(a.unacked(), 0);
        assert!(a.on_tick(240).is_empty(), "nothing to send, nothing owed");
    }

    #[test]
    fn silence_backs_off_and_a_message_from_the_peer_resumes_at_once() {
        let timing = Timing::for_cluster(2);
        let mut a = Replicator::new("n0", &ids(), timing);
        let mut b = Replicator::new("n1", &ids(), timing);
        a.record(&commit(1, 1, 1));
        let mut resends = Vec::new();
        for now in (40..5000).step_by(40) {
            for batch in a.on_tick(now) {
                if !batch.txns.is_empty() {
                    resends.push(now);
                }
            }
        }
        let gaps: Vec<u64> = resends.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "gaps grow: {gaps:?}");
        assert!(gaps.iter().all(|g| *g <= timing.max_rto + timing.tick));
        assert!(*gaps.last().unwrap() >= timing.max_rto);
        // The partition heals: b has something of its own to say.
        b.record(&commit(1, 2, 1));
        let hello = b.on_tick(5000).pop().unwrap();
        deliver(&mut a, "n1", hello, 5001);
        let resend = a.on_tick(5040).pop().unwrap();
        assert_eq!(
            resend.txns.len(),
            1,
            "resent on the first tick after the heal"
        );
    }

    #[test]
    fn acks_beyond_what_was_sent_and_strangers_are_harmless() {
        let timing = Timing::for_cluster(2);
        let mut a = Replicator::new("n0", &ids(), timing);
        a.record(&commit(1, 1, 1));
        let forged = Incoming {
            first: 1,
            txns: vec![],
            ack: u64::MAX,
            seen: u64::MAX,
        };
        assert!(a.on_batch("n1", forged.clone(), 1).is_empty());
        assert!(a.on_batch("n7", forged, 1).is_empty());
        assert_eq!(a.unacked(), 0);
        assert_eq!(a.committed(), 1);
    }
}
