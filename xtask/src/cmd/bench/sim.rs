//! `cargo xtask bench sim`: the cost of a run in virtual time, row by row.

use crate::bench::{self, sim};
use crate::cmd::ExitCode;

/// `bench sim [--runs N] [--row ID ...] [--docs]`.
pub fn command(args: &[String]) -> ExitCode {
    match parse(args) {
        Ok((runs, rows, docs)) => run(runs, &rows, docs),
        Err(e) => {
            eprintln!("bench sim: {e}");
            ExitCode::USAGE
        }
    }
}

/// Runs per row, the rows, and whether to write the docs block.
fn parse(args: &[String]) -> Result<(usize, Vec<String>, bool), String> {
    let mut runs = 5usize;
    let mut rows: Vec<String> = Vec::new();
    let mut docs = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docs" => docs = true,
            "--runs" => match it.next().map(|v| v.parse::<usize>()) {
                Some(Ok(n)) if (1..=10_000).contains(&n) => runs = n,
                _ => return Err("--runs takes a whole number from 1 to 10000".into()),
            },
            "--row" => match it.next() {
                Some(id) if sim::ROWS.contains(&id.as_str()) => rows.push(id.clone()),
                _ => return Err(format!("--row takes one of {}", sim::ROWS.join(", "))),
            },
            _ => {
                return Err(format!(
                    "bad option {a} (--runs N, --row {}, --docs)",
                    sim::ROWS.join("|")
                ))
            }
        }
    }
    if rows.is_empty() {
        rows = sim::ROWS.iter().map(|r| r.to_string()).collect();
    }
    if docs && rows.len() != sim::ROWS.len() {
        return Err("--docs writes the whole table: leave out --row".into());
    }
    Ok((runs, rows, docs))
}

fn run(runs: usize, rows: &[String], docs: bool) -> ExitCode {
    let mut measured = Vec::new();
    for id in rows {
        eprintln!("bench sim: {id}, {runs} runs");
        match sim::measure(id, runs) {
            Ok(m) => measured.push(m),
            Err(e) => {
                eprintln!("bench sim {id}: {e}");
                return ExitCode::INVALID;
            }
        }
    }
    let table = sim::table(&measured);
    println!("{table}");
    if docs {
        let block = format!(
            "Measured with `cargo xtask bench sim --runs {runs} --docs` at {} (medians over seeds 1-{runs}; CPU time of the bench's thread, release build):\n\n{table}",
            crate::engine::store::timestamp(std::time::SystemTime::now()),
        );
        if let Err(e) = bench::update_block(std::path::Path::new(sim::PAGE), sim::BLOCK, &block) {
            eprintln!("{e}");
            return ExitCode::INVALID;
        }
    }
    ExitCode::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_parse_and_bad_ones_are_usage_errors() {
        let (runs, rows, docs) = parse(&words("--runs 3 --row 3d --row 5c")).unwrap();
        assert_eq!((runs, rows, docs), (3, words("3d 5c"), false));
        let (runs, rows, docs) = parse(&words("--docs")).unwrap();
        assert_eq!((runs, rows.len(), docs), (5, sim::ROWS.len(), true));
        for bad in [
            "--runs 0",
            "--runs x",
            "--runs",
            "--row 3a",
            "--row",
            "--fast",
            "--docs --row 3d",
        ] {
            assert!(parse(&words(bad)).is_err(), "{bad}");
        }
    }
}
