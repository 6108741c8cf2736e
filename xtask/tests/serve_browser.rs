//! The results browser end to end in a real headless Chromium: real runs
//! made by the xtask binary, `xtask serve` on a free port, and the index and
//! run pages as the browser renders them.
//!
//! Chromium is required. When it is missing and the test runs as root, the
//! test installs Debian's `chromium` package itself (tests/support/
//! install-chromium.sh), so `cargo test --workspace` needs no manual set-up.
//! Set XTASK_SKIP_BROWSER=1 to skip this test where it cannot be installed,
//! and XTASK_SCREENSHOT_DIR=<dir> to keep the screenshots for a look by eye.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::serve::{get, start_server, Server};
use support::{fixture, flags, maelstrom_test, Run};

const INSTALL_HINT: &str = "chromium is not on PATH and could not be installed. Install it with \
     `apt-get update && apt-get install -y chromium` (as root, this test runs \
     xtask/tests/support/install-chromium.sh itself), or set XTASK_SKIP_BROWSER=1 to skip this test";

/// Finds chromium, installing it first when it is missing and we are root.
fn chromium() -> Option<PathBuf> {
    let find = || find_on_path("chromium").or_else(|| find_on_path("chromium-browser"));
    if let Some(exe) = find() {
        return Some(exe);
    }
    if std::env::var("XTASK_SKIP_BROWSER").as_deref() == Ok("1") {
        return None;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    if root && find_on_path("apt-get").is_some() {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/install-chromium.sh");
        eprintln!(
            "serve_browser: chromium is missing; installing it with {}",
            script.display()
        );
        let ok = Command::new("bash")
            .arg(&script)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("serve_browser: the install script failed");
        }
    }
    find()
}

/// The verdict colours of results.md section 7.
const BLUE: &str = "#6DB6FE";
const PINK: &str = "#FEB5DA";

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Flags of every run here: the embedded engine and a fixed seed.
const ENGINE: &str = "--engine embedded --seed 7";

/// `xtask maelstrom test --bin <fixture> <ENGINE> <flags>`, in `cwd`'s
/// directory when given, else in a fresh one.
fn make_run(cwd: Option<&Run>, node: &str, flag_line: &str) -> Run {
    let line = format!("{ENGINE} {flag_line}");
    let (bin, args) = (fixture(node), flags(&line));
    match cwd {
        Some(earlier) => earlier.maelstrom_test_again(&bin, &args),
        None => maelstrom_test(&bin, &args),
    }
}

/// Headless Chromium with a private profile, killed after a minute.
struct Browser {
    exe: PathBuf,
    profile: tempfile::TempDir,
    out: PathBuf,
}

impl Browser {
    fn run(&self, args: &[String]) -> String {
        self.run_logged(args).0
    }

    /// Runs Chromium; its stdout, and the page's console messages (Chromium
    /// logs each as `INFO:CONSOLE` on stderr with `--enable-logging=stderr`).
    fn run_logged(&self, args: &[String]) -> (String, Vec<String>) {
        let stdout_file = self.out.join("chromium.stdout");
        let stderr_file = self.out.join("chromium.stderr");
        let mut child = Command::new(&self.exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_file).unwrap())
            .stderr(std::fs::File::create(&stderr_file).unwrap())
            .spawn()
            .expect("chromium starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium {args:?} took over 60 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "chromium {args:?}: {status}");
        let console = std::fs::read_to_string(&stderr_file)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(String::from)
            .collect();
        (
            std::fs::read_to_string(&stdout_file).unwrap_or_default(),
            console,
        )
    }

    /// The DOM after the page loaded, and what the page wrote to the console.
    fn dom_and_console(&self, url: &str) -> (String, Vec<String>) {
        self.run_logged(&["--dump-dom".into(), url.into()])
    }

    /// The DOM after the page loaded, serialised by the browser.
    fn dom(&self, url: &str) -> String {
        self.run(&["--dump-dom".into(), url.into()])
    }

