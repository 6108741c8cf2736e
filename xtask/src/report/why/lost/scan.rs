//! What the picture needs about each drawn element, gathered in two passes
//! over the history and one over the journal, keeping per element and node
//! only counters and a bitmap of pixel columns.

use super::Wanted;
use crate::history::{InFlight, Op, OpType, Process};
use crate::report::why::client_nodes::ClientNodes;
use crate::report::why::ops::{for_each_op, must_exist};
use serde_json::Value;
use std::path::Path;

/// The time axis is cut into this many columns; a read is a column.
pub const COLUMNS: usize = 800;

/// Reads on one node, as seen by one element.
#[derive(Debug, Default)]
pub struct Lane {
    pub node: String,
    /// Columns holding a read that missed the element / that held it.
    pub missed_cols: Vec<bool>,
    pub seen_cols: Vec<bool>,
    pub missed: u64,
    pub seen: u64,
}

/// One drawn element.
#[derive(Debug, Default)]
pub struct Track {
    /// The first add's invocation and completion times, its process, and
    /// whether it completed :ok.
    pub add_invoke: Option<u64>,
    pub add_done: Option<(u64, OpType)>,
    pub process: Option<u64>,
    /// The node the client's request went to (net-journal.jsonl).
    pub via: Option<String>,
    /// Reads that began after the add was acknowledged (or, unacknowledged,
    /// invoked), one lane per node, in the order first met.
    pub lanes: Vec<Lane>,
    /// The completion time of the last read that missed it.
    pub last_missed: Option<u64>,
}

impl Track {
    /// The time from which a read should hold the element.
    fn due(&self) -> Option<u64> {
        match self.add_done {
            Some((t, OpType::Ok)) => Some(t),
            _ => self.add_invoke,
        }
    }

    pub fn missed(&self) -> u64 {
        self.lanes.iter().map(|l| l.missed).sum()
    }

    fn lane(&mut self, node: &str) -> &mut Lane {
        let i = match self.lanes.iter().position(|l| l.node == node) {
            Some(i) => i,
            None => {
                self.lanes.push(Lane {
                    node: node.to_string(),
                    missed_cols: vec![false; COLUMNS],
                    seen_cols: vec![false; COLUMNS],
                    ..Lane::default()
                });
                self.lanes.len() - 1
            }
        };
        &mut self.lanes[i]
    }
}

/// Everything `draw` reads.
#[derive(Debug, Default)]
pub struct Found {
    /// Parallel to `Wanted::elements`.
    pub tracks: Vec<Track>,
    /// Partition periods, seconds of history time.
    pub partitions: Vec<(f64, f64)>,
    /// Per partition, what the nemesis said it was (its shape and who was
    /// cut from whom, from the `start-partition` ops' values).
    pub partition_labels: Vec<String>,
    /// The last op's time: the axis runs from 0 to here.
    pub end_ns: u64,
    /// Journal lines that were not events (skipped, stated in the picture).
    pub journal_errors: u64,
}

impl Found {
    /// The column of history time `t`.
    pub fn column(&self, t: u64) -> usize {
        column(t, self.end_ns)
    }

    /// From the first drawn add to the last read that missed a drawn element.
    pub fn window_ns(&self) -> Option<(u64, u64)> {
        let start = self.tracks.iter().filter_map(|t| t.add_invoke).min()?;
        let end = self
            .tracks
            .iter()
            .filter_map(|t| t.last_missed.or(t.add_done.map(|d| d.0)))
            .max()
            .unwrap_or(start);
        Some((start, end.max(start)))
    }

    /// The nodes the adds went through and the nodes whose reads missed.
    pub fn nodes_involved(&self) -> Vec<String> {
        let mut nodes: Vec<String> = Vec::new();
        for t in &self.tracks {
            let missing = t.lanes.iter().filter(|l| l.missed > 0).map(|l| &l.node);
            for n in t.via.iter().chain(missing) {
                if n != "?" && !nodes.contains(n) {
                    nodes.push(n.clone());
                }
            }
        }
        crate::report::messages::lane_order(&mut nodes);
        nodes
    }
}

