//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.

mod checker;
mod checkers;
mod cli;
mod engine;
// Contract modules shared with other helpers: parts are used only by workloads not merged yet.
#[allow(dead_code)]
mod history;
mod journal;
#[allow(dead_code)]
mod workload;
#[allow(dead_code)]
mod workloads;

const TOP_USAGE: &str = "Usage: cargo xtask maelstrom test [OPTIONS ...]

Commands:
  maelstrom test   run one Maelstrom test (same flags as `maelstrom test`)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("maelstrom") => maelstrom(&args[1..]),
        _ => {
            eprintln!("{TOP_USAGE}");
            254
        }
    };
    std::process::exit(code);
}

fn maelstrom(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("test") => match cli::parse(&args[1..]) {
            Ok(t) => engine::run_test(&t),
            Err(cli::CliError::Help) => {
                println!("{}", cli::USAGE);
                0
            }
            Err(cli::CliError::Usage(msg)) => {
                eprintln!("{msg}\n\n{}", cli::USAGE);
                254
            }
        },
        _ => {
            eprintln!("Usage: lein run -- COMMAND [OPTIONS ...]\nCommands: test");
            254
        }
    }
}
