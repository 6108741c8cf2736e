//! One pass over the history keeping, per drawn key, the rows to draw:
//! every :ok op that sent or polled the key and that a mark concerns, the
//! rows between the marks' ops (up to `MAX_ROWS`), `CONTEXT` rows either
//! side; and where the skipped messages sat.

use super::marks::Mark;
use super::{key_text, CONTEXT, MAX_ROWS};
use crate::history::{OpType, Process};
use crate::report::why::ops::{for_each_op, must_exist};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

/// Pairs kept per row; the rest are counted.
pub const MAX_PAIRS: usize = 1000;

/// One :ok op's view of one key.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub index: usize,
    pub time: u64,
    pub process: Option<u64>,
    pub f: String,
    /// (offset, message); a send's offset may be unknown.
    pub pairs: Vec<(Option<i64>, Value)>,
    pub more_pairs: usize,
}

/// What one key's picture draws.
#[derive(Debug, Default)]
pub struct KeyLog {
    pub rows: Vec<Row>,
    /// Rows of this key not drawn.
    pub rows_not_drawn: u64,
    /// Offsets of the marks' missing (skipped) messages, where any op saw them.
    pub missing_at: HashMap<String, i64>,
    /// (time, process) of the drawn client rows holding a marked message or
    /// offset: where a mark with no ops of its own (a duplicate) shows.
    pub marked_at: Vec<(u64, u64)>,
}

/// The pairs `value` (an op's micro-ops) holds for `key`: `[:send k [o v]]`
/// and `[:poll {k [[o v] ...]}]` (kafka.clj's `op-pairs`).
pub fn pairs_of(value: &Value, key: &str) -> Vec<(Option<i64>, Value)> {
    let mut out = Vec::new();
    for mop in value.as_array().into_iter().flatten() {
        let Some(m) = mop.as_array() else { continue };
        match (m.first().and_then(Value::as_str), m.get(1)) {
            (Some("send"), Some(k)) if key_text(k) == key => match m.get(2) {
                Some(Value::Array(ov)) if ov.len() == 2 => {
                    out.push((ov[0].as_i64(), ov[1].clone()))
                }
                Some(v) => out.push((None, v.clone())),
                None => {}
            },
            (Some("poll"), Some(Value::Object(by_key))) => {
                for (k, pairs) in by_key {
                    if k != key {
                        continue;
                    }
                    for p in pairs.as_array().into_iter().flatten() {
                        if let Some([o, v]) = p.as_array().map(Vec::as_slice) {
                            out.push((o.as_i64(), v.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Per key, the state of the pass.
struct Keeper<'a> {
    key: &'a str,
    marked_ops: HashSet<usize>,
    marked_values: HashSet<String>,
    marked_offsets: HashSet<i64>,
    missing: HashSet<String>,
    window: Option<(u64, u64)>,
    before: VecDeque<Row>,
    after: usize,
    log: KeyLog,
}

impl<'a> Keeper<'a> {
    fn new(key: &'a str, marks: &[Mark]) -> Self {
        let ops = marks.iter().flat_map(|m| m.ops.iter().copied()).collect();
        let values = marks
            .iter()
            .flat_map(|m| &m.values)
            .map(Value::to_string)
            .collect();
        Keeper {
            key,
            marked_ops: ops,
            marked_values: values,
            marked_offsets: marks
                .iter()
                .flat_map(|m| m.offsets.iter().copied())
                .collect(),
            missing: marks
                .iter()
                .flat_map(|m| &m.missing)
                .map(Value::to_string)
                .collect(),
            window: super::marks::window(marks, &[]),
            before: VecDeque::new(),
            after: 0,
            log: KeyLog::default(),
        }
    }

    fn marked(&self, row: &Row) -> bool {
        self.marked_ops.contains(&row.index)
            || row.pairs.iter().any(|(o, v)| {
                o.is_some_and(|o| self.marked_offsets.contains(&o))
                    || self.marked_values.contains(&v.to_string())
            })
    }

    fn observe(&mut self, row: Row) {
        for (o, v) in &row.pairs {
            let v = v.to_string();
            if let (Some(o), true) = (o, self.missing.contains(&v)) {
                self.log.missing_at.entry(v).or_insert(*o);
            }
        }
        let in_window = self
            .window
            .is_some_and(|(a, b)| (a..=b).contains(&row.time));
        let room = self.log.rows.len() < MAX_ROWS;
        if self.marked(&row) && self.log.rows.len() < 2 * MAX_ROWS {
            if let Some(p) = row.process {
                self.log.marked_at.push((row.time, p));
            }
            self.log.rows.extend(self.before.drain(..));
            self.log.rows.push(row);
            self.after = CONTEXT;
        } else if (self.after > 0 || in_window) && room {
            self.after = self.after.saturating_sub(1);
            self.log.rows.push(row);
        } else {
            self.before.push_back(row);
            if self.before.len() > CONTEXT {
                self.before.pop_front();
                self.log.rows_not_drawn += 1;
            }
        }
    }

    fn finish(mut self) -> KeyLog {
        self.log.rows_not_drawn += self.before.len() as u64;
        self.log
    }
}

/// Reads the history once; one `KeyLog` per key of `keys`.
pub fn scan(dir: &Path, keys: &[&str], marks: &[&[Mark]]) -> Result<Vec<KeyLog>, String> {
    let mut keepers: Vec<Keeper> = keys
        .iter()
        .zip(marks)
        .map(|(k, m)| Keeper::new(k, m))
        .collect();
    for_each_op(dir, |op| {
        if op.kind != OpType::Ok || !op.value.is_array() {
            return;
        }
        for k in keepers.iter_mut() {
            let mut pairs = pairs_of(&op.value, k.key);
            if pairs.is_empty() {
                continue;
            }
            let more_pairs = pairs.len().saturating_sub(MAX_PAIRS);
            pairs.truncate(MAX_PAIRS);
            k.observe(Row {
                index: op.index,
                time: op.time,
                process: match op.process {
                    Process::Client(p) => Some(p),
                    _ => None,
                },
                f: op.f.clone(),
                pairs,
                more_pairs,
            });
        }
    })
    .and_then(|found| must_exist(found, dir))?;
    Ok(keepers.into_iter().map(Keeper::finish).collect())
}