/// Gathers `Found` for `wanted` from the run directory.
pub fn scan(
    dir: &Path,
    add_f: &str,
    add_field: &str,
    wanted: &Wanted,
    nodes: Option<&ClientNodes>,
) -> Result<Found, String> {
    let mut found = Found {
        tracks: wanted.elements.iter().map(|_| Track::default()).collect(),
        ..Found::default()
    };
    let slot = |v: &Value| wanted.elements.iter().position(|(e, _)| e == v);
    let mut nemesis: Vec<(u64, String)> = Vec::new();
    let mut starts: Vec<(u64, String)> = Vec::new();
    for_each_op(dir, |op| {
        found.end_ns = found.end_ns.max(op.time);
        if op.process == Process::Nemesis {
            nemesis.push((op.time, op.f.clone()));
            if op.f == "start-partition" && !op.value.is_null() {
                starts.push((op.time, partition_label(&op.value)));
            }
            return;
        }
        let (Process::Client(p), true) = (op.process, op.f == add_f) else {
            return;
        };
        let Some(i) = slot(&op.value) else { return };
        let t = &mut found.tracks[i];
        if op.kind == OpType::Invoke {
            if t.add_invoke.is_none() {
                t.add_invoke = Some(op.time);
                t.process = Some(p);
            }
        } else if t.add_done.is_none() && t.process == Some(p) {
            t.add_done = Some((op.time, op.kind));
        }
    })
    .and_then(|found| must_exist(found, dir))?;
    let end_s = found.end_ns as f64 / 1e9;
    found.partitions = crate::report::perf::nemesis_intervals(
        nemesis.iter().map(|(t, f)| (*t, f.as_str())),
        end_s,
    );
    // The last start op of each period names it best: its completion
    // carries the grudge the invocation only named.
    found.partition_labels = found
        .partitions
        .iter()
        .map(|&(a, b)| {
            let within = |t: u64| (a..=b).contains(&(t as f64 / 1e9));
            starts
                .iter()
                .rev()
                .find(|(t, _)| within(*t))
                .map_or(String::new(), |(_, l)| l.clone())
        })
        .collect();
    via_nodes(dir, add_f, add_field, &slot, &mut found);
    read_lanes(dir, &slot, nodes, &mut found)?;
    Ok(found)
}

/// The node each drawn element's add request went to: the first client
/// message of type `add_f` carrying it in `add_field`. A missing journal
/// leaves the nodes unknown; malformed lines are counted.
fn via_nodes(
    dir: &Path,
    add_f: &str,
    add_field: &str,
    slot: &dyn Fn(&Value) -> Option<usize>,
    found: &mut Found,
) {
    let Ok(events) = crate::journal::read_jsonl(&dir.join("net-journal.jsonl")) else {
        return;
    };
    for event in events {
        let Ok(e) = event else {
            found.journal_errors += 1;
            continue;
        };
        if !e.src.starts_with('c') || e.body.get("type").and_then(Value::as_str) != Some(add_f) {
            continue;
        }
        if let Some(i) = e.body.get(add_field).and_then(slot) {
            found.tracks[i].via.get_or_insert(e.dest);
        }
    }
}

/// The second pass: every :ok read invoked once an element was due, folded
/// into its node's lane as missed or seen.
fn read_lanes(
    dir: &Path,
    slot: &dyn Fn(&Value) -> Option<usize>,
    nodes: Option<&ClientNodes>,
    found: &mut Found,
) -> Result<(), String> {
    let mut open: InFlight<u64> = InFlight::default();
    let mut held = vec![false; found.tracks.len()];
    let end_ns = found.end_ns;
    let tracks = &mut found.tracks;
    for_each_op(dir, |op: &Op| {
        let Process::Client(p) = op.process else {
            return;
        };
        if op.f != "read" {
            return;
        }
        let invoked = open.pair(op, |o| o.time);
        let (Some(invoked), OpType::Ok) = (invoked, op.kind) else {
            return;
        };
        held.iter_mut().for_each(|h| *h = false);
        if let Value::Array(items) = &op.value {
            for i in items.iter().filter_map(slot) {
                held[i] = true;
            }
        }
        let node = nodes.map_or("?", |n| n.node_of(p));
        let col = column(op.time, end_ns);
        for (track, &held) in tracks.iter_mut().zip(&held) {
            if track.due().is_none_or(|due| invoked < due) {
                continue;
            }
            let lane = track.lane(node);
            if held {
                lane.seen += 1;
                lane.seen_cols[col] = true;
            } else {
                lane.missed += 1;
                lane.missed_cols[col] = true;
                let last = track.last_missed.map_or(op.time, |m| m.max(op.time));
                track.last_missed = Some(last);
            }
        }
    })
    .and_then(|found| must_exist(found, dir))?;
    Ok(())
}

/// The column of history time `t` on an axis from 0 to `end_ns`.
fn column(t: u64, end_ns: u64) -> usize {
    let span = end_ns as u128 + 1;
    ((t as u128 * COLUMNS as u128 / span) as usize).min(COLUMNS - 1)
}

/// A partition's value as text: `majority`, or from the completion's
/// `["isolated", {"n0": ["n1"], ...}]` "isolated: n0 cut from n1; ...".
/// At most 200 characters (a grudge over many nodes is long).
pub fn partition_label(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Array(a) if a.len() == 2 && a[1].is_object() => {
            let shape = a[0].as_str().map_or(a[0].to_string(), String::from);
            let cuts: Vec<String> = a[1]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(node, from)| {
                    let from: Vec<String> = from
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|n| n.as_str().map_or(n.to_string(), String::from))
                        .collect();
                    format!("{node} cut from {}", from.join(" "))
                })
                .collect();
            format!("{shape}: {}", cuts.join("; "))
        }
        other => other.to_string(),
    };
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text
    }
}
