//! `--bin` for the matrix: which binary runs which row. `--bin PATH` runs
//! every Fly.io row on one binary; `--bin FAMILY=PATH` (repeatable) gives a
//! family its own and wins over `--bin PATH` for that family. Without any
//! `--bin`, our own nodes run every row.

use super::rows::Row;
use crate::workloads;
use std::path::PathBuf;

/// The binaries a person gave, each checked to be an executable file.
#[derive(Debug, Default, PartialEq)]
pub struct Bins {
    /// `--bin PATH`: every Fly.io family without a mapping of its own.
    pub any: Option<PathBuf>,
    /// `--bin FAMILY=PATH`, in the order given (a later one for the same
    /// family replaces the earlier).
    pub families: Vec<(&'static str, PathBuf)>,
}

/// Which node runs a row.
#[derive(Debug, PartialEq)]
pub enum Node {
    /// Our node of that name, with the row's environment.
    Ours,
    /// Someone's binary: the row's flags only, never our node's environment.
    Foreign(PathBuf),
    /// The row is shown as not run, for this reason.
    NotRun(String),
}

/// Parses the values of the `--bin` words: `PATH` or `FAMILY=PATH`. A word
/// is `FAMILY=PATH` when it has a `=` and no `/` before it (so
/// `./a=b/node` is a path); the family must be one of the workload table's.
/// The error is one line.
pub fn parse(values: &[String]) -> Result<Bins, String> {
    let mut bins = Bins::default();
    for value in values {
        match value.split_once('=') {
            Some((family, path)) if !family.contains('/') => {
                let Some(family) = workloads::families().into_iter().find(|f| *f == family) else {
                    return Err(format!(
                        "--bin {value}: no family {family:?}; the families are {}",
                        workloads::families().join(", ")
                    ));
                };
                let path = checked(path, value)?;
                bins.families.retain(|(f, _)| *f != family);
                bins.families.push((family, path));
            }
            _ => bins.any = Some(checked(value, value)?),
        }
    }
    Ok(bins)
}

/// `path` canonicalised, or one line saying why `--bin {word}` cannot run.
fn checked(path: &str, word: &str) -> Result<PathBuf, String> {
    if path.is_empty() {
        return Err(format!("--bin {word}: the path is empty"));
    }
    crate::cmd::run::executable(path).map_err(|e| format!("{e} (in --bin {word})"))
}

impl Bins {
    /// No `--bin` at all: our own nodes run every row.
    pub fn is_empty(&self) -> bool {
        self.any.is_none() && self.families.is_empty()
    }

