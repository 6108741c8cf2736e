//! The words after `test-all` / `test <selector>`: the matrix takes
//! `--bin`, `--test-count` and `--seed` for itself (which binary, how many
//! runs, the first seed); every other word passes to each run as given.

use super::bins::{self, Bins};

/// The matrix's own options and the flags every run gets.
#[derive(Debug, PartialEq)]
pub struct MatrixArgs {
    pub bins: Bins,
    /// Runs per row, seeds `seed`, `seed + 1`, ... (fidelity X7).
    pub test_count: u64,
    pub seed: Option<u64>,
    /// Flags appended to every run (`--time-limit 5`, `--engine embedded`, `--sim`).
    pub extra: Vec<String>,
}

impl MatrixArgs {
    /// Whether the runs are to be hosted in-process, in virtual time.
    pub fn sim(&self) -> bool {
        self.extra.iter().any(|w| w == "--sim")
    }
}

/// Splits `words` into the matrix's options and the rest; bad values are
/// one line (a usage error). `--flag=value` is read as `--flag value`, as
/// `maelstrom test` reads it.
pub fn parse(words: &[String]) -> Result<MatrixArgs, String> {
    let mut bin_values = Vec::new();
    let mut test_count = 1;
    let mut seed = None;
    let mut extra = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        if !matches!(flag, "--bin" | "--test-count" | "--seed") {
            extra.push(word.clone());
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                let v = words
                    .get(i)
                    .ok_or_else(|| format!("{flag} needs a value"))?;
                i += 1;
                v.clone()
            }
        };
        match flag {
            "--bin" => bin_values.push(value),
            "--test-count" => {
                test_count = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--test-count {value:?} must be a positive integer"))?
            }
            _ => {
                seed = Some(
                    value
                        .trim()
                        .parse()
                        .map_err(|_| format!("--seed {value:?} must be an unsigned integer"))?,
                )
            }
        }
    }
    Ok(MatrixArgs {
        bins: bins::parse(&bin_values)?,
        test_count,
        seed,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_matrix_takes_its_own_flags_and_passes_the_rest() {
        let cases: &[(&str, u64, Option<u64>, &str)] = &[
            ("", 1, None, ""),
            ("--time-limit 5 --sim", 1, None, "--time-limit 5 --sim"),
            ("--test-count 3 --time-limit 5", 3, None, "--time-limit 5"),
            (
                "--seed 7 --engine embedded --test-count=2",
                2,
                Some(7),
                "--engine embedded",
            ),
            ("--seed=18446744073709551615", 1, Some(u64::MAX), ""),
            (
                "--node-env K=V --log-stderr",
                1,
                None,
                "--node-env K=V --log-stderr",
            ),
        ];
        for (line, count, seed, rest) in cases {
            let a = parse(&words(line)).unwrap();
            assert_eq!(a.test_count, *count, "{line}");
            assert_eq!(a.seed, *seed, "{line}");
            assert_eq!(a.extra, words(rest), "{line}");
            assert!(a.bins.is_empty(), "{line}");
        }
        let bin = parse(&words("--bin /bin/sh --time-limit 3 --bin=echo=/bin/sh")).unwrap();
        assert!(bin.bins.any.is_some());
        assert_eq!(bin.bins.families.len(), 1);
        assert_eq!(bin.extra, words("--time-limit 3"));
        assert!(parse(&words("--sim")).unwrap().sim());
    }

    #[test]
    fn bad_matrix_flags_are_one_line() {
        let cases: &[(&str, &str)] = &[
            ("--test-count 0", "must be a positive integer"),
            ("--test-count three", "must be a positive integer"),
            ("--test-count", "--test-count needs a value"),
            ("--seed -1", "must be an unsigned integer"),
            ("--bin", "--bin needs a value"),
            ("--bin nope=/bin/sh", "no family \"nope\""),
            ("--bin /nonexistent/node", "does not exist"),
        ];
        for (line, want) in cases {
            let e = parse(&words(line)).unwrap_err();
            assert!(e.contains(want), "{line}: {e}");
            assert!(!e.contains('\n'), "{line}: {e}");
        }
    }
}
