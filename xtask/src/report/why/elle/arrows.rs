//! The arrows of a [`Figure`](super::figure::Figure): a curve between two
//! boxes, an arrowhead and a label. Elle's `op-op->edge` (elle v0.1.6
//! src/elle/viz.clj) draws an edge from the `:a-mop-index` field of one
//! record to the `:b-mop-index` field of the other, labelled and coloured
//! by relationship; here the curve leaves and enters those rows.

use super::boxes::Laid;
use super::diagram::{cut, MAX_CHARS};
use super::figure::Arrow;
use crate::report::svg::esc;
use std::fmt::Write;

/// Where an arrow runs: from (x0, y0) through control point (qx, qy) to
/// (x2, y2), its label of width `lw` centred on (lx, ly).
pub(super) struct Geometry {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) qx: f64,
    pub(super) qy: f64,
    pub(super) x2: f64,
    pub(super) y2: f64,
    pub(super) lx: f64,
    pub(super) ly: f64,
    pub(super) lw: f64,
    label: String,
}

/// A curve from box `a.from` to box `a.to` bulging away from the ring's
/// `centre` (for two boxes: to the arrow's left, so the two arrows of a
/// pair separate).
pub(super) fn geometry(a: &Arrow, laid: &[Laid], centre: (f64, f64)) -> Option<Geometry> {
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
pub(super) fn draw_arrow(s: &mut String, labels: &mut String, a: &Arrow, g: &Geometry) {
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
