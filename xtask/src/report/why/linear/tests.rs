//! The counterexample pictures from hand-made histories, through the
//! lin-kv checker's own results map.

use super::{dir_name, draw_history};
use crate::checkers::linearizable::independent::{check_history, check_register};
use crate::checkers::linearizable::Budget;
use crate::checkers::testing::op_at;
use crate::history::{History, Op, OpType, Process};
use crate::report::why::picture_checks::{label_of, with_class};
use serde_json::{json, Value};
use std::path::Path;

/// `(process, type, f, value)` lines; index and time (x 1000 ns) are the position.
fn hist(lines: &[(u64, OpType, &str, Value)]) -> History {
    History::new(
        lines
            .iter()
            .enumerate()
            .map(|(i, (p, t, f, v))| {
                op_at(i, i as u64 * 1000, Process::Client(*p), *t, f, v.clone())
            })
            .collect(),
    )
}

/// The lin-kv checker's map, as results.json's `workload` holds it.
fn section(h: &History) -> Value {
    check_history(h, &Budget::default_budget()).to_json()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

use OpType::{Invoke, Ok as Done};

/// Process 0 writes 1 then 2; process 1 then reads 1 on key 0: the read
/// cannot be linearized. Prefix: write 1, write 2 (two points, states 1
/// and 2); the read's rect is the unplaceable one; Knossos's final path
/// ends in "can't read 1 from register 2".
fn stale_read(read_value: Value) -> History {
    hist(&[
        (0, Invoke, "write", json!([0, 1])),
        (0, Done, "write", json!([0, 1])),
        (0, Invoke, "write", json!([0, 2])),
        (0, Done, "write", json!([0, 2])),
        (1, Invoke, "read", json!([0, null])),
        (1, Done, "read", json!([0, read_value])),
    ])
}

#[test]
fn a_stale_read_is_drawn_unplaceable_after_the_prefix() {
    let h = stale_read(json!(1));
    let s = section(&h);
    assert_eq!(s["valid?"], json!(false), "{s:#}");
    let dir = tempfile::tempdir().unwrap();
    let drawn = draw_history(&h, &s, dir.path()).unwrap();
    let pictures: Vec<_> = drawn.iter().map(|d| &d.picture).collect();
    let files: Vec<&str> = pictures.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        ["independent/0/linear.svg", "independent/0/linear.html"]
    );
    assert!(pictures[0].anomaly);
    // Window: the first write's invocation (0 ns) to the read's completion.
    assert_eq!(pictures[0].window_ns, Some((0, 5000)));
    assert_eq!(drawn[0].processes, [0, 1]);

    let svg = read(dir.path(), "independent/0/linear.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let bad = with_class(&doc, "unplaceable");
    assert_eq!(bad.len(), 1, "{svg}");
    assert_eq!(label_of(bad[0]), "read 1");
    let title = bad[0].first_child().and_then(|t| t.text()).unwrap_or("");
    assert!(title.starts_with("process 1: read 1"), "{title}");
    let points: Vec<String> = with_class(&doc, "lin-point")
        .iter()
        .filter_map(|p| p.first_child().and_then(|t| t.text()).map(str::to_string))
        .collect();
    assert_eq!(
        points,
        [
            "linearized #1: write 1; then the register holds 1",
            "linearized #2: write 2; then the register holds 2"
        ]
    );
    let refusal = with_class(&doc, "refusal")[0].text().unwrap_or("");
    assert_eq!(refusal, "can't read 1 from register 2");
    let paths: Vec<&str> = with_class(&doc, "final-path")
        .iter()
        .filter_map(|n| n.text())
        .collect();
    // One configuration just before the read: write 2 linearized last.
    assert_eq!(
        paths,
        ["p0 write 2 → 2  ·  p1 read 1 → can't read 1 from register 2"]
    );
}

#[test]
fn the_page_embeds_the_picture_the_configurations_and_the_map() {
    let h = stale_read(json!(1));
    let s = section(&h);
    let dir = tempfile::tempdir().unwrap();
    draw_history(&h, &s, dir.path()).unwrap();
    let page = read(dir.path(), "independent/0/linear.html");
    for tag in [
        "html", "head", "body", "svg", "details", "table", "script", "ol",
    ] {
        let open =
            page.matches(&format!("<{tag}>")).count() + page.matches(&format!("<{tag} ")).count();
        let close = page.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> balanced");
    }
    let analysis = embedded(&page, "analysis");
    assert_eq!(analysis, s["results"]["0"]["linearizable"]);
    let ops = embedded(&page, "ops");
    assert_eq!(
        ops["ops"][ops["failing"].as_u64().unwrap() as usize]["op"],
        "read 1"
    );
    assert_eq!(ops["ops"][1]["state"], "2");
    // The configuration just before the read: the register holds 2.
    assert!(page.contains("<tr class=\"config\"><td>2</td>"), "{page}");
}

/// The JSON inside `<script type="application/json" id="{id}">`.
fn embedded(page: &str, id: &str) -> Value {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let from = page.find(&open).expect("the script") + open.len();
    let to = from + page[from..].find("</script>").expect("its end");
    serde_json::from_str(&page[from..to]).expect("JSON")
}

/// A node controls the values: one holding `</script><b>` stays text.
#[test]
fn a_value_from_the_history_cannot_end_the_script_or_open_a_tag() {
    let evil = "</script><b>x";
    let h = hist(&[
        (0, Invoke, "write", json!([0, evil])),
        (0, Done, "write", json!([0, evil])),
        (0, Invoke, "write", json!([0, 2])),
        (0, Done, "write", json!([0, 2])),
        (1, Invoke, "read", json!([0, null])),
        (1, Done, "read", json!([0, evil])),
    ]);
    let s = section(&h);
    let dir = tempfile::tempdir().unwrap();
    draw_history(&h, &s, dir.path()).unwrap();
    let page = read(dir.path(), "independent/0/linear.html");
    assert!(!page.contains("<b>"), "{page}");
    assert_eq!(page.matches("</script>").count(), 3);
    let svg = read(dir.path(), "independent/0/linear.svg");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(
        label_of(with_class(&doc, "unplaceable")[0]),
        "read \"</script><b>x\""
    );
    assert_eq!(
        embedded(&page, "ops")["ops"][0]["op"],
        "write \"</script><b>x\""
    );
}

#[test]
fn a_linearizable_history_draws_nothing() {
    let h = stale_read(json!(2));
    let s = section(&h);
    assert_eq!(s["valid?"], json!(true));
    let dir = tempfile::tempdir().unwrap();
    assert!(draw_history(&h, &s, dir.path()).unwrap().is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// One register (Knossos's data, `check lin-kv` on it): `linear.svg` at the top.
#[test]
fn one_register_is_drawn_at_the_top() {
    let h = hist(&[
        (0, Invoke, "write", json!(1)),
        (0, Done, "write", json!(1)),
        (1, Invoke, "read", Value::Null),
        (1, Done, "read", json!(0)),
    ]);
    let r = check_register(&h, &Budget::default_budget()).to_json();
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<String> = draw_history(&h, &r, dir.path())
        .unwrap()
        .into_iter()
        .map(|d| d.picture.file)
        .collect();
    assert_eq!(files, ["linear.svg", "linear.html"]);
    roxmltree::Document::parse(&read(dir.path(), "linear.svg")).expect("SVG");
}

#[test]
fn a_key_never_names_a_path_outside_independent() {
    assert_eq!(dir_name("3"), "3");
    assert_eq!(dir_name("a-b_c.d"), "a-b_c.d");
    assert_eq!(dir_name(".."), "%2E%2E");
    assert_eq!(dir_name("../x"), "%2E%2E%2Fx");
    assert_eq!(dir_name("[1 2]"), "%5B1%202%5D");
    assert_eq!(dir_name(""), "%");
}

/// 100 000 ops on one key: write 1, then 30 000 indeterminate writes of
/// other values by as many processes, then write 2, a stale read of 1, and
/// 9 000 more writes and reads. The window holds at most `MAX_OPS` ops, the
/// page at most `PENDING` pending ops per configuration: both files stay
/// small.
#[test]
fn a_key_with_100_000_ops_gives_pictures_of_bounded_size() {
    let mut ops: Vec<Op> = Vec::new();
    let push = |ops: &mut Vec<Op>, p: u64, t: OpType, f: &str, v: Value| {
        let i = ops.len();
        ops.push(op_at(i, i as u64, Process::Client(p), t, f, v));
    };
    push(&mut ops, 0, Invoke, "write", json!([0, 1]));
    push(&mut ops, 0, Done, "write", json!([0, 1]));
    for p in 0..30_000u64 {
        push(&mut ops, 10 + p, Invoke, "write", json!([0, 100 + p]));
    }
    for p in 0..30_000u64 {
        push(&mut ops, 10 + p, OpType::Info, "write", json!([0, 100 + p]));
    }
    push(&mut ops, 0, Invoke, "write", json!([0, 2]));
    push(&mut ops, 0, Done, "write", json!([0, 2]));
    push(&mut ops, 1, Invoke, "read", json!([0, null]));
    push(&mut ops, 1, Done, "read", json!([0, 1]));
    let mut n = 0u64;
    while ops.len() < 100_000 {
        let (f, v) = if n.is_multiple_of(2) {
            ("write", json!([0, 3]))
        } else {
            ("read", json!([0, 3]))
        };
        push(&mut ops, 2, Invoke, f, v.clone());
        push(&mut ops, 2, Done, f, v);
        n += 1;
    }
    let h = History::new(ops);
    let s = section(&h);
    assert_eq!(s["valid?"], json!(false));
    let dir = tempfile::tempdir().unwrap();
    draw_history(&h, &s, dir.path()).unwrap();
    let svg = read(dir.path(), "independent/0/linear.svg");
    let page = read(dir.path(), "independent/0/linear.html");
    let doc = roxmltree::Document::parse(&svg).expect("SVG");
    assert!(with_class(&doc, "op").len() <= super::counterexample::MAX_OPS);
    assert_eq!(label_of(with_class(&doc, "unplaceable")[0]), "read 1");
    assert!(svg.len() < 48 << 10, "{} bytes of SVG", svg.len());
    assert!(page.len() < 160 << 10, "{} bytes of HTML", page.len());
}
