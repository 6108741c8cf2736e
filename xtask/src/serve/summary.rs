//! `summary.json`: the verdict and the few figures the index shows, written
//! with each run next to `results.json`, so that listing the store never
//! reads a whole results file (one can be hundreds of MB). Maelstrom has no
//! such file: jepsen/src/jepsen/web.clj keeps the same `{:valid? ...}` per
//! run in memory instead (`fast-tests`, `test-cache`), after reading each
//! results.edn whole once.
//! fidelity X13: each run also writes `summary.json`.

use serde_json::{Map, Value};

/// The file name, in a run's directory.
pub const FILE: &str = "summary.json";

/// What the summary keeps of a results map: every path `results::key_figures`
/// and the verdict read (a test checks the two agree).
const KEPT: [&str; 6] = [
    "/valid?",
    "/net/servers/msgs-per-op",
    "/net/all/msgs-per-op",
    "/workload/stable-latencies",
    "/workload/lost-count",
    "/workload/duplicated-count",
];

/// The part of `results` that the index shows, at the same paths.
pub fn summarise(results: &Value) -> Value {
    let mut out = Value::Object(Map::new());
    for path in KEPT {
        if let Some(v) = results.pointer(path) {
            insert(&mut out, path, v.clone());
        }
    }
    out
}

/// `summary.json` as a run writes it.
pub fn summary_json(results: &Value) -> String {
    format!("{}\n", summarise(results))
}

/// Sets the value at JSON pointer `path` in `out`, making the objects on
/// the way. The paths of `KEPT` have no escapes.
fn insert(out: &mut Value, path: &str, v: Value) {
    let mut keys = path.trim_start_matches('/').split('/').peekable();
    let mut at = out;
    while let Some(key) = keys.next() {
        let Value::Object(map) = at else { return };
        if keys.peek().is_none() {
            map.insert(key.to_string(), v);
            return;
        }
        at = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::results::key_figures;

    #[test]
    fn the_summary_shows_what_the_results_show_and_no_more() {
        let results = serde_json::json!({
            "valid?": "unknown",
            "net": {"servers": {"msgs-per-op": 3.5, "send-count": 10},
                    "all": {"msgs-per-op": 4.25}, "clients": {"msgs-per-op": 1.0}},
            "workload": {"valid?": true, "stable-latencies": {"0.5": 12, "0.99": 95},
                         "lost-count": 0, "duplicated-count": 2, "lost": [1, 2, 3]},
            "perf": {"valid?": true},
        });
        let summary = summarise(&results);
        assert_eq!(key_figures(&summary), key_figures(&results));
        assert_eq!(key_figures(&summary).len(), 5);
        assert_eq!(summary["valid?"], "unknown");
        assert_eq!(
            summary,
            serde_json::json!({
                "valid?": "unknown",
                "net": {"servers": {"msgs-per-op": 3.5}, "all": {"msgs-per-op": 4.25}},
                "workload": {"stable-latencies": {"0.5": 12, "0.99": 95},
                             "lost-count": 0, "duplicated-count": 2},
            })
        );
        let text = summary_json(&results);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), summary);
        assert_eq!(summarise(&serde_json::json!([1])), serde_json::json!({}));
    }
}
