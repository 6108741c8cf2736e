use super::page::{Page, MAX_BOX_BYTES, MAX_ROWS};
use super::*;
use crate::history::{Op, Process};
use serde_json::{json, Value};
use std::io::Write;

const MS: u64 = 1_000_000;

fn op(index: usize, time_ms: u64, p: u64, kind: OpType, f: &str, value: Value) -> Op {
    Op {
        index,
        time: time_ms * MS,
        process: Process::Client(p),
        kind,
        f: f.into(),
        value,
        error: None,
        exception: None,
        is_final: false,
    }
}

pub use crate::report::why::picture_checks::assert_balanced;

/// The page's embedded data.
pub fn data(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"timeline-data\">";
    let a = html.find(open).expect("embedded data") + open.len();
    let b = a + html[a..].find("</script>").unwrap();
    serde_json::from_str(&html[a..b]).unwrap()
}

fn page_of(ops: &[Op], windows: &[(u64, u64)]) -> String {
    let end = ops.iter().map(|o| o.time).max().unwrap_or(0);
    let mut page = Page::new(windows, end);
    ops.iter().for_each(|o| page.push(o));
    page.finish("t")
}

#[test]
fn each_operation_is_a_box_from_invocation_to_completion_coloured_by_outcome() {
    let mut fail = op(3, 3, 1, OpType::Fail, "write", json!(2));
    fail.error = Some(json!(["temporarily-unavailable", "leader?"]));
    let ops = [
        op(0, 0, 0, OpType::Invoke, "read", Value::Null),
        op(1, 1, 1, OpType::Invoke, "write", json!(2)),
        op(2, 2, 0, OpType::Ok, "read", json!(5)),
        fail,
        op(4, 4, 0, OpType::Invoke, "cas", json!([1, 2])),
        op(5, 5, 0, OpType::Info, "cas", json!([1, 2])),
    ];
    let html = page_of(&ops, &[(0, 5 * MS)]);
    assert_balanced(&html);
    // Rows: the op's position in the window (timeline.clj's sub-index).
    // read: rows 0..2, so top 0 and height 2 x 16; its value changed, so
    // both show: "0 read nil<br/>5".
    assert!(html.contains(
        "<div class=\"op ok p0\" id=\"i2\" style=\"top:0px;height:32px\" title=\"Dur: 2 ms\nErr: nil\n"
    ), "{html}");
    assert!(html.contains(">0 read nil<br/>5</div>"));
    // The fail: rows 1..3, its error in the title, same value shown once.
    assert!(html.contains("<div class=\"op fail p1\" id=\"i3\" style=\"top:16px;height:32px\""));
    assert!(html.contains("Err: [&quot;temporarily-unavailable&quot;,&quot;leader?&quot;]"));
    assert!(html.contains(">1 write 2</div>"));
    // A string value prints bare, as Clojure's `str` does.
    let echo = [
        op(0, 0, 0, OpType::Invoke, "echo", json!("hi")),
        op(1, 1, 0, OpType::Ok, "echo", json!("hi")),
    ];
    assert!(page_of(&echo, &[(0, MS)]).contains(">0 echo hi</div>"));
    // The info runs to the window's end, as Jepsen's runs to the history's.
    assert!(html.contains("<div class=\"op info p0\" id=\"i5\" style=\"top:64px;bottom:0\""));
    // Columns: process 0 at 0, process 1 one gutter (106 px) right.
    assert!(html.contains(".p0 { left: 0px;") && html.contains(".p1 { left: 106px;"));
    let d = data(&html);
    assert_eq!(
        (
            d["ops"].as_u64(),
            d["drawn"].as_u64(),
            d["summarised"].as_u64()
        ),
        (Some(3), Some(3), Some(0))
    );
}

