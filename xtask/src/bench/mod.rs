//! The benches (`cargo xtask bench ...`, command line in `cmd/bench.rs`): measurements reported as ratios and as
//! Maelstrom's own figures, never asserted as wall-clock unit tests.

pub mod broadcast;
pub mod compare;
pub mod engine;
pub mod linearizable;
pub mod runtime;

/// The directory and `results.json` of the run `store/latest` names (the
/// run a bench just started as a child `xtask maelstrom test`).
pub fn latest_results() -> Result<(std::path::PathBuf, serde_json::Value), String> {
    let dir = std::fs::canonicalize("store/latest")
        .map_err(|e| format!("no store/latest after the run: {e}"))?;
    let text = std::fs::read_to_string(dir.join("results.json"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let results = serde_json::from_str(&text)
        .map_err(|e| format!("{}: results.json is not JSON: {e}", dir.display()))?;
    Ok((dir, results))
}
