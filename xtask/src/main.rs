//! `cargo xtask`: the embedded Maelstrom bench and the challenge matrix.

mod bench;
mod check;
mod checker;
mod checkers;
mod cli;
mod edn;
mod engine;
mod explore;
mod history;
mod journal;
mod matrix;
mod opts;
mod report;
#[cfg(test)]
mod scenarios;
mod serve;
mod workload;
mod workloads;

const USAGE: &str = "Usage: cargo xtask COMMAND [OPTIONS ...]

Commands:
  test-all [FLAGS]               run every challenge row with its official flags; one table; exit 0 iff all pass
  test <family|row> [FLAGS]      run some rows: echo, unique-ids, broadcast, g-counter, kafka, txn, txn-list-append, or a row id (3d, 6c, la-3p, ...)
  maelstrom test [OPTIONS]       one Maelstrom test, same flags as `maelstrom test` (see `maelstrom test --help`)
  explore ROW|FLAGS --seeds N     one test on N seeds in virtual time (every core); failing seeds with replay commands
  bench runtime                  the echo node against a plain baseline: requests/s, latency, peak RSS
  bench broadcast                sweep the broadcast node's batching knob at 3d's flags: msgs-per-op vs latency
  check <workload> FILE [FLAGS]  re-check a recorded history.jsonl or Jepsen history.edn (see `check --help`)
  bench linearizable             our linearizability checker on Porcupine's and Knossos's data, against Porcupine
  serve [--port 8080]            browse ./store on http://127.0.0.1:PORT/
  pictures RUN_DIR               (re)draw a broadcast or g-set run's propagation, lag, link-load and message-type pictures

FLAGS given to test-all / test are appended to every run (e.g. --engine embedded, --seed 7, --sim
for the in-process, virtual-time host).";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("maelstrom") => maelstrom(&args[1..]),
        Some("test-all") => matrix_command("all", &args[1..]),
        Some("test") => match args.get(1) {
            Some(sel) if !sel.starts_with('-') => matrix_command(sel, &args[2..]),
            _ => usage("test needs a family or row, e.g. `cargo xtask test kafka`"),
        },
        Some("bench") => bench::command(&args[1..]),
        Some("explore") => explore::command(&args[1..]),
        Some("check") => check::command(&args[1..]),
        Some("serve") => serve_command(&args[1..]),
        Some("pictures") => pictures_command(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            0
        }
        _ => usage("unknown or missing command"),
    };
    std::process::exit(code);
}

fn usage(msg: &str) -> i32 {
    eprintln!("{msg}\n\n{USAGE}");
    254
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

fn matrix_command(selector: &str, extra: &[String]) -> i32 {
    let rows = match matrix::select(selector) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    if !matrix::is_sim(extra) {
        if let Err(e) = matrix::build_nodes() {
            eprintln!("{e}");
            return 255;
        }
    }
    let outcomes = matrix::run_rows(&rows, extra);
    println!("{}", matrix::table(&outcomes));
    if outcomes.iter().all(|o| o.passed) {
        0
    } else {
        1
    }
}

fn pictures_command(args: &[String]) -> i32 {
    let [dir] = args else {
        return usage("pictures takes one run directory, e.g. store/latest");
    };
    match report::broadcast::write_broadcast_pictures(std::path::Path::new(dir)) {
        Ok(names) if names.is_empty() => {
            eprintln!("{dir}: not a broadcast or g-set run; nothing drawn");
            1
        }
        Ok(names) => {
            for name in names {
                println!("{}", std::path::Path::new(dir).join(name).display());
            }
            0
        }
        Err(e) => {
            eprintln!("{dir}: {e}");
            1
        }
    }
}

fn serve_command(args: &[String]) -> i32 {
    let mut port = 8080u16;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next().map(|p| p.parse::<u16>())) {
            ("--port" | "-p", Some(Ok(p))) => port = p,
            _ => return usage("serve takes --port PORT"),
        }
    }
    match serve::serve(std::path::Path::new("store"), port) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
