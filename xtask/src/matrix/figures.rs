//! The figures cell of a row: the numbers its family is judged by.

use super::rows::{MAX, MEDIAN, MSGS};
use serde_json::Value;

pub(super) fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(*k))
}

pub(super) fn num(v: &Value, path: &[&str]) -> Option<f64> {
    get(v, path).and_then(Value::as_f64)
}

/// The figures a family is judged by, as one short cell.
pub(super) fn figures(family: &str, r: &Value) -> String {
    let f = |path: &[&str]| {
        num(r, path)
            .map(|x| {
                if x.fract() == 0.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.2}")
                }
            })
            .unwrap_or_else(|| "-".into())
    };
    let j = |path: &[&str]| {
        get(r, path)
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".into())
    };
    let ok = format!(
        "ok {}/{}",
        f(&["stats", "ok-count"]),
        f(&["stats", "count"])
    );
    match family {
        "echo" => format!(
            "{ok}, echo errors {}",
            get(r, &["workload", "errors"])
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        ),
        "unique-ids" => format!(
            "{ok}, ids {}, duplicated {}, availability {}",
            f(&["workload", "acknowledged-count"]),
            f(&["workload", "duplicated-count"]),
            f(&["availability", "ok-fraction"])
        ),
        "broadcast" | "g-set" => format!(
            "msgs-per-op {} (all {}), stable latency median {} ms, max {} ms, lost {}, {ok}",
            f(MSGS),
            f(&["net", "all", "msgs-per-op"]),
            f(MEDIAN),
            f(MAX),
            f(&["workload", "lost-count"])
        ),
        "g-counter" | "pn-counter" => format!(
            "final reads {}, acceptable {}, msgs-per-op {}",
            j(&["workload", "final-reads"]),
            j(&["workload", "acceptable"]),
            f(MSGS)
        ),
        "kafka" => format!(
            "msgs-per-op {}, {ok}, anomalies {}",
            f(MSGS),
            j(&["workload", "error-types"])
        ),
        "lin-kv" => format!(
            "msgs-per-op {}, {ok}, availability {}, non-linearizable keys {}",
            f(MSGS),
            f(&["availability", "ok-fraction"]),
            j(&["workload", "failures"])
        ),
        "txn" | "txn-list-append" => format!(
            "msgs-per-op {}, {ok}, availability {}, anomalies {}",
            f(MSGS),
            f(&["availability", "ok-fraction"]),
            get(r, &["workload", "anomaly-types"])
                .map(|v| v.to_string())
                .unwrap_or_else(|| "[]".into())
        ),
        _ => ok,
    }
}
