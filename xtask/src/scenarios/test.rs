//! The test a scenario runs, built as options: `TestOpts` with Maelstrom's
//! defaults, then what the scenario sets, by name. No flag words: the flag
//! table is for command lines.

use crate::engine::hosts::sim::NodeFactory;
use crate::engine::Nodes;
use crate::opts::{Availability, LatencyDist, TestOpts};

/// A workload on our node of the same name, in virtual time.
#[derive(Clone, Debug)]
pub struct Test {
    pub workload: &'static str,
    pub opts: TestOpts,
    /// Client threads per node (`--concurrency Kn`), or None for a fixed count.
    per_node: Option<usize>,
    /// Set in each node's environment (a later setting of a key wins).
    env: Vec<(String, String)>,
}

impl Test {
    /// `-w workload --bin workload` with every other option at its default
    /// (nodes n1..n5, concurrency 1n).
    pub fn new(workload: &'static str) -> Test {
        let node_ids = (1..=5).map(|k| format!("n{k}")).collect();
        Test {
            workload,
            opts: TestOpts::defaults(node_ids),
            per_node: Some(1),
            env: Vec::new(),
        }
    }

    /// `--node-count n`: nodes n0..n(n-1).
    pub fn nodes(mut self, n: usize) -> Test {
        self.opts.node_ids = (0..n).map(|k| format!("n{k}")).collect();
        self.resolve_concurrency();
        self
    }

    /// `--concurrency Kn`.
    pub fn concurrency_per_node(mut self, k: usize) -> Test {
        self.per_node = Some(k);
        self.resolve_concurrency();
        self
    }

    /// `--concurrency C`.
    pub fn concurrency(mut self, c: usize) -> Test {
        self.per_node = None;
        self.opts.concurrency = c;
        self
    }

    fn resolve_concurrency(&mut self) {
        if let Some(k) = self.per_node {
            self.opts.concurrency = k * self.opts.node_ids.len();
        }
    }

    /// `--time-limit S`.
    pub fn time_limit(mut self, s: u64) -> Test {
        self.opts.time_limit_s = s;
        self
    }

    /// `--rate R`.
    pub fn rate(mut self, r: f64) -> Test {
        self.opts.rate = r;
        self
    }

    /// `--latency MS`.
    pub fn latency(mut self, ms: u64) -> Test {
        self.opts.latency_ms = ms;
        self
    }

    /// `--latency-dist D`.
    pub fn latency_dist(mut self, d: LatencyDist) -> Test {
        self.opts.latency_dist = d;
        self
    }

    /// `--nemesis partition`.
    pub fn partitions(mut self) -> Test {
        self.opts.nemesis_partition = true;
        self
    }

    /// `--nemesis-interval S`.
    pub fn nemesis_interval(mut self, s: f64) -> Test {
        self.opts.nemesis_interval_s = s;
        self
    }

    /// `--availability total`.
    pub fn total_availability(mut self) -> Test {
        self.opts.availability = Some(Availability::Total);
        self
    }

    /// `--consistency-models M` (one model).
    pub fn model(mut self, m: &str) -> Test {
        self.opts.consistency_models = vec![m.to_string()];
        self
    }

    /// `--p-loss P`.
    pub fn p_loss(mut self, p: f64) -> Test {
        self.opts.p_loss = p;
        self
    }

    /// `--node-env KEY=VALUE`.
    pub fn env(mut self, key: &str, value: impl std::fmt::Display) -> Test {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The nodes: ours (or `factory`'s) in-process, with the environment.
    pub fn nodes_with(&self, factory: NodeFactory) -> Nodes {
        Nodes::InProcess {
            name: self.workload.to_string(),
            env: self.env.iter().cloned().collect(),
            factory,
        }
    }
}
