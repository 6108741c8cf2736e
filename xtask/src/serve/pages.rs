//! The HTML pages: the index of runs, one page per run, directory listings.

use super::http::{esc, percent_encode};
use super::results::{Results, Valid};
use super::store::Run;
use std::fmt::Write;
use std::path::Path;

const STYLE: &str = "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}\
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}pre{background:#f6f6f6;padding:8px;overflow:auto}\
img{max-width:100%;border:1px solid #eee;margin:4px 0}\
.diagram{max-height:80vh;max-width:100%;overflow:auto;display:inline-block;border:1px solid #ccc}\
.diagram img{max-width:none;margin:0;border:0}\
#why{border-left:4px solid #FEB5DA;padding-left:12px}iframe.anomaly-picture{width:100%;height:70vh;border:1px solid #ccc}\
pre.log-window{max-height:20em}";

fn page(title: &str, body: &str) -> String {
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{0}</title><style>{STYLE}</style></head><body><h1>{0}</h1>{body}</body></html>\n", esc(title))
}

/// The verdict cell colour: jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/web.clj,
/// `colors` / `valid-color`. Where web.clj's `fast-tests` shows a results
/// file it cannot parse as `:incomplete` (`(catch java.lang.RuntimeException
/// e ... (assoc t :results {:valid? :incomplete}))`), we say "unreadable", or
/// "too large" for one we do not read.
/// fidelity X14: the index says "unreadable" or "too large" where web.clj shows incomplete.
fn verdict(results: &Results) -> (&'static str, &'static str) {
    match results {
        Results::Unreadable { .. } => ("#DDDDDD", "unreadable"),
        Results::TooLarge { .. } => ("#DDDDDD", "too large"),
        Results::Missing => ("#DDDDDD", "incomplete"),
        Results::Read(summary) => match summary.valid {
            Valid::True => ("#6DB6FE", "true"),
            Valid::False => ("#FEB5DA", "false"),
            Valid::Unknown => ("#FFAA26", "unknown"),
            Valid::Other => ("#DDDDDD", "?"),
            Valid::Absent => ("#DDDDDD", "incomplete"),
        },
    }
}

/// The key figures of a run as (name, value) pairs.
fn key_figures(results: &Results) -> &[(String, String)] {
    match results {
        Results::Read(summary) => &summary.figures,
        _ => &[],
    }
}

/// The key figures of a run, or why there are none, as HTML lines.
fn figures(results: &Results) -> Vec<String> {
    if let Some(problem) = results.problem() {
        return vec![esc(&problem)];
    }
    key_figures(results)
        .iter()
        .map(|(k, v)| format!("{}: {}", esc(k), esc(v)))
        .collect()
}

/// The files an index row links to directly, as `maelstrom serve` links
/// results, history and log (jepsen/src/jepsen/web.clj links results.edn,
/// history.txt and jepsen.log): (label, file name).
const INDEX_LINKS: [(&str, &[&str]); 3] = [
    ("results", &["results.json", "results.edn"]),
    ("history", &["history.txt"]),
    ("log", &["jepsen.log"]),
];

/// `store` is the directory the runs were listed from.
pub fn index(store: &Path, runs: &[Run]) -> String {
    let mut rows = String::new();
    for run in runs {
        let dir = store.join(&run.workload).join(&run.timestamp);
        let link = percent_encode(&run.rel());
        let mut files = String::new();
        for (label, names) in INDEX_LINKS {
            if let Some(name) = names.iter().find(|n| dir.join(n).is_file()) {
                let _ = write!(
                    files,
                    "<a class=\"{label}\" href=\"/files/{link}/{name}\">{label}</a> "
                );
            }
        }
        let (colour, text) = verdict(&run.results);
        let figures = figures(&run.results);
        let _ = write!(
            rows,
            "<tr class=\"run\"><td><a href=\"/run/{link}\">{workload}</a></td><td>{time}</td><td class=\"verdict\" style=\"background:{colour}\">{text}</td><td>{figures}</td><td>{files}<a class=\"files\" href=\"/files/{link}/\">files</a></td></tr>",
            workload = esc(&run.workload),
            time = esc(&run.timestamp),
            figures = figures.join("<br>"),
        );
    }
    let body = if runs.is_empty() {
        "<p>No runs in store/ yet.</p>".to_string()
    } else {
        format!("<table><tr><th>workload</th><th>time</th><th>valid?</th><th>key figures</th><th>links</th></tr>{rows}</table>")
    };
    page("Test runs", &body)
}

