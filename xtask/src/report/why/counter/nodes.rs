//! Which node answered a read, from the run's network journal: the
//! history names a read's process, not its node. A read that returned v
//! between its invocation and completion was answered by the node whose
//! `read_ok` with value v reached a client in that interval. Two nodes may
//! answer the same value at once: both are named (a picture's nodes are
//! the ones worth looking at, not a proof).

use crate::journal::{read_jsonl, JournalKind};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One read: invoked and completed at (history ns), the value returned.
pub type Read = (u64, u64, i128);

/// The nodes that answered `reads`, sorted; empty when the run has no
/// journal or no run.json (whose `main_phase_offset_ns` turns journal time
/// into history time). Lines that are not events are skipped.
pub fn nodes_answering(dir: &Path, reads: &[Read]) -> Vec<String> {
    let offset = std::fs::read_to_string(dir.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["main_phase_offset_ns"].as_u64());
    let (Some(offset), Ok(events)) = (offset, read_jsonl(&dir.join("net-journal.jsonl"))) else {
        return vec![];
    };
    let mut nodes = BTreeSet::new();
    for e in events.filter_map(Result::ok) {
        let is_reply =
            e.kind == JournalKind::Recv && e.dest.starts_with('c') && e.body["type"] == "read_ok";
        let (true, Some(t)) = (is_reply, e.time.checked_sub(offset)) else {
            continue;
        };
        let value = crate::checkers::value_order::integer(&e.body["value"]);
        if reads
            .iter()
            .any(|&(a, b, v)| a <= t && t <= b && value == Some(v))
        {
            nodes.insert(e.src);
        }
    }
    nodes.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_whose_reply_carried_the_value_in_time_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            nodes_answering(dir.path(), &[(0, 10, 1)]).is_empty(),
            "no journal"
        );
        std::fs::write(
            dir.path().join("run.json"),
            r#"{"main_phase_offset_ns":100}"#,
        )
        .unwrap();
        let ev = |id, time, kind, src: &str, dest: &str, value| {
            format!(
                r#"{{"id":{id},"time":{time},"type":"{kind}","msg_id":{id},"src":"{src}","dest":"{dest}","body":{{"type":"read_ok","value":{value}}}}}"#
            )
        };
        let lines = [
            ev(0, 105, "send", "n0", "c1", 1),
            ev(1, 106, "recv", "n0", "c1", 1), // t = 6: in [0, 10], value 1
            ev(2, 107, "recv", "n1", "c2", 2), // another value
            ev(3, 150, "recv", "n2", "c3", 1), // too late
            "not json".to_string(),
        ];
        std::fs::write(dir.path().join("net-journal.jsonl"), lines.join("\n")).unwrap();
        assert_eq!(nodes_answering(dir.path(), &[(0, 10, 1)]), ["n0"]);
    }
}
