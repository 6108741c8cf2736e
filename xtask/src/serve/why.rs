//! The "why it failed" part of an invalid run's page (issue 25): the first
//! anomaly picture of the run's manifest (`why.json`, written by
//! `report::why`), the Lamport diagram cut to its window and nodes (drawn on
//! request by `cut_diagram`), the node-log lines of that window, then the
//! other anomaly pictures. Every read is bounded and of regular files only;
//! every string from the manifest or a log is escaped, and a picture file
//! is linked only by a store-relative path that stays in the run.

use super::http::{esc, percent_encode, Body, Response};
use super::lines::{CappedLines, Line};
use super::log_window::{self, is_node_id};
use super::regular;
use crate::report::lamport_cut::{self, Cut};
use crate::report::why::MANIFEST;
use serde_json::Value;
use std::fmt::Write;
use std::path::{Component, Path};
use std::sync::Mutex;

/// Largest manifest read: a run lists a few dozen pictures.
pub const MAX_MANIFEST: u64 = 256 << 10;
/// Entries of the manifest read.
pub const MAX_ENTRIES: usize = 200;
/// Largest run.json read (its options and offset: a few hundred bytes).
const MAX_RUN_JSON: u64 = 64 << 10;
/// Longest journal line read; a longer one is skipped (the history
/// reader's bound, `history::source::MAX_LINE_BYTES`).
const MAX_JOURNAL_LINE: usize = crate::history::source::MAX_LINE_BYTES;
/// Node logs shown when an anomaly names no nodes.
const MAX_LOGGED_NODES: usize = 16;
/// The cut is widened by this much on each side, so that an anomaly at an
/// instant (a single read) still shows the messages around it.
pub const PAD_NS: u64 = 10_000_000;
/// One cut diagram is drawn at a time: each holds up to
/// `messages::JOURNAL_LIMIT` events with their labels (~10 MB).
static DRAWING: Mutex<()> = Mutex::new(());

/// One entry of `why.json` (format: `report::why::manifest_entry`).
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub file: String,
    pub title: String,
    pub anomaly: bool,
    pub window_ns: Option<(u64, u64)>,
    pub nodes: Vec<String>,
}