    /// Which node runs `row` (one of `all`, the rows the matrix knows).
    pub fn node_for(&self, row: &Row, all: &[Row]) -> Node {
        if self.is_empty() {
            return Node::Ours;
        }
        let family = row.family();
        let mapped = self.families.iter().find(|(f, _)| *f == family);
        let path = match (mapped, &self.any) {
            (Some((_, p)), _) => p,
            (None, Some(_)) if row.is_tutorial() => {
                return Node::NotRun(format!(
                    "a Maelstrom tutorial, not a Fly.io challenge: --bin {family}=PATH runs it"
                ))
            }
            (None, Some(p)) => p,
            (None, None) => {
                return Node::NotRun(format!("no binary for {family}: --bin {family}=PATH"))
            }
        };
        if let Some(base) = row.variant_of(all) {
            return Node::NotRun(format!(
                "our node's {} mode of row {}",
                row.command_line().split(" -w").next().unwrap_or_default(),
                base.id
            ));
        }
        Node::Foreign(path.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{rows, select};
    use std::os::unix::fs::PermissionsExt;

    /// Two executable files and a non-executable one in a fresh directory.
    fn files() -> (tempfile::TempDir, [String; 3]) {
        let dir = tempfile::tempdir().unwrap();
        let paths = ["node", "other", "notes.txt"].map(|n| dir.path().join(n));
        for (i, path) in paths.iter().enumerate() {
            std::fs::write(path, "#!/bin/sh\n").unwrap();
            let mode = if i < 2 { 0o755 } else { 0o644 };
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        (dir, paths.map(|p| p.to_str().unwrap().to_string()))
    }

    /// A table of `--bin` values: `EXE`, `OTHER`, `TEXT` and `DIR` stand
    /// for the files of [`files`] and their directory.
    #[test]
    fn bin_words_parse_or_fail_with_one_line() {
        let (dir, [exe, other, text]) = files();
        let dir_path = dir.path().display().to_string();
        let words = |line: &str| -> Vec<String> {
            line.split_whitespace()
                .map(|w| {
                    w.replace("EXE", &exe)
                        .replace("OTHER", &other)
                        .replace("TEXT", &text)
                        .replace("DIR", &dir_path)
                })
                .collect()
        };
        let node = std::fs::canonicalize(&exe).unwrap();
        let other_node = std::fs::canonicalize(&other).unwrap();
        let map = |f: &'static str| (f, node.clone());
        let good = [
            ("EXE", Some(&node), vec![]),
            ("echo=EXE", None, vec![map("echo")]),
            (
                "EXE txn=EXE lin-kv=EXE",
                Some(&node),
                vec![map("txn"), map("lin-kv")],
            ),
            // A later mapping of a family replaces the earlier one; the
            // last PATH alone wins too.
            ("echo=OTHER echo=EXE", None, vec![map("echo")]),
            ("EXE OTHER", Some(&other_node), vec![]),
        ];
        for (line, any, families) in good {
            let want = Bins {
                any: any.cloned(),
                families,
            };
            assert_eq!(parse(&words(line)), Ok(want), "{line}");
        }
        let bad = [
            ("echoo=EXE", "no family \"echoo\""),
            ("txn-rw-register=EXE", "no family \"txn-rw-register\""),
            ("DIR/nope", "does not exist"),
            ("kafka=DIR/nope", "does not exist"),
            ("TEXT", "is not executable"),
            ("DIR", "is not executable"),
            ("echo=", "the path is empty"),
            ("EXE g-set=TEXT", "is not executable"),
        ];
        for (line, want) in bad {
            let e = parse(&words(line)).unwrap_err();
            assert!(e.contains(want), "{line}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn a_path_with_an_equals_sign_after_a_slash_is_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a=b");
        std::fs::create_dir(&sub).unwrap();
        let exe = sub.join("node");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bins = parse(&[exe.display().to_string()]).unwrap();
        assert_eq!(bins.any, Some(std::fs::canonicalize(&exe).unwrap()));
    }

    #[test]
    fn each_row_gets_its_family_binary_or_a_reason_not_to_run() {
        let all = rows();
        let row = |id: &str| select(id).unwrap().remove(0);
        let (a, b) = (PathBuf::from("/a"), PathBuf::from("/b"));
        let one = Bins {
            any: Some(a.clone()),
            families: vec![],
        };
        assert_eq!(one.node_for(&row("3c-25"), &all), Node::Foreign(a.clone()));
        assert_eq!(one.node_for(&row("4"), &all), Node::Foreign(a.clone()));
        let Node::NotRun(why) = one.node_for(&row("4-crdt"), &all) else {
            panic!()
        };
        assert_eq!(why, "our node's G_COUNTER_MODE=crdt mode of row 4");
        let Node::NotRun(why) = one.node_for(&row("la-2"), &all) else {
            panic!()
        };
        assert!(why.contains("--bin txn-list-append=PATH"), "{why}");

        assert_eq!(Bins::default().node_for(&row("4-crdt"), &all), Node::Ours);
        let mapped = Bins {
            any: Some(a.clone()),
            families: vec![("echo", b.clone()), ("lin-kv", b.clone())],
        };
        assert_eq!(
            mapped.node_for(&row("1"), &all),
            Node::Foreign(b.clone()),
            "the mapping wins"
        );
        assert_eq!(mapped.node_for(&row("2"), &all), Node::Foreign(a.clone()));
        assert_eq!(
            mapped.node_for(&row("lin-kv"), &all),
            Node::Foreign(b.clone())
        );

        let only_echo = Bins {
            any: None,
            families: vec![("echo", b.clone())],
        };
        assert_eq!(only_echo.node_for(&row("1"), &all), Node::Foreign(b));
        let Node::NotRun(why) = only_echo.node_for(&row("5a"), &all) else {
            panic!()
        };
        assert_eq!(why, "no binary for kafka: --bin kafka=PATH");
    }
}
