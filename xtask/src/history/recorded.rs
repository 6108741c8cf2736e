//! The history a run recorded, once the run is over: kept in memory (a run
//! without a store), or streamed to `history.jsonl` (a run with one). The
//! analysis and the pictures either visit the ops one at a time, which
//! reads the file in constant memory, or load the whole history for a
//! checker that needs it at once.

use crate::history::{History, Op};
use std::borrow::Cow;
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Recorded {
    Memory(History),
    /// `history.jsonl` and the number of ops the run wrote to it.
    File {
        path: PathBuf,
        len: usize,
    },
}

impl Recorded {
    /// Calls `visit` with every op in order; a file is parsed one line at a
    /// time. Err: the file cannot be read, a line is not an op, or it holds
    /// another number of ops than the run recorded.
    pub fn for_each(&self, mut visit: impl FnMut(&Op)) -> Result<(), String> {
        let (path, len) = match self {
            Recorded::Memory(h) => {
                h.ops.iter().for_each(visit);
                return Ok(());
            }
            Recorded::File { path, len } => (path, *len),
        };
        let file = std::fs::File::open(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut seen = 0;
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let op = serde_json::from_str(&line)
                .map_err(|e| e.to_string())
                .and_then(|v| super::op_map::op_from_map(&v, seen))
                .map_err(|e| format!("{} line {}: {e}", path.display(), seen + 1))?;
            visit(&op);
            seen += 1;
        }
        if seen != len {
            return Err(format!(
                "{} holds {seen} ops, the run recorded {len}",
                path.display()
            ));
        }
        Ok(())
    }

    /// The whole history in memory: borrowed, or the file read back into a
    /// vector of exactly the recorded length.
    pub fn load(&self) -> Result<Cow<'_, History>, String> {
        match self {
            Recorded::Memory(h) => Ok(Cow::Borrowed(h)),
            Recorded::File { len, .. } => {
                let mut ops = Vec::with_capacity(*len);
                self.for_each(|op| ops.push(op.clone()))?;
                Ok(Cow::Owned(History::new(ops)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = r#"{"type":"invoke","f":"echo","value":"a","process":0,"time":1,"index":0}"#;

    fn file_with(lines: &[&str], len: usize) -> (tempfile::TempDir, Recorded) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        (dir, Recorded::File { path, len })
    }

    #[test]
    fn a_line_that_is_not_an_op_names_the_file_and_line() {
        let (_dir, rec) = file_with(&[OP, "{\"type\":"], 2);
        let err = rec.for_each(|_| {}).unwrap_err();
        assert!(err.contains("history.jsonl line 2"), "{err}");
        assert!(rec.load().is_err());
    }

    #[test]
    fn a_file_shorter_than_the_run_recorded_is_an_error_not_a_shorter_history() {
        let (_dir, rec) = file_with(&[OP], 2);
        let mut seen = 0;
        let err = rec.for_each(|_| seen += 1).unwrap_err();
        assert!(err.contains("holds 1 ops, the run recorded 2"), "{err}");
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_file_reads_back_as_the_ops_it_holds() {
        let (_dir, rec) = file_with(&[OP], 1);
        let h = rec.load().unwrap();
        assert_eq!(h.ops.len(), 1);
        assert_eq!(h.ops[0].f, "echo");
        let missing = Recorded::File {
            path: PathBuf::from("/nonexistent/history.jsonl"),
            len: 0,
        };
        assert!(missing
            .for_each(|_| {})
            .unwrap_err()
            .contains("cannot read"));
    }
}
