//! One peer's link in delta-state anti-entropy: what the peer has
//! acknowledged, when to send it what it lacks, and which ack we owe it.
//!
//! Our local updates are numbered 1, 2, ... (the replica's `version`). A
//! gossip to a peer carries the join of every update the peer has not
//! acknowledged (`acked + 1 ..= version`) under `seq = version`; the peer
//! acknowledges the largest `seq` it received. Because each message covers
//! everything from the peer's last ack, receiving message `seq` means having
//! every update up to `seq`, even if earlier messages were lost or arrive
//! later (Almeida, Shoker, Baquero, "Delta State Replicated Data Types",
//! 2018, algorithm 2, with acks riding on gossip).

use super::config::Config;

/// What a link should send now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// Every update the peer lacks (with any owed ack).
    Updates,
    /// Only the owed acknowledgement.
    Ack,
}

/// The state of one link.
#[derive(Clone, Debug)]
pub struct Peer {
    /// The peer has our updates `1..=acked`.
    acked: u64,
    /// The largest version a message to the peer carried.
    sent: u64,
    /// When the last message with updates left (None: never).
    last_sent: Option<u64>,
    /// When a message last arrived from the peer.
    last_heard: u64,
    /// The largest `seq` received from the peer and not yet acknowledged,
    /// and since when it waits.
    owed: Option<(u64, u64)>,
}

impl Peer {
    pub fn new(now: u64) -> Self {
        Peer {
            acked: 0,
            sent: 0,
            last_sent: None,
            last_heard: now,
            owed: None,
        }
    }

    /// How many of our updates the peer has.
    pub fn acked(&self) -> u64 {
        self.acked
    }

    /// Whether the link looks down: updates went out and nothing at all came
    /// back for a whole retransmission timeout.
    fn down(&self, now: u64, config: &Config) -> bool {
        self.sent > self.acked && now.saturating_sub(self.last_heard) >= config.retransmit_ms
    }

    /// Records a message from the peer (its `seq` if it carried updates, its
    /// `ack` if any). Returns true when the link had looked down and we have
    /// updates for the peer: send them now, it is back.
    pub fn on_receive(
        &mut self,
        seq: Option<u64>,
        ack: Option<u64>,
        version: u64,
        now: u64,
        config: &Config,
    ) -> bool {
        let was_down = self.down(now, config);
        self.last_heard = now;
        if let Some(ack) = ack {
            // An ack beyond our version is nonsense; never trust it past it.
            self.acked = self.acked.max(ack.min(version));
        }
        if let Some(seq) = seq {
            self.owed = Some(match self.owed {
                Some((owed, since)) => (owed.max(seq), since),
                None => (seq, now),
            });
        }
        was_down && self.acked < version
    }

    /// What to send at `now`, given our `version`.
    ///
    /// Updates the peer lacks go out once per gossip window while the link
    /// is up; a message that stays unacknowledged is resent after the
    /// retransmission timeout; while the link looks down, only that resend
    /// goes out (one message per timeout, however many updates arrive).
    pub fn due(&self, version: u64, now: u64, config: &Config) -> Option<Due> {
        if self.acked < version {
            let since_sent = self.last_sent.map(|t| now.saturating_sub(t));
            let overdue = since_sent.is_none_or(|d| d >= config.retransmit_ms);
            let window_over = since_sent.is_none_or(|d| d >= config.gossip_ms);
            let unsent = version > self.sent;
            let send = if self.down(now, config) {
                overdue
            } else {
                overdue || (unsent && window_over)
            };
            if send {
                return Some(Due::Updates);
            }
        }
        match self.owed {
            Some((_, since)) if now.saturating_sub(since) >= config.ack_delay_ms => Some(Due::Ack),
            _ => None,
        }
    }

    /// Records that updates up to `version` went out at `now`.
    pub fn sent_updates(&mut self, version: u64, now: u64) {
        self.sent = self.sent.max(version);
        self.last_sent = Some(now);
    }

    /// The ack to put on the next message, if one is owed.
    pub fn take_ack(&mut self) -> Option<u64> {
        self.owed.take().map(|(seq, _)| seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config {
            gossip_ms: 1000,
            ack_delay_ms: 1000,
            retransmit_ms: 3000,
        }
    }

    #[test]
    fn new_updates_go_out_once_per_window() {
        let c = cfg();
        let mut p = Peer::new(0);
        assert_eq!(p.due(0, 10, &c), None, "nothing to send");
        assert_eq!(p.due(1, 10, &c), Some(Due::Updates), "first update at once");
        p.sent_updates(1, 10);
        assert_eq!(p.due(3, 500, &c), None, "inside the window");
        assert_eq!(p.due(3, 1010, &c), Some(Due::Updates));
        p.sent_updates(3, 1010);
        p.on_receive(None, Some(3), 3, 1100, &c);
        assert_eq!(p.acked(), 3);
        assert_eq!(p.due(3, 9000, &c), None, "all acknowledged");
    }

    #[test]
    fn unacknowledged_updates_are_resent_after_the_timeout() {
        let c = cfg();
        let mut p = Peer::new(0);
        p.sent_updates(2, 0);
        // The peer is alive (it talks) but never saw our message.
        p.on_receive(Some(7), None, 2, 1500, &c);
        assert_eq!(p.due(2, 2499, &c), None);
        assert_eq!(
            p.due(2, 2500, &c),
            Some(Due::Ack),
            "the ack is owed since 1500"
        );
        assert_eq!(p.take_ack(), Some(7));
        assert_eq!(p.due(2, 2999, &c), None);
        assert_eq!(p.due(2, 3000, &c), Some(Due::Updates));
        // An ack for the first message does not cover later updates.
        p.sent_updates(4, 3000);
        p.on_receive(None, Some(2), 4, 3100, &c);
        assert_eq!(p.acked(), 2);
        assert_eq!(p.due(4, 5999, &c), None);
        assert_eq!(p.due(4, 6000, &c), Some(Due::Updates));
    }

    #[test]
    fn a_down_link_sends_once_per_timeout_and_resends_when_the_peer_is_back() {
        let c = cfg();
        let mut p = Peer::new(0);
        p.sent_updates(1, 0);
        // Silent for 3 s: down. New updates no longer go out every window.
        assert_eq!(p.due(5, 3000, &c), Some(Due::Updates));
        p.sent_updates(5, 3000);
        assert_eq!(p.due(9, 4000, &c), None, "down: no window sends");
        assert_eq!(p.due(9, 5999, &c), None);
        assert_eq!(p.due(9, 6000, &c), Some(Due::Updates));
        p.sent_updates(9, 6000);
        // The first message heard says the link is back: resend at once.
        assert!(p.on_receive(Some(4), None, 9, 7000, &c));
        assert!(!p.on_receive(Some(5), None, 9, 7001, &c), "only once");
    }

    #[test]
    fn acks_are_the_largest_seq_and_never_beyond_our_version() {
        let c = cfg();
        let mut p = Peer::new(0);
        p.on_receive(Some(5), None, 0, 10, &c);
        p.on_receive(Some(3), None, 0, 20, &c);
        assert_eq!(p.due(0, 1009, &c), None, "owed since the first, at 10");
        assert_eq!(p.due(0, 1010, &c), Some(Due::Ack));
        assert_eq!(p.take_ack(), Some(5));
        assert_eq!(p.take_ack(), None);
        p.sent_updates(2, 30);
        p.on_receive(None, Some(99), 2, 40, &c);
        assert_eq!(p.acked(), 2);
        p.on_receive(None, Some(1), 2, 50, &c);
        assert_eq!(p.acked(), 2, "a late, smaller ack changes nothing");
    }
}
