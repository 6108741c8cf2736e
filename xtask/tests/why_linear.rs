//! The linearizability counterexample pictures (issue 25), end to end: a
//! lin-kv node with stale reads, rejected by a real run, gets
//! `independent/<key>/linear.svg` and `linear.html` showing the op the
//! checker names; `check lin-kv --pictures DIR` draws Knossos's own bad
//! history.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::{json, Value};
use support::{fixture, flags, maelstrom_test, xtask};

#[path = "../src/report/why/picture_checks.rs"]
#[allow(dead_code)]
mod picture_checks;
use picture_checks::{label_of, with_class};

/// An op's value as the picture prints it (Clojure's `nil`, else JSON).
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "nil".into(),
        v => v.to_string(),
    }
}

/// lin_kv_local.py: each node answers from its own map, so a client of n1
/// reads what n0 never saw. The checker names key 0's failing op; the
/// picture highlights exactly that op, draws the prefix before it and the
/// final paths, and why.json lists it first.
#[test]
fn a_stale_read_node_gets_its_counterexample_drawn() {
    let args = [
        &["-w", "lin-kv"],
        &flags("--node-count 2 --concurrency 2n --time-limit 2 --rate 100 --seed 1")[..],
    ]
    .concat();
    let r = maelstrom_test(&fixture("lin_kv_local.py"), &args);
    assert_eq!(r.code, 1, "{}", r.tail());
    let lin = &r.workload()["results"]["0"]["linearizable"];
    assert_eq!(lin["valid?"], json!(false), "{}", r.tail());

    let manifest: Value = serde_json::from_str(&r.store_file("why.json")).expect("why.json");
    assert_eq!(
        manifest[0]["file"], "independent/0/linear.svg",
        "{manifest:#}"
    );
    assert_eq!(manifest[0]["anomaly"], true);
    assert!(manifest[0]["window-ns"][1].as_u64() >= manifest[0]["window-ns"][0].as_u64());
    // Concurrency 4 on n0, n1: process p's client talks to n((p mod 4) mod 2).
    let p = lin["op"]["process"].as_u64().unwrap();
    let nodes = manifest[0]["nodes"].as_array().unwrap();
    assert!(
        nodes.contains(&json!(format!("n{}", p % 4 % 2))),
        "{manifest:#}"
    );
    assert!(nodes.iter().all(|n| n == "n0" || n == "n1"));
    assert!(manifest
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["file"] == "independent/0/linear.html"));

    let svg = r.store_file("independent/0/linear.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    // The unplaceable op is the checker's `:op`: its process, f and value.
    let bad = with_class(&doc, "unplaceable");
    assert_eq!(bad.len(), 1, "{svg}");
    let op = &lin["op"];
    let want = format!("{} {}", op["f"].as_str().unwrap(), shown(&op["value"]));
    assert_eq!(label_of(bad[0]), want);
    let title = bad[0].first_child().and_then(|t| t.text()).unwrap_or("");
    assert!(
        title.starts_with(&format!("process {}: {want}", op["process"])),
        "{title}"
    );
    // The prefix: a stale read needs the write it missed linearized first.
    let points = with_class(&doc, "lin-point");
    assert!(!points.is_empty(), "{svg}");
    assert!(points.iter().all(|p| p
        .first_child()
        .and_then(|t| t.text())
        .is_some_and(|t| t.contains("then the register holds"))));
    // Every final path of the map, ending in its refusal.
    let paths = lin["final-paths"].as_array().expect("final-paths");
    let drawn: Vec<&str> = with_class(&doc, "final-path")
        .iter()
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(drawn.len(), paths.len().min(10), "{drawn:?}");
    for (line, path) in drawn.iter().zip(paths) {
        let msg = path.as_array().unwrap().last().unwrap()["model"]["msg"]
            .as_str()
            .unwrap();
        assert!(line.ends_with(msg), "{line} / {msg}");
    }

    let page = r.store_file("independent/0/linear.html");
    assert!(page.contains("<svg"));
    assert!(page.contains("Candidate states just before it"));
}

/// Knossos's `cas-failure.edn` (knossos v0.3.9 data/cas-register/bad;
/// wgl_test.clj `bad-analysis-test-2` expects `:op {:process 70, :type :ok,
/// :f :read, :value 0}`): `check lin-kv --pictures` draws it, one register,
/// at the top of DIR.
#[test]
fn check_draws_a_knossos_bad_history_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let file = fixture("knossos/cas-failure.edn");
    let out = dir.path().join("pictures");
    let r = xtask(&[
        "check",
        "lin-kv",
        file.to_str().unwrap(),
        "--pictures",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.tail());
    let svg = std::fs::read_to_string(out.join("linear.svg")).expect("linear.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let bad = with_class(&doc, "unplaceable");
    assert_eq!(label_of(bad[0]), "read 0");
    let title = bad[0].first_child().and_then(|t| t.text()).unwrap_or("");
    assert!(title.starts_with("process 70: read 0"), "{title}");
    assert!(out.join("linear.html").is_file());

    // Without --pictures, check writes nothing; with it, lin-kv only.
    let r = xtask(&["check", "lin-kv", file.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert_eq!(std::fs::read_dir(r.dir()).unwrap().count(), 0);
    let r = xtask(&["check", "g-set", file.to_str().unwrap(), "--pictures", "x"]);
    assert_eq!(r.code, 254, "{}", r.tail());
    assert!(!r.dir().join("x").exists());
    // A DIR that cannot be made (a regular file is in the way): one line, before the check.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let r = xtask(&[
        "check",
        "lin-kv",
        file.to_str().unwrap(),
        "--pictures",
        blocked.join("sub").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 254, "{}", r.tail());
    assert!(
        r.tail().contains("--pictures: cannot create"),
        "{}",
        r.tail()
    );
}
