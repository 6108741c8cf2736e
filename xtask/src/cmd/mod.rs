//! The command layer: one file per subcommand. Each turns its words into an
//! options value (the flag table in `cli` reads `maelstrom test` flags) and
//! calls the library (engine, matrix, explore, check, bench, serve, report);
//! nothing below this layer parses a command line.

pub mod bench;
pub mod check;
pub mod exit;
pub mod explore;
pub mod maelstrom;
pub mod pictures;
pub mod run;
pub mod serve;
pub mod test;
pub mod test_all;

pub use exit::ExitCode;

/// `cargo xtask`'s usage; the families come from the workload table.
pub fn usage_text() -> String {
    format!(
        "Usage: cargo xtask COMMAND [OPTIONS ...]

Commands:
  test-all [FLAGS]               run every challenge row with its official flags; one table; exit 0 iff all pass
  test <family|row> [FLAGS]      run some rows: {}, or a row id (3d, 6c, la-3p, ...)
  test -w WORKLOAD --bin PATH ...  one Maelstrom test (a flag first: `maelstrom test`; see `test --help`)
  maelstrom test [OPTIONS]       one Maelstrom test, same flags as `maelstrom test` (see `maelstrom test --help`)
  explore ROW|FLAGS --seeds N     one test on N seeds in virtual time (every core); failing seeds with replay commands
  bench runtime                  the echo node against a plain baseline: requests/s, latency, peak RSS
  bench broadcast                sweep the broadcast node's batching knob at 3d's flags: msgs-per-op vs latency
  check <workload> FILE [FLAGS]  re-check a recorded history.jsonl or Jepsen history.edn (see `check --help`)
  bench linearizable             our linearizability checker on Porcupine's and Knossos's data, against Porcupine
  serve [--port 8080]            browse ./store on http://127.0.0.1:PORT/
  pictures RUN_DIR               (re)draw a run's broadcast/g-set pictures and why pictures (why.json)

FLAGS given to test-all / test are appended to every run (e.g. --engine embedded, --seed 7, --sim
for the in-process, virtual-time host); --bin PATH or --bin FAMILY=PATH runs your binary instead of
ours, --test-count N each row N times (see `test --help`).",
        crate::workloads::families().join(", ")
    )
}

/// Runs `cargo xtask ARGS...`.
pub fn main(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("maelstrom") => maelstrom::command(&args[1..]),
        Some("test-all") => test_all::command(&args[1..]),
        Some("test") => test::command(&args[1..]),
        Some("bench") => bench::command(&args[1..]),
        Some("explore") => explore::command(&args[1..]),
        Some("check") => check::command(&args[1..]),
        Some("serve") => serve::command(&args[1..]),
        Some("pictures") => pictures::command(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{}", usage_text());
            ExitCode::OK
        }
        _ => usage("unknown or missing command"),
    }
}

/// A usage error of `cargo xtask`: the message, then the usage.
pub fn usage(msg: &str) -> ExitCode {
    eprintln!("{msg}\n\n{}", usage_text());
    ExitCode::USAGE
}

#[cfg(test)]
mod tests {
    /// Issue 23: the help line named seven of the ten families (lin-kv,
    /// g-set and pn-counter were missing); it now lists every workload's.
    #[test]
    fn the_help_line_lists_every_family() {
        let text = super::usage_text();
        let line = text
            .lines()
            .find(|l| l.contains("test <family|row>"))
            .unwrap();
        for family in crate::workloads::families() {
            assert!(line.contains(&format!(" {family},")), "{family}: {line}");
        }
    }
}
