//! The latency budget (`BROADCAST_LATENCY_BUDGET_MS`): instead of hand-set
//! windows, a node is given the longest a value may take to reach every node
//! and spends it on batching, where batching saves the most messages.
//!
//! A value from a leaf's client travels: wait at the leaf (uplink window),
//! one hop to the hub, wait at the hub (until the hub's batch is due), one
//! hop to every leaf. So it has reached every node within
//! `uplink wait + hub wait + 2 hops`, which bounds the stable latency any
//! read can observe. The controller keeps
//!
//! `uplink wait + hub wait <= budget - 2 * hop - margin`
//!
//! where `hop` is measured as the node runs: acknowledgements carry how long
//! the receiver held them (`held`), so an ack gives a round trip of two hops
//! (`now - sent_at - held`), measured on this node's clock alone. The
//! estimate is half the largest round trip among the recent ones, so a
//! network with a long tail gets a long allowance. Until a round trip has
//! been measured the slack is zero (no batching): the budget is never spent
//! on a guess.
//!
//! How the slack is split. Leaf uplinks cost `1 / (W_u + 1/λ_leaf)` messages
//! a second per leaf (a window opens at the first value and the next value
//! comes `1/λ` later on average); the hub's fan-outs cost
//! `(n-1) / (W_h + 1/λ_hub)`. With `W_u + W_h = slack`, the sum is least when
//! `W_u + 1/λ_leaf = W_h + 1/λ_hub`, i.e.
//! `W_u = (slack + 1/λ_hub - 1/λ_leaf) / 2`, clamped to `[0, slack]`. A leaf
//! measures both rates itself: its clients' values (`λ_leaf`) and all new
//! values it learns (`λ_hub`: what the hub receives, it forwards). A quiet
//! leaf therefore sends each value at once and leaves the slack to the hub.
//!
//! The split need not be agreed: every uplink carries how long its oldest
//! value waited at the leaf (`waited`), and the hub gives each value
//! `budget - waited - 2 * hop - margin` more at most, flushing its batch at
//! the earliest such deadline. Whatever a leaf does, the hub closes the gap.
//!
//! Counting the last hop or not (`BROADCAST_BUDGET_HOPS`). With both hops
//! counted (the default) the budget bounds delivery to every node, on any
//! network. Maelstrom's stable latency does not see the last hop: a node's
//! inbox sleeps until the deadline of the message at its head (net.clj
//! `recv!`), so a read that reaches a leaf while a fan-out to it is in
//! flight is delivered after the fan-out. `BROADCAST_BUDGET_HOPS=1` spends
//! that hop on batching too: the budget then bounds Maelstrom's stable
//! latency rather than delivery.
//!
//! Everything is a function of the `now` values passed in: no clock is read,
//! so a run is deterministic for a seed.

use std::collections::VecDeque;

/// How many recent round trips the hop estimate looks at.
const RTT_SAMPLES: usize = 256;
/// How far back arrival rates are measured (ms).
const RATE_SPAN_MS: u64 = 5_000;
/// Arrivals kept for the rate estimate (enough for 5 s at 20 000 values/s).
const MAX_ARRIVALS: usize = 100_000;

/// Recent arrival times, for a rate.
#[derive(Clone, Debug, Default)]
struct Arrivals {
    at: VecDeque<u64>,
}

impl Arrivals {
    fn record(&mut self, now: u64) {
        self.at.push_back(now);
        if self.at.len() > MAX_ARRIVALS {
            self.at.pop_front();
        }
    }

    /// Mean gap between arrivals (ms) over the last `RATE_SPAN_MS` (or since
    /// `start`, if that is shorter); `None` if nothing arrived in it.
    fn mean_gap_ms(&mut self, now: u64, start: u64) -> Option<f64> {
        let from = now.saturating_sub(RATE_SPAN_MS).max(start);
        while self.at.front().is_some_and(|&t| t < from) {
            self.at.pop_front();
        }
        let span = (now - from).max(1) as f64;
        let n = self.at.len();
        (n > 0).then(|| span / n as f64)
    }
}