    /// A 1400x1000 screenshot of `url`, checked to be a non-trivial PNG and
    /// copied to XTASK_SCREENSHOT_DIR when that is set; the PNG's bytes.
    fn screenshot(&self, url: &str, name: &str) -> Vec<u8> {
        let file = self.out.join(name);
        self.run(&[
            format!("--screenshot={}", file.display()),
            "--window-size=1400,1000".into(),
            url.into(),
        ]);
        let png = std::fs::read(&file).unwrap_or_default();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 5_000,
            "screenshot of {url}: {} bytes",
            png.len()
        );
        if let Some(dir) = std::env::var_os("XTASK_SCREENSHOT_DIR") {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::copy(&file, Path::new(&dir).join(name));
        }
        png
    }
}

/// The text between `start` and the next `end`, for each occurrence.
fn sections<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    text.match_indices(start)
        .map(|(i, _)| {
            let rest = &text[i..];
            &rest[..rest.find(end).map_or(rest.len(), |j| j + end.len())]
        })
        .collect()
}

/// The colour and text a verdict cell shows for `valid?`.
fn expected_verdict(results: &Value) -> (&'static str, &'static str) {
    match results.get("valid?") {
        Some(Value::Bool(true)) => (BLUE, "true"),
        Some(Value::Bool(false)) => (PINK, "false"),
        other => panic!("these runs have a boolean verdict, not {other:?}"),
    }
}

/// Fetches `href` from the server and checks it is served.
fn assert_served(server: &Server, href: &str) -> (String, Vec<u8>) {
    let (status, content_type, body) = get(server, href);
    assert_eq!(status, 200, "{href}");
    assert!(!body.is_empty(), "{href} is empty");
    (content_type, body)
}

