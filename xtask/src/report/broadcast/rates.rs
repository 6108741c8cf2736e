//! msgs-by-type.svg: messages sent per second by body `type` over the run,
//! partitions shaded as in the perf pictures. Client traffic is labelled
//! `(client)`, so a node's own message types stand apart from the
//! workload's requests and replies.

use super::{history_s, is_client, Scan};
use crate::journal::{JournalEvent, JournalKind};
use crate::report::perf::{draw_lines, nemesis_legend, shade};
use crate::report::svg::Frame;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Distinct labels counted; further ones are counted as "other".
const MAX_KEPT: usize = 32;
/// Series drawn (one per palette colour): the nodes' own types first, then
/// the clients', the busiest first; the rest are summed as "other".
const MAX_DRAWN: usize = 10;
const OTHER: &str = "other";
const CLIENT: &str = " (client)";

/// Sends per one-second bucket of history time, per series.
#[derive(Default)]
pub struct Counts {
    names: Vec<String>,
    index: HashMap<String, usize>,
    /// Second (history time, floor) -> count per series number.
    per_second: BTreeMap<i64, Vec<u64>>,
}

impl Counts {
    pub fn observe(&mut self, e: &JournalEvent, offset_ns: u64) {
        if e.kind != JournalKind::Send {
            return;
        }
        let series = self.series(&label(e));
        let second = history_s(e.time, offset_ns).floor() as i64;
        let counts = self.per_second.entry(second).or_default();
        if counts.len() <= series {
            counts.resize(series + 1, 0);
        }
        counts[series] += 1;
    }

    fn series(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let name = if self.names.len() < MAX_KEPT {
            name
        } else {
            OTHER
        };
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }

    /// Per series name, (second, messages) for every second from the first
    /// to the last, zeros included; at most `MAX_DRAWN` series.
    pub fn lines(&self) -> Vec<(String, Vec<(i64, u64)>)> {
        let (Some(first), Some(last)) = (
            self.per_second.keys().next().copied(),
            self.per_second.keys().next_back().copied(),
        ) else {
            return Vec::new();
        };
        let count = |i: usize, s: i64| {
            self.per_second
                .get(&s)
                .and_then(|c| c.get(i).copied())
                .unwrap_or(0)
        };
        let total = |i: usize| (first..=last).map(|s| count(i, s)).sum::<u64>();
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_by_key(|&i| {
            let name = &self.names[i];
            (
                name == OTHER,
                name.ends_with(CLIENT),
                std::cmp::Reverse(total(i)),
                name.clone(),
            )
        });
        let (shown, rest) = if order.len() > MAX_DRAWN {
            order.split_at(MAX_DRAWN - 1)
        } else {
            (&order[..], &[][..])
        };
        let mut lines: Vec<(String, Vec<(i64, u64)>)> = shown
            .iter()
            .map(|&i| {
                let pts = (first..=last).map(|s| (s, count(i, s))).collect();
                (self.names[i].clone(), pts)
            })
            .collect();
        if !rest.is_empty() {
            let pts = (first..=last)
                .map(|s| (s, rest.iter().map(|&i| count(i, s)).sum()))
                .collect();
            lines.push((OTHER.to_string(), pts));
        }
        lines
    }
}

/// `gossip`, or `broadcast (client)` for traffic to or from a client.
fn label(e: &JournalEvent) -> String {
    let ty = e.body.get("type").and_then(Value::as_str).unwrap_or("?");
    if is_client(&e.src) || is_client(&e.dest) {
        format!("{ty}{CLIENT}")
    } else {
        ty.to_string()
    }
}

pub fn render(scan: &Scan, partitions: &[(f64, f64)]) -> String {
    let lines: Vec<(String, Vec<(f64, f64)>)> = scan
        .rates
        .lines()
        .into_iter()
        .map(|(name, pts)| {
            let pts = pts
                .into_iter()
                .map(|(s, k)| (s as f64 + 0.5, k as f64))
                .collect();
            (name, pts)
        })
        .collect();
    let x0 = lines
        .iter()
        .flat_map(|l| l.1.first())
        .map(|p| p.0 - 0.5)
        .fold(0.0, f64::min);
    let x1 = lines
        .iter()
        .flat_map(|l| l.1.last())
        .map(|p| p.0 + 0.5)
        .chain(partitions.iter().map(|p| p.1))
        .fold(scan.end_s(), f64::max);
    let max = lines
        .iter()
        .flat_map(|l| l.1.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let frame = Frame::new((x0, x1), (0.0, max), false);
    let mut out = frame.open(
        "Messages sent per second by body type",
        "Time (s)",
        "Messages per second",
    );
    out.push_str(&shade(&frame, partitions));
    out.push_str(&draw_lines(&frame, &lines));
    let mut next = lines.len();
    out.push_str(&nemesis_legend(&frame, next, partitions));
    if !partitions.is_empty() {
        next += 1;
    }
    if let Some(note) = scan.malformed_note() {
        out.push_str(&frame.legend(next, "none", &note));
    }
    out.push_str("</svg>\n");
    out
}
