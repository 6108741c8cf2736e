use super::*;
use serde_json::json;

/// A results map as Maelstrom v0.2.3 writes it, with a comment as Maelstrom's
/// pretty printer never writes one but a hand-edited file might.
const RESULTS_EXAMPLE: &str = r#"{:perf         {:latency-graph {:valid? true}, :rate-graph {:valid? true}, :valid? true}
 :timeline     {:valid? true}
 :exceptions   {:valid? true}                      ; or {:valid? true, :exceptions [...]}
 :stats        {:valid? true, :count 20, :ok-count 20, :fail-count 0, :info-count 0,
                :by-f {:broadcast {:valid? true, :count 9,  :ok-count 9,  :fail-count 0, :info-count 0},
                       :read      {:valid? true, :count 11, :ok-count 11, :fail-count 0, :info-count 0}}}
 :availability {:valid? true, :ok-fraction 1.0}
 :net          {:all     {:send-count 130, :recv-count 130, :msg-count 130, :msgs-per-op 6.5}
                :clients {:send-count 60,  :recv-count 60,  :msg-count 60}
                :servers {:send-count 70,  :recv-count 70,  :msg-count 70,  :msgs-per-op 3.5}
                :valid?  true}
 :workload     {:valid? :unknown, :stable-latencies {0 0, 0.5 12, 0.95 80, 0.99 95, 1 101},
                :lost #{}, :attempt-count 9, :acceptable [[1/3 2]]}
 :valid?       true}"#;

#[test]
fn reads_the_results_md_example() {
    let v = parse(RESULTS_EXAMPLE).unwrap();
    assert_eq!(v["valid?"], json!(true));
    assert_eq!(
        v["perf"],
        json!({"latency-graph": {"valid?": true}, "rate-graph": {"valid?": true}, "valid?": true})
    );
    assert_eq!(v["stats"]["by-f"]["read"]["ok-count"], json!(11));
    assert_eq!(v["availability"]["ok-fraction"], json!(1.0));
    assert_eq!(v["net"]["servers"]["msgs-per-op"], json!(3.5));
    assert_eq!(v["net"]["all"]["msg-count"], json!(130));
    let wl = &v["workload"];
    assert_eq!(wl["valid?"], json!("unknown"));
    // Non-keyword keys are rendered as their EDN text.
    assert_eq!(
        wl["stable-latencies"],
        json!({"0": 0, "0.5": 12, "0.95": 80, "0.99": 95, "1": 101})
    );
    assert_eq!(wl["lost"], json!([]));
    assert_eq!(wl["acceptable"], json!([[1.0 / 3.0, 2]]));
}

#[test]
fn reads_every_kind_of_form() {
    let text = r#"
      ; a comment
      {"str key" "a \"q\"\n\u00e9", :k/ns sym, [1 2] (3 4), #{:a} #inst "2023-02-27T10:30:45.123-00:00",
       :big 123456789012345678901234567890, :neg -9223372036854775808, :u 18446744073709551615,
       :n 42N, :dec 1.5M, :exp 1.0E300, :inf ##Inf, :chars [\a \newline \u0041],
       :op #jepsen.history.Op{:index 0, :process :nemesis}, :obj #object[java.lang.Object 0x1 "x"],
       :skip #_ :gone :kept, :nil nil, :f false, :meta ^{:m 1} [1]}"#;
    let v = parse(text).unwrap();
    assert_eq!(v["str key"], json!("a \"q\"\né"));
    assert_eq!(v["k/ns"], json!("sym"));
    assert_eq!(v["[1 2]"], json!([3, 4]));
    assert_eq!(v["#{:a}"], json!("2023-02-27T10:30:45.123-00:00"));
    assert_eq!(v["big"], json!(1.2345678901234568e29));
    assert_eq!(v["neg"], json!(i64::MIN));
    assert_eq!(v["u"], json!(u64::MAX));
    assert_eq!(v["n"], json!(42));
    assert_eq!(v["dec"], json!(1.5));
    assert_eq!(v["exp"], json!(1e300));
    assert_eq!(v["inf"], json!("##Inf"));
    assert_eq!(v["chars"], json!(["a", "\n", "A"]));
    assert_eq!(v["op"], json!({"index": 0, "process": "nemesis"}));
    assert_eq!(v["obj"], json!(["java.lang.Object", "0x1", "x"]));
    assert_eq!(v["skip"], json!("kept"));
    assert_eq!(v["nil"], json!(null));
    assert_eq!(v["f"], json!(false));
    assert_eq!(v["meta"], json!([1]));
}

#[test]
fn rejects_malformed_documents_without_panicking() {
    for bad in [
        "",
        "{:a 1",
        "[1 2",
        "\"open",
        "{:a}",
        "1 2",
        ")",
        "#",
        "\\",
        "\"\\u12\"",
        "{:a 1]",
    ] {
        assert!(parse(bad).is_err(), "accepted {bad:?}");
    }
}

/// Issue 22, rows 2 and 3: a results.edn nested 2 500 deep overflowed
/// `serve`'s stack and a history nested 10 000 deep aborted `check`. Each
/// kind of nesting is now refused with an error that says so.
#[test]
fn refuses_nesting_deeper_than_the_cap_instead_of_overflowing_the_stack() {
    for (open, close) in [
        ("[", "]"),
        ("(", ")"),
        ("#{", "}"),
        ("{:k ", "}"),
        ("#t ", ""),
        ("^:m ", ""),
    ] {
        let deep = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let err = parse(&deep).expect_err("a 100 000-deep document parsed");
        assert!(err.contains("nested more than 128"), "{open}: {err}");
    }
    let ok = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    assert!(parse(&ok).is_ok(), "{MAX_DEPTH} levels must still parse");
}

#[test]
fn next_form_reads_one_form_at_a_time_and_waits_for_a_cut_one() {
    let text = "; a comment\n\n{:a 1} [2\n";
    let Next::Form(v, range) = next_form(text, false).unwrap() else {
        panic!("no form")
    };
    assert_eq!(v, json!({"a": 1}));
    assert_eq!(&text[range.clone()], "{:a 1}");
    let rest = &text[range.end..];
    assert_eq!(next_form(rest, false), Ok(Next::Incomplete));
    assert!(next_form(rest, true).unwrap_err().contains("expected ']'"));
    assert_eq!(next_form("  ] x", false), Ok(Next::Close(']', 2)));
    assert_eq!(next_form(" ; only a comment\n", true), Ok(Next::End));
    for cut in [
        "\"abc\n",
        "#jepsen.history.Op\n",
        "{:a\n",
        "#_\n",
        "^{:m 1}\n",
    ] {
        assert_eq!(next_form(cut, false), Ok(Next::Incomplete), "{cut:?}");
        assert!(next_form(cut, true).is_err(), "{cut:?}");
    }
    // A real error is one before the end, whatever follows.
    assert!(next_form("{:a 1 )\n", false).is_err());
    let deep = format!("{}\n", "[".repeat(MAX_DEPTH + 1));
    assert!(next_form(&deep, false).unwrap_err().contains("nested"));
}