#[test]
fn index_and_run_pages_render_in_headless_chromium() {
    let Some(exe) = chromium() else {
        if std::env::var("XTASK_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("serve_browser: skipped (XTASK_SKIP_BROWSER=1 and chromium absent)");
            return;
        }
        panic!("{INSTALL_HINT}");
    };

    let echo_ok_run = make_run(None, "echo_ok.py", "-w echo --node-count 1 --time-limit 2");
    let echo_bad_run = make_run(
        Some(&echo_ok_run),
        "echo_faulty.py",
        "-w echo --node-count 1 --time-limit 2 -- alter",
    );
    let broadcast_run = make_run(
        Some(&echo_ok_run),
        "broadcast_flood.py",
        "-w broadcast --node-count 5 --time-limit 3 --rate 20 --nemesis partition \
         --nemesis-interval 1 --latency 20",
    );
    let cwd = echo_ok_run.dir();
    // Store-relative run directories, `<workload>/<timestamp>`.
    let (echo_ok, echo_bad, broadcast) = (
        echo_ok_run.latest_run(),
        echo_bad_run.latest_run(),
        broadcast_run.latest_run(),
    );
    // Newest first: the order the runs were made, reversed.
    let runs = [
        (&broadcast, &broadcast_run),
        (&echo_bad, &echo_bad_run),
        (&echo_ok, &echo_ok_run),
    ];
    assert_eq!(
        expected_verdict(echo_bad_run.results()),
        (PINK, "false"),
        "the faulty echo must fail, so the index shows both colours"
    );

    let server = start_server(cwd);
    let base = format!("http://127.0.0.1:{}", server.port);
    let shots = tempfile::tempdir().unwrap();
    let browser = Browser {
        exe,
        profile: tempfile::tempdir().unwrap(),
        out: shots.path().to_path_buf(),
    };

    // The index: one row per run, newest first, verdict text and colour,
    // links to the run page, results, history and files.
    let index = browser.dom(&format!("{base}/"));
    assert!(index.contains("<h1>Test runs</h1>"), "{index}");
    let rows = sections(&index, "<tr class=\"run\">", "</tr>");
    assert_eq!(rows.len(), runs.len(), "{index}");
    for (row, (rel, run)) in rows.iter().zip(runs) {
        let (workload, timestamp) = rel.split_once('/').unwrap();
        assert!(
            row.contains(&format!("<a href=\"/run/{rel}\">{workload}</a>")),
            "{row}"
        );
        assert!(row.contains(&format!("<td>{timestamp}</td>")), "{row}");
        let (colour, text) = expected_verdict(run.results());
        assert!(
            row.contains(&format!(
                "class=\"verdict\" style=\"background:{colour}\">{text}</td>"
            )),
            "{row}"
        );
        assert!(row.contains("msgs-per-op (all): "), "{row}");
        for (class, file) in [
            ("results", "results.json"),
            ("history", "history.txt"),
            ("files", ""),
        ] {
            let href = format!("/files/{rel}/{file}");
            assert!(
                row.contains(&format!("<a class=\"{class}\" href=\"{href}\">")),
                "{class} link in {row}"
            );
            assert_served(&server, &href);
        }
    }
    assert!(rows[0].contains("lost-count: 0"), "{}", rows[0]);
    browser.screenshot(&format!("{base}/"), "index.png");

    // The broadcast run page: verdict, figures, the four pictures and the
    // four broadcast pictures, history, one log per node, the results map.
    let page = browser.dom(&format!("{base}/run/{broadcast}"));
    let (workload, timestamp) = broadcast.split_once('/').unwrap();
    assert!(
        page.contains(&format!("<h1>{workload} {timestamp}</h1>")),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "style=\"background:{BLUE};padding:2px 8px\">true<"
        )),
        "{page}"
    );
    assert!(page.contains("<th>stable latency ms</th>"), "{page}");
    let pictures = [
        "latency-raw.svg",
        "latency-quantiles.svg",
        "rate.svg",
        "messages.svg",
        "propagation.svg",
        "node-lag.svg",
        "link-load.svg",
        "msgs-by-type.svg",
    ];
    let imgs = sections(&page, "<img class=\"picture\"", ">");
    assert_eq!(imgs.len(), pictures.len(), "{page}");
    for (img, picture) in imgs.iter().zip(pictures) {
        let src = format!("/files/{broadcast}/{picture}");
        assert!(img.contains(&format!("src=\"{src}\"")), "{img}");
        // Served as SVG, well-formed XML with an <svg> root of a real size…
        let (content_type, body) = assert_served(&server, &src);
        assert_eq!(content_type, "image/svg+xml", "{src}");
        let text = String::from_utf8(body).expect("SVG is UTF-8");
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{src} does not parse: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{src}");
        for dim in ["width", "height"] {
            let v: f64 = root.attribute(dim).and_then(|v| v.parse().ok()).unwrap();
            assert!(v >= 100.0, "{src} {dim}={v}");
        }
        // …and the browser reads it as an SVG document, not an XML error page.
        let dom = browser.dom(&format!("{base}{src}"));
        assert!(
            dom.contains("<svg") && !dom.contains("parsererror"),
            "{src}: {dom}"
        );
        browser.screenshot(&format!("{base}{src}"), &picture.replace(".svg", ".png"));
    }
    // The partition nemesis is shaded in the perf pictures; messages drawn.
    let svg = |name: &str| {
        String::from_utf8(get(&server, &format!("/files/{broadcast}/{name}")).2).unwrap()
    };
    assert!(svg("latency-raw.svg").contains("class=\"nemesis\""));
    assert!(svg("latency-raw.svg").contains("<circle"));
    assert!(svg("messages.svg").contains("data-type=\"gossip\""));
    // The flooding fixture sends every value to every other node: the link
    // map is a full mesh, 5 x 4 links; values reached every node; the
    // message rates are shaded for the partitions and have a gossip series.
    let links = svg("link-load.svg");
    assert_eq!(links.matches("<g class=\"link\"").count(), 20, "{links}");
    assert!(svg("propagation.svg").contains("class=\"cdf\""));
    assert!(svg("node-lag.svg").contains("class=\"lag-row\" data-node=\"n4\""));
    let rates = svg("msgs-by-type.svg");
    assert!(rates.contains("class=\"nemesis\""), "{rates}");
    assert!(rates.contains("data-series=\"gossip\""), "{rates}");

    for name in ["history.txt", "history.jsonl", "net-journal.jsonl"] {
        let href = format!("/files/{broadcast}/{name}");
        assert!(
            page.contains(&format!("<a href=\"{href}\">{name}</a>")),
            "{name}"
        );
        assert_served(&server, &href);
    }
    for node in 0..5 {
        let href = format!("/files/{broadcast}/node-logs/n{node}.log");
        assert!(
            page.contains(&format!("<a class=\"log\" href=\"{href}\">n{node}.log</a>")),
            "n{node}.log in {page}"
        );
        let (content_type, _) = assert_served(&server, &href);
        assert!(content_type.starts_with("text/plain"), "{href}");
    }
    assert!(page.contains("<pre class=\"results\">"), "{page}");
    assert!(page.contains("\"valid?\": true"), "{page}");
    browser.screenshot(&format!("{base}/run/{broadcast}"), "run.png");

    // The failing run's page shows its verdict in pink.
    let page = browser.dom(&format!("{base}/run/{echo_bad}"));
    assert!(
        page.contains(&format!(
            "style=\"background:{PINK};padding:2px 8px\">false<"
        )),
        "{page}"
    );
    browser.screenshot(&format!("{base}/run/{echo_bad}"), "run-failed.png");
    drop(server);
}

