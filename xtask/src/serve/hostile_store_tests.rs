//! Issue 22 rows 2, 5 and 6: no file in the store can stop `serve` or make
//! it read without bound. Each test runs a real server on 127.0.0.1.

use super::tests::{get, mkfifo, store};
use super::*;
use std::net::SocketAddr;

/// A server for `store` on a free port, answering on a thread of its own.
fn serve_in_background(store: &Path) -> SocketAddr {
    let server = bind(store, 0).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    addr
}

/// The index row of the run at `timestamp`.
fn row<'a>(index: &'a str, timestamp: &str) -> &'a str {
    index
        .split("<tr class=\"run\">")
        .find(|r| r.contains(&format!("<td>{timestamp}</td>")))
        .unwrap_or_else(|| panic!("no row for {timestamp} in {index}"))
}

/// Row 2: a 5 KB results.edn nested 2 500 deep overflowed the stack of the
/// thread listing the store, and the process died for every client. Now
/// the parsers refuse nesting past 128 levels and the row says why.
#[test]
fn a_results_file_nested_2500_deep_marks_its_run_unreadable() {
    let root = store();
    let store = root.path().join("store");
    let deep = format!("{}{}", "[".repeat(2500), "]".repeat(2500));
    let files = [
        (
            "20240303T100000.000Z",
            "results.edn",
            format!("{{:valid? {deep}}}"),
        ),
        (
            "20240304T100000.000Z",
            "results.json",
            format!("{{\"valid?\": {deep}}}"),
        ),
        // The summary is read first; a good results.json does not hide it.
        ("20240305T100000.000Z", "summary.json", format!("[{deep}]")),
        (
            "20240305T100000.000Z",
            "results.json",
            "{\"valid?\": true}".into(),
        ),
    ];
    for (stamp, name, text) in &files {
        let dir = store.join("lin-kv").join(stamp);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }
    let addr = serve_in_background(&store);
    // Twice: the server is still up after the first.
    for _ in 0..2 {
        let (status, _, index) = get(addr, "/");
        assert_eq!(status, 200);
        let edn = row(&index, "20240303T100000.000Z");
        assert!(edn.contains(">unreadable<"), "{edn}");
        assert!(
            edn.contains("results.edn is unreadable: ")
                && edn.contains("nested more than 128 levels deep"),
            "{edn}"
        );
        let json = row(&index, "20240304T100000.000Z");
        assert!(json.contains(">unreadable<") && json.contains("recursion limit exceeded"));
        let summary = row(&index, "20240305T100000.000Z");
        assert!(summary.contains(">unreadable<") && summary.contains("summary.json is unreadable"));
        // The other runs are listed as before.
        assert!(row(&index, "20240101T100000.000Z").contains(">true<"));
    }
    let (status, _, page) = get(addr, "/run/lin-kv/20240303T100000.000Z");
    assert_eq!(status, 200);
    assert!(page.contains(">unreadable<") && page.contains("nested more than 128 levels deep"));
    // The run page shows the whole results.json, which is fine here.
    let (status, _, page) = get(addr, "/run/lin-kv/20240305T100000.000Z");
    assert_eq!(status, 200);
    assert!(page.contains("padding:2px 8px\">true<"), "{page}");
}

/// Row 5: each GET of a FIFO blocked in `open()` forever, holding one of
/// the 64 connection slots, so after 64 of them every request got a 503.
/// Now only regular files are opened, without blocking; a FIFO where a
/// results or summary file should be makes its run unreadable.
#[test]
fn a_fifo_in_the_store_blocks_no_request() {
    let root = store();
    let store = root.path().join("store");
    mkfifo(&store.join("broadcast/20240101T100000.000Z/node-logs/n1.log"));
    for (stamp, name) in [
        ("20240306T100000.000Z", "results.json"),
        ("20240307T100000.000Z", "summary.json"),
        ("20240308T100000.000Z", "results.edn"),
    ] {
        let dir = store.join("g-set").join(stamp);
        std::fs::create_dir_all(&dir).unwrap();
        mkfifo(&dir.join(name));
    }
    let addr = serve_in_background(&store);
    // More than the connection cap: each used to hold its slot forever.
    for _ in 0..MAX_CONNECTIONS + 6 {
        let (status, _, body) = get(
            addr,
            "/files/broadcast/20240101T100000.000Z/node-logs/n1.log",
        );
        assert_eq!((status, body.as_str()), (404, "404 not a regular file\n"));
    }
    let (status, _, body) = get(addr, "/files/g-set/20240306T100000.000Z/results.json");
    assert_eq!((status, body.as_str()), (404, "404 not a regular file\n"));
    let (status, _, index) = get(addr, "/");
    assert_eq!(status, 200);
    for (stamp, name) in [
        ("20240306T100000.000Z", "results.json"),
        ("20240307T100000.000Z", "summary.json"),
        ("20240308T100000.000Z", "results.edn"),
    ] {
        let r = row(&index, stamp);
        assert!(
            r.contains(">unreadable<")
                && r.contains(&format!("{name} is unreadable: not a regular file")),
            "{r}"
        );
        let (status, _, page) = get(addr, &format!("/run/g-set/{stamp}"));
        assert_eq!(status, 200);
        assert!(page.contains("not a regular file"));
    }
    let (status, _, page) = get(addr, "/run/broadcast/20240101T100000.000Z");
    assert_eq!(status, 200);
    assert!(page.contains("node-logs/n0.log") && !page.contains("n1.log"));
}

