use super::*;
use serde_json::json;

/// A history.jsonl from (process, type, f, value, final?) rows, 1 ms apart.
fn history(dir: &std::path::Path, rows: &[(u64, &str, &str, Value, bool)]) {
    let lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (p, t, f, v, fin))| {
            let mut op =
                json!({"type": t, "f": f, "value": v, "process": p, "time": i as u64 * 1_000_000});
            if *fin {
                op["final?"] = json!(true);
            }
            op.to_string()
        })
        .collect();
    std::fs::write(dir.join("history.jsonl"), lines.join("\n")).unwrap();
}

fn svg_of(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(dir.join(FILE)).unwrap();
    roxmltree::Document::parse(&text).expect("well-formed SVG");
    text
}

/// Two adds (2 by process 0, 3 by 1) complete ok; the final reads return
/// 5 (process 2) and 2 (process 3): the checker's acceptable set is
/// [[5 5]], so the read of 2 (index 9) fails.
#[test]
fn a_failing_final_read_is_red_with_its_value_and_the_acceptable_set() {
    let dir = tempfile::tempdir().unwrap();
    history(
        dir.path(),
        &[
            (0, "invoke", "add", json!(2), false),
            (0, "ok", "add", json!(2), false),
            (1, "invoke", "add", json!(3), false),
            (1, "ok", "add", json!(3), false),
            (0, "invoke", "read", Value::Null, false),
            (0, "ok", "read", json!(2), false),
            (2, "invoke", "read", Value::Null, true),
            (2, "ok", "read", json!(5), true),
            (3, "invoke", "read", Value::Null, true),
            (3, "ok", "read", json!(2), true),
        ],
    );
    let results = json!({"valid?": false, "workload": {"valid?": false,
        "errors": [{"index": 9, "time": 9_000_000, "type": "ok", "f": "read", "value": 2, "final?": true, "process": 3}],
        "final-reads": [5, 2], "acceptable": [[5, 5]]}});
    let run = RunView {
        dir: dir.path(),
        workload: "g-counter",
        results: &results,
    };
    let pictures = draw(&run).unwrap();
    assert_eq!(pictures.len(), 1);
    let p = &pictures[0];
    assert!(p.anomaly);
    assert_eq!(
        p.window_ns,
        Some((8_000_000, 9_000_000)),
        "the failing read's invocation to completion"
    );
    assert_eq!(
        p.title,
        "g-counter: 1 final read(s) outside the acceptable values [[5 5]]"
    );
    let text = svg_of(dir.path());
    let doc = roxmltree::Document::parse(&text).unwrap();
    let class = |n: &roxmltree::Node| n.attribute("class").unwrap_or("").to_string();
    let failing: Vec<_> = doc
        .descendants()
        .filter(|n| class(n) == "final-read failing")
        .collect();
    assert_eq!(failing.len(), 1);
    let tip = failing[0]
        .children()
        .find(|c| c.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        tip.contains("op 9, process 3")
            && tip.contains(": 2, outside the acceptable values [[5 5]]"),
        "{tip}"
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| class(n) == "final-read")
            .count(),
        1,
        "the read of 5 is not red"
    );
    let label = doc
        .descendants()
        .find(|n| class(n) == "failing-value")
        .unwrap();
    assert_eq!(label.text(), Some("2"));
    assert_eq!(
        doc.descendants()
            .filter(|n| class(n) == "final-acceptable")
            .count(),
        1
    );
    assert_eq!(
        doc.descendants().filter(|n| class(n) == "read").count(),
        1,
        "the one non-final read"
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| class(n) == "acceptable-range")
            .count(),
        1
    );
    // The axis runs from just below 0 (-0.4): its first tick is 0, not "-0".
    assert!(doc.descendants().any(|n| n.text() == Some("0")));
    assert!(!doc.descendants().any(|n| n.text() == Some("-0")));
}

#[test]
fn a_valid_run_is_context_and_other_workloads_draw_nothing() {
    let dir = tempfile::tempdir().unwrap();
    history(
        dir.path(),
        &[
            (0, "invoke", "add", json!(1), false),
            (0, "ok", "add", json!(1), false),
            (1, "invoke", "read", Value::Null, true),
            (1, "ok", "read", json!(1), true),
        ],
    );
    let results = json!({"valid?": true, "workload": {"valid?": true, "errors": null, "acceptable": [[1, 1]]}});
    let run = RunView {
        dir: dir.path(),
        workload: "pn-counter",
        results: &results,
    };
    let p = draw(&run).unwrap();
    assert_eq!(
        (p[0].anomaly, p[0].window_ns, p[0].nodes.len()),
        (false, None, 0)
    );
    let text = svg_of(dir.path());
    assert!(!text.contains("class=\"final-read failing\""));
    assert!(text.contains("class=\"final-read\""));
    let run = RunView {
        dir: dir.path(),
        workload: "lin-kv",
        results: &results,
    };
    assert_eq!(draw(&run), Ok(vec![]));
}

#[test]
fn a_non_integer_add_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    history(
        dir.path(),
        &[(0, "invoke", "add", json!("</script><b>"), false)],
    );
    let results = json!({"workload": {}});
    let run = RunView {
        dir: dir.path(),
        workload: "g-counter",
        results: &results,
    };
    assert!(draw(&run).unwrap_err().contains("non-integer"));
}

/// 100 000 ops: 25 000 adds and 25 000 reads over 100 s, 8 processes:
/// the picture has a fixed number of columns, so its size does not grow.
#[test]
fn a_100_000_op_history_gives_a_bounded_picture() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for k in 0..50_000u64 {
        let (p, t) = (k % 8, k * 2_000_000);
        let (f, v, done) = if k % 2 == 0 {
            ("add", "1", "1")
        } else {
            ("read", "null", "7")
        };
        let fin = if k >= 49_992 { ",\"final?\":true" } else { "" };
        text.push_str(&format!(
            "{{\"type\":\"invoke\",\"f\":\"{f}\",\"value\":{v},\"process\":{p},\"time\":{t}{fin}}}\n\
             {{\"type\":\"ok\",\"f\":\"{f}\",\"value\":{done},\"process\":{p},\"time\":{}{fin}}}\n",
            t + 1_000_000
        ));
    }
    std::fs::write(dir.path().join("history.jsonl"), text).unwrap();
    let results = json!({"workload": {"valid?": false, "acceptable": [[25000, 25000]],
        "errors": [{"index": 99_999, "type": "ok", "time": 0}]}});
    let run = RunView {
        dir: dir.path(),
        workload: "g-counter",
        results: &results,
    };
    draw(&run).unwrap();
    let svg = svg_of(dir.path());
    assert!(svg.len() < 256 << 10, "{} bytes", svg.len());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let count = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .count()
    };
    assert!(count("read") <= bounds::COLUMNS);
    assert_eq!(
        count("final-read") + count("final-read failing"),
        4,
        "the final reads (half are adds)"
    );
    assert_eq!(count("final-read failing"), 1);
}
