//! Elle's pictures end to end (issue 25): faulty txn nodes run through
//! `maelstrom test`, and each anomaly the checker reports is drawn as
//! `elle/<anomaly>/<n>.svg`, listed in why.json, showing the transactions
//! and the labelled dependencies of the results map's entry.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{assert_verdict, run_fixture, strings, Run};

/// Pictures drawn per anomaly type (`report/why/elle`, `MAX_PER_TYPE`).
const MAX_PER_TYPE: usize = 8;

/// The texts of `<text>` elements of class `class`; the SVG must parse.
fn texts(svg: &str, class: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter(|n| {
            n.attribute("class")
                .unwrap_or("")
                .split(' ')
                .any(|c| c == class)
        })
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// The manifest's entry for `file`, which must be an anomaly picture
/// with a window inside the history and the nodes it concerns.
fn manifest_entry(r: &Run, file: &str) -> Value {
    let manifest: Value = serde_json::from_str(&r.store_file("why.json")).expect("why.json");
    let entry = manifest
        .as_array()
        .and_then(|a| a.iter().find(|p| p["file"] == file))
        .unwrap_or_else(|| panic!("{file} not in why.json: {manifest:#}"))
        .clone();
    assert_eq!(entry["anomaly"], Value::Bool(true));
    let window = &entry["window-ns"];
    let (a, b) = (window[0].as_u64().unwrap(), window[1].as_u64().unwrap());
    let last = r.history().last().unwrap()["time"].as_u64().unwrap();
    assert!(a <= b && b <= last, "{entry}");
    assert!(!strings(&entry["nodes"]).is_empty(), "{entry}");
    entry
}

/// A key or value as the pictures print them (these runs' are integers).
fn plain(v: &Value) -> String {
    match v.as_str() {
        Some("elle.list-append/init") => "init".into(),
        _ => v.to_string(),
    }
}

/// Each of the first `MAX_PER_TYPE` cycles of `kind` is drawn: one box per
/// transaction (`T<index>`), one label per step with its type, key and
/// values. Returns how many were checked.
fn assert_cycles_drawn(r: &Run, kind: &str) -> usize {
    let cycles = r.workload()["anomalies"][kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind}\n{:#}", r.workload()))
        .clone();
    for (n, entry) in cycles.iter().enumerate().take(MAX_PER_TYPE) {
        let file = format!("elle/{kind}/{n}.svg");
        manifest_entry(r, &file);
        let svg = r.store_file(&file);
        let ops = entry["cycle"].as_array().unwrap();
        let expected: Vec<String> = ops[..ops.len() - 1]
            .iter()
            .map(|op| format!("T{}", op["index"]))
            .collect();
        assert_eq!(texts(&svg, "txn-name"), expected, "{file}");
        let labels = texts(&svg, "label");
        let steps = entry["steps"].as_array().unwrap();
        assert_eq!(labels.len(), steps.len(), "{file}: {labels:?}");
        for (step, label) in steps.iter().zip(&labels) {
            let rel = step["type"].as_str().unwrap();
            let want = match rel {
                "wr" => format!("wr {}: {}", plain(&step["key"]), plain(&step["value"])),
                "ww" | "rw" => format!(
                    "{rel} {}: {} → {}",
                    plain(&step["key"]),
                    plain(&step["value"]),
                    plain(&step["value'"])
                ),
                "realtime" => "rt".into(),
                other => other.into(),
            };
            assert!(label.starts_with(&want), "{file}: {label:?} for {step}");
        }
    }
    assert!(
        r.store_file(&format!("elle/{kind}/{}.svg", MAX_PER_TYPE))
            .is_empty(),
        "more than {MAX_PER_TYPE} pictures of {kind}"
    );
    cycles.len().min(MAX_PER_TYPE)
}

#[test]
fn a_node_that_runs_transactions_in_pairs_is_drawn_as_g1c_cycles() {
    let r = run_fixture(
        "txn-rw-register",
        "txn_g1c_node.py",
        "--node-count 1 --concurrency 4 --time-limit 2 --rate 200 \
         --consistency-models read-committed",
    );
    assert_verdict(r.results(), "workload", false);
    let types = strings(&r.workload()["anomaly-types"]);
    assert!(types.contains(&"G1c".to_string()), "{types:?}");
    assert!(assert_cycles_drawn(&r, "G1c") >= 1);
    // Every transaction ran on the one node.
    assert_eq!(
        strings(&manifest_entry(&r, "elle/G1c/0.svg")["nodes"]),
        ["n0"]
    );
}

#[test]
fn aborted_reads_are_drawn_writer_then_reader() {
    let r = run_fixture(
        "txn-rw-register",
        "txn_g1a_node.py",
        "--node-count 2 --concurrency 2n --time-limit 2 --rate 200 \
         --consistency-models read-committed",
    );
    let case = r.workload()["anomalies"]["G1a"][0].clone();
    assert!(case.is_object(), "{:#}", r.workload());
    manifest_entry(&r, "elle/G1a/0.svg");
    let svg = r.store_file("elle/G1a/0.svg");
    let names = texts(&svg, "txn-name");
    let want = [
        format!("T{}", case["writer"]["index"]),
        format!("T{}", case["op"]["index"]),
    ];
    assert_eq!(names, want);
    assert!(texts(&svg, "txn-sub")[0].ends_with(":fail"));
    let (key, value) = (&case["mop"][1], &case["mop"][2]);
    assert_eq!(texts(&svg, "label"), [format!("wr {key}: {value}")]);
    assert_eq!(
        texts(&svg, "marked"),
        [format!("w {key} {value}"), format!("r {key} {value}")]
    );
}

#[test]
fn list_append_read_skew_is_drawn_as_cycles() {
    let r = run_fixture(
        "txn-list-append",
        "la_read_skew_node.py",
        "--node-count 1 --concurrency 2n --time-limit 2 --rate 200 --consistency-models serializable",
    );
    assert_verdict(r.results(), "workload", false);
    assert!(assert_cycles_drawn(&r, "G-single") >= 1);
}

#[test]
fn diverging_list_orders_get_elles_page_of_the_keys_reads() {
    let r = run_fixture(
        "txn-list-append",
        "la_diverging_node.py",
        "--node-count 2 --concurrency 2n --time-limit 2 --rate 200",
    );
    assert_verdict(r.results(), "workload", false);
    let cases = r.workload()["anomalies"]["incompatible-order"]
        .as_array()
        .unwrap_or_else(|| panic!("no incompatible-order\n{:#}", r.workload()))
        .clone();
    let case = &cases[0];
    let file = format!("elle/incompatible-order/{}.html", case["key"]);
    manifest_entry(&r, &file);
    let html = r.store_file(&file);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&html, options).expect("well-formed page");
    // The rows outlined are the reads equal to one of the two the checker names.
    let outlined: Vec<Vec<String>> = doc
        .descendants()
        .filter(|n| n.has_tag_name("tr") && n.attribute("class") == Some("disagrees"))
        .map(|tr| {
            tr.children()
                .filter(|n| n.has_tag_name("td"))
                .skip(4)
                .map(|td| td.text().unwrap_or("").to_string())
                .collect()
        })
        .collect();
    let as_cells = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e.to_string())
            .collect()
    };
    let pair = [as_cells(&case["values"][0]), as_cells(&case["values"][1])];
    assert!(!outlined.is_empty(), "{html}");
    assert!(
        outlined.iter().all(|row| pair.contains(row)),
        "{outlined:?} vs {pair:?}"
    );
    for read in &pair {
        assert!(outlined.contains(read), "{read:?} not outlined");
    }
}