/// The budget controller of one node: measured hop latency and arrival
/// rates in, windows out.
#[derive(Clone, Debug)]
pub struct Budget {
    budget_ms: u64,
    /// Whether the last hop of a value's path counts against the budget.
    last_hop: bool,
    start: u64,
    rtts: VecDeque<u64>,
    /// Values from this node's own clients.
    own: Arrivals,
    /// Every value new to this node.
    all: Arrivals,
}

impl Budget {
    pub fn new(budget_ms: u64, now: u64) -> Self {
        Budget {
            budget_ms,
            last_hop: true,
            start: now,
            rtts: VecDeque::new(),
            own: Arrivals::default(),
            all: Arrivals::default(),
        }
    }

    /// The budget (ms).
    pub fn budget_ms(&self) -> u64 {
        self.budget_ms
    }

    /// Leaves the last hop of every path out of the budget
    /// (`BROADCAST_BUDGET_HOPS=1`, see the module comment).
    pub fn without_last_hop(mut self) -> Self {
        self.last_hop = false;
        self
    }

    /// A measured round trip (two hops), in ms.
    pub fn on_round_trip(&mut self, rtt_ms: u64) {
        self.rtts.push_back(rtt_ms);
        if self.rtts.len() > RTT_SAMPLES {
            self.rtts.pop_front();
        }
    }

    /// A value new to this node arrived at `now`; `own` if from its client.
    pub fn on_value(&mut self, now: u64, own: bool) {
        self.all.record(now);
        if own {
            self.own.record(now);
        }
    }

    /// Estimated one-way hop latency: half the largest recent round trip,
    /// rounded up. `None` before the first round trip.
    pub fn hop_ms(&self) -> Option<u64> {
        self.rtts.iter().max().map(|&r| r.div_ceil(2))
    }

    /// Kept back for timer granularity and estimate noise: 5 % + 2 ms.
    pub fn margin_ms(&self) -> u64 {
        self.budget_ms / 20 + 2
    }

    /// What a value may spend waiting in windows after `hops` hops are
    /// allowed for (one fewer without the last hop): `budget - hops * hop -
    /// margin`, 0 before any round trip if any hop counts.
    pub fn slack_ms(&self, hops: u64) -> u64 {
        let hops = if self.last_hop {
            hops
        } else {
            hops.saturating_sub(1)
        };
        match self.hop_ms() {
            None if hops > 0 => 0,
            None => self.budget_ms.saturating_sub(self.margin_ms()),
            Some(h) => self
                .budget_ms
                .saturating_sub(hops * h)
                .saturating_sub(self.margin_ms()),
        }
    }

    /// A leaf's uplink window at `now`: the cost-minimising share of the
    /// two-hop slack (see the module comment).
    pub fn uplink_window_ms(&mut self, now: u64) -> u64 {
        let slack = self.slack_ms(2);
        let Some(own_gap) = self.own.mean_gap_ms(now, self.start) else {
            return 0;
        };
        let hub_gap = self.all.mean_gap_ms(now, self.start).unwrap_or(own_gap);
        let w = (slack as f64 + hub_gap - own_gap) / 2.0;
        w.clamp(0.0, slack as f64) as u64
    }

