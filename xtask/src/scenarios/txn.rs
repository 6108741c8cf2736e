//! The txn-rw-register node (challenges 6a-6c) on the bench, judged by Elle's
//! rw-register checker at the row's consistency model: replication through
//! loss, delay, reordering and partitions, every transaction answered, and
//! the cost of replication.

use super::{run, run_lossy, Test};
use crate::opts::LatencyDist;

/// Rows 6a-6c on `nodes` nodes at consistency model `model`.
fn txn(nodes: usize, model: &str) -> Test {
    Test::new("txn-rw-register")
        .concurrency_per_node(2)
        .time_limit(20)
        .rate(1000.0)
        .nodes(nodes)
        .model(model)
}

#[test]
fn a_single_node_answers_alone_and_sends_nothing() {
    let r = run(&txn(1, "read-uncommitted").total_availability(), 6);
    r.assert_valid();
    assert_eq!(r.num("availability/ok-fraction"), 1.0);
    assert_eq!(r.num("net/servers/msg-count"), 0.0);
}

#[test]
fn read_committed_through_loss_reordering_and_partitions() {
    for (nodes, seeds, loss) in [(2, 1..40, 0.2), (5, 100..140, 0.1)] {
        let r = run_lossy(
            &txn(nodes, "read-committed")
                .latency(20)
                .latency_dist(LatencyDist::Uniform)
                .p_loss(loss)
                .partitions()
                .nemesis_interval(3.0),
            seeds,
        );
        assert!(!r.grudges().is_empty());
        r.assert_valid();
        // Every transaction the network let through is answered ok at
        // once; lost requests and replies time out (:info), none fails.
        assert_eq!(r.num("stats/fail-count"), 0.0);
    }
}

#[test]
fn row_6c_two_nodes_use_under_a_tenth_of_a_message_per_txn() {
    let r = run(
        &txn(2, "read-committed").total_availability().partitions(),
        5,
    );
    r.assert_valid();
    assert_eq!(r.num("availability/ok-fraction"), 1.0);
    let per_op = r.num("net/servers/msgs-per-op");
    eprintln!("servers msgs-per-op at 1000 txn/s, 2 nodes: {per_op}");
    assert!(per_op <= 0.1, "{per_op}");
    assert!(
        r.num("net/servers/msg-count") > 0.0,
        "replication sends something"
    );
}
