//! End-to-end runs of the g-set and pn-counter workloads against small
//! Python nodes: faulty ones the bench must reject, and near-identical
//! correct ones it must pass. Each run gets its own working directory.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::Value;
use support::{
    assert_null_final_reads_lose_everything, partitions_started, run_fixture as run, PARTITIONS,
};

#[test]
fn send_once_g_set_passes_on_a_reliable_network() {
    let r = run(
        "g-set",
        "g_set_once.py",
        "--node-count 3 --time-limit 3 --rate 30",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], Value::Bool(true));
    assert_eq!(r.workload_count("lost-count"), 0);
    let attempts = r.workload_count("attempt-count");
    assert!(attempts > 10, "only {attempts} adds\n{}", r.tail());
    assert_eq!(r.workload_count("stable-count"), attempts);
}

/// A node whose final reads answer `"value": null`: g_set.clj's schema
/// `{:value [s/Any]}` accepts it (Prismatic 1.4.1's vector precondition
/// `(or (nil? x) (sequential? x) ...)`), so the reads are :ok with value
/// nil, set-full's `(set v)` is `#{}`, and every element is lost. (They used
/// to be :info, skipped, and the node passed.)
#[test]
fn g_set_whose_final_reads_are_null_loses_every_element() {
    let r = run(
        "g-set",
        "null_final_reads.py",
        "--node-count 3 --time-limit 3 --rate 30 g-set 8",
    );
    assert_null_final_reads_lose_everything(&r);
}

#[test]
fn send_once_g_set_loses_elements_under_partitions() {
    let args = format!("--node-count 3 --time-limit 4 --rate 40 --seed 4 {PARTITIONS}");
    let r = run("g-set", "g_set_once.py", &args);
    assert!(partitions_started(&r) >= 1, "no partition\n{}", r.tail());
    assert_eq!(r.code, 1, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    assert!(r.workload_count("lost-count") > 0);
    assert!(r.workload()["lost"]
        .as_array()
        .is_some_and(|l| !l.is_empty()));
}

#[test]
fn pn_counter_that_double_counts_retried_adds_is_rejected() {
    let args = format!("--node-count 3 --time-limit 4 --rate 40 --seed 5 {PARTITIONS}");
    let r = run("pn-counter", "pn_counter_retry.py", &args);
    assert_eq!(r.code, 1, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], Value::Bool(false));
    let errors = r.workload()["errors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!errors.is_empty(), "{:#}", r.workload());
    assert_eq!(
        r.workload()["final-reads"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn the_same_pn_counter_deduplicating_retries_passes() {
    let args = format!("--node-count 3 --time-limit 4 --rate 40 --seed 5 {PARTITIONS} dedup");
    let r = run("pn-counter", "pn_counter_retry.py", &args);
    assert_eq!(r.code, 0, "{}", r.tail());
    assert_eq!(
        r.workload()["valid?"],
        Value::Bool(true),
        "{:#}",
        r.workload()
    );
    assert_eq!(r.workload()["errors"], Value::Null);
    // Negative adds happened, and the reads agree on the sum.
    let finals = r.workload()["final-reads"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(finals.len(), 3);
    assert!(finals.windows(2).all(|w| w[0] == w[1]), "{finals:?}");
    assert!(r
        .history()
        .iter()
        .any(|op| op["f"] == "add" && op["value"].as_i64().is_some_and(|d| d < 0)));
}
