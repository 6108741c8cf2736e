//! `cargo xtask test-all` / `cargo xtask test <family|row>`: every
//! Gossip Glomers challenge (the Fly.io dist-sys challenge pages) with its
//! official flags, one table of verdicts and figures, on our nodes or on
//! anyone's binary (`--bin`).
//!
//! `rows` holds the command lines, `args` and `bins` read the matrix's own
//! flags, `run` runs children and `judge` and `figures` read their results,
//! `table` prints them.

pub mod args;
pub mod bins;
mod figures;
mod judge;
mod rows;
mod run;
mod table;

#[cfg(test)]
pub use judge::judge_results;
pub use judge::target_misses;
pub use rows::{rows, select, Row, BCAST_25};
pub use run::run_rows;
pub use table::table;

use std::path::{Path, PathBuf};
use std::process::Command;

/// target/release of this workspace (where `cargo build --release` puts the nodes).
pub fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    exe.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target/release"))
}

/// Builds every node binary in release mode.
pub fn build_nodes() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "gossip-glomers",
            "--bins",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("building the nodes failed ({status})"))
    }
}
