//! The linearizability counterexample of each failing lin-kv key (issue
//! 25, part "linear"): `independent/<key>/linear.svg` (static, for the
//! results browser) and `independent/<key>/linear.html` (interactive).
//!
//! Names and places are Jepsen's: `checker/linearizable` renders a failing
//! analysis to `linear.svg` in the checker's subdirectory (jepsen v0.3.1
//! jepsen/src/jepsen/checker.clj `linearizable`: `(linear.report/render-analysis!
//! history a (.getCanonicalPath (store/path! test (:subdirectory opts)
//! "linear.svg")))`), and `independent/checker` gives each key the
//! subdirectory `independent/<key>` (jepsen v0.3.1 independent.clj
//! `checker`: `subdir (concat (:subdirectory opts) [dir k])`, with `(def dir
//! "independent")`). Ours also escapes a key that is not a plain name
//! (`dir_name`), and adds `linear.html` (fidelity X39).
//! A history of one register (`check lin-kv` on Knossos's own data) has no
//! subdirectory: `linear.svg` at the top.
//!
//! The checker's verdict comes from the results map; the counterexample is
//! searched again for the failing keys only (the search is deterministic,
//! so it finds the same failing op, configurations and final paths), which
//! also gives the longest linearizable prefix (`Failure::linearized`).

mod counterexample;
mod html;
mod svg;
#[cfg(test)]
mod tests;

use super::client_nodes::ClientNodes;
use super::{Picture, RunView};
use crate::checkers::linearizable::independent::{self, KeyHistory};
use crate::checkers::linearizable::models::{CasRegister, Interner};
use crate::checkers::linearizable::reduce::check_cas_register;
use crate::checkers::linearizable::{Budget, Verdict};
use crate::history::History;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

/// Failing keys drawn at most (each is searched again).
const MAX_KEYS: usize = 16;
/// Time for searching all of them again.
const SEARCH_TIME: Duration = Duration::from_secs(60);

/// The drawer of a lin-kv run: reads its history.jsonl only when a key failed.
pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    let section = &run.results["workload"];
    if run.workload != "lin-kv" || section["valid?"] != Value::Bool(false) {
        return Ok(Vec::new());
    }
    let history = crate::check::read_history(&run.dir.join("history.jsonl"))?;
    let cluster = ClientNodes::of_run(run.dir);
    let drawn = draw_history(&history, section, run.dir)?;
    Ok(drawn
        .into_iter()
        .map(|d| Picture {
            nodes: cluster
                .as_ref()
                .map(|c| c.nodes_of(&d.processes))
                .unwrap_or_default(),
            ..d.picture
        })
        .collect())
}

/// A picture and the client processes of its window.
pub struct Drawn {
    pub picture: Picture,
    pub processes: Vec<u64>,
}

/// Draws every key `section` (the lin-kv checker's results map, as
/// results.json's `workload`) says is not linearizable, into `dir`.
pub fn draw_history(history: &History, section: &Value, dir: &Path) -> Result<Vec<Drawn>, String> {
    let keyed = independent::is_keyed(history);
    let mut values = Interner::new();
    let keys = independent::split(history, keyed, &mut values)?;
    let budget = Budget::new(
        SEARCH_TIME,
        crate::checkers::linearizable::DEFAULT_MAX_BYTES,
    );
    let mut out = Vec::new();
    let mut drawn = 0;
    for kh in &keys {
        let name = key_name(&kh.key);
        let (analysis, sub) = if keyed {
            let a = &section["results"][&name]["linearizable"];
            (a, format!("independent/{}/", dir_name(&name)))
        } else {
            (section, String::new())
        };
        if analysis["valid?"] != Value::Bool(false) {
            continue;
        }
        if drawn == MAX_KEYS {
            eprintln!("WARN drew the counterexamples of the first {MAX_KEYS} failing keys only");
            break;
        }
        drawn += 1;
        match draw_key(history, kh, &values, analysis, &budget, &dir.join(&sub)) {
            Ok((window, processes)) => {
                out.extend(pictures(&name, &sub, window).map(|picture| Drawn {
                    picture,
                    processes: processes.clone(),
                }))
            }
            Err(e) => eprintln!("WARN no counterexample picture for key {name}: {e}"),
        }
    }
    Ok(out)
}

/// Searches key `kh` again (within what is left of `budget`) and writes
/// its two files into `dir`; returns the window drawn (history ns) and its
/// client processes.
fn draw_key(
    history: &History,
    kh: &KeyHistory,
    values: &Interner,
    analysis: &Value,
    budget: &Budget,
    dir: &Path,
) -> Result<((u64, u64), Vec<u64>), String> {
    let model = CasRegister::NIL;
    let f = match check_cas_register(&model, &kh.calls, budget) {
        Verdict::Invalid(f) => f,
        Verdict::Valid(_) => return Err("searched again, it is linearizable".into()),
        Verdict::Unknown(why) => return Err(why),
    };
    let cx = counterexample::build(history, kh, &f, values, &model);
    let picture = svg::render(&cx, analysis);
    let page = html::render(&cx, &picture, analysis);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (file, text) in [("linear.svg", &picture), ("linear.html", &page)] {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok((cx.window_ns, cx.processes))
}

fn pictures(name: &str, sub: &str, window: (u64, u64)) -> [Picture; 2] {
    let label = if sub.is_empty() {
        "the register".to_string()
    } else {
        format!("key {name}")
    };
    [
        Picture {
            file: format!("{sub}linear.svg"),
            title: format!("{label}: not linearizable"),
            anomaly: true,
            window_ns: Some(window),
            nodes: Vec::new(),
        },
        Picture {
            file: format!("{sub}linear.html"),
            title: format!("{label}: the counterexample, interactive"),
            anomaly: false,
            window_ns: Some(window),
            nodes: Vec::new(),
        },
    ]
}

/// A key as the results map names it (independent.rs `check_history`).
fn key_name(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A key as a directory name: itself when it is plain (digits, letters,
/// `-`, `_`, `.`, not `.` or `..`), else with every other byte as `%XX`, so
/// a key from a node's history never leaves `independent/`.
pub fn dir_name(key: &str) -> String {
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if !key.is_empty() && key != "." && key != ".." && key.bytes().all(plain) {
        return key.to_string();
    }
    let mut out = String::new();
    for b in key.bytes() {
        if plain(b) && b != b'.' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push('%');
    }
    out
}
