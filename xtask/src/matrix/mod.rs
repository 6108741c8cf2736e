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
