//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.

mod checker;
mod checkers;
mod history;
mod journal;
mod workload;
mod workloads;

fn main() {
    eprintln!("xtask: under construction");
    std::process::exit(2);
}
