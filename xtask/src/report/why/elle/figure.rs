//! What one Elle picture shows, read from an anomaly entry of the results
//! map (the checker's own data, `checkers/elle/explain.rs` `render` and
//! `cases.rs`): the transactions as boxes, the dependencies as labelled
//! arrows, and which micro-op of each box justifies each arrow.
//!
//! A figure is bounded whatever the entry holds: at most [`MAX_RING`] boxes
//! (a longer cycle is cut, its hidden part one "…" box); rows and texts are
//! cut when drawn (`diagram.rs`).

use crate::edn::pr_str;
use serde_json::Value;

/// The most boxes one figure draws (a longer cycle shows its first
/// `MAX_RING - 1` transactions and a "… n more" box closing the ring).
pub const MAX_RING: usize = 12;

/// Dependency colours and short names: elle v0.1.6 src/elle/viz.clj,
/// `rel->color` (`:ww "#C02700" :wr "#C000A5" :rw "#5B00C0" :realtime
/// "#0050C0" :process "#00C0C0"`, default "#585858") and `short-rel`
/// (`:realtime :rt, :process :p`).
pub fn rel_colour(rel: &str) -> &'static str {
    match rel {
        "ww" => "#C02700",
        "wr" => "#C000A5",
        "rw" => "#5B00C0",
        "realtime" => "#0050C0",
        "process" => "#00C0C0",
        _ => "#585858",
    }
}

fn short_rel(rel: &str) -> &str {
    match rel {
        "realtime" => "rt",
        "process" => "p",
        other => other,
    }
}

/// One box: a history op (a txn completion), or the stand-in for the part
/// of a long cycle that is not drawn.
#[derive(Clone, Debug)]
pub enum BoxOp<'a> {
    Op(&'a Value),
    Hidden(usize),
}

/// A labelled arrow between two boxes; `*_row` is the micro-op (position
/// in the op's value) that justifies it at each end, when known.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub colour: &'static str,
    pub from_row: Option<usize>,
    pub to_row: Option<usize>,
}

/// A mark on a micro-op row that no arrow ends on (G1b's overwriting write,
/// internal's wrong read).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at: usize,
    pub row: usize,
    pub colour: &'static str,
    pub note: String,
}

#[derive(Clone, Debug)]
pub struct Figure<'a> {
    /// The heading ("G1c #0: a cycle of 2 transactions").
    pub title: String,
    pub boxes: Vec<BoxOp<'a>>,
    pub arrows: Vec<Arrow>,
    pub marks: Vec<Mark>,
    /// Lines under the drawing: how to read it.
    pub notes: Vec<String>,
}

impl Figure<'_> {
    /// The history ops the figure draws.
    pub fn ops(&self) -> impl Iterator<Item = &Value> {
        self.boxes.iter().filter_map(|b| match b {
            BoxOp::Op(v) => Some(*v),
            BoxOp::Hidden(_) => None,
        })
    }
}

/// Micro-op text as Elle's plots print it: elle v0.1.6 src/elle/viz.clj,
/// `mop->str`: `(str (name (short-f f)) " " k " " (pr-str v))`, where
/// `short-f` turns `:append` into `:a`. So `["append", 9, 1]` is `a 9 1`,
/// `["r", 9, [1, 2]]` is `r 9 [1 2]`, and a string key prints bare (`str`).
pub fn mop_text(mop: &Value) -> String {
    let part = |i: usize| mop.get(i).unwrap_or(&Value::Null);
    let f = match part(0).as_str() {
        Some("append") => "a".to_string(),
        Some(f) => f.to_string(),
        None => pr_str(part(0)),
    };
    format!("{f} {} {}", key_text(part(1)), pr_str(part(2)))
}

/// A key as `str` prints it (a string bare, nil empty).
fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => pr_str(other),
    }
}

