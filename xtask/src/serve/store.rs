//! What the browser knows about `store/`: the runs in it and safe
//! resolution of request paths inside it.

use super::results::{index_results, Results};
use std::path::{Component, Path, PathBuf};

/// One run directory, `store/<workload>/<timestamp>/`.
pub struct Run {
    pub workload: String,
    pub timestamp: String,
    /// The run's verdict and figures, or why they could not be read.
    pub results: Results,
}

impl Run {
    /// The store-relative path, `<workload>/<timestamp>`.
    pub fn rel(&self) -> String {
        format!("{}/{}", self.workload, self.timestamp)
    }
}

/// Every run in `store`, newest first (timestamps sort as text). The
/// `latest` / `current` symlinks are skipped.
pub fn runs(store: &Path) -> Vec<Run> {
    let mut out = Vec::new();
    for workload in dirs(store) {
        for timestamp in dirs(&store.join(&workload)) {
            let results = index_results(&store.join(&workload).join(&timestamp));
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
