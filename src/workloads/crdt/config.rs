//! The knobs of CRDT replication (g-set, pn-counter, g-counter's CRDT mode),
//! read through a lookup (the process environment in the binaries), so a
//! real Maelstrom run can set them as well as the embedded bench.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `CRDT_GOSSIP_MS` | 5000 (Maelstrom's demo nodes' period) | a link carries new updates at most once per this window (one message per peer per window while clients write) |
//! | `CRDT_ACK_DELAY_MS` | the gossip window | longest an acknowledgement waits for a gossip to ride on before it goes alone |
//! | `CRDT_RETRANSMIT_MS` | the gossip window + 2000 | updates a peer has not acknowledged for this long are sent again; must exceed the peer's ack delay (plus a housekeeping tick and a round trip), and stay well under Maelstrom's 10 s of quiet after the final heal, which bounds how long a link takes to catch up after it |

use crate::workloads::knobs::{Knobs, Ms};

/// Timing of CRDT replication, in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub gossip_ms: u64,
    pub ack_delay_ms: u64,
    pub retransmit_ms: u64,
}

// The knobs: variable, default and accepted values, each in one place.
// The ack delay and the retransmission timeout default to values derived
// from the gossip window (`Config::read`); `default` is what they come to
// with the gossip window's own default.
const GOSSIP: Ms = Ms {
    name: "CRDT_GOSSIP_MS",
    default: 5000,
    range: 1..=600_000,
};
const ACK_DELAY: Ms = Ms {
    name: "CRDT_ACK_DELAY_MS",
    default: GOSSIP.default,
    range: 1..=600_000,
};
const RETRANSMIT: Ms = Ms {
    name: "CRDT_RETRANSMIT_MS",
    default: ACK_DELAY.default + RETRANSMIT_OVER_ACK_MS,
    range: 1..=600_000,
};
/// How much longer than the ack delay the retransmission timeout is by default.
const RETRANSMIT_OVER_ACK_MS: u64 = 2000;

impl Default for Config {
    fn default() -> Self {
        Config {
            gossip_ms: GOSSIP.default,
            ack_delay_ms: ACK_DELAY.default,
            retransmit_ms: RETRANSMIT.default,
        }
    }
}

impl Config {
    /// Reads the variables through `knobs` (`knobs::load` gives the
    /// node's `Ctx::env`).
    pub fn read(knobs: &mut Knobs<'_>) -> Config {
        let gossip_ms = knobs.ms(&GOSSIP);
        let ack_delay_ms = knobs.ms_or(&ACK_DELAY, gossip_ms);
        let retransmit_ms = knobs.ms_or(
            &RETRANSMIT,
            ack_delay_ms.saturating_add(RETRANSMIT_OVER_ACK_MS),
        );
        if retransmit_ms <= ack_delay_ms.saturating_add(500) {
            knobs.warn(format!(
                "CRDT_RETRANSMIT_MS={retransmit_ms} is not well above the ack delay ({ack_delay_ms}): expect needless resends"
            ));
        }
        if retransmit_ms > 8_000 {
            knobs.warn(format!(
                "CRDT_RETRANSMIT_MS={retransmit_ms}: a link may not catch up within Maelstrom's 10 s after the final heal"
            ));
        }
        Config {
            gossip_ms,
            ack_delay_ms,
            retransmit_ms,
        }
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
    fn the_ack_delay_follows_the_gossip_window_unless_set() {
        let (c, w) = with(&[("CRDT_GOSSIP_MS", "500")]);
        assert_eq!(
            (c.gossip_ms, c.ack_delay_ms, c.retransmit_ms),
            (500, 500, 2500)
        );
        assert!(w.is_empty());
        let (c, w) = with(&[
            ("CRDT_GOSSIP_MS", " 5000 "),
            ("CRDT_ACK_DELAY_MS", "200"),
            ("CRDT_RETRANSMIT_MS", "6000"),
        ]);
        assert_eq!(
            (c.gossip_ms, c.ack_delay_ms, c.retransmit_ms),
            (5000, 200, 6000)
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn bad_values_are_ignored_and_risky_ones_warned_about() {
        let (c, w) = with(&[("CRDT_GOSSIP_MS", "fast"), ("CRDT_ACK_DELAY_MS", "0")]);
        assert_eq!(c, Config::default());
        assert_eq!(w.len(), 2, "{w:?}");
        let (_, w) = with(&[
            ("CRDT_ACK_DELAY_MS", "3000"),
            ("CRDT_RETRANSMIT_MS", "3000"),
        ]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("needless resends"));
        let (_, w) = with(&[("CRDT_GOSSIP_MS", "9000")]);
        assert!(w.iter().any(|w| w.contains("10 s")), "{w:?}");
    }
}
