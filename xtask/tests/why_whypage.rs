//! Issue 25, the results browser's part, end to end: a faulty node's run
//! through `maelstrom test`, its pictures redrawn by `glomers pictures`, a
//! why.json manifest naming an anomaly window and node (written here, as the
//! picture drawers would), and `glomers serve`'s page for the run: it opens
//! on the anomaly picture, the Lamport diagram cut to the window and node,
//! and that node's log lines of the window, escaped.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use support::serve::{get, start_server};
use support::{fixture, flags, maelstrom_test, Run};

/// The faulty counter that logs each add (`</script><b>` in every line).
fn failing_run() -> Run {
    let run = maelstrom_test(
        &fixture("g_counter_local_logging.py"),
        &flags("-w g-counter --node-count 2 --time-limit 2 --rate 50 --engine embedded --seed 7"),
    );
    assert_eq!(run.results()["valid?"], json!(false), "{}", run.tail());
    run
}

/// The history times (ns) of n0's clients' completed adds: the window is
/// the middle third of them.
fn middle_window(run: &Run) -> (u64, u64) {
    let times: Vec<u64> = run
        .history()
        .iter()
        .filter(|op| op["type"] == "ok" && op["f"] == "add")
        .filter_map(|op| op["time"].as_u64())
        .collect();
    assert!(times.len() >= 30, "{} adds", times.len());
    (times[times.len() / 3], times[2 * times.len() / 3])
}

fn glomers(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_glomers"))
        .args(args)
        .output()
        .expect("glomers runs")
}

fn lanes_and_arrows(svg: &str) -> (Vec<String>, usize) {
    let doc = roxmltree::Document::parse(svg).expect("the cut diagram parses");
    let mut lanes: Vec<String> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .filter_map(|n| n.text().map(String::from))
        .collect();
    lanes.sort();
    lanes.dedup();
    let arrows = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("msg"))
        .count();
    (lanes, arrows)
}

#[test]
fn an_invalid_runs_page_opens_on_its_anomaly_window_and_logs() {
    let run = failing_run();
    let rel = run.latest_run();
    let dir = run.dir().join("store").join(&rel);
    assert!(dir.join("node-log-times/n0.tsv").is_file());

    // `pictures` redraws from the run's files and writes the manifest.
    let out = glomers(&["pictures", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("why.json"));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("why.json")).unwrap()).unwrap();
    assert!(manifest.is_array());

    // An anomaly picture and a manifest as the drawers write them.
    let window = middle_window(&run);
    std::fs::create_dir_all(dir.join("counter")).unwrap();
    std::fs::write(
        dir.join("counter/final-reads.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#E4007C"/></svg>"##,
    )
    .unwrap();
    let manifest = json!([
        {"file": "counter/final-reads.svg", "title": "final reads </script><b> too low",
         "anomaly": true, "window-ns": [window.0, window.1], "nodes": ["n0"]},
        {"file": "timeline.html", "title": "timeline", "anomaly": false, "window-ns": null, "nodes": []}
    ]);
    std::fs::write(dir.join("why.json"), manifest.to_string()).unwrap();

    let server = start_server(run.dir());
    let (status, _, page) = get(&server, &format!("/run/{rel}"));
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    let why = page.find("<section id=\"why\">").expect("a why section");
    let picture = page
        .find(&format!("src=\"/files/{rel}/counter/final-reads.svg\""))
        .expect("the anomaly picture");
    assert!(why < picture && picture < page.find("<h2 id=\"pictures\">").unwrap());
    assert!(page.contains("final reads &lt;/script&gt;&lt;b&gt; too low"));
    assert!(!page.contains("</script><b>"), "unescaped text in {page}");

    // The cut diagram: n0 and its clients only, fewer messages than all.
    let cut = format!("/why/{rel}/0/messages.svg");
    assert!(page.contains(&format!("src=\"{cut}\"")));
    let (status, content_type, svg) = get(&server, &cut);
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"));
    let (lanes, arrows) = lanes_and_arrows(&String::from_utf8(svg).unwrap());
    assert!(lanes.contains(&"n0".to_string()), "{lanes:?}");
    assert!(
        lanes.iter().all(|l| l == "n0" || l.starts_with('c')),
        "{lanes:?}"
    );
    let (_, all_arrows) = lanes_and_arrows(&run.store_file("messages.svg"));
    assert!(
        0 < arrows && arrows < all_arrows,
        "{arrows} of {all_arrows}"
    );

    // n0's log lines of the window: some of its lines, not all, escaped.
    let excerpt_start = page
        .find("<pre class=\"log-window\" data-node=\"n0\">")
        .expect("n0's log excerpt");
    let excerpt = &page[excerpt_start..];
    let excerpt = &excerpt[..excerpt.find("</pre>").unwrap()];
    let shown = excerpt.matches("add #").count();
    let logged = run.node_log("n0").lines().count();
    assert!(
        shown > 0 && shown < logged,
        "{shown} of {logged}: {excerpt}"
    );
    assert!(excerpt.contains("&lt;/script&gt;&lt;b&gt;"), "{excerpt}");
    assert!(!page.contains("data-node=\"n1\""));
}

#[test]
fn pictures_of_a_directory_that_is_not_a_run_is_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = glomers(&["pictures", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("run.json"), "{err}");
    assert!(!Path::new(&dir.path().join("why.json")).exists());
}
