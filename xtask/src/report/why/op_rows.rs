//! A small picture of a few client ops grouped under labels, on one time
//! axis: the shape shared by `duplicates.svg` (each duplicated id, the ops
//! that returned it) and `echo-errors.svg` (each wrong reply, its op).
//! Every op is a line of text (process, node, what it returned) and a bar
//! from its invocation to its completion. Bounded by its callers' caps.

use super::client_nodes::ClientNodes;
use super::ops::cut;
use super::Picture;
use crate::report::svg::{canvas, esc, nice_ticks};
use std::fmt::Write;
use std::path::Path;

/// The longest text shown for a label or an op.
pub const MAX_TEXT_CHARS: usize = 60;

const WIDTH: f64 = 1000.0;
/// Where the time axis begins; the text is to its left.
const AXIS_LEFT: f64 = 430.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 40.0;
const LINE_H: f64 = 16.0;
const BAR_FILL: &str = "#d62728";

/// One op: its client process, invocation and completion (history ns),
/// and what the picture says of it.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkedOp {
    pub process: u64,
    pub invoked: u64,
    pub completed: u64,
    pub text: String,
}

/// A label and its ops; `more` ops were left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub label: String,
    pub ops: Vec<MarkedOp>,
    pub more: usize,
}

/// The SVG of `groups` (`more_groups` left out), titled `title`.
pub fn render(
    title: &str,
    groups: &[Group],
    more_groups: usize,
    nodes: Option<&ClientNodes>,
) -> String {
    let lines: usize = groups
        .iter()
        .map(|g| 1 + g.ops.len() + usize::from(g.more > 0))
        .sum();
    let height = TOP + (lines + 3) as f64 * LINE_H;
    let (from, to) = span(groups).unwrap_or((0, 1));
    let x = |t: u64| {
        let frac = t.saturating_sub(from) as f64 / (to - from).max(1) as f64;
        AXIS_LEFT + frac * (WIDTH - AXIS_LEFT - RIGHT)
    };
    let mut s = canvas(WIDTH, height, title);
    let mut y = TOP;
    for g in groups {
        y += LINE_H;
        let _ = write!(
            s,
            r#"<text class="label" x="8" y="{y}" font-weight="bold">{}</text>"#,
            esc(&cut(&g.label, MAX_TEXT_CHARS))
        );
        for op in &g.ops {
            y += LINE_H;
            let node = nodes.map_or(String::new(), |c| format!(" on {}", c.node_of(op.process)));
            let text = format!(
                "process {}{node}: {}",
                op.process,
                cut(&op.text, MAX_TEXT_CHARS)
            );
            let (x0, x1) = (x(op.invoked), x(op.completed));
            let _ = write!(
                s,
                r#"<text class="op" x="20" y="{y}">{}</text><rect class="op-bar" x="{x0:.1}" y="{:.1}" width="{:.1}" height="10" fill="{BAR_FILL}"><title>{}</title></rect>"#,
                esc(&text),
                y - 10.0,
                (x1 - x0).max(2.0),
                esc(&format!(
                    "invoked {} s, completed {} s",
                    secs(op.invoked),
                    secs(op.completed)
                ))
            );
        }
        if g.more > 0 {
            y += LINE_H;
            let _ = write!(s, r#"<text x="20" y="{y}">… and {} more</text>"#, g.more);
        }
    }
    if more_groups > 0 {
        y += LINE_H;
        let _ = write!(
            s,
            r#"<text x="8" y="{y}">… and {more_groups} more not drawn</text>"#
        );
    }
    y += LINE_H;
    let _ = write!(
        s,
        r##"<line x1="{AXIS_LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#333"/>"##,
        WIDTH - RIGHT
    );
    for t in nice_ticks(from as f64, to as f64, 5) {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{} s</text>"#,
            x(t as u64),
            y + LINE_H,
            secs(t as u64)
        );
    }
    s.push_str("</svg>");
    s
}

/// Renders `groups` (`more_groups` left out) under `heading`, writes it
/// to `dir/file`, and returns its why.json entry titled `title`; the nodes
/// are named from the run's run.json.
pub fn write(
    dir: &Path,
    file: &str,
    (heading, title): (String, String),
    groups: &[Group],
    more_groups: usize,
) -> Result<Vec<Picture>, String> {
    let nodes = ClientNodes::of_run(dir);
    let svg = render(&heading, groups, more_groups, nodes.as_ref());
    std::fs::write(dir.join(file), svg).map_err(|e| format!("cannot write {file}: {e}"))?;
    Ok(vec![picture(file, title, groups, nodes.as_ref())])
}

/// The window a drawn picture concerns and the nodes of its processes.
fn picture(file: &str, title: String, groups: &[Group], nodes: Option<&ClientNodes>) -> Picture {
    let processes: Vec<u64> = groups
        .iter()
        .flat_map(|g| g.ops.iter().map(|o| o.process))
        .collect();
    Picture {
        file: file.into(),
        title,
        anomaly: true,
        window_ns: span(groups),
        nodes: nodes.map_or(Vec::new(), |c| c.nodes_of(&processes)),
    }
}

/// From the first invocation to the last completion of the drawn ops.
fn span(groups: &[Group]) -> Option<(u64, u64)> {
    let ops = groups.iter().flat_map(|g| &g.ops);
    let from = ops.clone().map(|o| o.invoked).min()?;
    let to = ops.map(|o| o.completed).max()?;
    Some((from, to.max(from)))
}

fn secs(ns: u64) -> String {
    format!("{:.3}", ns as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(process: u64, invoked: u64, completed: u64, text: &str) -> MarkedOp {
        MarkedOp {
            process,
            invoked,
            completed,
            text: text.into(),
        }
    }

    #[test]
    fn ops_are_named_by_process_and_node_and_their_text_is_escaped() {
        let nodes = ClientNodes::new(vec!["n0".into(), "n1".into()], 2);
        let groups = [Group {
            label: "id <1>".into(),
            ops: vec![
                op(0, 1_000_000_000, 2_000_000_000, "a"),
                op(3, 1_500_000_000, 4_000_000_000, "b&"),
            ],
            more: 2,
        }];
        let svg = render("t", &groups, 1, Some(&nodes));
        roxmltree::Document::parse(&svg).expect("well-formed");
        assert!(svg.contains("id &lt;1&gt;"), "{svg}");
        assert!(svg.contains("process 0 on n0: a"), "{svg}");
        assert!(svg.contains("process 3 on n1: b&amp;"), "{svg}");
        assert!(svg.contains("… and 2 more<") && svg.contains("… and 1 more not drawn"));
        let p = picture("x.svg", "t".into(), &groups, Some(&nodes));
        assert_eq!(p.window_ns, Some((1_000_000_000, 4_000_000_000)));
        assert_eq!(p.nodes, ["n0", "n1"]);
        assert!(p.anomaly);
    }

    #[test]
    fn no_ops_still_draw_a_well_formed_picture_with_no_window() {
        let groups = [Group {
            label: "x".into(),
            ..Group::default()
        }];
        roxmltree::Document::parse(&render("t", &groups, 0, None)).expect("well-formed");
        assert_eq!(picture("x.svg", "t".into(), &groups, None).window_ns, None);
    }
}
