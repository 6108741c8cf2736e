//! The knobs that trade messages for latency, read from the environment so
//! a real Maelstrom run can set them as well as the embedded bench.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BROADCAST_BATCH_MS` | 300 | longest a value waits at the hub before the hub fans it out to every leaf (one message per leaf per fan-out) |
//! | `BROADCAST_UPLINK_MS` | 0 | longest a value waits at a leaf before the leaf sends it to the hub |
//! | `BROADCAST_ACK_DELAY_MS` | 1000 | longest an acknowledgement waits for a message to ride on before it is sent alone |
//! | `BROADCAST_RETRANSMIT_MS` | 2000 | unacknowledged values are sent again after this, doubling up to 2x while the peer stays silent |
//! | `BROADCAST_LATENCY_BUDGET_MS` | unset | longest a value may take to reach every node: the windows are then set by the node (`budget.rs`), except those given explicitly; a budget over 1000 also raises the ack delay to the budget and the retransmission timeout to 1 s more than that |
//! | `BROADCAST_BUDGET_HOPS` | 2 | hops of a leaf's value the budget keeps back: 2 bounds delivery to every node; 1 leaves out the last hop, which Maelstrom's stable latency does not see |

use crate::workloads::knobs::{Knobs, Ms};

/// Timing of a broadcast node, in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Hub fan-out window (`BROADCAST_BATCH_MS`). 0 fans out every value as
    /// soon as it arrives.
    pub batch_ms: u64,
    /// Leaf uplink window (`BROADCAST_UPLINK_MS`).
    pub uplink_ms: u64,
    /// Standalone acknowledgement delay (`BROADCAST_ACK_DELAY_MS`).
    pub ack_delay_ms: u64,
    /// First retransmission timeout (`BROADCAST_RETRANSMIT_MS`).
    pub retransmit_ms: u64,
    /// Latency budget (`BROADCAST_LATENCY_BUDGET_MS`): when set, the node
    /// chooses the windows that were not set explicitly.
    pub budget_ms: Option<u64>,
    /// Hops of a leaf's value the budget keeps back
    /// (`BROADCAST_BUDGET_HOPS`): 2, or 1 to leave out the last.
    pub budget_hops: u64,
    /// Whether `BROADCAST_BATCH_MS` was set (it then overrides the budget).
    pub batch_fixed: bool,
    /// Whether `BROADCAST_UPLINK_MS` was set (it then overrides the budget).
    pub uplink_fixed: bool,
}

// The knobs: variable, default and accepted values, each in one place.
const BATCH: Ms = Ms {
    name: "BROADCAST_BATCH_MS",
    default: 300,
    range: 0..=600_000,
};
const UPLINK: Ms = Ms {
    name: "BROADCAST_UPLINK_MS",
    default: 0,
    range: 0..=600_000,
};
const ACK_DELAY: Ms = Ms {
    name: "BROADCAST_ACK_DELAY_MS",
    default: 1000,
    range: 0..=600_000,
};
const RETRANSMIT: Ms = Ms {
    name: "BROADCAST_RETRANSMIT_MS",
    default: 2000,
    range: 0..=600_000,
};
/// Unset by default (0 stands for "no budget" and is refused).
const LATENCY_BUDGET: Ms = Ms {
    name: "BROADCAST_LATENCY_BUDGET_MS",
    default: 0,
    range: 1..=600_000,
};
const BUDGET_HOPS: Ms = Ms {
    name: "BROADCAST_BUDGET_HOPS",
    default: 2,
    range: 1..=2,
};

impl Default for Config {
    fn default() -> Self {
        Config {
            batch_ms: BATCH.default,
            uplink_ms: UPLINK.default,
            ack_delay_ms: ACK_DELAY.default,
            retransmit_ms: RETRANSMIT.default,
            budget_ms: None,
            budget_hops: BUDGET_HOPS.default,
            batch_fixed: false,
            uplink_fixed: false,
        }
    }
}

impl Config {
    /// A low-latency point of the trade-off (`BROADCAST_BATCH_MS=25`): the
    /// hub merges only values that arrive within 25 ms of each other, which
    /// already halves the messages of forwarding each value on its own
    /// (`BROADCAST_BATCH_MS=0`) for at most 25 ms more.
    pub fn low_latency() -> Self {
        Config {
            batch_ms: 25,
            ..Config::default()
        }
    }

    /// Reads the variables through `knobs` (`knobs::load` gives the
    /// node's `Ctx::env`).
    pub fn read(knobs: &mut Knobs<'_>) -> Config {
        let batch = knobs.ms_given(&BATCH);
        let uplink = knobs.ms_given(&UPLINK);
        let ack_delay = knobs.ms_given(&ACK_DELAY);
        let retransmit = knobs.ms_given(&RETRANSMIT);
        let mut config = Config {
            batch_ms: batch.unwrap_or(BATCH.default),
            uplink_ms: uplink.unwrap_or(UPLINK.default),
            ack_delay_ms: ack_delay.unwrap_or(ACK_DELAY.default),
            retransmit_ms: retransmit.unwrap_or(RETRANSMIT.default),
            budget_ms: knobs.ms_given(&LATENCY_BUDGET),
            budget_hops: knobs.ms(&BUDGET_HOPS),
            // Set and valid (a bad value warned and left the default).
            batch_fixed: batch.is_some(),
            uplink_fixed: uplink.is_some(),
        };
        // A large budget makes leaves' uplinks (which carry their acks) rare:
        // let an ack wait up to the budget for one, and the sender wait a
        // second longer than that before it resends.
        if let Some(b) = config.budget_ms {
            if ack_delay.is_none() {
                config.ack_delay_ms = config.ack_delay_ms.max(b);
            }
            if retransmit.is_none() {
                config.retransmit_ms = config.retransmit_ms.max(config.ack_delay_ms + 1000);
            }
        }
        if config.retransmit_ms == 0 {
            knobs.warn("BROADCAST_RETRANSMIT_MS=0 would resend forever; using 1".into());
            config.retransmit_ms = 1;
        }
        config
    }

