//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.

mod checker;
#[allow(dead_code)] // reached through the workloads once the engine calls them
mod checkers;
mod history;
mod journal;
mod workload;
mod workloads;

fn main() {
    eprintln!("xtask: under construction");
    std::process::exit(2);
}
