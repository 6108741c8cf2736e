//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.
//! The commands live in `cmd/`, one file each; this only dispatches.

mod bench;
mod check;
mod checkers;
mod cli;
mod cmd;
mod edn;
mod engine;
mod explore;
#[cfg(test)]
mod fidelity_ids;
mod history;
mod jepsen_files;
mod journal;
#[cfg(test)]
mod layering_tests;
mod matrix;
mod opts;
mod our_nodes;
mod report;
#[cfg(test)]
mod scenarios;
mod serve;
mod workloads;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(cmd::main(&args).into());
}
