//! A [`Figure`] drawn as SVG, without Graphviz. Elle draws each cycle with
//! Graphviz (elle v0.1.6 src/elle/viz.clj, `op->node`: a `:record` node per
//! txn, one field per micro-op, coloured by op type; `op-op->edge`: an edge
//! from field `:a-mop-index` to field `:b-mop-index`, labelled and coloured
//! by relationship). A cycle is a small ring, so here the boxes sit on a
//! circle in cycle order and each arrow is a curve bulging outwards, leaving
//! the row of the micro-op that justifies it and entering the row of the one
//! it justifies, as Elle's record ports do. This file lays the ring out and
//! sizes the picture; `boxes.rs` draws a box, `arrows.rs` an arrow.
//!
//! Bounded whatever the figure holds: at most [`MAX_ROWS`] rows per box
//! (every highlighted row kept, gaps shown as "… n more"), each text at most
//! [`MAX_CHARS`] characters, at most [`MAX_RING`](super::figure::MAX_RING)
//! boxes. Every text from a history is escaped.

use super::arrows::{draw_arrow, geometry};
use super::boxes::{draw_box, lay_box, Laid};
use super::figure::Figure;
use crate::report::svg::{canvas, esc};
use serde_json::Value;
use std::f64::consts::PI;
use std::fmt::Write;

/// Rows drawn per box.
pub const MAX_ROWS: usize = 10;
/// Characters per text line (longer ones end in "…").
pub const MAX_CHARS: usize = 48;
/// Characters per line of the notes under the drawing.
const NOTE_CHARS: usize = 110;

pub(super) const CHAR_W: f64 = 6.7; // monospace, 11 px
pub(super) const ROW_H: f64 = 15.0;
pub(super) const HEAD_H: f64 = 36.0;
pub(super) const PAD: f64 = 8.0;
const MARGIN: f64 = 30.0;
const TITLE_H: f64 = 36.0;

/// `s` cut to `max` characters, "…" marking the cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s.chars().nth(max).is_some() => format!("{}…", &s[..i]),
        _ => s.to_string(),
    }
}

/// Draws `fig`; `subtitle` describes an op's box (process, node, type).
pub fn render(fig: &Figure, subtitle: &dyn Fn(&Value) -> String) -> String {
    let mut laid: Vec<Laid> = fig
        .boxes
        .iter()
        .enumerate()
        .map(|(b, op)| lay_box(fig, b, op, subtitle))
        .collect();
    let n = laid.len().max(1);
    let max_w = laid.iter().map(|l| l.w).fold(0.0, f64::max);
    let max_h = laid.iter().map(|l| l.h).fold(0.0, f64::max);
    // Neighbours on the ring must not overlap: the chord between them
    // holds a box and room for a label.
    let radius = if n == 1 {
        0.0
    } else {
        (max_w.max(max_h) + 90.0) / (2.0 * (PI / n as f64).sin())
    };
    let notes: Vec<String> = fig.notes.iter().flat_map(|t| wrap(t, NOTE_CHARS)).collect();
    for (i, l) in laid.iter_mut().enumerate() {
        // Two boxes side by side; more on a circle from the top, clockwise.
        let angle = if n == 2 {
            PI + PI * i as f64
        } else {
            -PI / 2.0 + 2.0 * PI * i as f64 / n as f64
        };
        l.cx = radius * angle.cos();
        l.cy = radius * angle.sin();
    }
    // The drawing's extent (boxes, curves, labels), then moved below the title.
    let mut ext = Extent::default();
    for l in &laid {
        ext.add(l.cx - l.w / 2.0, l.cy - l.h / 2.0);
        ext.add(l.cx + l.w / 2.0, l.cy + l.h / 2.0);
    }
    for a in &fig.arrows {
        if let Some(g) = geometry(a, &laid, (0.0, 0.0)) {
            ext.add(g.qx, g.qy);
            ext.add(g.lx - g.lw / 2.0, g.ly - 10.0);
            ext.add(g.lx + g.lw / 2.0, g.ly + 10.0);
        }
    }
    let (dx, dy) = (MARGIN - ext.min.0, TITLE_H + MARGIN - ext.min.1);
    for l in &mut laid {
        l.cx += dx;
        l.cy += dy;
    }
    let centre = (dx, dy);
    let bottom = ext.max.1 + dy + MARGIN;
    let width = (ext.max.0 + dx + MARGIN).max(NOTE_CHARS as f64 * 6.0 + 2.0 * MARGIN);
    let height = bottom + notes.len() as f64 * 16.0 + 10.0;

    let mut s = canvas(width.round(), height.round(), &fig.title);
    let mut labels = String::new();
    for a in &fig.arrows {
        if let Some(g) = geometry(a, &laid, centre) {
            draw_arrow(&mut s, &mut labels, a, &g);
        }
    }
    for l in &laid {
        draw_box(&mut s, l);
    }
    s.push_str(&labels);
    let mut y = bottom;
    for line in notes {
        let _ = write!(
            s,
            r#"<text class="note" x="{MARGIN}" y="{y:.1}" fill="darkslategray">{}</text>"#,
            esc(&line)
        );
        y += 16.0;
    }
    s.push_str("</svg>\n");
    s
}

/// The smallest rectangle holding the points added.
struct Extent {
    min: (f64, f64),
    max: (f64, f64),
}

impl Default for Extent {
    fn default() -> Self {
        Extent {
            min: (f64::MAX, f64::MAX),
            max: (f64::MIN, f64::MIN),
        }
    }
}

impl Extent {
    fn add(&mut self, x: f64, y: f64) {
        self.min = (self.min.0.min(x), self.min.1.min(y));
        self.max = (self.max.0.max(x), self.max.1.max(y));
    }
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let word = cut(word, width);
        let last = lines.last_mut().expect("never empty");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word);
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(&word);
        }
    }
    lines
}