/// The label of a cycle step: its type and the key and values that justify
/// it (the fields of Elle's explainer data: `key`, `value`, `value'`).
fn step_label(step: &Value) -> String {
    let rel = step["type"].as_str().unwrap_or("?");
    let key = key_text;
    match rel {
        "wr" if step.get("key").is_some() => {
            format!("wr {}: {}", key(&step["key"]), pr_str(&step["value"]))
        }
        "ww" | "rw" if step.get("key").is_some() => format!(
            "{rel} {}: {} → {}",
            key(&step["key"]),
            value_or_init(&step["value"]),
            pr_str(&step["value'"])
        ),
        "realtime" => match (step["a'"]["time"].as_u64(), step["b"]["time"].as_u64()) {
            (Some(a), Some(b)) if b > a => format!("rt +{:.3} s", (b - a) as f64 / 1e9),
            _ => "rt".into(),
        },
        "process" => format!("p {}", pr_str(&step["process"])),
        other => short_rel(other).to_string(),
    }
}

/// list-append's rw from the initial state names `:elle.list-append/init`.
fn value_or_init(v: &Value) -> String {
    match v.as_str() {
        Some("elle.list-append/init") => "init".into(),
        _ => pr_str(v),
    }
}

fn row(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|n| usize::try_from(n).ok())
}

/// A figure of one cycle `{cycle, steps, type}` (the cycle closed: its
/// first op repeated at the end, one step per arrow). None when the entry
/// is not a cycle (e.g. a `cycle-search-timeout` record).
pub fn cycle<'a>(kind: &str, n: usize, entry: &'a Value) -> Option<Figure<'a>> {
    let ops = entry.get("cycle")?.as_array()?;
    let steps = entry.get("steps")?.as_array()?;
    let len = steps.len().min(ops.len().saturating_sub(1));
    if len == 0 {
        return None;
    }
    let shown = if len > MAX_RING { MAX_RING - 1 } else { len };
    let mut boxes: Vec<BoxOp> = ops[..shown].iter().map(BoxOp::Op).collect();
    if shown < len {
        boxes.push(BoxOp::Hidden(len - shown));
    }
    let mut arrows = Vec::new();
    for (i, step) in steps[..len].iter().enumerate().take(shown) {
        let to = (i + 1) % boxes.len();
        // The step into the hidden part has no micro-op drawn to end on.
        let into_op = shown == len || i + 1 < shown;
        arrows.push(Arrow {
            from: i,
            to,
            label: step_label(step),
            colour: rel_colour(step["type"].as_str().unwrap_or("")),
            from_row: row(&step["a-mop-index"]),
            to_row: if into_op {
                row(&step["b-mop-index"])
            } else {
                None
            },
        });
    }
    if shown < len {
        arrows.push(Arrow {
            from: shown,
            to: 0,
            label: "…".into(),
            colour: rel_colour(""),
            from_row: None,
            to_row: None,
        });
    }
    Some(Figure {
        title: format!("{kind} #{n}: a cycle of {len} transactions"),
        boxes,
        arrows,
        marks: Vec::new(),
        notes: vec![
            "Each arrow is a dependency Elle inferred: ww (a write, then the write \
             that overwrote it), wr (a write, then a read of it), rw (a read, then \
             the write that overwrote what it read), rt (real time), p (process order)."
                .into(),
            "Following the arrows comes back to the start: no order of these \
             transactions is consistent with all of them."
                .into(),
            "Highlighted micro-ops justify the arrows; the label gives key: value (→ next value)."
                .into(),
        ],
    })
}

/// Where in `op`'s value the micro-op `mop` is (the first equal one).
fn mop_row(op: &Value, mop: &Value) -> Option<usize> {
    op["value"].as_array()?.iter().position(|m| m == mop)
}

/// The write of `key` in `writer` that a G1a / G1b read saw: rw-register's
/// `[w k v]` with the read's value; list-append's `[append k e]` with the
/// case's `element`.
fn write_row(writer: &Value, mop: &Value, element: Option<&Value>) -> Option<usize> {
    let (k, v) = (&mop[1], element.unwrap_or(&mop[2]));
    writer["value"]
        .as_array()?
        .iter()
        .position(|m| m[0] != "r" && m[1] == *k && m[2] == *v)
}

