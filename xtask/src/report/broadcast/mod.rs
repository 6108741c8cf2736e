//! Pictures of how a broadcast (or g-set) run moved its values, for any node
//! implementation, drawn from the run directory's `net-journal.jsonl`:
//!
//! - `propagation.svg`: the distribution of each value's time to every node,
//! - `node-lag.svg`: per node, how long values took to reach it,
//! - `link-load.svg`: server messages per source -> destination, a heat map,
//! - `msgs-by-type.svg`: messages per second by body `type`, partitions shaded.
//!
//! The journal is read once, line by line, and only aggregates are kept (per
//! value the first receipt per node, per link two counters, per second one
//! counter per type), so a journal of any length fits in the memory of its
//! values x nodes. Malformed lines are counted and reported in the pictures.

mod links;
mod propagation;
mod rates;
#[cfg(test)]
mod tests;

use crate::engine::services::SERVICE_IDS;
use crate::journal::JournalEvent;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The file names `write_broadcast_pictures` creates, in the order a run
/// page shows them.
pub const PICTURES: [&str; 4] = [
    "propagation.svg",
    "node-lag.svg",
    "link-load.svg",
    "msgs-by-type.svg",
];

/// Workloads whose clients hand each node unique integers that the nodes
/// spread among themselves: `broadcast` (`message`) and `g-set` (`element`).
const WORKLOADS: [&str; 2] = ["broadcast", "g-set"];

/// Draws the pictures of `PICTURES` into `run_dir` (a store directory
/// `store/<workload>/<stamp>/` holding `net-journal.jsonl`, `run.json` and
/// `history.jsonl`) and returns the names written. Runs of other workloads
/// get none (an empty list). A missing journal is an error; a missing
/// `history.jsonl` only loses the partition shading.
pub fn write_broadcast_pictures(run_dir: &Path) -> io::Result<Vec<String>> {
    let run = read_run_json(run_dir);
    if !workload(run_dir, &run).is_some_and(|w| WORKLOADS.contains(&w.as_str())) {
        return Ok(Vec::new());
    }
    let offset_ns = run
        .get("main_phase_offset_ns")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let journal = std::fs::File::open(run_dir.join("net-journal.jsonl"))?;
    let scan = Scan::read(BufReader::new(journal), offset_ns)?;
    let partitions = partitions(&run_dir.join("history.jsonl"), scan.end_s());
    let svgs = [
        propagation::render_distribution(&scan),
        propagation::render_node_lag(&scan),
        links::render(&scan),
        rates::render(&scan, &partitions),
    ];
    let mut written = Vec::new();
    for (name, svg) in PICTURES.iter().zip(svgs) {
        std::fs::write(run_dir.join(name), svg)?;
        written.push(name.to_string());
    }
    Ok(written)
}

