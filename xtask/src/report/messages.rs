//! messages.svg: the space-time diagram of the network journal, laid out as
//! Maelstrom's `maelstrom.net.viz` draws it (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/net/viz.clj, `plot-analemma!`).

use super::svg::esc;
use crate::edn::pr_str;
use crate::journal::{JournalEvent, JournalKind};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;

/// Maelstrom stops drawing after this many journal events.
pub const JOURNAL_LIMIT: usize = 10_000;
/// The lanes span this width, and so does the picture: Maelstrom's
/// `(+ (:width layout 50))` reads 50 as a default, not an addend.
const WIDTH: f64 = 1200.0;
const Y_STEP: f64 = 20.0;
/// Node names are repeated every this many steps.
const LABEL_EVERY: usize = 50;

fn body_type(body: &Value) -> &str {
    body.get("type").and_then(Value::as_str).unwrap_or("")
}

/// Lane order: ids of the form letters+digits grouped by prefix and sorted
/// numerically (`c1 c2 c10 n0 n1`), then the others (services) by name.
pub(super) fn lane_order(ids: &mut [String]) {
    fn key(id: &str) -> (u8, String, u128, String) {
        let split = id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len());
        let (prefix, digits) = id.split_at(split);
        let numbered = !prefix.is_empty()
            && !digits.is_empty()
            && prefix.chars().all(|c| c.is_ascii_alphabetic())
            && digits.chars().all(|c| c.is_ascii_digit());
        match (numbered, digits.parse::<u128>()) {
            (true, Ok(n)) => (0, prefix.to_string(), n, id.to_string()),
            _ => (1, String::new(), 0, id.to_string()),
        }
    }
    ids.sort_by_cached_key(|id| key(id));
}

/// `<type> <other fields as EDN>`, or `error <text>`, cut to 48 characters.
fn label(body: &Value) -> String {
    let ty = body_type(body);
    let rest = if ty == "error" {
        match body.get("text") {
            Some(Value::String(t)) => t.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => pr_str(other),
        }
    } else {
        keyword_map(body, &["type", "msg_id", "in_reply_to"])
    };
    truncate(&format!("{ty} {rest}"), 48)
}

