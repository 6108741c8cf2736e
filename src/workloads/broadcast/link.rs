//! One direction-pair of gossip with one peer: numbered deltas,
//! acknowledgements that ride on messages sent anyway, and retransmission
//! of whatever stays unacknowledged.
//!
//! Every gossip message that carries values has a sequence number (per
//! link). The receiver owes an acknowledgement for it; owed acks go out on
//! the next gossip to that peer, or alone after `ack_delay_ms` if nothing
//! else is sent. A sender keeps each numbered delta until it is acked; when
//! the oldest is older than the retransmission timeout (which doubles, up to
//! a cap, while the peer stays silent) all of them are merged into one new
//! numbered delta, so a partition costs one message per link per timeout,
//! not one per lost message. The first message heard from a peer after a
//! silence that long triggers the resend at once, so a healed link catches
//! up without waiting for the timer.
//!
//! With a latency budget (`measure`), every message that carries acks also
//! says how long the newest of them was held (`held`, ms), so the sender of
//! that delta gets a round trip of two hops, `now - sent_at - held`, from
//! its own clock alone (`take_round_trip`).

use super::config::Config;
use super::elem::Elem;
use super::Gossip;
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;

/// A numbered delta awaiting its acknowledgement.
struct Outstanding {
    values: Rc<[Elem]>,
    sent_at: u64,
}

/// Reliable delta gossip with one peer.
pub struct Link {
    next_seq: u64,
    unacked: BTreeMap<u64, Outstanding>,
    /// Sequence numbers received from the peer and not yet acknowledged.
    owed: Vec<u64>,
    /// When the oldest owed acknowledgement was recorded.
    owed_since: u64,
    /// When a message last arrived from the peer.
    last_heard: u64,
    /// Current retransmission timeout.
    rto: u64,
    /// Whether acks say how long they were held (for round trips).
    measure: bool,
    /// When the newest owed seq (the last of `owed`) arrived.
    newest_owed_at: u64,
    /// The last round trip measured and not yet taken.
    round_trip: Option<u64>,
}

impl Link {
    pub fn new(now: u64, config: &Config) -> Self {
        Link {
            next_seq: 1,
            unacked: BTreeMap::new(),
            owed: Vec::new(),
            owed_since: 0,
            last_heard: now,
            rto: config.retransmit_ms,
            measure: config.budget_ms.is_some(),
            newest_owed_at: now,
            round_trip: None,
        }
    }

    /// A numbered delta carrying `values` and every owed acknowledgement.
    pub fn send(&mut self, values: Rc<[Elem]>, now: u64) -> Gossip {
        let seq = self.next_seq;
        self.next_seq += 1;
        let held = self.held(now);
        let body = Gossip {
            seq: Some(seq),
            values: Some(values.to_vec()),
            acks: self.take_owed(),
            held,
            waited: None,
        };
        self.unacked.insert(
            seq,
            Outstanding {
                values,
                sent_at: now,
            },
        );
        body
    }

    /// Handles the link part of a message from the peer (its acks and its
    /// sequence number). Returns a resend of everything unacknowledged if the
    /// peer had been silent for a whole retransmission timeout: the link
    /// was down and has just come back.
    pub fn on_receive(&mut self, msg: &Gossip, now: u64, config: &Config) -> Option<Gossip> {
        let silent_for = now.saturating_sub(self.last_heard);
        self.last_heard = now;
        if let Some(acks) = &msg.acks {
            if let (Some(held), Some(newest)) = (msg.held, acks.last()) {
                if let Some(o) = self.unacked.get(newest) {
                    self.round_trip = Some(now.saturating_sub(o.sent_at).saturating_sub(held));
                }
            }
            let before = self.unacked.len();
            for seq in acks {
                self.unacked.remove(seq);
            }
            if self.unacked.len() < before {
                self.rto = config.retransmit_ms;
            }
        }
        if let Some(seq) = msg.seq {
            if self.owed.is_empty() {
                self.owed_since = now;
            }
            // Ack duplicates too: the peer may have lost our first ack.
            if !self.owed.contains(&seq) {
                self.owed.push(seq);
                self.newest_owed_at = now;
            }
        }
        if silent_for >= config.retransmit_ms && !self.unacked.is_empty() {
            return Some(self.resend(now));
        }
        None
    }

    /// Housekeeping at `now`: a resend if the oldest unacknowledged delta
    /// timed out, else a lone acknowledgement if one has waited too long.
    pub fn poll(&mut self, now: u64, config: &Config) -> Option<Gossip> {
        let oldest = self.unacked.values().map(|o| o.sent_at).min();
        if oldest.is_some_and(|t| now >= t + self.rto) {
            let msg = self.resend(now);
            self.rto = (self.rto * 2).min(config.max_retransmit_ms());
            return Some(msg);
        }
        if !self.owed.is_empty() && now >= self.owed_since + config.ack_delay_ms {
            let held = self.held(now);
            return Some(Gossip {
                seq: None,
                values: None,
                acks: self.take_owed(),
                held,
                waited: None,
            });
        }
        None
    }

    /// Number of values sent and not yet acknowledged (with repeats).
    pub fn unacked_values(&self) -> usize {
        self.unacked.values().map(|o| o.values.len()).sum()
    }

    /// The round trip measured by the last acks received, once.
    pub fn take_round_trip(&mut self) -> Option<u64> {
        self.round_trip.take()
    }

    /// How long the newest owed ack has been held, if acks are owed and
    /// this link measures.
    fn held(&self, now: u64) -> Option<u64> {
        (self.measure && !self.owed.is_empty()).then(|| now.saturating_sub(self.newest_owed_at))
    }

