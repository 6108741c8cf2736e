//! One transaction's box of a [`Figure`]: its rows (every micro-op an
//! arrow or mark points at, then the first others, gaps counted), its size,
//! where arrows attach to it, and its SVG. Elle's `op->node` (elle v0.1.6
//! src/elle/viz.clj) draws a txn as a Graphviz `:record`, one field per
//! micro-op, coloured by op type; so does this.

use super::diagram::{cut, CHAR_W, HEAD_H, MAX_CHARS, MAX_ROWS, PAD, ROW_H};
use super::figure::{mop_text, BoxOp, Figure};
use crate::report::svg::esc;
use serde_json::Value;
use std::fmt::Write;

/// Characters of a box's hover text (the whole op, when it fits).
const TOOLTIP_CHARS: usize = 600;

/// Op type colours: elle v0.1.6 src/elle/viz.clj, `type->color`
/// (`:ok "#0058AD" :info "#AC6E00" :fail "#A50053"`).
fn type_colour(kind: &str) -> &'static str {
    match kind {
        "ok" => "#0058AD",
        "info" => "#AC6E00",
        "fail" => "#A50053",
        _ => "#585858",
    }
}

/// A drawn row: a micro-op (its position and the colours marking it) or a
/// gap of hidden rows.
pub(super) enum Row {
    Mop {
        index: usize,
        text: String,
        colours: Vec<&'static str>,
    },
    Gap(usize),
}

/// One laid-out box.
pub(super) struct Laid {
    pub(super) name: String,
    sub: String,
    /// The whole op, cut to `TOOLTIP_CHARS`: the box's hover text.
    tooltip: String,
    colour: &'static str,
    rows: Vec<Row>,
    pub(super) cx: f64,
    pub(super) cy: f64,
    pub(super) w: f64,
    pub(super) h: f64,
}

impl Laid {
    /// The y of the centre of the row showing micro-op `index`, if drawn.
    fn row_y(&self, index: usize) -> Option<f64> {
        let top = self.cy - self.h / 2.0 + HEAD_H;
        self.rows.iter().enumerate().find_map(|(i, r)| match r {
            Row::Mop { index: j, .. } if *j == index => Some(top + (i as f64 + 0.5) * ROW_H),
            _ => None,
        })
    }

    /// Where an arrow towards (tx, ty) leaves the box: the side facing it,
    /// at the row's height when the row is drawn, else where the line from
    /// the centre crosses the border.
    pub(super) fn anchor(&self, row: Option<usize>, tx: f64, ty: f64) -> (f64, f64) {
        if let Some(y) = row.and_then(|r| self.row_y(r)) {
            let side = if tx < self.cx { -1.0 } else { 1.0 };
            return (self.cx + side * self.w / 2.0, y);
        }
        let (dx, dy) = (tx - self.cx, ty - self.cy);
        if dx == 0.0 && dy == 0.0 {
            return (self.cx, self.cy - self.h / 2.0);
        }
        let t = (self.w / 2.0 / dx.abs()).min(self.h / 2.0 / dy.abs());
        (self.cx + dx * t, self.cy + dy * t)
    }
}

