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
                let Some(family) = workloads::families().into_iter().find(|f| *f == family)
                else {
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
                row.command_line()
                    .split(" -w")
                    .next()
                    .unwrap_or_default(),
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

    /// An executable file and a non-executable one in a fresh directory.
    fn files() -> (tempfile::TempDir, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("node");
        let text = dir.path().join("notes.txt");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(&text, "").unwrap();
        let s = |p: PathBuf| p.to_str().unwrap().to_string();
        (dir, s(exe), s(text))
    }

    #[test]
    fn bin_words_parse_or_fail_with_one_line() {
        let (dir, exe, text) = files();
        let node = std::fs::canonicalize(&exe).unwrap();
        let map = |f: &'static str| (f, node.clone());
        let good: &[(&[String], Bins)] = &[
            (&[exe.clone()], Bins { any: Some(node.clone()), families: vec![] }),
            (&[format!("echo={exe}")], Bins { any: None, families: vec![map("echo")] }),
            (
                &[exe.clone(), format!("txn={exe}"), format!("lin-kv={exe}")],
                Bins { any: Some(node.clone()), families: vec![map("txn"), map("lin-kv")] },
            ),
            // A later mapping of a family replaces the earlier one.
            (&[format!("echo={text}x"), format!("echo={exe}")][1..], Bins { any: None, families: vec![map("echo")] }),
        ];
        for (words, want) in good {
            assert_eq!(parse(words).as_ref(), Ok(want), "{words:?}");
        }
        let missing = format!("{}/nope", dir.path().display());
        let bad: &[(&[String], &str)] = &[
            (&[format!("echoo={exe}")], "no family \"echoo\""),
            (&[format!("txn-rw-register={exe}")], "no family \"txn-rw-register\""),
            (&[missing.clone()], "does not exist"),
            (&[format!("kafka={missing}")], "does not exist"),
            (&[text.clone()], "is not executable"),
            (&[dir.path().display().to_string()], "is not executable"),
            (&["echo=".to_string()], "the path is empty"),
            (&[exe.clone(), format!("g-set={text}")], "is not executable"),
        ];
        for (words, want) in bad {
            let e = parse(words).unwrap_err();
            assert!(e.contains(want), "{words:?}: {e}");
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
        let one = Bins { any: Some(a.clone()), families: vec![] };
        assert_eq!(one.node_for(&row("3c-25"), &all), Node::Foreign(a.clone()));
        assert_eq!(one.node_for(&row("4"), &all), Node::Foreign(a.clone()));
        let Node::NotRun(why) = one.node_for(&row("4-crdt"), &all) else { panic!() };
        assert_eq!(why, "our node's G_COUNTER_MODE=crdt mode of row 4");
        let Node::NotRun(why) = one.node_for(&row("la-2"), &all) else { panic!() };
        assert!(why.contains("--bin txn-list-append=PATH"), "{why}");

        assert_eq!(Bins::default().node_for(&row("4-crdt"), &all), Node::Ours);
        let mapped = Bins { any: Some(a.clone()), families: vec![("echo", b.clone()), ("lin-kv", b.clone())] };
        assert_eq!(mapped.node_for(&row("1"), &all), Node::Foreign(b.clone()), "the mapping wins");
        assert_eq!(mapped.node_for(&row("2"), &all), Node::Foreign(a.clone()));
        assert_eq!(mapped.node_for(&row("lin-kv"), &all), Node::Foreign(b.clone()));

        let only_echo = Bins { any: None, families: vec![("echo", b.clone())] };
        assert_eq!(only_echo.node_for(&row("1"), &all), Node::Foreign(b));
        let Node::NotRun(why) = only_echo.node_for(&row("5a"), &all) else { panic!() };
        assert_eq!(why, "no binary for kafka: --bin kafka=PATH");
    }
}
