//! The real-Maelstrom path against the stand-in launcher in
//! `xtask/tests/fixtures/maelstrom`.

use super::*;
use serde_json::json;

fn stand_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maelstrom")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn find_prefers_env_then_home_then_path() {
    let home = tempfile::tempdir().unwrap();
    let path_dir = tempfile::tempdir().unwrap();
    let fixtures = stand_in().parent().unwrap().to_path_buf();
    let mut path = std::env::join_paths([path_dir.path(), fixtures.as_path()]).unwrap();
    // Only the fixture on PATH exists.
    assert_eq!(
        find_in(None, Some(home.path().into()), Some(path.clone())),
        Some(stand_in())
    );
    // A non-executable file named maelstrom earlier on PATH is skipped.
    std::fs::write(path_dir.path().join("maelstrom"), "not a program").unwrap();
    assert_eq!(find_in(None, None, Some(path.clone())), Some(stand_in()));
    // ~/bin/maelstrom/maelstrom beats PATH.
    let in_home = home.path().join("bin/maelstrom/maelstrom");
    std::fs::create_dir_all(in_home.parent().unwrap()).unwrap();
    std::fs::copy(stand_in(), &in_home).unwrap();
    assert_eq!(
        find_in(None, Some(home.path().into()), Some(path.clone())),
        Some(in_home.clone())
    );
    // $MAELSTROM beats both; a $MAELSTROM naming nothing falls through.
    assert_eq!(
        find_in(
            Some(stand_in().into()),
            Some(home.path().into()),
            Some(path.clone())
        ),
        Some(stand_in())
    );
    assert_eq!(
        find_in(
            Some("/nonexistent/maelstrom".into()),
            Some(home.path().into()),
            None
        ),
        Some(in_home)
    );
    path = std::env::join_paths([path_dir.path()]).unwrap();
    assert_eq!(find_in(Some("".into()), None, Some(path)), None);
}

#[test]
fn finds_runs_and_reads_a_stand_in_maelstrom() {
    // The only test that touches the process environment, and only $MAELSTROM.
    std::env::set_var("MAELSTROM", stand_in());
    let found = find_maelstrom().expect("the stand-in is found through $MAELSTROM");
    assert_eq!(found, stand_in());

    let cwd = tempfile::tempdir().unwrap();
    let test_args = args(&[
        "-w",
        "broadcast",
        "--bin",
        "target/release/broadcast",
        "--node-count",
        "5",
        "--time-limit",
        "20",
    ]);
    let expected = [(0, json!(true)), (1, json!(false)), (2, json!("unknown"))];
    for (status, valid) in expected {
        std::fs::write(cwd.path().join("standin-status"), status.to_string()).unwrap();
        assert_eq!(run_real_in(&found, &test_args, cwd.path()), Ok(status));
        let results = read_results(&cwd.path().join("store")).unwrap();
        assert_eq!(results["valid?"], valid);
        assert_eq!(verdict(&results), status);
        assert_eq!(results["net"]["servers"]["msgs-per-op"], json!(3.5));
        assert_eq!(results["workload"]["stable-latencies"]["0.99"], json!(95));
    }
    // A crash leaves no new results; bad arguments exit 254.
    std::fs::write(cwd.path().join("standin-status"), "255").unwrap();
    assert_eq!(run_real_in(&found, &test_args, cwd.path()), Ok(255));
    assert_eq!(
        run_real_in(&found, &args(&["-w", "echo"]), cwd.path()),
        Ok(254)
    );
}

#[test]
fn read_results_reports_missing_and_malformed_files() {
    let store = tempfile::tempdir().unwrap();
    assert!(read_results(store.path())
        .unwrap_err()
        .contains("cannot read"));
    std::fs::create_dir_all(store.path().join("latest")).unwrap();
    std::fs::write(store.path().join("latest/results.edn"), "{:valid? true").unwrap();
    assert!(read_results(store.path()).is_err());
    std::fs::write(store.path().join("latest/results.edn"), "[1 2]").unwrap();
    assert!(read_results(store.path())
        .unwrap_err()
        .contains("not a map"));
    std::fs::write(
        store.path().join("latest/results.edn"),
        "{:valid? :unknown}",
    )
    .unwrap();
    assert_eq!(verdict(&read_results(store.path()).unwrap()), 2);
}

#[test]
fn run_real_reports_a_missing_program() {
    let err = run_real(Path::new("/nonexistent/maelstrom"), &[]).unwrap_err();
    assert!(err.contains("cannot run"), "{err}");
}