/// The rows of one box: every marked micro-op (up to `MAX_ROWS`), then the
/// first unmarked ones, in micro-op order with the gaps counted.
fn rows(mops: &[Value], marked: &[(usize, &'static str, String)]) -> Vec<Row> {
    let mut keep: Vec<usize> = marked
        .iter()
        .map(|m| m.0)
        .filter(|&i| i < mops.len())
        .collect();
    keep.sort_unstable();
    keep.dedup();
    keep.truncate(MAX_ROWS);
    for i in 0..mops.len() {
        if keep.len() >= MAX_ROWS {
            break;
        }
        if !keep.contains(&i) {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    let mut out = Vec::new();
    let mut next = 0;
    for &i in &keep {
        if i > next {
            out.push(Row::Gap(i - next));
        }
        let mut text = mop_text(&mops[i]);
        let mut colours = Vec::new();
        for (_, colour, note) in marked.iter().filter(|m| m.0 == i) {
            colours.push(*colour);
            if !note.is_empty() {
                text = format!("{}  ◂ {note}", cut(&text, MAX_CHARS / 2));
            }
        }
        out.push(Row::Mop {
            index: i,
            text: cut(&text, MAX_CHARS),
            colours,
        });
        next = i + 1;
    }
    if mops.len() > next {
        out.push(Row::Gap(mops.len() - next));
    }
    out
}

pub(super) fn lay_box(
    fig: &Figure,
    b: usize,
    op: &BoxOp,
    subtitle: &dyn Fn(&Value) -> String,
) -> Laid {
    let (name, sub, tooltip, colour, rows) = match op {
        BoxOp::Hidden(k) => (
            format!("… {k} more"),
            "transactions not drawn".to_string(),
            "The rest of the cycle is in results.json.".to_string(),
            type_colour(""),
            Vec::new(),
        ),
        BoxOp::Op(v) => {
            let mut marked: Vec<(usize, &'static str, String)> = Vec::new();
            for a in &fig.arrows {
                if a.from == b {
                    marked.extend(a.from_row.map(|r| (r, a.colour, String::new())));
                }
                if a.to == b {
                    marked.extend(a.to_row.map(|r| (r, a.colour, String::new())));
                }
            }
            for m in fig.marks.iter().filter(|m| m.at == b) {
                marked.push((m.row, m.colour, m.note.clone()));
            }
            let mops = v["value"].as_array().map(Vec::as_slice).unwrap_or(&[]);
            // Elle's node name: `(str "T" (:index op))` (viz.clj, `node-idx`).
            let name = match v["index"].as_u64() {
                Some(i) => format!("T{i}"),
                None => format!("T?{b}"),
            };
            let whole: Vec<String> = mops
                .iter()
                .take(TOOLTIP_CHARS / 4)
                .map(|m| cut(&mop_text(m), TOOLTIP_CHARS / 4))
                .collect();
            (
                name,
                cut(&subtitle(v), MAX_CHARS),
                cut(
                    &format!("{}: {}", subtitle(v), whole.join(", ")),
                    TOOLTIP_CHARS,
                ),
                type_colour(v["type"].as_str().unwrap_or("")),
                rows(mops, &marked),
            )
        }
    };
    let chars = rows
        .iter()
        .map(|r| match r {
            Row::Mop { text, .. } => text.chars().count(),
            Row::Gap(_) => 16,
        })
        .chain([name.chars().count(), sub.chars().count()])
        .max()
        .unwrap_or(0);
    Laid {
        w: chars as f64 * CHAR_W + 2.0 * PAD + 6.0,
        h: HEAD_H + rows.len() as f64 * ROW_H + PAD / 2.0,
        name,
        sub,
        tooltip,
        colour,
        rows,
        cx: 0.0,
        cy: 0.0,
    }
}

pub(super) fn draw_box(s: &mut String, l: &Laid) {
    let (x, y) = (l.cx - l.w / 2.0, l.cy - l.h / 2.0);
    let _ = write!(
        s,
        r#"<g class="txn" data-name="{name}"><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="4" fill="white" stroke="{c}" stroke-width="1.5"/>"#,
        name = esc(&l.name),
        w = l.w,
        h = l.h,
        c = l.colour
    );
    let _ = write!(s, "<title>{}</title>", esc(&l.tooltip));
    let _ = write!(
        s,
        r#"<text class="txn-name" x="{:.1}" y="{:.1}" fill="{}" font-weight="bold" font-size="13">{}</text>"#,
        x + PAD,
        y + 15.0,
        l.colour,
        esc(&l.name)
    );
    let _ = write!(
        s,
        r#"<text class="txn-sub" x="{:.1}" y="{:.1}" fill="dimgray">{}</text>"#,
        x + PAD,
        y + 29.0,
        esc(&l.sub)
    );
    for (i, r) in l.rows.iter().enumerate() {
        let ry = y + HEAD_H + i as f64 * ROW_H;
        match r {
            Row::Mop { text, colours, .. } => {
                for (j, c) in colours.iter().enumerate() {
                    let _ = write!(
                        s,
                        r#"<rect class="mark" x="{:.1}" y="{ry:.1}" width="{:.1}" height="{ROW_H}" fill="{c}" fill-opacity="{}"/>"#,
                        x + 2.0 + 3.0 * j as f64,
                        l.w - 4.0 - 3.0 * j as f64,
                        if j == 0 { 0.15 } else { 0.1 }
                    );
                }
                let class = if colours.is_empty() {
                    "mop"
                } else {
                    "mop marked"
                };
                let _ = write!(
                    s,
                    r#"<text class="{class}" x="{:.1}" y="{:.1}" font-family="monospace" fill="{}">{}</text>"#,
                    x + PAD,
                    ry + 11.5,
                    if colours.is_empty() {
                        "black"
                    } else {
                        colours[0]
                    },
                    esc(text)
                );
            }
            Row::Gap(k) => {
                let _ = write!(
                    s,
                    r#"<text class="gap" x="{:.1}" y="{:.1}" fill="gray" font-style="italic">… {k} more</text>"#,
                    x + PAD,
                    ry + 11.5
                );
            }
        }
    }
    s.push_str("</g>");
}
