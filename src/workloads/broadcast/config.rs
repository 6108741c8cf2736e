//! The knobs that trade messages for latency, read from the environment so
//! a real Maelstrom run can set them as well as the embedded bench.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `BROADCAST_BATCH_MS` | 300 | longest a value waits at the hub before the hub fans it out to every leaf (one message per leaf per fan-out) |
//! | `BROADCAST_UPLINK_MS` | 0 | longest a value waits at a leaf before the leaf sends it to the hub |
//! | `BROADCAST_ACK_DELAY_MS` | 1000 | longest an acknowledgement waits for a message to ride on before it is sent alone |
//! | `BROADCAST_RETRANSMIT_MS` | 2000 | unacknowledged values are sent again after this, doubling up to 2x while the peer stays silent |

use crate::workloads::knobs::read_ms;

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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            batch_ms: 300,
            uplink_ms: 0,
            ack_delay_ms: 1000,
            retransmit_ms: 2000,
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

    /// Reads the variables through `lookup` (e.g. `std::env::var`). Returns
    /// the configuration and a warning for every value that was ignored.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> (Config, Vec<String>) {
        let mut config = Config::default();
        let mut warnings = Vec::new();
        let fields: [(&str, &mut u64); 4] = [
            ("BROADCAST_BATCH_MS", &mut config.batch_ms),
            ("BROADCAST_UPLINK_MS", &mut config.uplink_ms),
            ("BROADCAST_ACK_DELAY_MS", &mut config.ack_delay_ms),
            ("BROADCAST_RETRANSMIT_MS", &mut config.retransmit_ms),
        ];
        for (name, field) in fields {
            *field = read_ms(&lookup, name, *field, 0..=600_000, &mut warnings);
        }
        if config.retransmit_ms == 0 {
            warnings.push("BROADCAST_RETRANSMIT_MS=0 would resend forever; using 1".into());
            config.retransmit_ms = 1;
        }
        (config, warnings)
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
        Config::from_lookup(crate::workloads::knobs::fixed(vars))
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
                retransmit_ms: 900
            }
        );
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
