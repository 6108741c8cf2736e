//! Where the network journal goes as the run sends and delivers
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/net/journal.clj, `log-send!` /
//! `log-recv!`): counted for the net checker, and either streamed to
//! `net-journal.jsonl` in the run's store (a run with a store keeps none of
//! it in memory, however long it runs) or kept in memory for a run without
//! one (tests and exploration look at it directly).

use super::body::Body;
use super::Message;
use crate::checkers::net::NetCounts;
use crate::journal::{JournalEvent, JournalKind};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// One event as `net-journal.jsonl` holds it, borrowed from the message so
/// a large body is serialised once and never copied.
#[derive(Serialize)]
struct EventRef<'a> {
    id: u64,
    time: u64,
    #[serde(rename = "type")]
    kind: JournalKind,
    msg_id: u64,
    src: &'a str,
    dest: &'a str,
    body: &'a Body,
}

enum Sink {
    Memory(Vec<JournalEvent>),
    /// Counted for the net checker, kept nowhere (a run without a store
    /// whose events nobody reads: exploration, benches).
    Counted,
    File(BufWriter<File>),
    /// Writing failed; later events are only counted.
    Broken,
}

pub struct NetJournal {
    next_event_id: u64,
    counts: NetCounts,
    sink: Sink,
    /// The first write error, reported once at the end.
    error: Option<String>,
}

impl Default for NetJournal {
    fn default() -> Self {
        NetJournal::in_memory()
    }
}

impl NetJournal {
    /// Keeps every event in memory ([`NetJournal::events`]).
    pub fn in_memory() -> Self {
        NetJournal {
            next_event_id: 0,
            counts: NetCounts::default(),
            sink: Sink::Memory(Vec::new()),
            error: None,
        }
    }

    /// Counts every event and keeps none.
    pub fn counting() -> Self {
        NetJournal {
            sink: Sink::Counted,
            ..NetJournal::in_memory()
        }
    }

    /// Streams every event to `path`, one JSON line each, keeping none.
    pub fn to_file(path: &Path) -> Result<Self, String> {
        let file =
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(NetJournal {
            sink: Sink::File(BufWriter::with_capacity(1 << 16, file)),
            ..NetJournal::in_memory()
        })
    }

    pub fn record(&mut self, kind: JournalKind, m: &Message, now: u64) {
        let id = self.next_event_id;
        self.next_event_id += 1;
        self.counts.add(kind, m.id, &m.src, &m.dest);
        match &mut self.sink {
            Sink::Memory(events) => events.push(JournalEvent {
                id,
                time: now,
                kind,
                msg_id: m.id,
                src: m.src.clone(),
                dest: m.dest.clone(),
                body: m.body.value().into_owned(),
            }),
            Sink::File(w) => {
                let ev = EventRef {
                    id,
                    time: now,
                    kind,
                    msg_id: m.id,
                    src: &m.src,
                    dest: &m.dest,
                    body: &m.body,
                };
                let written = serde_json::to_writer(&mut *w, &ev)
                    .map_err(|e| e.to_string())
                    .and_then(|()| w.write_all(b"\n").map_err(|e| e.to_string()));
                if let Err(e) = written {
                    self.error = Some(format!("cannot write net-journal.jsonl: {e}"));
                    self.sink = Sink::Broken;
                }
            }
            Sink::Counted | Sink::Broken => {}
        }
    }

    /// Events kept in memory (none when streaming to a file).
    #[cfg(test)]
    pub fn events(&self) -> &[JournalEvent] {
        match &self.sink {
            Sink::Memory(events) => events,
            _ => &[],
        }
    }

    /// Flushes the file; returns the kept events (none when streaming), the
    /// counts, and the first write error if any.
    pub fn finish(self) -> (Vec<JournalEvent>, NetCounts, Option<String>) {
        let mut error = self.error;
        let events = match self.sink {
            Sink::Memory(events) => events,
            Sink::File(mut w) => {
                if let Err(e) = w.flush() {
                    error.get_or_insert(format!("cannot write net-journal.jsonl: {e}"));
                }
                Vec::new()
            }
            Sink::Counted | Sink::Broken => Vec::new(),
        };
        (events, self.counts, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn msg(id: u64, src: &str, dest: &str, body: Value) -> Message {
        Message {
            id,
            src: src.into(),
            dest: dest.into(),
            body: body.into(),
            deadline_ns: 0,
        }
    }

    #[test]
    fn streamed_lines_are_the_events_kept_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net-journal.jsonl");
        let mut file = NetJournal::to_file(&path).unwrap();
        let mut mem = NetJournal::in_memory();
        let mut counted = NetJournal::counting();
        let ms = [
            (
                JournalKind::Send,
                msg(0, "c0", "n0", serde_json::json!({"type": "echo"})),
            ),
            (
                JournalKind::Recv,
                msg(0, "c0", "n0", serde_json::json!({"type": "echo"})),
            ),
            (
                JournalKind::Send,
                msg(1, "n0", "n1", serde_json::json!({"a": [1, 2]})),
            ),
        ];
        for (t, (k, m)) in ms.iter().enumerate() {
            file.record(*k, m, t as u64 * 10);
            mem.record(*k, m, t as u64 * 10);
            counted.record(*k, m, t as u64 * 10);
        }
        assert!(file.events().is_empty());
        let (none, counts, err) = file.finish();
        assert!(none.is_empty() && err.is_none());
        assert_eq!(counts.sends(), 2);
        let (kept, mem_counts, _) = mem.finish();
        let (none, counted_counts, err) = counted.finish();
        assert!(none.is_empty() && err.is_none());
        // The counts the net checker reads, whichever sink.
        assert_eq!(format!("{counted_counts:?}"), format!("{mem_counts:?}"));
        assert_eq!(format!("{counted_counts:?}"), format!("{counts:?}"));
        let read: Vec<JournalEvent> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(read, kept);
        assert_eq!(kept[2].id, 2);
        assert_eq!(kept[1].time, 10);
    }

    #[test]
    fn a_failed_write_is_reported_and_counting_goes_on() {
        // /dev/full accepts the open and fails every write.
        let mut j = NetJournal::to_file(Path::new("/dev/full")).unwrap();
        let big = Value::String("x".repeat(1 << 17));
        for id in 0..3 {
            j.record(JournalKind::Send, &msg(id, "n0", "n1", big.clone()), 0);
        }
        let (_, counts, err) = j.finish();
        assert_eq!(counts.sends(), 3);
        assert!(err.unwrap().contains("net-journal.jsonl"));
    }
}