/// A body printed as Clojure prints Maelstrom's body maps: top-level keys
/// are keywords, deeper keys stay strings.
fn keyword_map(body: &Value, skip: &[&str]) -> String {
    let Some(obj) = body.as_object() else {
        return pr_str(body);
    };
    let fields: Vec<String> = obj
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| format!(":{k} {}", pr_str(v)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

fn colour(event: &JournalEvent) -> &'static str {
    if body_type(&event.body) == "error" {
        "#FF1E90"
    } else if event.involves_client() {
        "#81BFFC"
    } else {
        "#000"
    }
}

/// What one message's tooltip may hold: a message's body can be megabytes
/// (a 1 000-node topology is ~35 KB), and the picture embeds one per arrow.
pub const TITLE_LIMIT: usize = 1_000;

/// One drawn event: the journal event without its body, and what the
/// picture shows of the body, worked out once (a kept body can be large).
struct Drawn {
    id: u64,
    time: u64,
    kind: JournalKind,
    msg_id: u64,
    src: String,
    dest: String,
    ty: String,
    label: String,
    title: String,
    colour: &'static str,
}

impl Drawn {
    fn of(e: JournalEvent) -> Drawn {
        let title = truncate(
            &format!("{} → {} {}", e.src, e.dest, keyword_map(&e.body, &[])),
            TITLE_LIMIT,
        );
        Drawn {
            id: e.id,
            time: e.time,
            kind: e.kind,
            msg_id: e.msg_id,
            ty: body_type(&e.body).to_string(),
            label: label(&e.body),
            colour: colour(&e),
            title,
            src: e.src,
            dest: e.dest,
        }
    }
}

/// The events drawn: the first [`JOURNAL_LIMIT`] by id that are not init
/// traffic, how many more there were, and every id seen on any of them.
/// Reads the journal once, in memory bounded by the limit.
fn select(journal: impl IntoIterator<Item = JournalEvent>) -> (Vec<Drawn>, usize, Vec<String>) {
    let mut kept: Vec<Drawn> = Vec::new();
    let mut total = 0;
    let mut nodes: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut threshold: Option<u64> = None;
    for e in journal {
        if matches!(body_type(&e.body), "init" | "init_ok") {
            continue;
        }
        total += 1;
        for id in [&e.src, &e.dest] {
            if seen.insert(id.clone()) {
                nodes.push(id.clone());
            }
        }
        // Past the limit, an event later than every kept one cannot be drawn.
        if threshold.is_some_and(|t| e.id > t) {
            continue;
        }
        kept.push(Drawn::of(e));
        if kept.len() == JOURNAL_LIMIT || kept.len() >= 2 * JOURNAL_LIMIT {
            kept.sort_by_key(|e| e.id);
            kept.truncate(JOURNAL_LIMIT);
            threshold = kept.last().map(|k| k.id);
        }
    }
    kept.sort_by_key(|e| e.id);
    kept.truncate(JOURNAL_LIMIT);
    let truncated = total - kept.len();
    (kept, truncated, nodes)
}

/// Steps between repeated lane names: every [`LABEL_EVERY`] steps, spaced
/// out when there are so many lanes that the names would dominate the file
/// (1 000 nodes repeated every 50 of 10 000 steps: 200 000 labels).
fn label_every(lanes: usize, steps: usize) -> usize {
    const MOST_LABELS: usize = 20_000;
    let repeats = (MOST_LABELS / lanes.max(1)).max(1);
    LABEL_EVERY.max(steps.div_ceil(repeats))
}

/// Renders the diagram. `main_phase_offset_ns` (engine clock) marks where
/// the main phase begins, drawn as a faint line.
pub fn render(
    journal: impl IntoIterator<Item = JournalEvent>,
    main_phase_offset_ns: u64,
) -> String {
    let (shown, truncated, mut nodes) = select(journal);

    lane_order(&mut nodes);
    let lane: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let x = |node: &str| {
        (lane.get(node).copied().unwrap_or(0) as f64 + 0.5) / nodes.len().max(1) as f64 * WIDTH
    };
    let y = |step: f64| Y_STEP * (1.5 + step);
    let steps = shown.len();
    let height = Y_STEP * (7 + steps) as f64;

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="2.0" width="{WIDTH}" height="{height}">"#
    );
    s.push_str("<style>svg { font-family: Helvetica, Arial, sans-serif; font-size: 11px; } rect { stroke-linecap: butt; stroke-width: 3; stroke: #fff; } polygon { fill: #000; } text.label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }</style>");
    s.push_str(r#"<defs><polygon id="ahead" points="0 0, -12 4, -12 -4"/></defs>"#);
    s.push_str(r#"<rect width="100%" height="100%" fill="white" stroke="none"/>"#);

    // Lane names, repeated every LABEL_EVERY steps or more; lane lines.
    let every = label_every(nodes.len(), steps);
    for node in &nodes {
        for step in (0..steps.max(1)).step_by(every) {
            let fill = if step == 0 { "#000" } else { "#aaa" };
            let _ = write!(
                s,
                r#"<text class="lane" x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="middle" fill="{fill}">{}</text>"#,
                x(node),
                y(step as f64 - 0.5),
                esc(node)
            );
        }
        let _ = write!(
            s,
            r##"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="#ccc"/>"##,
            x(node),
            y(0.0),
            y(steps as f64 + 1.0)
        );
    }

    if let Some(i) = shown
        .iter()
        .position(|e| e.time >= main_phase_offset_ns)
        .filter(|i| *i > 0)
    {
        let yy = y(i as f64 + 0.5);
        let _ = write!(
            s,
            r##"<g class="main-phase"><line x1="0" y1="{yy:.1}" x2="{WIDTH}" y2="{yy:.1}" stroke="#9c9" stroke-dasharray="4 4"/><text class="label" x="4" y="{:.1}" fill="#6a6">main phase</text></g>"##,
            yy - 3.0
        );
    }

    // One arrow per delivered message, from its send step to its receive step.
    let mut sent_at: HashMap<u64, (usize, &str)> = HashMap::new();
    for (i, e) in shown.iter().enumerate() {
        let step = i + 1;
        match e.kind {
            JournalKind::Send => {
                sent_at.insert(e.msg_id, (step, e.src.as_str()));
            }
            JournalKind::Recv => {
                let Some(&(from_step, from_node)) = sent_at.get(&e.msg_id) else {
                    continue;
                };
                s.push_str(&arrow(
                    e,
                    (x(from_node), y(from_step as f64)),
                    (x(&e.dest), y(step as f64)),
                ));
            }
        }
    }

    if truncated > 0 {
        let step = steps as f64 + 2.0;
        let _ = write!(
            s,
            r##"<g class="truncated"><line x1="30" y1="{0:.1}" x2="{1}" y2="{0:.1}" stroke="#D96918"/><text x="{2}" y="{3:.1}" fill="#D96918" text-anchor="middle">{truncated} later network events not shown</text></g>"##,
            y(step),
            WIDTH - 30.0,
            WIDTH / 2.0,
            y(step + 1.0)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// One message arrow. Its label carries a white halo (Maelstrom draws a
/// blurred white "glow" copy under each label; a white text stroke painted
/// below the fill looks the same) so crossing arrows do not hide the text.
fn arrow(e: &Drawn, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> String {
    let length = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    let angle = (y1 - y0).atan2(x1 - x0).to_degrees();
    let left = !(-90.0 < angle && angle < 90.0);
    let flip = if left {
        format!(r#" transform="rotate(180 {:.1} 0)""#, length / 2.0)
    } else {
        String::new()
    };
    format!(
        r##"<g class="msg" data-type="{ty}" transform="translate({x0:.1} {y0:.1}) rotate({angle:.2})"><rect x="0" y="-2.5" height="5" width="{w:.1}" fill="{c}"><title>{title}</title></rect><use xlink:href="#ahead" x="{length:.1}" y="0"/><text class="label" text-anchor="middle" x="{mid:.1}" y="-4"{flip}>{label}</text></g>"##,
        ty = esc(&e.ty),
        w = (length - 4.0).max(0.0),
        c = e.colour,
        title = esc(&e.title),
        mid = length / 2.0,
        label = esc(&e.label),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lanes_sort_clients_then_nodes_numerically_then_services() {
        let mut ids: Vec<String> = ["seq-kv", "n10", "c2", "n2", "c10", "lin-kv", "n0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        lane_order(&mut ids);
        assert_eq!(ids, ["c2", "c10", "n0", "n2", "n10", "lin-kv", "seq-kv"]);
    }

    #[test]
    fn labels_follow_maelstrom() {
        assert_eq!(
            label(&json!({"type": "echo", "echo": "hi", "msg_id": 1})),
            "echo {:echo \"hi\"}"
        );
        assert_eq!(
            label(&json!({"type": "error", "code": 11, "text": "busy", "in_reply_to": 1})),
            "error busy"
        );
        assert_eq!(
            label(&json!({"type": "read_ok", "in_reply_to": 3})),
            "read_ok {}"
        );
        let long = label(&json!({"type": "broadcast", "message": "x".repeat(100)}));
        assert_eq!(long.chars().count(), 48);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn lane_names_thin_out_with_many_lanes() {
        assert_eq!(label_every(5, 10_000), LABEL_EVERY);
        assert_eq!(label_every(100, 10_000), LABEL_EVERY);
        // 1 025 lanes: at most ~20 000 names in all.
        let every = label_every(1025, 10_000);
        assert!(1025 * 10_000usize.div_ceil(every) <= 20_500, "{every}");
        assert_eq!(label_every(0, 0), LABEL_EVERY);
    }
}