/// The anomaly picture's colour in `an_invalid_runs_page_opens_on_its_anomaly`:
/// a magenta no other part of the page uses.
const ANOMALY_RGB: [u8; 3] = [0xE4, 0x00, 0x7C];

/// How many pixels of `png` are `rgb`, and the first row that has one.
fn pixels_of(png_bytes: &[u8], rgb: [u8; 3]) -> (usize, Option<u32>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("screenshot colour type {other:?}"),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let (mut count, mut first_row) = (0, None);
    for (y, row) in buf[..info.buffer_size()].chunks(info.line_size).enumerate() {
        let hits = row.chunks(channels).filter(|px| px[..3] == rgb).count();
        if hits > 0 {
            first_row.get_or_insert(y as u32);
        }
        count += hits;
    }
    (count, first_row)
}

#[test]
fn an_invalid_runs_page_opens_on_its_anomaly_in_headless_chromium() {
    let Some(exe) = chromium() else {
        if std::env::var("XTASK_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("serve_browser: skipped (XTASK_SKIP_BROWSER=1 and chromium absent)");
            return;
        }
        panic!("{INSTALL_HINT}");
    };
    let run = make_run(
        None,
        "g_counter_local_logging.py",
        "-w g-counter --node-count 2 --time-limit 2 --rate 50",
    );
    assert_eq!(expected_verdict(run.results()), (PINK, "false"));
    let rel = run.latest_run();
    let dir = run.dir().join("store").join(&rel);
    // An anomaly picture and why.json as a drawer writes them (issue 25):
    // a 400x200 magenta block, its window the whole run, on n0.
    std::fs::create_dir_all(dir.join("counter")).unwrap();
    let [r, g, b] = ANOMALY_RGB;
    std::fs::write(
        dir.join("counter/final-reads.svg"),
        format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="rgb({r},{g},{b})"/></svg>"#),
    )
    .unwrap();
    let manifest = serde_json::json!([
        {"file": "counter/final-reads.svg", "title": "final reads </script><b>", "anomaly": true,
         "window-ns": [0, 3_000_000_000u64], "nodes": ["n0"]}
    ]);
    std::fs::write(dir.join("why.json"), manifest.to_string()).unwrap();

    let server = start_server(run.dir());
    let base = format!("http://127.0.0.1:{}", server.port);
    let shots = tempfile::tempdir().unwrap();
    let browser = Browser {
        exe,
        profile: tempfile::tempdir().unwrap(),
        out: shots.path().to_path_buf(),
    };
    let url = format!("{base}/run/{rel}");
    let (dom, console) = browser.dom_and_console(&url);
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(dom.contains("<section id=\"why\">"), "{dom}");
    assert!(dom.contains("class=\"cut-diagram\""), "{dom}");
    assert!(dom.contains("data-node=\"n0\""), "{dom}");
    // The escaped title stays text: no <b> element from it.
    assert!(!dom.contains("<b>"), "{dom}");
    for img in sections(&dom, "<img class=\"", ">") {
        let src = img
            .split("src=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_served(&server, &src.replace("&amp;", "&"));
    }
    // The first screen shows the anomaly picture whole, near the top.
    let png = browser.screenshot(&url, "run-why.png");
    let (count, first_row) = pixels_of(&png, ANOMALY_RGB);
    assert!(count >= 400 * 200 * 9 / 10, "{count} anomaly pixels");
    assert!(first_row.is_some_and(|y| y < 500), "{first_row:?}");
    // Without the manifest the page is as before: the check sees no anomaly.
    std::fs::remove_file(dir.join("why.json")).unwrap();
    let png = browser.screenshot(&url, "run-without-why.png");
    assert_eq!(pixels_of(&png, ANOMALY_RGB).0, 0);
    drop(server);
}