/// A run's page: verdict and figures, pictures, results, history and node
/// logs. `results` is the results map's pretty text, or why it is not shown.
pub fn run(run: &Run, results: &Result<String, Results>, dir: &Path) -> String {
    let base = format!("/files/{}", percent_encode(&run.rel()));
    let (colour, text) = verdict(&run.results);
    // An invalid run opens on why (issue 25); a valid one is shown as before.
    let valid = matches!(&run.results, Results::Read(s) if s.valid == Valid::True);
    let why = if valid {
        None
    } else {
        super::why::section(dir, &run.rel())
    };
    let why_link = if why.is_some() {
        "<a href=\"#why\">why it failed</a> · "
    } else {
        ""
    };
    let mut body = format!(
        "<p><a href=\"/\">all runs</a> · <a href=\"{base}/\">files</a> · {why_link}<a href=\"#pictures\">pictures</a> · <a href=\"#history\">history</a> · <a href=\"#logs\">node logs</a> · <a href=\"#results\">results</a></p><p>valid?: <span class=\"verdict\" style=\"background:{colour};padding:2px 8px\">{text}</span></p>"
    );
    if let Some(problem) = run.results.problem() {
        let _ = write!(body, "<p class=\"problem\">{}</p>", esc(&problem));
    }
    let figures = key_figures(&run.results);
    if !figures.is_empty() {
        body.push_str("<table>");
        for (k, v) in figures {
            let _ = write!(body, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(v));
        }
        body.push_str("</table>");
    }
    if let Some(why) = why {
        body.push_str(&why);
    }
    body.push_str("<h2 id=\"pictures\">Pictures</h2>");
    // Jepsen's and Maelstrom's pictures, then (broadcast and g-set runs)
    // how the values travelled: propagation, per-node lag, link load and
    // message types over time.
    let pictures = crate::report::PICTURES
        .iter()
        .chain(&crate::report::broadcast::PICTURES);
    for &picture in pictures {
        if dir.join(picture).is_file() {
            // The message diagram grows 20 px per network event (metres for a
            // long run), so it scrolls in a box instead of pushing the
            // history, logs and results off the page.
            let class = if picture == "messages.svg" {
                "diagram"
            } else {
                "plot"
            };
            let _ = write!(body, "<div class=\"{class}\"><a href=\"{base}/{picture}\"><img class=\"picture\" src=\"{base}/{picture}\" alt=\"{picture}\"></a></div>");
        }
    }
    body.push_str("<h2 id=\"history\">History</h2><ul>");
    // Maelstrom's files, then the embedded bench's (history.jsonl, the
    // network journal and the run's options).
    for name in [
        "history.txt",
        "history.edn",
        "history.json",
        "jepsen.log",
        "history.jsonl",
        "net-journal.jsonl",
        "run.json",
    ] {
        if dir.join(name).is_file() {
            let _ = write!(body, "<li><a href=\"{base}/{name}\">{name}</a></li>");
        }
    }
    body.push_str("</ul><h2 id=\"logs\">Node logs</h2><ul>");
    for name in file_names(&dir.join("node-logs")) {
        let _ = write!(
            body,
            "<li><a class=\"log\" href=\"{base}/node-logs/{}\">{}</a></li>",
            percent_encode(&name),
            esc(&name)
        );
    }
    body.push_str("</ul><h2 id=\"results\">Results</h2>");
    let results_text = match results {
        Ok(text) => esc(text),
        Err(Results::Missing) => "(no results yet)".to_string(),
        Err(problem) => esc(&problem.problem().unwrap_or_default()),
    };
    let _ = write!(body, "<pre class=\"results\">{results_text}</pre>");
    page(&format!("{} {}", run.workload, run.timestamp), &body)
}

/// A directory listing under /files/.
pub fn listing(rel: &str, dir: &Path) -> String {
    let rel = rel.trim_matches('/');
    let mut body = String::from("<ul>");
    let mut entries: Vec<(String, bool)> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path().is_dir())))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    for (name, is_dir) in entries {
        let href = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let slash = if is_dir { "/" } else { "" };
        let _ = write!(
            body,
            "<li><a href=\"/files/{}{slash}\">{}{slash}</a></li>",
            percent_encode(&href),
            esc(&name)
        );
    }
    body.push_str("</ul>");
    page(&format!("store/{rel}"), &body)
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .filter(|e| e.path().is_file())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
