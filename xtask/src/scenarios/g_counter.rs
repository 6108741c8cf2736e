//! The g-counter node (challenge 4) against the bench's seq-kv, which
//! serves stale reads as Maelstrom's does, judged by the counter checker:
//! every read lies between the adds acknowledged before it was invoked and
//! the adds attempted by its end, so "a read sees every add acknowledged
//! before it" is exactly what the checker enforces.

use super::{run, Test};
use crate::opts::LatencyDist;

/// Row 4 without its partitions.
fn row_4() -> Test {
    Test::new("g-counter").nodes(3).rate(100.0).time_limit(20)
}

#[test]
fn reads_see_every_acknowledged_add_despite_stale_seq_kv() {
    for seed in 0..3 {
        let r = run(&row_4().latency(5).latency_dist(LatencyDist::Uniform), seed);
        r.assert_valid();
        assert!(r.num("stats/by-f/add/ok-count") > 500.0);
        assert!(r.num("stats/by-f/read/ok-count") > 500.0);
    }
}

#[test]
fn final_reads_agree_after_partitions() {
    for seed in 0..3 {
        let r = run(&row_4().partitions().nemesis_interval(3.0), seed);
        assert!(
            !r.grudges().is_empty(),
            "seed {seed}: the nemesis partitioned"
        );
        r.assert_valid();
        let finals = r.results["workload"]["final-reads"]
            .as_array()
            .expect("final reads")
            .clone();
        assert_eq!(finals.len(), 3, "seed {seed}: a final read per node");
        assert!(
            finals.iter().all(|v| *v == finals[0]),
            "seed {seed}: the final reads disagree: {finals:?}"
        );
    }
}