    /// How much longer the hub may hold a value that has already waited
    /// `waited` ms in a leaf's window: `hops` is 2 for a leaf's value (the
    /// uplink it took and the fan-out to come), 1 for the hub's own.
    pub fn hub_wait_ms(&self, waited: u64, hops: u64) -> u64 {
        self.slack_ms(hops).saturating_sub(waited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_batching_before_a_round_trip_is_measured() {
        let mut b = Budget::new(550, 0);
        b.on_value(10, true);
        assert_eq!(b.hop_ms(), None);
        assert_eq!(b.slack_ms(2), 0);
        assert_eq!(b.uplink_window_ms(20), 0);
        assert_eq!(b.hub_wait_ms(0, 2), 0);
    }

    #[test]
    fn slack_is_the_budget_less_two_hops_and_the_margin() {
        let mut b = Budget::new(550, 0);
        b.on_round_trip(200);
        b.on_round_trip(199);
        assert_eq!(b.hop_ms(), Some(100));
        assert_eq!(b.margin_ms(), 29);
        assert_eq!(b.slack_ms(2), 550 - 200 - 29);
        assert_eq!(b.slack_ms(1), 550 - 100 - 29);
        // A value that waited 100 ms at its leaf leaves the hub the rest.
        assert_eq!(b.hub_wait_ms(100, 2), 321 - 100);
        assert_eq!(b.hub_wait_ms(400, 2), 0, "over budget: forward at once");
    }

    #[test]
    fn the_hop_follows_the_largest_recent_round_trip() {
        let mut b = Budget::new(1000, 0);
        b.on_round_trip(900);
        for _ in 0..RTT_SAMPLES - 1 {
            b.on_round_trip(100);
        }
        assert_eq!(b.hop_ms(), Some(450), "a tail is remembered for a while");
        b.on_round_trip(101);
        assert_eq!(b.hop_ms(), Some(51), "then forgotten");
    }

    #[test]
    fn a_budget_smaller_than_two_hops_means_no_batching() {
        let mut b = Budget::new(150, 0);
        b.on_round_trip(200);
        assert_eq!(b.slack_ms(2), 0);
        assert_eq!(b.hub_wait_ms(0, 1), 150 - 100 - 9);
    }

    /// At 3d's load a leaf gets a value every 500 ms and the hub every
    /// 20 ms: the leaf takes about half the slack, less the gap difference.
    #[test]
    fn a_busy_leaf_batches_and_a_quiet_one_does_not() {
        let mut b = Budget::new(1900, 0);
        b.on_round_trip(200);
        let slack = b.slack_ms(2); // 1900 - 200 - 97
        assert_eq!(slack, 1603);
        for t in (0..10_000).step_by(20) {
            b.on_value(t, t % 500 == 0);
        }
        let w = b.uplink_window_ms(10_000);
        let want = (1603.0 + 20.0 - 500.0) / 2.0;
        assert!((w as f64 - want).abs() <= 2.0, "{w} vs {want}");

        // Nothing from its own clients for 5 s: no window.
        assert_eq!(b.uplink_window_ms(15_001), 0);

        // A leaf whose clients send as fast as the hub sees values splits
        // the slack evenly.
        let mut even = Budget::new(1900, 0);
        even.on_round_trip(200);
        for t in (0..5_000).step_by(20) {
            even.on_value(t, true);
        }
        assert_eq!(even.uplink_window_ms(5_000), slack / 2);
    }

    #[test]
    fn the_uplink_window_never_exceeds_the_slack() {
        let mut b = Budget::new(400, 0);
        b.on_round_trip(100);
        // The leaf is the only source: own gap = hub gap, but a tiny budget.
        for t in 0..100 {
            b.on_value(t, true);
        }
        assert!(b.uplink_window_ms(100) <= b.slack_ms(2));
        let mut tight = Budget::new(200, 0);
        tight.on_round_trip(400);
        tight.on_value(0, true);
        assert_eq!(tight.uplink_window_ms(1), 0);
    }

    #[test]
    fn rates_forget_arrivals_older_than_the_span() {
        let mut a = Arrivals::default();
        for t in [0, 100, 200, 6_000] {
            a.record(t);
        }
        // Over (1000, 6000]: one arrival in 5000 ms.
        assert_eq!(a.mean_gap_ms(6_000, 0), Some(5_000.0));
        // Since start at 5900: 100 ms, one arrival.
        let mut b = Arrivals::default();
        b.record(5_950);
        assert_eq!(b.mean_gap_ms(6_000, 5_900), Some(100.0));
        assert_eq!(Arrivals::default().mean_gap_ms(10, 0), None);
    }

    #[test]
    fn without_the_last_hop_one_hop_fewer_is_kept_back() {
        let mut b = Budget::new(400, 0).without_last_hop();
        assert_eq!(b.slack_ms(2), 0, "a hop still counts: none measured yet");
        assert_eq!(
            b.slack_ms(1),
            400 - 22,
            "the hub's own values: no hop counts"
        );
        b.on_round_trip(200);
        assert_eq!(b.slack_ms(2), 400 - 100 - 22);
        assert_eq!(b.hub_wait_ms(50, 2), 400 - 100 - 22 - 50);
    }
}
