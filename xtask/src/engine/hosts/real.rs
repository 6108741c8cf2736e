//! `--engine maelstrom`: running a real Maelstrom (the Clojure one) with the
//! same flags and reading its verdict and figures from `results.edn`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A real `maelstrom` launcher: `$MAELSTROM`, then `~/bin/maelstrom/maelstrom`,
/// then the first `maelstrom` on `PATH`. Only executable files count; a
/// `$MAELSTROM` that names no executable file falls through to the others.
pub fn find_maelstrom() -> Option<PathBuf> {
    find_in(
        std::env::var_os("MAELSTROM"),
        std::env::var_os("HOME"),
        std::env::var_os("PATH"),
    )
}

/// `find_maelstrom` over explicit environment values (testable without
/// touching the process environment).
fn find_in(
    maelstrom: Option<OsString>,
    home: Option<OsString>,
    path: Option<OsString>,
) -> Option<PathBuf> {
    let explicit = maelstrom.filter(|m| !m.is_empty()).map(PathBuf::from);
    let in_home = home
        .filter(|h| !h.is_empty())
        .map(|h| Path::new(&h).join("bin/maelstrom/maelstrom"));
    let on_path = path
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("maelstrom"));
    explicit
        .into_iter()
        .chain(in_home)
        .chain(on_path)
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Runs `maelstrom test <test_args>` in the current directory (so its
/// `store/` lands where ours would), its stdout and stderr streaming
/// straight to ours; returns its exit status (0 valid, 1 invalid, 2 unknown,
/// 254 bad arguments, 255 crash: jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/cli.clj, `test-usage`).
pub fn run_real(maelstrom: &Path, test_args: &[String]) -> Result<i32, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    run_real_in(maelstrom, test_args, &cwd)
}

/// `run_real` in an explicit working directory.
pub fn run_real_in(maelstrom: &Path, test_args: &[String], cwd: &Path) -> Result<i32, String> {
    let status = Command::new(maelstrom)
        .arg("test")
        .args(test_args)
        .current_dir(cwd)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", maelstrom.display()))?;
    status
        .code()
        .ok_or_else(|| format!("{} was killed by a signal ({status})", maelstrom.display()))
}

/// `<store_dir>/latest/results.edn` as a JSON map (keys without the leading
/// colon; see `crate::edn` for the mapping).
pub fn read_results(store_dir: &Path) -> Result<serde_json::Value, String> {
    let file = store_dir.join("latest").join("results.edn");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let value = crate::edn::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    if !value.is_object() {
        return Err(format!("{}: the results are not a map", file.display()));
    }
    Ok(value)
}

/// The exit status Maelstrom gives a results map's top-level `valid?`:
/// 0 for true, 1 for false, 2 for `:unknown` (or anything else).
pub fn verdict(results: &serde_json::Value) -> i32 {
    match results.get("valid?") {
        Some(serde_json::Value::Bool(true)) => 0,
        Some(serde_json::Value::Bool(false)) => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests;