/// Row 6: every GET / read each results.json whole (375 MiB per request
/// for a 200 MB one). Now the index reads the run's small summary.json,
/// and reads results only up to `results::MAX_RESULTS` for runs without one;
/// the run page shows the summary's verdict and links the big file.
#[test]
fn the_index_never_reads_a_200_mb_results_file() {
    let root = store();
    let store = root.path().join("store");
    let big = 200u64 << 20;
    // 200 MB (sparse) that start as JSON; read whole, they fail to parse.
    let huge_results = |dir: &Path| {
        std::fs::create_dir_all(dir).unwrap();
        let file = dir.join("results.json");
        std::fs::write(&file, "{\"valid?\": false, \"pad\": \"").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_len(big)
            .unwrap();
    };
    let with_summary = store.join("broadcast/20240309T100000.000Z");
    huge_results(&with_summary);
    std::fs::write(
        with_summary.join("summary.json"),
        r#"{"valid?": true, "net": {"servers": {"msgs-per-op": 7.25}}}"#,
    )
    .unwrap();
    huge_results(&store.join("broadcast/20240310T100000.000Z"));
    // Valid JSON, one byte over the cap: refused by its size alone.
    let over = store.join("echo/20240311T100000.000Z");
    std::fs::create_dir_all(&over).unwrap();
    let head = "{\"valid?\": true, \"pad\": \"";
    let pad = "a".repeat(results::MAX_RESULTS as usize + 1 - head.len() - 2);
    std::fs::write(over.join("results.json"), format!("{head}{pad}\"}}")).unwrap();

    let addr = serve_in_background(&store);
    let (status, _, index) = get(addr, "/");
    assert_eq!(status, 200);
    let r = row(&index, "20240309T100000.000Z");
    assert!(
        r.contains(">true<") && r.contains("msgs-per-op: 7.25"),
        "{r}"
    );
    let r = row(&index, "20240310T100000.000Z");
    assert!(
        r.contains(">too large<") && r.contains(&format!("results.json is {big} bytes")),
        "{r}"
    );
    let r = row(&index, "20240311T100000.000Z");
    let over_len = results::MAX_RESULTS + 1;
    assert!(
        r.contains(">too large<") && r.contains(&format!("results.json is {over_len} bytes")),
        "{r}"
    );
    // The run page: the summary's verdict and figures, the big file linked.
    let (status, _, page) = get(addr, "/run/broadcast/20240309T100000.000Z");
    assert_eq!(status, 200);
    assert!(page.contains("padding:2px 8px\">true<") && page.contains("7.25"));
    assert!(page.contains(&format!(
        "results.json is {big} bytes, too large to read here"
    )));
    assert!(page.len() < 100_000, "{} bytes", page.len());
    let (status, _, page) = get(addr, "/run/broadcast/20240310T100000.000Z");
    assert_eq!(status, 200);
    assert!(page.contains(">too large<"));
}

/// The index keeps what it parsed (as web.clj's `test-cache` does), but
/// reads a file again once it changes: a run rewritten under the same name
/// shows its new verdict.
#[test]
fn the_index_reads_a_changed_results_file_again() {
    let root = store();
    let store = root.path().join("store");
    let run = store.join("echo/20240312T100000.000Z");
    std::fs::create_dir_all(&run).unwrap();
    let addr = serve_in_background(&store);
    for (text, verdict) in [
        ("{\"valid?\": true}", ">true<"),
        ("{\"valid?\": false}", ">false<"),
        // Same length as the one before: the modification time tells.
        ("{\"valid?\": 12345}", ">?<"),
    ] {
        // File times tick with the kernel's coarse clock (a few ms).
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(run.join("results.json"), text).unwrap();
        let (status, _, index) = get(addr, "/");
        assert_eq!(status, 200);
        let r = row(&index, "20240312T100000.000Z");
        assert!(r.contains(verdict), "{text}: {r}");
    }
}
