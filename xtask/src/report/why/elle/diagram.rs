//! A [`Figure`] drawn as SVG, without Graphviz. Elle draws each cycle with
//! Graphviz (elle v0.1.6 src/elle/viz.clj, `op->node`: a `:record` node per
//! txn, one field per micro-op, coloured by op type; `op-op->edge`: an edge
//! from field `:a-mop-index` to field `:b-mop-index`, labelled and coloured
//! by relationship). A cycle is a small ring, so here the boxes sit on a
//! circle in cycle order and each arrow is a curve bulging outwards, leaving
//! the row of the micro-op that justifies it and entering the row of the one
//! it justifies, as Elle's record ports do.
//!
//! Bounded whatever the figure holds: at most [`MAX_ROWS`] rows per box
//! (every highlighted row kept, gaps shown as "… n more"), each text at most
//! [`MAX_CHARS`] characters, at most [`MAX_RING`](super::figure::MAX_RING)
//! boxes. Every text from a history is escaped.

use super::figure::{mop_text, Arrow, BoxOp, Figure};
use crate::report::svg::{canvas, esc};
use serde_json::Value;
use std::f64::consts::PI;
use std::fmt::Write;

/// Rows drawn per box.
pub const MAX_ROWS: usize = 10;
/// Characters per text line (longer ones end in "…").
pub const MAX_CHARS: usize = 48;
/// Characters of a box's hover text (the whole op, when it fits).
const TOOLTIP_CHARS: usize = 600;
/// Characters per line of the notes under the drawing.
const NOTE_CHARS: usize = 110;

const CHAR_W: f64 = 6.7; // monospace, 11 px
const ROW_H: f64 = 15.0;
const HEAD_H: f64 = 36.0;
const PAD: f64 = 8.0;
const MARGIN: f64 = 30.0;
const TITLE_H: f64 = 36.0;

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

/// `s` cut to `max` characters, "…" marking the cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s.chars().nth(max).is_some() => format!("{}…", &s[..i]),
        _ => s.to_string(),
    }
}

/// A drawn row: a micro-op (its position and the colours marking it) or a
/// gap of hidden rows.
enum Row {
    Mop {
        index: usize,
        text: String,
        colours: Vec<&'static str>,
    },
    Gap(usize),
}

/// One laid-out box.
struct Laid {
    name: String,
    sub: String,
    /// The whole op, cut to `TOOLTIP_CHARS`: the box's hover text.
    tooltip: String,
    colour: &'static str,
    rows: Vec<Row>,
    cx: f64,
    cy: f64,
    w: f64,
    h: f64,
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
    fn anchor(&self, row: Option<usize>, tx: f64, ty: f64) -> (f64, f64) {
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

fn lay_box(fig: &Figure, b: usize, op: &BoxOp, subtitle: &dyn Fn(&Value) -> String) -> Laid {
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

fn draw_box(s: &mut String, l: &Laid) {
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

/// Where an arrow runs: from (x0, y0) through control point (qx, qy) to
/// (x2, y2), its label of width `lw` centred on (lx, ly).
struct Geometry {
    x0: f64,
    y0: f64,
    qx: f64,
    qy: f64,
    x2: f64,
    y2: f64,
    lx: f64,
    ly: f64,
    lw: f64,
    label: String,
}

/// A curve from box `a.from` to box `a.to` bulging away from the ring's
/// `centre` (for two boxes: to the arrow's left, so the two arrows of a
/// pair separate).
fn geometry(a: &Arrow, laid: &[Laid], centre: (f64, f64)) -> Option<Geometry> {
    let (from, to) = (laid.get(a.from)?, laid.get(a.to)?);
    let (mx, my) = ((from.cx + to.cx) / 2.0, (from.cy + to.cy) / 2.0);
    let (dx, dy) = (to.cx - from.cx, to.cy - from.cy);
    let chord = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ox, oy) = (mx - centre.0, my - centre.1);
    let off = (ox * ox + oy * oy).sqrt();
    let (nx, ny) = if off > chord * 0.05 {
        (ox / off, oy / off)
    } else {
        (dy / chord, -dx / chord)
    };
    let bulge = 0.3 * chord;
    let (qx, qy) = (mx + nx * bulge, my + ny * bulge);
    let (x0, y0) = from.anchor(a.from_row, qx, qy);
    let (x2, y2) = to.anchor(a.to_row, qx, qy);
    let label = cut(&a.label, MAX_CHARS);
    Some(Geometry {
        x0,
        y0,
        qx,
        qy,
        x2,
        y2,
        // The quadratic curve's midpoint.
        lx: 0.25 * x0 + 0.5 * qx + 0.25 * x2,
        ly: 0.25 * y0 + 0.5 * qy + 0.25 * y2,
        lw: label.chars().count() as f64 * 6.4 + 8.0,
        label,
    })
}

/// The curve, an arrowhead, and the label on a white ground (into
/// `labels`, drawn last, over the boxes).
fn draw_arrow(s: &mut String, labels: &mut String, a: &Arrow, g: &Geometry) {
    let Geometry {
        x0,
        y0,
        qx,
        qy,
        x2,
        y2,
        lx,
        ly,
        lw,
        ..
    } = *g;
    let _ = write!(
        s,
        r#"<g class="dep"><path d="M{x0:.1},{y0:.1} Q{qx:.1},{qy:.1} {x2:.1},{y2:.1}" fill="none" stroke="{c}" stroke-width="1.6"/>"#,
        c = a.colour
    );
    // Arrowhead along the curve's end tangent (control point -> end).
    let (tx, ty) = (x2 - qx, y2 - qy);
    let tl = (tx * tx + ty * ty).sqrt().max(1.0);
    let (ux, uy) = (tx / tl, ty / tl);
    let (bx, by) = (x2 - ux * 10.0, y2 - uy * 10.0);
    let _ = write!(
        s,
        r#"<polygon points="{x2:.1},{y2:.1} {:.1},{:.1} {:.1},{:.1}" fill="{c}"/></g>"#,
        bx - uy * 4.0,
        by + ux * 4.0,
        bx + uy * 4.0,
        by - ux * 4.0,
        c = a.colour
    );
    let _ = write!(
        labels,
        r#"<g class="dep-label"><rect x="{:.1}" y="{:.1}" width="{lw:.1}" height="16" rx="3" fill="white" stroke="{c}" stroke-width="0.6"/><text class="label" x="{lx:.1}" y="{:.1}" text-anchor="middle" fill="{c}" font-weight="bold">{}</text></g>"#,
        lx - lw / 2.0,
        ly - 8.0,
        ly + 4.0,
        esc(&g.label),
        c = a.colour
    );
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