fn read_run_json(run_dir: &Path) -> Value {
    std::fs::read_to_string(run_dir.join("run.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null)
}

/// The run's workload: `--workload`/`-w` in run.json's arguments, else the
/// name of the store directory above the run (`store/<workload>/<stamp>`).
fn workload(run_dir: &Path, run: &Value) -> Option<String> {
    let args: Vec<&str> = run
        .get("args")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let from_args = args
        .windows(2)
        .find(|w| matches!(w[0], "--workload" | "-w"))
        .map(|w| w[1].to_string());
    from_args.or_else(|| {
        let dir = std::fs::canonicalize(run_dir).unwrap_or_else(|_| run_dir.to_path_buf());
        Some(dir.parent()?.file_name()?.to_str()?.to_string())
    })
}

/// The partition periods, in seconds of history time, from the nemesis ops
/// of `history.jsonl` (read line by line; other ops are skipped unparsed
/// beyond their process). Empty when the file is missing.
fn partitions(history: &Path, end_s: f64) -> Vec<(f64, f64)> {
    let Ok(file) = std::fs::File::open(history) else {
        return Vec::new();
    };
    let mut ops: Vec<(u64, String)> = Vec::new();
    for line in BufReader::new(file).split(b'\n').map_while(Result::ok) {
        let Ok(op) = serde_json::from_slice::<Value>(&line) else {
            continue;
        };
        if op.get("process").and_then(Value::as_str) != Some("nemesis") {
            continue;
        }
        if let (Some(time), Some(f)) = (
            op.get("time").and_then(Value::as_u64),
            op.get("f").and_then(Value::as_str),
        ) {
            ops.push((time, f.to_string()));
        }
    }
    super::perf::nemesis_intervals(ops.iter().map(|(t, f)| (*t, f.as_str())), end_s)
}

/// A client id (`c0`, `c12`): the same test the net checker uses.
fn is_client(id: &str) -> bool {
    id.starts_with('c')
}

/// The nodes under test, numbered in the order the journal first names them.
#[derive(Default)]
pub struct Nodes {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Nodes {
    /// The number of a node id, registering it; None for clients and services.
    fn id(&mut self, name: &str) -> Option<usize> {
        if is_client(name) || SERVICE_IDS.contains(&name) {
            return None;
        }
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        Some(self.names.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Node numbers in display order: `n0 n1 n2 … n10`, as the message
    /// diagram orders its lanes.
    pub fn display_order(&self) -> Vec<usize> {
        let mut names = self.names.clone();
        super::messages::lane_order(&mut names);
        names.iter().map(|n| self.index[n]).collect()
    }
}

/// Everything the pictures need, gathered in one pass over the journal.
#[derive(Default)]
pub struct Scan {
    pub nodes: Nodes,
    pub propagation: propagation::Tracker,
    pub links: links::Counts,
    pub rates: rates::Counts,
    /// Journal lines read as events.
    pub events: u64,
    /// Lines that were not a journal event (bad JSON, missing fields).
    pub malformed: u64,
    /// Engine time of history time 0.
    pub offset_ns: u64,
    /// The last event's time, engine clock.
    pub last_ns: u64,
}

impl Scan {
    /// Reads a journal, one event a line; blank lines are skipped, lines that
    /// do not parse are counted in `malformed`. Only a read error fails.
    pub fn read(mut reader: impl BufRead, offset_ns: u64) -> io::Result<Scan> {
        let mut scan = Scan {
            offset_ns,
            ..Scan::default()
        };
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<JournalEvent>(&line) {
                Ok(event) => scan.observe(&event),
                Err(_) => scan.malformed += 1,
            }
        }
        Ok(scan)
    }

    fn observe(&mut self, e: &JournalEvent) {
        self.events += 1;
        self.last_ns = self.last_ns.max(e.time);
        let src = self.nodes.id(&e.src);
        let dest = self.nodes.id(&e.dest);
        self.rates.observe(e, self.offset_ns);
        if let (Some(src), Some(dest)) = (src, dest) {
            self.links.observe(src, dest, e.kind);
        }
        self.propagation.observe(e, src, dest);
    }

    /// Seconds of history time at the last event.
    pub fn end_s(&self) -> f64 {
        history_s(self.last_ns, self.offset_ns)
    }

    /// A note for the pictures when lines were skipped.
    pub fn malformed_note(&self) -> Option<String> {
        (self.malformed > 0).then(|| {
            format!(
                "{} malformed journal line{} skipped",
                self.malformed,
                if self.malformed == 1 { "" } else { "s" }
            )
        })
    }
}

/// Engine nanoseconds as seconds of history time (negative before the main phase).
fn history_s(engine_ns: u64, offset_ns: u64) -> f64 {
    (engine_ns as f64 - offset_ns as f64) / 1e9
}

/// A sequential blue scale: 0 is the palest tint, 1 the darkest blue.
fn heat(f: f64) -> String {
    let f = f.clamp(0.0, 1.0);
    let (lo, hi) = ([0xde, 0xeb, 0xf7], [0x08, 0x30, 0x6b]);
    let c: Vec<String> = (0..3)
        .map(|i| {
            let v = lo[i] as f64 + (hi[i] as f64 - lo[i] as f64) * f;
            format!("{:02x}", v.round() as u8)
        })
        .collect();
    format!("#{}", c.concat())
}

/// Text that stays readable on a `heat(f)` background.
fn ink_on(f: f64) -> &'static str {
    if f > 0.55 {
        "#fff"
    } else {
        "#000"
    }
}

/// A count in at most four characters: 999, 1.2k, 12k, 1.2M.
fn short_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.1}k", n as f64 / 1e3),
        10_000..=999_999 => format!("{}k", n / 1_000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// perf.rs's quantile (Jepsen's pick), None for no samples.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    (!sorted.is_empty()).then(|| super::perf::quantile(sorted, q))
}
