//! What a run reports about nodes that stopped reading their stdin: the
//! `backlog` section of the results, present only when something happened.
//!
//! In Maelstrom a node that stops reading keeps every later message in its
//! network queue, sent and never received (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/net.clj, `recv!` journals `log-recv!` only for a message
//! its consumer took), and the `:net` stats show the gap. That much the
//! bench does too, and the verdict stays the checkers'. What Maelstrom
//! never does is drop them: when the bench's cap (`net/backlog.rs`) did, the
//! run is no longer the one Maelstrom would have run (it would have kept
//! them, growing its memory, and delivered them if the node read again),
//! so this section is `unknown`, and so is the run unless a checker found
//! it invalid (merge false > unknown > true, jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/checker.clj, `merge-valid`).

use crate::checkers::{CheckResult, Validity};
use serde_json::{json, Map, Value};

/// One node whose stdin had been blocked for a second or more at the end of
/// the run, or whose queue the cap cut short.
#[derive(Clone, Debug, PartialEq)]
pub struct StalledNode {
    pub id: String,
    /// Since when (seconds after the first operation, negative before it)
    /// its stdin has not taken the line handed to it; None if it was
    /// reading at the end (or blocked for less than a second).
    pub stopped_reading_at: Option<f64>,
    /// Messages still waiting in its queue at the end (never received).
    pub still_queued: usize,
    /// Messages to it the cap dropped (never received).
    pub dropped: u64,
    /// When the first was dropped, seconds after the first operation.
    pub first_drop_at: Option<f64>,
    /// It took a message after a drop: Maelstrom would have delivered them.
    pub read_after_drop: bool,
}

impl StalledNode {
    /// Worth reporting: blocked at the end with messages waiting, or cut short.
    pub fn matters(&self) -> bool {
        self.dropped > 0 || (self.stopped_reading_at.is_some() && self.still_queued > 0)
    }

    /// One line for the console.
    pub fn describe(&self) -> String {
        let since = match self.stopped_reading_at {
            Some(t) => format!("stopped reading its stdin at {t:.3} s"),
            None => "was reading its stdin at the end".into(),
        };
        let mut s = format!(
            "node {} {since}; {} messages to it were never delivered ({} still queued at the end",
            self.id,
            self.still_queued as u64 + self.dropped,
            self.still_queued
        );
        if self.dropped > 0 {
            s += &format!(
                ", {} dropped by the bench's backlog cap from {:.3} s on, which Maelstrom does not have",
                self.dropped,
                self.first_drop_at.unwrap_or_default()
            );
        }
        s + ")"
    }
}

/// The `backlog` section, or None when no node matters.
/// `cap_bytes` is the per-node cap (`--backlog-cap`); all queues together
/// may hold twice that.
pub fn check(nodes: &[StalledNode], cap_bytes: usize) -> Option<CheckResult> {
    let nodes: Vec<&StalledNode> = nodes.iter().filter(|n| n.matters()).collect();
    if nodes.is_empty() {
        return None;
    }
    let dropped = nodes.iter().any(|n| n.dropped > 0);
    let valid = if dropped {
        Validity::Unknown
    } else {
        Validity::True
    };
    let mut by_node = Map::new();
    for n in &nodes {
        by_node.insert(
            n.id.clone(),
            json!({
                "stopped-reading-at": n.stopped_reading_at,
                "undelivered": n.still_queued as u64 + n.dropped,
                "still-queued": n.still_queued,
                "dropped-by-cap": n.dropped,
                "first-drop-at": n.first_drop_at,
                "read-after-drop?": n.read_after_drop,
            }),
        );
    }
    let mut r = CheckResult::new(valid)
        .with("nodes", Value::Object(by_node))
        .with(
            "cap-bytes",
            json!({"per-node": cap_bytes, "total": cap_bytes.saturating_mul(2)}),
        );
    if dropped {
        r = r.with(
            "error",
            "the bench dropped messages that Maelstrom would have kept queued; \
             it cannot say what Maelstrom would have concluded",
        );
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_default(nodes: &[StalledNode]) -> Option<CheckResult> {
        check(nodes, 64 << 20)
    }

    fn node(stopped: Option<f64>, queued: usize, dropped: u64) -> StalledNode {
        StalledNode {
            id: "n1".into(),
            stopped_reading_at: stopped,
            still_queued: queued,
            dropped,
            first_drop_at: (dropped > 0).then_some(2.5),
            read_after_drop: false,
        }
    }

    #[test]
    fn a_stalled_node_is_reported_and_only_drops_make_the_run_unknown() {
        // Reading at the end and nothing dropped: nothing to say.
        assert!(check_default(&[node(None, 3, 0)]).is_none());
        // Blocked at the end with messages waiting: Maelstrom's outcome too.
        let r = check_default(&[node(Some(1.25), 40, 0)]).unwrap();
        assert_eq!(r.valid, Validity::True);
        assert_eq!(r.fields["nodes"]["n1"]["undelivered"], json!(40));
        assert_eq!(r.fields["nodes"]["n1"]["stopped-reading-at"], json!(1.25));
        // Messages dropped by the cap: the bench left Maelstrom's path.
        let n = node(Some(1.25), 40, 1000);
        let r = check_default(std::slice::from_ref(&n)).unwrap();
        assert_eq!(r.valid, Validity::Unknown);
        assert_eq!(r.fields["nodes"]["n1"]["undelivered"], json!(1040));
        assert!(r.fields["error"].as_str().unwrap().contains("Maelstrom"));
        assert_eq!(
            n.describe(),
            "node n1 stopped reading its stdin at 1.250 s; 1040 messages to it were never \
             delivered (40 still queued at the end, 1000 dropped by the bench's backlog cap \
             from 2.500 s on, which Maelstrom does not have)"
        );
    }
}
