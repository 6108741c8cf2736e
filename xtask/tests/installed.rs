//! The installed command (`cargo install --path xtask` puts `glomers` in
//! `~/.cargo/bin`) works from any directory: a copy of the binary outside
//! any cargo target directory, run from a directory outside the repository,
//! tests a node and keeps its store in the current directory, as
//! Maelstrom does. (`.ci/run` also installs it for real and runs it.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `glomers` copied to `<tmp>/bin/`, as `cargo install --root <tmp>` would.
fn installed_copy(root: &Path) -> PathBuf {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("glomers");
    std::fs::copy(env!("CARGO_BIN_EXE_glomers"), &exe).unwrap();
    exe
}

fn run(exe: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .current_dir(cwd)
        .args(args)
        // As from a shell: not under cargo.
        .env_remove("CARGO")
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("run the installed copy")
}

#[test]
fn the_installed_command_tests_a_node_from_a_directory_outside_the_repository() {
    let root = tempfile::tempdir().unwrap();
    let exe = installed_copy(root.path());
    let work = root.path().join("my-solutions");
    std::fs::create_dir(&work).unwrap();
    let echo = fixture("echo_ok.py");
    let out = run(
        &exe,
        &work,
        &[
            "test",
            "-w",
            "echo",
            "--bin",
            echo.to_str().unwrap(),
            "--node-count",
            "1",
            "--time-limit",
            "2",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Everything looks good!"), "{stdout}");
    // The README's command line (`glomers test -w echo ...`, Maelstrom's
    // `test` with glomers in place of ./maelstrom). The store is where the person stands, with Maelstrom's files in it.
    for file in ["results.edn", "history.edn", "jepsen.log", "results.json"] {
        assert!(
            work.join("store/latest").join(file).is_file(),
            "store/latest/{file} missing in the current directory"
        );
    }
}

#[test]
fn the_installed_command_checks_a_history_from_anywhere() {
    let root = tempfile::tempdir().unwrap();
    let exe = installed_copy(root.path());
    let history = root.path().join("history.edn");
    std::fs::write(
        &history,
        "{:type :invoke, :f :generate, :value nil, :process 0, :time 1, :index 0}\n\
         {:type :ok, :f :generate, :value 7, :process 0, :time 2, :index 1}\n\
         {:type :invoke, :f :generate, :value nil, :process 1, :time 3, :index 2}\n\
         {:type :ok, :f :generate, :value 7, :process 1, :time 4, :index 3}\n",
    )
    .unwrap();
    let out = run(&exe, root.path(), &["check", "unique-ids", "history.edn"]);
    // Two processes were given the same id: invalid.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
