//! Where the history goes as the run records it. A run with a store streams
//! every op to `history.jsonl` as it happens (so a run cut short still
//! leaves its history behind) and keeps in memory only what the live run
//! needs: the client invocations still in flight and the outcome counts for
//! the progress line. The checkers read the file back once the run is over.
//! A run without a store (tests, exploration) keeps the ops in memory.

use super::recorded::Recorded;
use crate::history::{History, Op, OpType};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Client outcomes so far, for the progress line.
#[derive(Clone, Copy, Default)]
pub struct Counts {
    pub ok: u64,
    pub fail: u64,
    pub info: u64,
}

enum Sink {
    Memory(Vec<Op>),
    File {
        out: BufWriter<File>,
        path: PathBuf,
    },
    /// Writing failed: the history is lost, and `finish` says so.
    Broken,
}

pub struct HistoryLog {
    next_index: usize,
    sink: Sink,
    /// Client invocations not yet completed, by index.
    open: HashMap<usize, Op>,
    /// The op recorded last.
    last: Option<Op>,
    counts: Counts,
    error: Option<String>,
}

impl HistoryLog {
    pub fn in_memory() -> Self {
        HistoryLog {
            next_index: 0,
            sink: Sink::Memory(Vec::new()),
            open: HashMap::new(),
            last: None,
            counts: Counts::default(),
            error: None,
        }
    }

    /// Streams ops to `path` (our `history.jsonl`).
    pub fn to_file(path: &Path) -> Result<Self, String> {
        let file =
            File::create(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(HistoryLog {
            sink: Sink::File {
                out: BufWriter::with_capacity(1 << 16, file),
                path: path.to_path_buf(),
            },
            ..HistoryLog::in_memory()
        })
    }

    /// Appends `op` (its `index` is overwritten with the next one).
    pub fn record(&mut self, mut op: Op) -> usize {
        let index = self.next_index;
        self.next_index += 1;
        op.index = index;
        if op.process.is_client() {
            match op.kind {
                OpType::Invoke => {
                    self.open.insert(index, op.clone());
                }
                OpType::Ok => self.counts.ok += 1,
                OpType::Fail => self.counts.fail += 1,
                OpType::Info => self.counts.info += 1,
            }
        }
        match &mut self.sink {
            Sink::Memory(ops) => ops.push(op.clone()),
            Sink::File { out, .. } => {
                let written = serde_json::to_writer(&mut *out, &op)
                    .map_err(|e| e.to_string())
                    .and_then(|()| out.write_all(b"\n").map_err(|e| e.to_string()));
                if let Err(e) = written {
                    self.error = Some(format!("cannot write history.jsonl: {e}"));
                    self.sink = Sink::Broken;
                }
            }
            Sink::Broken => {}
        }
        self.last = Some(op);
        index
    }

    /// A client invocation still in flight.
    pub fn invocation(&self, index: usize) -> Option<&Op> {
        self.open.get(&index)
    }

    /// Removes and returns a client invocation once its completion is known.
    pub fn take_invocation(&mut self, index: usize) -> Option<Op> {
        self.open.remove(&index)
    }

    pub fn last(&self) -> Option<&Op> {
        self.last.as_ref()
    }

    /// Client outcomes so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Every op, for a history kept in memory (empty when streaming).
    #[cfg(test)]
    pub fn ops(&self) -> &[Op] {
        match &self.sink {
            Sink::Memory(ops) => ops,
            _ => &[],
        }
    }

    /// The whole history: the ops kept in memory, or the file to read back.
    pub fn finish(self) -> Result<Recorded, String> {
        if let Some(e) = self.error {
            return Err(e);
        }
        match self.sink {
            Sink::Memory(ops) => Ok(Recorded::Memory(History::new(ops))),
            Sink::File { mut out, path } => {
                out.flush()
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Ok(Recorded::File {
                    path,
                    len: self.next_index,
                })
            }
            Sink::Broken => Err("history.jsonl could not be written".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Process;
    use serde_json::{json, Value};

    fn op(process: Process, kind: OpType, f: &str, value: Value) -> Op {
        Op {
            index: 99,
            time: 5,
            process,
            kind,
            f: f.into(),
            value,
            error: (kind == OpType::Info).then(|| json!("net-timeout")),
            exception: None,
            is_final: false,
        }
    }

    fn script() -> Vec<Op> {
        vec![
            op(Process::Client(0), OpType::Invoke, "add", json!(1)),
            op(
                Process::Nemesis,
                OpType::Invoke,
                "start-partition",
                Value::Null,
            ),
            op(Process::Client(1), OpType::Invoke, "read", Value::Null),
            op(Process::Client(0), OpType::Ok, "add", json!(1)),
            op(Process::Client(1), OpType::Info, "read", Value::Null),
        ]
    }

    #[test]
    fn in_flight_invocations_and_counts_without_keeping_the_history() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut log = HistoryLog::to_file(&path).unwrap();
        let ops = script();
        for o in &ops[..3] {
            log.record(o.clone());
        }
        assert!(log.ops().is_empty(), "nothing kept when streaming");
        assert_eq!(log.invocation(0).unwrap().f, "add");
        assert!(log.invocation(1).is_none(), "the nemesis is not a client");
        assert_eq!(log.take_invocation(0).unwrap().index, 0);
        assert!(log.invocation(0).is_none());
        for o in &ops[3..] {
            log.record(o.clone());
        }
        assert_eq!(log.last().unwrap().index, 4);
        let c = log.counts();
        assert_eq!((c.ok, c.fail, c.info), (1, 0, 1));
        let back = log.finish().unwrap();
        let mut mem = HistoryLog::in_memory();
        for o in &ops {
            mem.record(o.clone());
        }
        let mem = mem.finish().unwrap();
        assert_eq!(
            back.load().unwrap().ops,
            mem.load().unwrap().ops,
            "the file reads back as recorded"
        );
        let mut indices = Vec::new();
        back.for_each(|op| indices.push(op.index)).unwrap();
        assert_eq!(indices, [0, 1, 2, 3, 4], "visited in order");
    }

    #[test]
    fn a_failed_write_fails_the_history_loudly() {
        let mut log = HistoryLog::to_file(Path::new("/dev/full")).unwrap();
        let big = json!("x".repeat(1 << 17));
        log.record(op(Process::Client(0), OpType::Invoke, "echo", big));
        let err = log.finish().unwrap_err();
        assert!(err.contains("history.jsonl"), "{err}");
    }
}
