//! The Lamport diagram (`messages.svg`, drawn by `messages.rs` as
//! Maelstrom's `net/viz.clj` does) cut to an anomaly: only the network
//! events in a window of time and between the nodes an anomaly involves,
//! the clients talking to them and the services they call (issue 25: the
//! results browser's page for an invalid run).

use super::messages;
use crate::journal::JournalEvent;

/// What to keep of the journal. Times are engine time (the journal's clock).
pub struct Cut {
    pub from_ns: u64,
    pub to_ns: u64,
    /// Cluster node ids ("n1"); empty keeps every node.
    pub nodes: Vec<String>,
}

/// A cluster node's id as Maelstrom names them: `n` and digits. Clients
/// (`c4`) and services (`lin-kv`) are not.
fn is_cluster_node(id: &str) -> bool {
    id.strip_prefix('n')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

impl Cut {
    /// True for an event in the window between an involved node and an
    /// involved node, a client or a service.
    pub fn keeps(&self, e: &JournalEvent) -> bool {
        if e.time < self.from_ns || e.time > self.to_ns {
            return false;
        }
        if self.nodes.is_empty() {
            return true;
        }
        let involved = |id: &String| self.nodes.contains(id);
        let other_ok = |id: &String| involved(id) || !is_cluster_node(id);
        (involved(&e.src) && other_ok(&e.dest)) || (involved(&e.dest) && other_ok(&e.src))
    }
}

/// Draws the events of `journal` (in id order, so in time order) that `cut`
/// keeps, reading no further than the window's end. A message sent in the
/// window and delivered after it has no arrow, as in messages.svg.
pub fn render(
    journal: impl IntoIterator<Item = JournalEvent>,
    cut: &Cut,
    main_phase_offset_ns: u64,
) -> String {
    let kept = journal
        .into_iter()
        .take_while(|e| e.time <= cut.to_ns)
        .filter(|e| cut.keeps(e));
    messages::render(kept, main_phase_offset_ns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::JournalKind;
    use serde_json::json;

    fn ev(
        id: u64,
        time: u64,
        kind: JournalKind,
        msg_id: u64,
        src: &str,
        dest: &str,
    ) -> JournalEvent {
        JournalEvent {
            id,
            time,
            kind,
            msg_id,
            src: src.into(),
            dest: dest.into(),
            body: json!({"type": format!("m{msg_id}")}),
        }
    }

    /// Messages: 1 c1->n1 and 2 n1->n2 inside the window, 3 n2->n3
    /// (neither involved), 4 n1->lin-kv (a service), 5 c1->n1 after it.
    fn journal() -> Vec<JournalEvent> {
        use JournalKind::*;
        vec![
            ev(0, 10, Send, 1, "c1", "n1"),
            ev(1, 11, Recv, 1, "c1", "n1"),
            ev(2, 12, Send, 2, "n1", "n2"),
            ev(3, 13, Recv, 2, "n1", "n2"),
            ev(4, 14, Send, 3, "n2", "n3"),
            ev(5, 15, Recv, 3, "n2", "n3"),
            ev(6, 16, Send, 4, "n1", "lin-kv"),
            ev(7, 17, Recv, 4, "n1", "lin-kv"),
            ev(8, 90, Send, 5, "c1", "n1"),
            ev(9, 91, Recv, 5, "c1", "n1"),
        ]
    }

    fn lanes(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let mut names: Vec<String> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("lane"))
            .filter_map(|n| n.text().map(String::from))
            .collect();
        names.dedup();
        names
    }

    fn types(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("msg"))
            .filter_map(|n| n.attribute("data-type").map(String::from))
            .collect()
    }

    #[test]
    fn the_cut_keeps_the_window_the_nodes_their_clients_and_services() {
        let cut = Cut {
            from_ns: 10,
            to_ns: 20,
            nodes: vec!["n1".into(), "n2".into()],
        };
        let svg = render(journal(), &cut, 0);
        assert_eq!(lanes(&svg), ["c1", "n1", "n2", "lin-kv"]);
        assert_eq!(types(&svg), ["m1", "m2", "m4"]);
        // Only n1: its message to n2 (not involved) goes, c1 and lin-kv stay.
        let cut = Cut {
            nodes: vec!["n1".into()],
            ..cut
        };
        assert_eq!(types(&render(journal(), &cut, 0)), ["m1", "m4"]);
        // No nodes named: every event of the window.
        let all = Cut {
            from_ns: 0,
            to_ns: 20,
            nodes: vec![],
        };
        assert_eq!(types(&render(journal(), &all, 0)), ["m1", "m2", "m3", "m4"]);
    }

    #[test]
    fn the_read_stops_at_the_end_of_the_window() {
        let cut = Cut {
            from_ns: 0,
            to_ns: 20,
            nodes: vec![],
        };
        let mut read = 0;
        let counted = journal().into_iter().inspect(|_| read += 1);
        render(counted, &cut, 0);
        // The 8 events in the window and the first one after it.
        assert_eq!(read, 9);
    }

    #[test]
    fn a_long_window_is_cut_to_the_diagram_limit() {
        // 100 000 messages from c1 to n1, all in the window.
        let journal = (0..200_000u64).map(|i| {
            let kind = if i % 2 == 0 {
                JournalKind::Send
            } else {
                JournalKind::Recv
            };
            ev(i, i, kind, i / 2, "c1", "n1")
        });
        let cut = Cut {
            from_ns: 0,
            to_ns: u64::MAX,
            nodes: vec!["n1".into()],
        };
        let svg = render(journal, &cut, 0);
        assert_eq!(types(&svg).len(), messages::JOURNAL_LIMIT / 2);
        assert!(svg.contains("190000 later network events not shown"));
        assert!(svg.len() < 4 << 20, "{} bytes", svg.len());
    }

    #[test]
    fn cluster_nodes_are_n_and_digits() {
        assert!(is_cluster_node("n0") && is_cluster_node("n12"));
        for other in ["c1", "lin-kv", "n", "nx", "seq-kv"] {
            assert!(!is_cluster_node(other), "{other}");
        }
    }
}