#[test]
fn outside_the_windows_operations_are_counted_not_drawn() {
    let ops = [
        op(0, 0, 0, OpType::Invoke, "read", Value::Null),
        op(1, 1, 0, OpType::Ok, "read", json!(1)),
        op(2, 5000, 0, OpType::Invoke, "read", Value::Null),
        op(3, 6500, 0, OpType::Ok, "read", json!(1)),
        op(4, 9000, 1, OpType::Invoke, "add", json!(1)),
    ];
    let html = page_of(&ops, &[(6000 * MS, 7000 * MS)]);
    assert_balanced(&html);
    // The read that began before the window: from its top, dashed.
    assert!(
        html.contains("class=\"op ok cont p0\" id=\"i3\" style=\"top:0px;height:16px\""),
        "{html}"
    );
    assert!(!html.contains("id=\"i1\""));
    // The add never completed, outside any window: counted as info.
    let d = data(&html);
    assert_eq!(
        (
            d["ops"].as_u64(),
            d["drawn"].as_u64(),
            d["summarised"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );
    assert_eq!(d["summary"][0]["ok"], 1);
    assert_eq!(d["summary"][1]["info"], 1);
    assert!(html.contains("<table class=\"summary\">"));
}

#[test]
fn text_from_a_node_is_escaped() {
    let evil = "</script><b>x</b>";
    let mut fail = op(1, 1, 0, OpType::Fail, evil, json!(evil));
    fail.error = Some(json!([evil]));
    let html = page_of(
        &[op(0, 0, 0, OpType::Invoke, evil, json!(evil)), fail],
        &[(0, MS)],
    );
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"));
    assert_balanced(&html);
}

#[test]
fn a_run_without_a_history_draws_nothing_and_a_valid_one_draws_everything() {
    let dir = tempfile::tempdir().unwrap();
    let results = json!({"valid?": true});
    let run = RunView {
        dir: dir.path(),
        workload: "echo",
        results: &results,
    };
    assert_eq!(draw(&run), Ok(vec![]));
    let lines: Vec<String> = (0..20)
        .map(|i| {
            let kind = if i % 2 == 0 { "invoke" } else { "ok" };
            format!(
                r#"{{"type":"{kind}","f":"echo","value":"v{}","process":0,"time":{}}}"#,
                i / 2,
                i * 1000
            )
        })
        .collect();
    std::fs::write(dir.path().join("history.jsonl"), lines.join("\n")).unwrap();
    let pictures = draw(&run).unwrap();
    assert_eq!(pictures.len(), 1);
    assert_eq!(
        (pictures[0].file.as_str(), pictures[0].anomaly),
        (FILE, false)
    );
    let html = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    assert_eq!(data(&html)["drawn"], 10);
    assert_eq!(data(&html)["summarised"], 0);
}

/// 100 000 ops (50 000 pairs over 8 processes, 100 s), values of 1 000
/// characters, one failure at 50 s and a result quoting an op at 90 s:
/// the page stays under its bound, draws the windows around both, and
/// counts every other op.
#[test]
fn a_100_000_op_history_gives_a_bounded_page() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(1000);
    // Written a line at a time (100 MB in all), so that the test's peak
    // memory is the drawer's.
    let file = std::fs::File::create(dir.path().join("history.jsonl")).unwrap();
    let mut text = std::io::BufWriter::new(file);
    let pairs = 50_000u64;
    for k in 0..pairs {
        let (p, t) = (k % 8, k * 2_000_000);
        let done = if k == 25_000 { "fail" } else { "ok" };
        writeln!(
            text,
            "{{\"type\":\"invoke\",\"f\":\"write\",\"value\":\"{big}\",\"process\":{p},\"time\":{t}}}\n\
             {{\"type\":\"{done}\",\"f\":\"write\",\"value\":\"{big}\",\"process\":{p},\"time\":{}}}",
            t + 1_000_000
        )
        .unwrap();
    }
    text.flush().unwrap();
    drop(text);
    let results = json!({"valid?": false, "workload": {"errors": [{"index": 90_001, "time": 90_000_000_000u64, "type": "ok"}]}});
    let run = RunView {
        dir: dir.path(),
        workload: "lin-kv",
        results: &results,
    };
    draw(&run).unwrap();
    let html = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    assert!(
        html.len() < MAX_BOX_BYTES + (64 << 10),
        "{} bytes",
        html.len()
    );
    let d = data(&html);
    assert_eq!(d["ops"], pairs);
    assert_eq!(
        d["drawn"].as_u64().unwrap() + d["summarised"].as_u64().unwrap(),
        pairs
    );
    assert!(d["drawn"].as_u64().unwrap() <= MAX_ROWS as u64);
    assert_eq!(
        d["windows-ns"],
        json!([
            [49_000_000_000u64, 51_001_000_000u64],
            [89_000_000_000u64, 91_000_000_000u64]
        ])
    );
    assert!(html.contains("<a href=\"#w1\">89.000 s to 91.000 s</a>"));
    assert!(html.contains("<h2 id=\"w1\">89.000 s to 91.000 s:"));
    assert!(html.contains("id=\"i50001\""), "the failed op is drawn");
    assert!(html.contains("class=\"op fail p0\" id=\"i50001\""));
    assert!(
        html.contains("id=\"i90001\""),
        "the op the results quote is drawn"
    );
    assert!(!html.contains("id=\"i1\""), "an op far from both is not");
    assert_balanced(&html);
}

#[test]
fn the_byte_budget_stops_drawing_and_counts_the_rest() {
    let ops: Vec<Op> = (0..100)
        .flat_map(|k| {
            let t = k * 2;
            [
                op(2 * k as usize, t, 0, OpType::Invoke, "read", Value::Null),
                op(
                    2 * k as usize + 1,
                    t + 1,
                    0,
                    OpType::Ok,
                    "read",
                    json!("y".repeat(50)),
                ),
            ]
        })
        .collect();
    let mut page = Page::with_limits(&[(0, 1000 * MS)], 200 * MS, MAX_ROWS, 3000);
    ops.iter().for_each(|o| page.push(o));
    let d = data(&page.finish("t"));
    let drawn = d["drawn"].as_u64().unwrap();
    assert!(drawn > 0 && drawn < 10, "{drawn}");
    assert_eq!(drawn + d["summarised"].as_u64().unwrap(), 100);
}
