//! Hand-written SVG: escaping and a small x/y plot frame (linear x, linear or
//! log y, ticks, legend, shaded bands). Written directly rather than through
//! a plotting crate: the pictures are simple and need no fonts or rasteriser.

use std::fmt::Write;

/// Escapes text for SVG element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Series colours, in legend order.
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A plot area of `width` x `height` with room for axes and a legend.
pub struct Frame {
    pub width: f64,
    pub height: f64,
    x_range: (f64, f64),
    y_range: (f64, f64),
    log_y: bool,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    /// `x_range` and `y_range` are data ranges; for a log axis `y_range` must
    /// be positive (it is clamped) and is widened to whole decades.
    pub fn new(x_range: (f64, f64), y_range: (f64, f64), log_y: bool) -> Frame {
        let (mut x0, mut x1) = x_range;
        if x1.partial_cmp(&x0) != Some(std::cmp::Ordering::Greater) {
            x0 = x0.min(0.0);
            x1 = x0 + 1.0;
        }
        // Like gnuplot's autoscale, the axis runs on to a whole tick, so the
        // last point does not sit on the frame.
        if let Some(step) = nice_step(x0, x1, X_TICKS) {
            x1 = ((x1 / step) + 1e-9).ceil() * step;
        }
        let y_range = if log_y {
            let lo = y_range.0.max(1e-3);
            let hi = y_range.1.max(lo);
            (
                10f64.powf(lo.log10().floor()),
                10f64.powf((hi.log10() + 1e-9).ceil().max(lo.log10().floor() + 1.0)),
            )
        } else {
            let hi = if y_range.1 > 0.0 {
                y_range.1 * 1.1
            } else {
                1.0
            };
            (0.0, hi)
        };
        Frame {
            width: 900.0,
            height: 400.0,
            x_range: (x0, x1),
            y_range,
            log_y,
            left: 70.0,
            right: 190.0,
            top: 30.0,
            bottom: 45.0,
        }
    }

    pub fn x(&self, v: f64) -> f64 {
        let (a, b) = self.x_range;
        self.left + (v - a) / (b - a) * (self.width - self.left - self.right)
    }

    pub fn y(&self, v: f64) -> f64 {
        let (a, b) = self.y_range;
        let frac = if self.log_y {
            (v.max(a).log10() - a.log10()) / (b.log10() - a.log10())
        } else {
            (v - a) / (b - a)
        };
        self.height - self.bottom - frac.clamp(0.0, 1.0) * (self.height - self.top - self.bottom)
    }

    /// The opening tag, background, title and axes with ticks and labels.
    pub fn open(&self, title: &str, x_label: &str, y_label: &str) -> String {
        let (w, h) = (self.width, self.height);
        let mut s = canvas(w, h, title);
        let (px0, px1) = (self.left, w - self.right);
        let (py0, py1) = (self.top, h - self.bottom);
        let _ = write!(
            s,
            r##"<rect x="{px0}" y="{py0}" width="{}" height="{}" fill="none" stroke="#444"/>"##,
            px1 - px0,
            py1 - py0
        );
        for t in nice_ticks(self.x_range.0, self.x_range.1, X_TICKS) {
            let x = self.x(t);
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{py1}" x2="{x:.1}" y2="{}" stroke="#444"/>"##,
                py1 + 4.0
            );
            let _ = write!(
                s,
                r#"<text class="x-tick" x="{x:.1}" y="{}" text-anchor="middle">{}</text>"#,
                py1 + 16.0,
                fmt_tick(t)
            );
        }
        let y_ticks = if self.log_y {
            decades(self.y_range.0, self.y_range.1)
        } else {
            nice_ticks(self.y_range.0, self.y_range.1, 6)
        };
        for t in y_ticks {
            let y = self.y(t);
            let _ = write!(
                s,
                r##"<line x1="{px0}" y1="{y:.1}" x2="{px1}" y2="{y:.1}" stroke="#ddd"/>"##
            );
            let _ = write!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                px0 - 6.0,
                y + 4.0,
                fmt_tick(t)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            (px0 + px1) / 2.0,
            h - 8.0,
            esc(x_label)
        );
        let _ = write!(
            s,
            r#"<text x="16" y="{0}" text-anchor="middle" transform="rotate(-90 16 {0})">{1}</text>"#,
            (py0 + py1) / 2.0,
            esc(y_label)
        );
        s
    }

    /// A shaded vertical band from x = `a` to `b` (data units), translucent
    /// so the grid lines under it still show.
    pub fn band(&self, a: f64, b: f64, class: &str, fill: &str) -> String {
        let (x0, x1) = (
            self.x(a).max(self.left),
            self.x(b).min(self.width - self.right),
        );
        if x1 <= x0 {
            return String::new();
        }
        format!(
            r#"<rect class="{class}" x="{x0:.1}" y="{}" width="{:.1}" height="{}" fill="{fill}" fill-opacity="0.7"/>"#,
            self.top,
            x1 - x0,
            self.height - self.top - self.bottom
        )
    }

    /// One legend entry, `index` lines down the legend column.
    pub fn legend(&self, index: usize, colour: &str, label: &str) -> String {
        let x = self.width - self.right + 14.0;
        let y = self.top + 8.0 + 16.0 * index as f64;
        format!(
            r#"<g class="legend"><rect x="{x}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}">{}</text></g>"#,
            y - 8.0,
            x + 15.0,
            y + 1.0,
            esc(label)
        )
    }
}

/// About how many ticks the x axis gets.
const X_TICKS: usize = 8;

/// The round step (1, 2 or 5 times a power of ten) that cuts [a, b] into
/// about `n` pieces; None for an empty or non-finite range.
fn nice_step(a: f64, b: f64, n: usize) -> Option<f64> {
    if b.partial_cmp(&a) != Some(std::cmp::Ordering::Greater) || !a.is_finite() || !b.is_finite() {
        return None;
    }
    let raw = (b - a) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    (step > 0.0 && step.is_finite()).then_some(step)
}

/// About `n` round tick values covering [a, b].
pub fn nice_ticks(a: f64, b: f64, n: usize) -> Vec<f64> {
    let Some(step) = nice_step(a, b, n) else {
        return vec![a];
    };
    let mut t = (a / step).ceil() * step;
    let mut out = Vec::new();
    while t <= b + step * 1e-9 && out.len() < 100 {
        out.push(t);
        t += step;
    }
    out
}

fn decades(a: f64, b: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut e = a.log10().round() as i32;
    while 10f64.powi(e) <= b * (1.0 + 1e-9) && out.len() < 30 {
        out.push(10f64.powi(e));
        e += 1;
    }
    out
}

fn fmt_tick(t: f64) -> String {
    // A tick computed as ceil(-0.5) * step is -0.0, which would print "-0".
    let t = t + 0.0;
    if t.abs() >= 1.0 || t == 0.0 {
        format!("{}", (t * 1000.0).round() / 1000.0)
    } else {
        format!("{t:.3}").trim_end_matches('0').to_string()
    }
}
/// An SVG opening tag with a white background and a centred title; the
/// caller draws the rest and closes it.
pub fn canvas(w: f64, h: f64, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = write!(
        s,
        r#"<text class="title" x="{}" y="18" text-anchor="middle" font-size="14">{}</text>"#,
        w / 2.0,
        esc(title)
    );
    s
}
