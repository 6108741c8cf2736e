//! The kafka node (challenges 5a-5c) on the bench, judged by the kafka
//! checker (lost writes, nonmonotonic sends and polls, skips, inconsistent
//! offsets, G1c): replication through loss, delay and partitions, and what
//! it costs.

use super::{run, run_lossy, Test};
use crate::opts::LatencyDist;

/// Rows 5a-5c on `nodes` nodes.
fn kafka(nodes: usize) -> Test {
    Test::new("kafka")
        .concurrency_per_node(2)
        .time_limit(20)
        .rate(1000.0)
        .nodes(nodes)
}

#[test]
fn one_node_alone_needs_no_messages() {
    let r = run(&kafka(1), 9);
    r.assert_valid();
    assert!(r.num("stats/count") > 10_000.0);
    assert_eq!(r.num("net/servers/msg-count"), 0.0);
}

#[test]
fn two_busy_nodes_exchange_well_under_one_message_per_operation() {
    let r = run(&kafka(2), 11);
    r.assert_valid();
    let per_op = r.num("net/servers/msgs-per-op");
    eprintln!("servers msgs-per-op {per_op}");
    assert!(r.num("stats/count") > 10_000.0);
    assert!(per_op < 0.2, "{per_op} server messages per op");
}

#[test]
fn replication_survives_loss_reordering_and_partitions() {
    for (nodes, seeds) in [(2, 1..40), (3, 100..140)] {
        let r = run_lossy(
            &kafka(nodes)
                .latency(6)
                .latency_dist(LatencyDist::Uniform)
                .p_loss(0.1)
                .partitions()
                .nemesis_interval(3.0),
            seeds,
        );
        assert!(!r.grudges().is_empty());
        r.assert_valid();
        let errors = &r.results["workload"]["error-types"];
        assert!(errors.as_array().is_none_or(Vec::is_empty), "{errors}");
    }
}
