//! The tree's layers, enforced (issue 23): `engine/` is a library that takes
//! options and nodes and returns a run, so it imports neither the command
//! line, the commands, the report, the results browser nor the workload
//! lookup; `history/` holds the op type and its formats, below the engine,
//! `check` and the checkers, so it imports none of them (which keeps the
//! engine <-> check cycle from coming back).

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("the source tree is readable") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The non-test code of a source file: nothing for a test file, else the
/// text before its `#[cfg(test)] mod ...`, without comment lines.
fn non_test_code(path: &Path, text: &str) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "tests.rs" || name.ends_with("_tests.rs") {
        return String::new();
    }
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|l| l.trim_start().starts_with("mod "))
        {
            break;
        }
        if !t.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

/// `file: path` for each forbidden path the non-test code under `dir` names.
fn violations(dir: &Path, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in sources(dir) {
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let code = non_test_code(&file, &text);
        for f in forbidden {
            if code.contains(f) {
                found.push(format!("{}: {f}", file.display()));
            }
        }
    }
    found
}

fn src(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(folder)
}

#[test]
fn the_engine_imports_neither_the_command_line_nor_the_report() {
    let forbidden = [
        "crate::cli",
        "crate::cmd",
        "crate::report",
        "crate::serve",
        "crate::matrix",
        "crate::explore",
        "crate::check::",
        "crate::workloads::by_name",
    ];
    let found = violations(&src("engine"), &forbidden);
    assert!(
        found.is_empty(),
        "engine/ reaches above itself:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_history_formats_import_neither_the_engine_nor_check_nor_the_checkers() {
    let forbidden = [
        "crate::engine",
        "crate::check::",
        "crate::checkers",
        "crate::cli",
        "crate::cmd",
    ];
    let found = violations(&src("history"), &forbidden);
    assert!(
        found.is_empty(),
        "history/ reaches above itself:\n{}",
        found.join("\n")
    );
}

#[test]
fn test_code_and_comments_are_not_scanned_but_code_is() {
    let text = "use crate::a;\n// crate::cli in a comment\nfn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    let code = non_test_code(Path::new("x.rs"), text);
    assert_eq!(code, "use crate::a;\nfn f() {}\n");
    assert_eq!(
        non_test_code(Path::new("a/tests.rs"), "use crate::cli;"),
        ""
    );
}