/// A picture path the page may link: relative, plain names only.
fn is_safe_file(file: &str) -> bool {
    !file.is_empty()
        && file.len() <= 1024
        && Path::new(file)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn entry(v: &Value) -> Option<Entry> {
    let file = v.get("file")?.as_str()?;
    if !is_safe_file(file) {
        return None;
    }
    let title: String = v
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(file)
        .chars()
        .take(200)
        .collect();
    let window_ns = v
        .get("window-ns")
        .and_then(Value::as_array)
        .and_then(|w| Some((w.first()?.as_u64()?, w.get(1)?.as_u64()?)))
        .filter(|(a, b)| a <= b);
    let nodes = v
        .get("nodes")
        .and_then(Value::as_array)
        .map(|ns| {
            ns.iter()
                .filter_map(Value::as_str)
                .filter(|n| is_node_id(n))
                .take(64)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Some(Entry {
        file: file.to_string(),
        title,
        anomaly: v.get("anomaly").and_then(Value::as_bool) == Some(true),
        window_ns,
        nodes,
    })
}

/// The manifest's entries, in order; entries that are not well-formed are
/// left out, and an unreadable manifest is an empty one.
pub fn manifest(dir: &Path) -> Vec<Entry> {
    let Ok((file, meta)) = regular::open(&dir.join(MANIFEST)) else {
        return Vec::new();
    };
    let Ok(bytes) = regular::read_opened(file, meta.len(), MAX_MANIFEST) else {
        return Vec::new();
    };
    let Ok(Value::Array(entries)) = serde_json::from_slice::<Value>(&bytes) else {
        return Vec::new();
    };
    entries.iter().take(MAX_ENTRIES).filter_map(entry).collect()
}

/// The engine time of history time 0 (run.json's `main_phase_offset_ns`).
fn main_phase_offset(dir: &Path) -> u64 {
    regular::open(&dir.join("run.json"))
        .ok()
        .and_then(|(f, m)| regular::read_opened(f, m.len(), MAX_RUN_JSON).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get("main_phase_offset_ns")?.as_u64())
        .unwrap_or(0)
}

/// An anomaly's window in engine time, padded by `PAD_NS`.
fn engine_window(dir: &Path, (from, to): (u64, u64)) -> (u64, u64) {
    let offset = main_phase_offset(dir);
    (
        (from.saturating_add(offset)).saturating_sub(PAD_NS),
        to.saturating_add(offset).saturating_add(PAD_NS),
    )
}

/// A picture inline: SVG as an image (an `<img>` runs no script the file
/// may hold), HTML in a sandboxed frame, anything else as a link.
fn picture(base: &str, e: &Entry) -> String {
    let href = format!("{base}/{}", percent_encode(&e.file));
    let title = esc(&e.title);
    if e.file.ends_with(".svg") {
        format!("<div class=\"why-picture\"><a href=\"{href}\"><img class=\"anomaly-picture\" src=\"{href}\" alt=\"{title}\"></a></div>")
    } else if e.file.ends_with(".html") {
        format!("<div class=\"why-picture\"><iframe class=\"anomaly-picture\" sandbox=\"allow-scripts\" src=\"{href}\" title=\"{title}\"></iframe><br><a href=\"{href}\">open {}</a></div>", esc(&e.file))
    } else {
        format!("<p><a href=\"{href}\">{}</a></p>", esc(&e.file))
    }
}

/// The nodes whose logs are shown: the anomaly's, or every node's log.
fn logged_nodes(dir: &Path, e: &Entry) -> Vec<String> {
    if !e.nodes.is_empty() {
        return e.nodes.clone();
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("node-logs"))
        .map(|it| {
            it.flatten()
                .filter_map(|d| d.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".log").map(String::from))
                .filter(|n| is_node_id(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.truncate(MAX_LOGGED_NODES);
    names
}

/// The "why" section of a run page, or None when the manifest lists no
/// anomaly. `run_rel` is `<workload>/<timestamp>`.
pub fn section(dir: &Path, run_rel: &str) -> Option<String> {
    let entries = manifest(dir);
    let (first_index, first) = entries.iter().enumerate().find(|(_, e)| e.anomaly)?;
    let rel = percent_encode(run_rel);
    let base = format!("/files/{rel}");
    let mut s = String::from("<section id=\"why\"><h2>Why it failed</h2>");
    let _ = write!(
        s,
        "<div class=\"anomaly first\"><h3>{}</h3>{}</div>",
        esc(&first.title),
        picture(&base, first)
    );
    if let Some(window) = first.window_ns {
        let (from, to) = engine_window(dir, window);
        let nodes = if first.nodes.is_empty() {
            "all nodes".to_string()
        } else {
            esc(&first.nodes.join(" "))
        };
        let _ = write!(
            s,
            "<h3>Messages around it</h3><p>History time {:.3}–{:.3} s (±{} ms), {nodes}, with the clients and services they talk to.</p><div class=\"diagram\"><img class=\"cut-diagram\" src=\"/why/{rel}/{first_index}/messages.svg\" alt=\"the messages of that window\"></div>",
            window.0 as f64 / 1e9,
            window.1 as f64 / 1e9,
            PAD_NS / 1_000_000,
        );
        s.push_str("<h3>Node logs around it</h3>");
        for node in logged_nodes(dir, first) {
            match log_window::excerpt(dir, &node, from, to) {
                Ok(ex) => {
                    let more = if ex.more {
                        format!("\n… (more; first {} lines shown)", log_window::MAX_LINES)
                    } else {
                        String::new()
                    };
                    let text = if ex.lines.is_empty() {
                        "(nothing logged in this window)".to_string()
                    } else {
                        ex.lines.join("\n")
                    };
                    let _ = write!(
                        s,
                        "<h4>{node}</h4><pre class=\"log-window\" data-node=\"{node}\">{}{}</pre>",
                        esc(&text),
                        esc(&more),
                        node = esc(&node)
                    );
                }
                Err(e) => {
                    let _ = write!(s, "<p class=\"log-window\">{}</p>", esc(&e));
                }
            }
        }
    }
    let others: Vec<&Entry> = entries.iter().filter(|e| e.anomaly).skip(1).collect();
    if !others.is_empty() {
        s.push_str("<h3>Other anomalies</h3>");
        for e in others {
            let _ = write!(
                s,
                "<div class=\"anomaly\"><h4>{}</h4>{}</div>",
                esc(&e.title),
                picture(&base, e)
            );
        }
    }
    s.push_str("</section>");
    Some(s)
}

/// `GET /why/<workload>/<timestamp>/<n>/messages.svg`: the Lamport diagram
/// cut to manifest entry `n`'s window and nodes.
pub fn cut_diagram(dir: &Path, n: usize) -> Response {
    let entries = manifest(dir);
    let Some(window) = entries.get(n).and_then(|e| e.window_ns) else {
        return Response::error(404, "no such anomaly window");
    };
    let (from_ns, to_ns) = engine_window(dir, window);
    let cut = Cut {
        from_ns,
        to_ns,
        nodes: entries[n].nodes.clone(),
    };
    let Ok((file, _)) = regular::open(&dir.join("net-journal.jsonl")) else {
        return Response::error(404, "no network journal");
    };
    let events = CappedLines::new(file, MAX_JOURNAL_LINE).filter_map(|line| match line {
        Line::Text(t) => serde_json::from_str(&t).ok(),
        Line::Skipped => None,
    });
    let _one_at_a_time = DRAWING.lock().unwrap_or_else(|p| p.into_inner());
    let svg = lamport_cut::render(events, &cut, main_phase_offset(dir));
    Response {
        status: 200,
        content_type: "image/svg+xml",
        body: Body::Bytes(svg.into_bytes()),
    }
}

#[cfg(test)]
mod tests;