    /// Whether the hub's window comes from the budget.
    pub fn budgeted_batch(&self) -> bool {
        self.budget_ms.is_some() && !self.batch_fixed
    }

    /// Whether a leaf's uplink window comes from the budget.
    pub fn budgeted_uplink(&self) -> bool {
        self.budget_ms.is_some() && !self.uplink_fixed
    }

    /// Longest retransmission timeout after backing off.
    pub fn max_retransmit_ms(&self) -> u64 {
        self.retransmit_ms.saturating_mul(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> (Config, Vec<String>) {
        crate::workloads::knobs::read_fixed(vars, Config::read)
    }

    #[test]
    fn unset_variables_give_the_defaults() {
        assert_eq!(with(&[]), (Config::default(), vec![]));
    }

    #[test]
    fn variables_override_each_knob() {
        let (c, w) = with(&[
            ("BROADCAST_BATCH_MS", "0"),
            ("BROADCAST_UPLINK_MS", " 25 "),
            ("BROADCAST_ACK_DELAY_MS", "400"),
            ("BROADCAST_RETRANSMIT_MS", "900"),
        ]);
        assert!(w.is_empty());
        assert_eq!(
            c,
            Config {
                batch_ms: 0,
                uplink_ms: 25,
                ack_delay_ms: 400,
                retransmit_ms: 900,
                budget_ms: None,
                budget_hops: 2,
                batch_fixed: true,
                uplink_fixed: true,
            }
        );
    }

    #[test]
    fn a_budget_sets_the_windows_not_given_explicitly() {
        let (c, w) = with(&[("BROADCAST_LATENCY_BUDGET_MS", "550")]);
        assert!(w.is_empty());
        assert_eq!(c.budget_ms, Some(550));
        assert!(c.budgeted_batch() && c.budgeted_uplink());
        let (c, _) = with(&[
            ("BROADCAST_LATENCY_BUDGET_MS", "550"),
            ("BROADCAST_BATCH_MS", "100"),
        ]);
        assert!(!c.budgeted_batch() && c.budgeted_uplink());
        assert_eq!(c.batch_ms, 100);
        // A bad window is ignored, so the budget still sets it.
        let (c, w) = with(&[
            ("BROADCAST_LATENCY_BUDGET_MS", "550"),
            ("BROADCAST_UPLINK_MS", "soon"),
        ]);
        assert_eq!(w.len(), 1);
        assert!(c.budgeted_uplink());
        for bad in ["0", "-5", "lots"] {
            let (c, w) = with(&[("BROADCAST_LATENCY_BUDGET_MS", bad)]);
            assert_eq!((c.budget_ms, w.len()), (None, 1), "{bad}");
        }
        assert!(!Config::default().budgeted_batch());
        let (c, w) = with(&[("BROADCAST_BUDGET_HOPS", "1")]);
        assert_eq!((c.budget_hops, w.len()), (1, 0));
        let (c, w) = with(&[("BROADCAST_BUDGET_HOPS", "3")]);
        assert_eq!((c.budget_hops, w.len()), (2, 1));
    }

    #[test]
    fn a_large_budget_lets_acks_wait_longer_unless_told_otherwise() {
        let (c, _) = with(&[("BROADCAST_LATENCY_BUDGET_MS", "550")]);
        assert_eq!((c.ack_delay_ms, c.retransmit_ms), (1000, 2000));
        let (c, _) = with(&[("BROADCAST_LATENCY_BUDGET_MS", "1900")]);
        assert_eq!((c.ack_delay_ms, c.retransmit_ms), (1900, 2900));
        let (c, _) = with(&[
            ("BROADCAST_LATENCY_BUDGET_MS", "1900"),
            ("BROADCAST_ACK_DELAY_MS", "300"),
        ]);
        assert_eq!((c.ack_delay_ms, c.retransmit_ms), (300, 2000));
    }

    #[test]
    fn bad_values_are_ignored_with_a_warning() {
        let (c, w) = with(&[
            ("BROADCAST_BATCH_MS", "fast"),
            ("BROADCAST_UPLINK_MS", "-1"),
            ("BROADCAST_RETRANSMIT_MS", "0"),
        ]);
        assert_eq!(c.batch_ms, Config::default().batch_ms);
        assert_eq!(c.uplink_ms, 0);
        assert_eq!(c.retransmit_ms, 1);
        assert_eq!(w.len(), 3);
    }
}
