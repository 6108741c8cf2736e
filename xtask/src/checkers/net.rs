//! Maelstrom's net checker (jepsen-io/maelstrom v0.2.3 src/maelstrom/net/checker.clj,
//! `checker`): send/recv/msg counts over
//! the journal for all, client and server traffic, and msgs-per-op.

use crate::checker::{CheckResult, Validity};
use crate::history::{History, OpType};
use crate::journal::{JournalEvent, JournalKind};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

fn stats<'a>(events: impl Iterator<Item = &'a JournalEvent>, op_count: Option<usize>) -> Value {
    let (mut send, mut recv) = (0u64, 0u64);
    let mut ids = HashSet::new();
    for e in events {
        match e.kind {
            JournalKind::Send => send += 1,
            JournalKind::Recv => recv += 1,
        }
        ids.insert(e.msg_id);
    }
    let mut m = Map::new();
    m.insert("send-count".into(), json!(send));
    m.insert("recv-count".into(), json!(recv));
    m.insert("msg-count".into(), json!(ids.len()));
    if let Some(ops) = op_count.filter(|&n| n > 0) {
        // Clojure divides into a 32-bit float; print its shortest form.
        let x = ids.len() as f32 / ops as f32;
        let v: f64 = format!("{x}").parse().unwrap_or(x as f64);
        m.insert("msgs-per-op".into(), json!(v));
    }
    Value::Object(m)
}

pub fn check(journal: &[JournalEvent], history: &History) -> CheckResult {
    let ops = history
        .client_ops()
        .filter(|o| o.kind == OpType::Invoke)
        .count();
    CheckResult::new(Validity::True)
        .with("all", stats(journal.iter(), Some(ops)))
        .with(
            "clients",
            stats(journal.iter().filter(|e| e.involves_client()), None),
        )
        .with(
            "servers",
            stats(journal.iter().filter(|e| !e.involves_client()), Some(ops)),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;

    fn ev(id: u64, kind: JournalKind, msg_id: u64, src: &str, dest: &str) -> JournalEvent {
        JournalEvent {
            id,
            time: id,
            kind,
            msg_id,
            src: src.into(),
            dest: dest.into(),
            body: Value::Null,
        }
    }

    #[test]
    fn counts_and_msgs_per_op() {
        use JournalKind::*;
        let j = vec![
            ev(0, Send, 0, "c0", "n0"),
            ev(1, Recv, 0, "c0", "n0"),
            ev(2, Send, 1, "n0", "n1"),
            ev(3, Send, 2, "n0", "lin-kv"),
            ev(4, Recv, 2, "n0", "lin-kv"),
            ev(5, Send, 3, "n1", "n0"),
        ];
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "echo"),
            op(1, 0, OpType::Ok, "echo"),
            op(2, 0, OpType::Invoke, "echo"),
            op(3, 0, OpType::Ok, "echo"),
            op(4, 0, OpType::Invoke, "echo"),
            op(5, 0, OpType::Info, "echo"),
        ]);
        let r = check(&j, &h);
        assert_eq!(
            r.fields["all"],
            json!({"send-count":4,"recv-count":2,"msg-count":4,"msgs-per-op":1.3333334})
        );
        assert_eq!(
            r.fields["clients"],
            json!({"send-count":1,"recv-count":1,"msg-count":1})
        );
        assert_eq!(
            r.fields["servers"],
            json!({"send-count":3,"recv-count":1,"msg-count":3,"msgs-per-op":1.0})
        );
        // No client ops: no msgs-per-op at all.
        let r = check(&j, &History::default());
        assert!(r.fields["all"].get("msgs-per-op").is_none());
        assert!(r.fields["servers"].get("msgs-per-op").is_none());
    }
}
