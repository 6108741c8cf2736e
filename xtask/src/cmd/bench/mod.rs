//! `cargo xtask bench runtime|broadcast|linearizable|engine|sim`: the command
//! lines of the benches (the benches themselves are `crate::bench`), one
//! file each.

mod broadcast;
mod engine;
mod linearizable;
mod runtime;
mod sim;

use super::ExitCode;

/// Dispatches `bench <what>`.
pub fn command(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("runtime") => runtime::command(&args[1..]),
        Some("broadcast") => broadcast::command(&args[1..]),
        Some("linearizable") => linearizable::command(&args[1..]),
        Some("engine") => engine::command(&args[1..]),
        Some("sim") => sim::command(&args[1..]),
        _ => {
            eprintln!(
                "Usage: cargo xtask bench runtime [--requests N] [--rounds N] [--bin ECHO_BINARY ...]\n       cargo xtask bench broadcast [--settings MS,MS,...] [--sim [--seeds N]] [--docs] [--replot] [MAELSTROM FLAGS ...]\n       cargo xtask bench broadcast --bin BIN [NAME=V1,V2,...] [NAME=V ...] [--bin ...] [--seeds N] [--runs N] [--docs] [MAELSTROM FLAGS ...]\n       cargo xtask bench broadcast --scale [--nodes 25,50,...] [--bin broadcast [NAME=V ...]] [--seeds N] [--docs] [MAELSTROM FLAGS ...]\n       cargo xtask bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]\n       cargo xtask bench linearizable --hard [--pending N,N,...] [--seed S] [--values K] [--budget SECS]\n       cargo xtask bench engine [--time-limit S] [--scenario flood|echo ...]\n       cargo xtask bench sim [--runs N] [--row ID ...] [--docs]"
            );
            ExitCode::USAGE
        }
    }
}