#[test]
fn intermediate_reads_are_drawn_with_the_overwriting_write_marked() {
    let r = run_fixture(
        "txn-rw-register",
        "txn_g1b_node.py",
        "--node-count 2 --concurrency 2n --time-limit 2 --rate 200 \
         --consistency-models read-committed",
    );
    let case = r.workload()["anomalies"]["G1b"][0].clone();
    assert!(case.is_object(), "{:#}", r.workload());
    manifest_entry(&r, "elle/G1b/0.svg");
    let svg = r.store_file("elle/G1b/0.svg");
    let want = [
        format!("T{}", case["writer"]["index"]),
        format!("T{}", case["op"]["index"]),
    ];
    assert_eq!(texts(&svg, "txn-name"), want);
    let (key, value) = (&case["mop"][1], &case["mop"][2]);
    assert_eq!(texts(&svg, "label"), [format!("wr {key}: {value}")]);
    // The intermediate write, the later write of the key (marked "overwrote it"),
    // and the read.
    let marked = texts(&svg, "marked");
    assert_eq!(marked.len(), 3, "{marked:?}");
    assert_eq!(marked[0], format!("w {key} {value}"));
    assert!(marked[1].starts_with(&format!("w {key} ")) && marked[1].ends_with("◂ overwrote it"));
    assert_eq!(marked[2], format!("r {key} {value}"));
}
