//! What the browser knows about `store/`: the runs in it, their verdicts and
//! key figures, and safe resolution of request paths inside it.

use serde_json::Value;
use std::path::{Component, Path, PathBuf};

/// One run directory, `store/<workload>/<timestamp>/`.
pub struct Run {
    pub workload: String,
    pub timestamp: String,
    /// The results map (results.json, else a real Maelstrom's results.edn),
    /// None while the run is incomplete or its results unreadable.
    pub results: Option<Value>,
}

impl Run {
    /// The store-relative path, `<workload>/<timestamp>`.
    pub fn rel(&self) -> String {
        format!("{}/{}", self.workload, self.timestamp)
    }

    /// true / false / "unknown", or None when there are no results.
    pub fn valid(&self) -> Option<&Value> {
        self.results.as_ref().and_then(|r| r.get("valid?"))
    }
}

/// Every run in `store`, newest first (timestamps sort as text). The
/// `latest` / `current` symlinks are skipped.
pub fn runs(store: &Path) -> Vec<Run> {
    let mut out = Vec::new();
    for workload in dirs(store) {
        for timestamp in dirs(&store.join(&workload)) {
            let results = read_results(&store.join(&workload).join(&timestamp));
            out.push(Run {
                workload: workload.clone(),
                timestamp,
                results,
            });
        }
    }
    out.sort_by(|a, b| {
        b.timestamp
            .cmp(&a.timestamp)
            .then_with(|| a.workload.cmp(&b.workload))
    });
    out
}

/// Real (non-symlink) subdirectories of `dir`, by name.
fn dirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() && !t.is_symlink()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

pub fn read_results(run_dir: &Path) -> Option<Value> {
    if let Ok(text) = std::fs::read_to_string(run_dir.join("results.json")) {
        return serde_json::from_str(&text).ok();
    }
    let text = std::fs::read_to_string(run_dir.join("results.edn")).ok()?;
    crate::edn::parse(&text).ok()
}

/// The figures a run is judged by, as (name, text) pairs: messages per op
/// and stable-latency quantiles where the results carry them.
pub fn key_figures(results: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (scope, name) in [("servers", "msgs-per-op"), ("all", "msgs-per-op (all)")] {
        if let Some(v) = results
            .pointer(&format!("/net/{scope}/msgs-per-op"))
            .and_then(Value::as_f64)
        {
            out.push((name.to_string(), format!("{v:.2}")));
        }
    }
    if let Some(Value::Object(q)) = results.pointer("/workload/stable-latencies") {
        let text: Vec<String> = q.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        out.push(("stable latency ms".to_string(), text.join(", ")));
    }
    for field in ["lost-count", "duplicated-count"] {
        if let Some(v) = results.pointer(&format!("/workload/{field}")) {
            out.push((field.to_string(), v.to_string()));
        }
    }
    out
}

/// Why a request path does not resolve.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// It would leave the store (`..`, an absolute path, or a symlink
    /// pointing outside).
    Escapes,
    NotFound,
}

/// Resolves a store-relative request path to a file or directory inside
/// `store`.
pub fn resolve(store: &Path, rel: &str) -> Result<PathBuf, Refused> {
    if escapes(rel) {
        return Err(Refused::Escapes);
    }
    let path = store.join(rel.trim_start_matches('/'));
    let real = path.canonicalize().map_err(|_| Refused::NotFound)?;
    let root = store.canonicalize().map_err(|_| Refused::NotFound)?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(Refused::Escapes)
    }
}

/// True if `rel` has a component that could leave the store.
fn escapes(rel: &str) -> bool {
    Path::new(rel.trim_start_matches('/'))
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
}
