//! link-load.svg: server messages per source -> destination as a heat map,
//! with each node's total sent (bars right of its row) and received (bars
//! under its column), so the overlay a node really uses shows at a glance:
//! a star lights one row and one column, a mesh the whole square, a tree a
//! few cells per row.

use super::{heat, ink_on, short_count, Scan};
use crate::journal::JournalKind;
use crate::report::svg::{canvas, esc};
use std::collections::HashMap;
use std::fmt::Write;

/// Sends and deliveries per (source, destination) node pair.
#[derive(Default)]
pub struct Counts {
    pairs: HashMap<(usize, usize), (u64, u64)>,
}

impl Counts {
    pub fn observe(&mut self, src: usize, dest: usize, kind: JournalKind) {
        let c = self.pairs.entry((src, dest)).or_default();
        match kind {
            JournalKind::Send => c.0 += 1,
            JournalKind::Recv => c.1 += 1,
        }
    }

    /// Messages sent from `src` to `dest`.
    pub fn sent(&self, src: usize, dest: usize) -> u64 {
        self.pairs.get(&(src, dest)).map_or(0, |c| c.0)
    }

    /// Messages from `src` delivered to `dest`.
    pub fn delivered(&self, src: usize, dest: usize) -> u64 {
        self.pairs.get(&(src, dest)).map_or(0, |c| c.1)
    }

    pub fn total_sent(&self) -> u64 {
        self.pairs.values().map(|c| c.0).sum()
    }

    pub fn total_delivered(&self) -> u64 {
        self.pairs.values().map(|c| c.1).sum()
    }
}

/// Total bars are at most this long.
const BAR: f64 = 110.0;

