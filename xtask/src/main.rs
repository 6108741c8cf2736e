//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.

mod checker;
mod edn;
mod engine;
mod history;
mod journal;
mod report;
mod serve;
mod workload;
mod workloads;

fn main() {
    eprintln!("xtask: under construction");
    std::process::exit(2);
}