/// G1a (aborted read) or G1b (intermediate read): `{op, mop, writer}`
/// (list-append adds `element`). The writer on the left, the reader on the
/// right, the read arrow between them.
pub fn read_case<'a>(kind: &str, n: usize, case: &'a Value) -> Option<Figure<'a>> {
    let (op, mop, writer) = (case.get("op")?, case.get("mop")?, case.get("writer")?);
    let element = case.get("element");
    let w_row = write_row(writer, mop, element);
    let shown = element.unwrap_or(&mop[2]);
    let label = format!("wr {}: {}", key_text(&mop[1]), pr_str(shown));
    let mut marks = Vec::new();
    let why = if kind == "G1a" {
        "The writer failed (:fail): its write never happened, yet the reader saw it."
    } else {
        // The writer's later write of the same key overwrote what was read.
        if let Some(r) = w_row {
            let later = writer["value"].as_array().and_then(|ms| {
                ms.iter()
                    .enumerate()
                    .skip(r + 1)
                    .find(|(_, m)| m[0] != "r" && m[1] == mop[1])
                    .map(|(i, _)| i)
            });
            if let Some(l) = later {
                marks.push(Mark {
                    at: 0,
                    row: l,
                    colour: rel_colour("ww"),
                    note: "overwrote it".into(),
                });
            }
        }
        "The writer wrote the value and then overwrote it in the same transaction: \
         the reader saw an intermediate state."
    };
    Some(Figure {
        title: format!("{kind} #{n}: {}", describe(kind)),
        boxes: vec![BoxOp::Op(writer), BoxOp::Op(op)],
        arrows: vec![Arrow {
            from: 0,
            to: 1,
            label,
            colour: rel_colour("wr"),
            from_row: w_row,
            to_row: mop_row(op, mop),
        }],
        marks,
        notes: vec![why.into()],
    })
}

/// `internal`: `{op, mop, expected}`, one transaction whose read disagrees
/// with its own earlier micro-ops.
pub fn internal<'a>(n: usize, case: &'a Value) -> Option<Figure<'a>> {
    let (op, mop) = (case.get("op")?, case.get("mop")?);
    let row = mop_row(op, mop)?;
    Some(Figure {
        title: format!("internal #{n}: {}", describe("internal")),
        boxes: vec![BoxOp::Op(op)],
        arrows: Vec::new(),
        marks: vec![Mark {
            at: 0,
            row,
            colour: rel_colour("rw"),
            note: format!("expected {}", pr_str(&case["expected"])),
        }],
        notes: vec![
            "The highlighted read disagrees with what this transaction itself wrote or read before it."
                .into(),
        ],
    })
}

/// `dirty-update` (list-append): `{key, values, txns: [failed, "...", ok]}`:
/// a committed append right after a failed one in the key's order.
pub fn dirty_update<'a>(n: usize, case: &'a Value) -> Option<Figure<'a>> {
    let txns = case.get("txns")?.as_array()?;
    let (failed, ok) = (txns.first()?, txns.last()?);
    if !failed.is_object() || !ok.is_object() {
        return None;
    }
    let key = &case["key"];
    let appends = |op: &Value| {
        op["value"]
            .as_array()
            .and_then(|ms| ms.iter().rposition(|m| m[0] == "append" && m[1] == *key))
    };
    Some(Figure {
        title: format!("dirty-update #{n}: {}", describe("dirty-update")),
        boxes: vec![BoxOp::Op(failed), BoxOp::Op(ok)],
        arrows: vec![Arrow {
            from: 0,
            to: 1,
            label: format!("ww {}: {}", key_text(key), pr_str(&case["values"])),
            colour: rel_colour("ww"),
            from_row: appends(failed),
            to_row: appends(ok),
        }],
        marks: Vec::new(),
        notes: vec![
            "A committed append came right after a failed one in the key's order: it built on a write that never happened."
                .into(),
        ],
    })
}

/// The anomaly in a few words.
pub fn describe(kind: &str) -> &'static str {
    match kind {
        "G1a" => "aborted read",
        "G1b" => "intermediate read",
        "internal" => "internal inconsistency",
        "dirty-update" => "dirty update",
        _ => "cycle",
    }
}