pub fn render(scan: &Scan) -> String {
    let order = scan.nodes.display_order();
    let n = order.len();
    let links = &scan.links;
    let cell = (560.0 / n.max(1) as f64).clamp(4.0, 26.0);
    let label_every = (12.0 / cell).ceil() as usize;
    let (left, top) = (60.0, 96.0);
    let side = cell * n as f64;
    let bars_x = left + side + 12.0;
    let scale_x = bars_x + BAR + 60.0;
    let width = (scale_x + 170.0).max(760.0);
    let height = top + side + 12.0 + BAR + 40.0;

    let row_total: Vec<u64> = (0..scan.nodes.len())
        .map(|s| (0..scan.nodes.len()).map(|d| links.sent(s, d)).sum())
        .collect();
    let col_total: Vec<u64> = (0..scan.nodes.len())
        .map(|d| (0..scan.nodes.len()).map(|s| links.sent(s, d)).sum())
        .collect();
    let max_cell = links.pairs.values().map(|c| c.0).max().unwrap_or(0);
    let max_total = row_total
        .iter()
        .chain(&col_total)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let used = links.pairs.values().filter(|c| c.0 > 0).count();

    let mut out = canvas(
        width,
        height,
        "Link load: server messages sent, source (row) → destination (column)",
    );
    let busiest = |totals: &[u64]| {
        totals
            .iter()
            .enumerate()
            .max_by_key(|(i, t)| (**t, std::cmp::Reverse(*i)))
            .filter(|(_, t)| **t > 0)
            .map(|(i, t)| format!("{} ({t})", scan.nodes.name(i)))
            .unwrap_or_else(|| "none".into())
    };
    let mut note = format!(
        "{} sent, {} delivered, on {used} of {} links; busiest sender {}, busiest receiver {}",
        links.total_sent(),
        links.total_delivered(),
        n * n.saturating_sub(1),
        busiest(&row_total),
        busiest(&col_total),
    );
    if let Some(m) = scan.malformed_note() {
        let _ = write!(note, "; {m}");
    }
    let _ = write!(
        out,
        r##"<text class="note" x="{}" y="36" text-anchor="middle" fill="#555">{}</text>"##,
        width / 2.0,
        esc(&note)
    );

    // Axis names and node labels.
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="52" text-anchor="middle">destination</text><text x="14" y="{:.1}" text-anchor="middle" transform="rotate(-90 14 {:.1})">source</text>"#,
        left + side / 2.0,
        top + side / 2.0,
        top + side / 2.0
    );
    for (k, &node) in order.iter().enumerate() {
        if k % label_every != 0 {
            continue;
        }
        let name = esc(scan.nodes.name(node));
        let mid = cell * (k as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{name}</text>"#,
            left - 5.0,
            top + mid
        );
        let (cx, cy) = (left + mid + 4.0, top - 5.0);
        let _ = write!(
            out,
            r#"<text x="{cx:.1}" y="{cy:.1}" transform="rotate(-90 {cx:.1} {cy:.1})">{name}</text>"#
        );
    }

    // The matrix: a pale square, one cell per link that carried anything.
    let _ = write!(
        out,
        r##"<rect x="{left}" y="{top}" width="{side:.1}" height="{side:.1}" fill="#fafafa" stroke="#444"/>"##
    );
    for (r, &src) in order.iter().enumerate() {
        for (c, &dest) in order.iter().enumerate() {
            let sent = links.sent(src, dest);
            if sent == 0 {
                continue;
            }
            let f = sent as f64 / max_cell.max(1) as f64;
            let (x, y) = (left + cell * c as f64, top + cell * r as f64);
            let (s, d) = (esc(scan.nodes.name(src)), esc(scan.nodes.name(dest)));
            let _ = write!(
                out,
                r#"<g class="link" data-src="{s}" data-dest="{d}" data-sent="{sent}"><rect x="{x:.1}" y="{y:.1}" width="{cell:.1}" height="{cell:.1}" fill="{}" stroke="white" stroke-width="{}"><title>{s} → {d}: {sent} sent, {} delivered</title></rect>"#,
                heat(0.12 + 0.88 * f),
                if cell >= 8.0 { 1 } else { 0 },
                links.delivered(src, dest)
            );
            if cell >= 20.0 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" dominant-baseline="middle" font-size="8" fill="{}">{}</text>"#,
                    x + cell / 2.0,
                    y + cell / 2.0,
                    ink_on(0.12 + 0.88 * f),
                    short_count(sent)
                );
            }
            out.push_str("</g>");
        }
    }

    // Totals: sent per source to the right, received per destination below.
    let _ = write!(
        out,
        r#"<text x="{bars_x:.1}" y="{:.1}">sent</text><text x="{:.1}" y="{:.1}" text-anchor="end">received</text>"#,
        top - 5.0,
        left - 5.0,
        top + side + 12.0 + BAR / 2.0
    );
    for (k, &node) in order.iter().enumerate() {
        let name = esc(scan.nodes.name(node));
        let at = cell * k as f64;
        let thick = (cell - 1.0).max(1.0);
        let len_row = row_total[node] as f64 / max_total as f64 * BAR;
        let _ = write!(
            out,
            r##"<rect class="row-total" data-node="{name}" data-total="{}" x="{bars_x:.1}" y="{:.1}" width="{len_row:.1}" height="{thick:.1}" fill="#6b8fb8"/>"##,
            row_total[node],
            top + at
        );
        let len = col_total[node] as f64 / max_total as f64 * BAR;
        let _ = write!(
            out,
            r##"<rect class="col-total" data-node="{name}" data-total="{}" x="{:.1}" y="{:.1}" width="{thick:.1}" height="{len:.1}" fill="#6b8fb8"/>"##,
            col_total[node],
            left + at,
            top + side + 12.0
        );
        if cell >= 10.0 {
            let font = cell.min(12.0) - 2.0;
            let (rx, ry) = (bars_x + len_row + 3.0, top + at + cell / 2.0);
            let (cx, cy) = (left + at + cell / 2.0, top + side + 12.0 + len + 3.0);
            let _ = write!(
                out,
                r#"<text x="{rx:.1}" y="{ry:.1}" font-size="{font}" dominant-baseline="middle">{}</text><text x="{cx:.1}" y="{cy:.1}" font-size="{font}" dominant-baseline="middle" transform="rotate(90 {cx:.1} {cy:.1})">{}</text>"#,
                row_total[node], col_total[node]
            );
        }
    }

    // The colour scale.
    let steps = 5;
    let _ = write!(
        out,
        r#"<text x="{scale_x:.1}" y="{:.1}">messages on a link</text>"#,
        top - 5.0
    );
    for i in 0..=steps {
        let f = i as f64 / steps as f64;
        let y = top + 18.0 * i as f64;
        let value = (max_cell as f64 * f).round() as u64;
        let _ = write!(
            out,
            r##"<rect x="{scale_x:.1}" y="{y:.1}" width="16" height="16" fill="{}" stroke="#ccc"/><text x="{:.1}" y="{:.1}">{}</text>"##,
            heat(0.12 + 0.88 * f),
            scale_x + 22.0,
            y + 12.0,
            if i == 0 {
                "1".to_string()
            } else {
                value.to_string()
            }
        );
    }
    out.push_str("</svg>\n");
    out
}