    /// Whether acknowledgements are waiting to be sent.
    #[cfg(test)]
    pub fn owes_acks(&self) -> bool {
        !self.owed.is_empty()
    }

    /// Merges every unacknowledged delta into one new numbered delta.
    fn resend(&mut self, now: u64) -> Gossip {
        let mut seen = HashSet::new();
        let merged: Vec<Elem> = std::mem::take(&mut self.unacked)
            .into_values()
            .flat_map(|o| o.values.to_vec())
            .filter(|v| seen.insert(v.clone()))
            .collect();
        self.send(merged.into(), now)
    }

    fn take_owed(&mut self) -> Option<Vec<u64>> {
        if self.owed.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.owed))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config {
            batch_ms: 0,
            uplink_ms: 0,
            ack_delay_ms: 100,
            retransmit_ms: 1000,
            ..Config::default()
        }
    }

    fn vals(ns: &[i64]) -> Rc<[Elem]> {
        ns.iter().map(|&n| Elem::from(n)).collect()
    }

    #[test]
    fn acks_ride_on_the_next_delta() {
        let c = cfg();
        let (mut a, mut b) = (Link::new(0, &c), Link::new(0, &c));
        let m = a.send(vals(&[1]), 0);
        assert_eq!(m.seq, Some(1));
        assert!(b.on_receive(&m, 10, &c).is_none());
        assert!(b.owes_acks());
        let reply = b.send(vals(&[2]), 20);
        assert_eq!(reply.acks, Some(vec![1]));
        assert!(!b.owes_acks());
        a.on_receive(&reply, 30, &c);
        assert_eq!(a.unacked_values(), 0);
    }

    #[test]
    fn a_lone_ack_goes_out_after_the_delay() {
        let c = cfg();
        let (mut a, mut b) = (Link::new(0, &c), Link::new(0, &c));
        b.on_receive(&a.send(vals(&[1]), 0), 10, &c);
        assert!(b.poll(109, &c).is_none());
        let ack = b.poll(110, &c).expect("lone ack");
        assert_eq!((ack.seq, ack.values, ack.acks), (None, None, Some(vec![1])));
        assert!(
            b.poll(500, &c).is_none(),
            "an ack-only message is never acked"
        );
    }

    #[test]
    fn unacked_deltas_are_merged_and_resent_with_backoff() {
        let c = cfg();
        let mut a = Link::new(0, &c);
        a.send(vals(&[1, 2]), 0);
        a.send(vals(&[2, 3]), 50);
        assert!(a.poll(999, &c).is_none());
        let r = a.poll(1000, &c).expect("resend");
        assert_eq!(r.seq, Some(3));
        assert_eq!(r.values, Some(vals(&[1, 2, 3]).to_vec()));
        assert_eq!(a.unacked_values(), 3);
        // The timeout doubled (capped at 2x): nothing at +1000, resend at +2000.
        assert!(a.poll(1999, &c).is_none());
        assert!(a.poll(2999, &c).is_none());
        assert_eq!(a.poll(3000, &c).and_then(|m| m.seq), Some(4));
        assert_eq!(a.poll(5000, &c).and_then(|m| m.seq), Some(5));
    }

    #[test]
    fn hearing_from_a_silent_peer_resends_at_once() {
        let c = cfg();
        let mut a = Link::new(0, &c);
        a.send(vals(&[7]), 0);
        let hello = Gossip {
            seq: None,
            values: None,
            acks: None,
            held: None,
            waited: None,
        };
        assert!(a.on_receive(&hello, 500, &c).is_none(), "not silent long");
        let r = a
            .on_receive(&hello, 1600, &c)
            .expect("resend after silence");
        assert_eq!(r.values, Some(vals(&[7]).to_vec()));
    }

    #[test]
    fn an_ack_for_a_superseded_delta_changes_nothing() {
        let c = cfg();
        let mut a = Link::new(0, &c);
        a.send(vals(&[1]), 0);
        a.poll(1000, &c).expect("resend as seq 2");
        let late = Gossip {
            seq: None,
            values: None,
            acks: Some(vec![1, 99]),
            held: None,
            waited: None,
        };
        a.on_receive(&late, 1100, &c);
        assert_eq!(a.unacked_values(), 1);
    }

    #[test]
    fn acks_that_say_how_long_they_were_held_give_round_trips() {
        let c = Config {
            budget_ms: Some(500),
            ..cfg()
        };
        let (mut a, mut b) = (Link::new(0, &c), Link::new(0, &c));
        let m1 = a.send(vals(&[1]), 0);
        assert_eq!(m1.held, None, "nothing owed, nothing held");
        b.on_receive(&m1, 100, &c);
        let m2 = a.send(vals(&[2]), 30);
        b.on_receive(&m2, 130, &c);
        // b's reply 170 ms after the newest (seq 2) arrived.
        let reply = b.send(vals(&[9]), 300);
        assert_eq!(
            (reply.acks.clone(), reply.held),
            (Some(vec![1, 2]), Some(170))
        );
        a.on_receive(&reply, 400, &c);
        assert_eq!(a.take_round_trip(), Some(400 - 30 - 170));
        assert_eq!(a.take_round_trip(), None, "taken once");
        // A lone ack says it too.
        let lone = a.poll(400 + 100, &c).expect("lone ack");
        assert_eq!(lone.held, Some(100));
        // Without a budget the wire format is unchanged.
        let (mut x, mut y) = (Link::new(0, &cfg()), Link::new(0, &cfg()));
        y.on_receive(&x.send(vals(&[1]), 0), 10, &cfg());
        assert_eq!(y.send(vals(&[2]), 50).held, None);
    }
}
