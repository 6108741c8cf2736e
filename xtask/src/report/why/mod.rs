//! Pictures that show why a run came to its verdict (issue 25): each drawer
//! reads what it needs from the run's store directory (history.jsonl,
//! net-journal.jsonl) and its results map, and writes its files there
//! under Maelstrom's names where Maelstrom has one (`timeline.html`,
//! `independent/<key>/linear.svg`, `elle/<anomaly>/<n>.svg`). A drawer with
//! nothing to show for a run writes nothing and returns no pictures.
//!
//! `write_why_pictures` also writes `why.json`, the list of what was drawn
//! (file, title, the time window and nodes it concerns), in the order the
//! results browser shows it: the browser's page for an invalid run opens on
//! the first anomaly without knowing any drawer.

mod client_nodes;
pub mod counter;
mod duplicates;
mod echo;
mod elle;
mod kafka;
pub mod linear;
mod lost;
mod op_rows;
pub mod ops;
#[cfg(test)]
pub mod picture_checks;
#[cfg(test)]
mod test_run;
pub mod timeline;

use serde_json::{json, Value};
use std::path::Path;

/// The manifest file, in the run directory.
pub const MANIFEST: &str = "why.json";

/// One finished run, as the drawers see it.
pub struct RunView<'a> {
    /// The run's store directory (store/<workload>/<time>/).
    pub dir: &'a Path,
    /// The workload's name (`-w`), e.g. "lin-kv".
    pub workload: &'a str,
    /// The results map as results.json holds it.
    pub results: &'a Value,
}

/// One drawn file, as `why.json` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// Path relative to the run directory, e.g. "independent/3/linear.svg".
    pub file: String,
    /// What it shows, in a few words ("key 3: no linearization").
    pub title: String,
    /// Whether it shows an anomaly (false: context, such as timeline.html).
    pub anomaly: bool,
    /// The history-time window it concerns, ns since the main phase began
    /// (history.jsonl's `time`), when it has one.
    pub window_ns: Option<(u64, u64)>,
    /// The nodes involved ("n1"), when known; empty: all.
    pub nodes: Vec<String>,
}

/// A drawer: the pictures it wrote.
type Drawer = fn(&RunView) -> Result<Vec<Picture>, String>;

/// Every drawer, in the order the results browser shows their pictures.
/// Each picture module adds one line here.
const DRAWERS: &[(&str, Drawer)] = &[
    ("linearizability counterexample", linear::draw),
    ("elle", elle::draw),
    ("lost elements", lost::draw),
    ("kafka orders", kafka::draw),
    ("counter", counter::draw),
    ("unique-ids duplicates", duplicates::draw),
    ("echo errors", echo::draw),
    ("timeline", timeline::draw),
];

/// Runs every drawer on `run` and writes `why.json`; a drawer that fails is
/// a warning on stderr (the run's verdict never depends on a picture).
/// Returns the pictures written, anomalies first.
pub fn write_why_pictures(run: &RunView) -> Vec<Picture> {
    let mut drawn = Vec::new();
    for (name, draw) in DRAWERS {
        match draw(run) {
            Ok(pictures) => drawn.extend(pictures),
            Err(e) => eprintln!("WARN could not draw the {name} pictures: {e}"),
        }
    }
    if run.results.get("valid?") == Some(&Value::Bool(false)) {
        promote_a_window(&mut drawn);
    }
    // Stable: drawers' order kept within anomalies and within context.
    drawn.sort_by_key(|p| !p.anomaly);
    let manifest: Vec<Value> = drawn.iter().map(manifest_entry).collect();
    if let Err(e) = std::fs::write(run.dir.join(MANIFEST), Value::from(manifest).to_string()) {
        eprintln!("WARN could not write {MANIFEST}: {e}");
    }
    drawn
}

/// An invalid run whose failure no drawer shows (availability, stats, a
/// checker added later) still opens on a picture: the first context
/// picture with a window (timeline.html, windowed on the failing ops)
/// becomes its anomaly.
fn promote_a_window(drawn: &mut [Picture]) {
    if drawn.iter().any(|p| p.anomaly) {
        return;
    }
    if let Some(p) = drawn.iter_mut().find(|p| p.window_ns.is_some()) {
        p.anomaly = true;
        p.title = format!(
            "No picture of this failure: {} around the failing ops",
            p.title
        );
    }
}

fn manifest_entry(p: &Picture) -> Value {
    json!({
        "file": p.file,
        "title": p.title,
        "anomaly": p.anomaly,
        "window-ns": p.window_ns.map(|(a, b)| json!([a, b])),
        "nodes": p.nodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_lists_anomalies_first() {
        let dir = tempfile::tempdir().unwrap();
        let results = json!({"valid?": true});
        let run = RunView {
            dir: dir.path(),
            workload: "echo",
            results: &results,
        };
        assert!(write_why_pictures(&run).is_empty());
        let text = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(text, "[]");
        let ctx = Picture {
            file: "timeline.html".into(),
            title: "t".into(),
            anomaly: false,
            window_ns: None,
            nodes: vec![],
        };
        let bad = Picture {
            file: "x.svg".into(),
            title: "x".into(),
            anomaly: true,
            window_ns: Some((1, 2)),
            nodes: vec!["n1".into()],
        };
        let mut v = [ctx.clone(), bad.clone()];
        v.sort_by_key(|p| !p.anomaly);
        assert_eq!(v[0], bad);
        assert_eq!(manifest_entry(&bad)["window-ns"], json!([1, 2]));
        assert_eq!(manifest_entry(&ctx)["window-ns"], Value::Null);
    }

    fn context(file: &str, window_ns: Option<(u64, u64)>) -> Picture {
        Picture {
            file: file.into(),
            title: "Timeline".into(),
            anomaly: false,
            window_ns,
            nodes: vec![],
        }
    }

    #[test]
    fn a_failure_no_picture_shows_promotes_the_first_windowed_context() {
        let mut drawn = [
            context("a.svg", None),
            context("timeline.html", Some((5, 9))),
        ];
        promote_a_window(&mut drawn);
        assert!(!drawn[0].anomaly);
        assert!(drawn[1].anomaly);
        assert!(drawn[1]
            .title
            .starts_with("No picture of this failure: Timeline"));
        // An anomaly already drawn: nothing is promoted.
        let mut drawn = [
            context("timeline.html", Some((5, 9))),
            context("x.svg", None),
        ];
        drawn[1].anomaly = true;
        promote_a_window(&mut drawn);
        assert!(!drawn[0].anomaly);
    }

    #[test]
    fn only_an_invalid_run_promotes_its_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let line = |t: &str, time| {
            format!(r#"{{"type":"{t}","f":"echo","value":null,"process":0,"time":{time}}}"#)
        };
        let history = [line("invoke", 10), line("info", 20)].join("\n");
        std::fs::write(dir.path().join(ops::HISTORY), history).unwrap();
        for (valid, promoted) in [(true, false), (false, true)] {
            let results = json!({"valid?": valid, "availability": {"valid?": valid}});
            let run = RunView {
                dir: dir.path(),
                workload: "echo",
                results: &results,
            };
            let drawn = write_why_pictures(&run);
            assert_eq!(drawn[0].file, "timeline.html");
            assert_eq!(drawn[0].anomaly, promoted, "valid? {valid}");
            assert_eq!(drawn[0].window_ns.is_some(), promoted);
        }
    }
}
