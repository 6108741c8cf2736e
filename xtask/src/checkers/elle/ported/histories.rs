//! elle v0.1.6 histories/*.edn, with the expectations its tests state.
//!
//! Of the three files Elle ships, only huge-scc.edn has a test with
//! expectations; it is copied here unchanged (histories/huge-scc.edn).
//! small-slow-scc.edn backs an assertion-free `^:perf` test and
//! paper-example.edn no test at all: see docs/fidelity.md.

use super::support::{defaults, result_map};
use crate::checkers::elle::list_append::check;
use crate::checkers::elle::ElleOpts;
use crate::history::History;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

fn huge_scc() -> History {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/checkers/elle/ported/histories/huge-scc.edn");
    crate::check::read_history(&path).unwrap()
}

/// elle v0.1.6 test/elle/list_append_test.clj, deftest ^:perf
/// huge-scc-test: `(cf {} "histories/huge-scc.edn")` is invalid, not
/// strong-serializable, with anomaly types `[:G2-item-realtime
/// :cycle-search-timeout]`, the timeout's `:does-not-contain []`,
/// `:anomaly-spec-type :G0` and a numeric `:scc-size`.
///
/// Those types are what Elle's per-SCC search timeout left: it fired while
/// Elle was looking for G0 (nothing searched before it), and the fallback
/// cycle was a G2-item-realtime. The test says so itself: ";; This might
/// change if we get faster or adjust timeouts". Our search does not time
/// out on this SCC, so we check Elle's expectation with the timeout at
/// zero (it fires at the same point, G0 first) and pin what the finished
/// search finds.
/// fidelity E7: huge-scc-test: Elle's timeout left less than the finished search finds.
#[test]
fn huge_scc_test() {
    let h = huge_scc();
    let started = Instant::now();
    let timed_out = ElleOpts {
        cycle_search_timeout: Duration::ZERO,
        ..defaults()
    };
    let r = result_map(&check(&h, &timed_out).unwrap().result);
    assert_eq!(r["valid?"], json!(false));
    assert_eq!(r["not"], json!(["strong-serializable"]));
    assert_eq!(
        r["anomaly-types"],
        json!(["G2-item-realtime", "cycle-search-timeout"])
    );
    let cst = &r["anomalies"]["cycle-search-timeout"][0];
    assert_eq!(cst["does-not-contain"], json!([]));
    assert_eq!(cst["anomaly-spec-type"], json!("G0"));
    assert!(cst["scc-size"].is_u64(), "{cst}");

    // The search run to the end (a timeout no machine reaches).
    let finished = ElleOpts {
        cycle_search_timeout: Duration::from_secs(600),
        ..defaults()
    };
    let r = result_map(&check(&h, &finished).unwrap().result);
    assert_eq!(r["valid?"], json!(false));
    assert_eq!(r["not"], json!(["strong-snapshot-isolation"]));
    assert_eq!(
        r["anomaly-types"],
        json!([
            "G-nonadjacent-realtime",
            "G-single-realtime",
            "G2-item-realtime"
        ])
    );
    let counts: Vec<usize> = r["anomalies"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts, [1, 1, 1]);
    eprintln!(
        "huge-scc-test: {} ops checked twice in {:?}",
        h.ops.len(),
        started.elapsed()
    );
}
