//! The options of one test: every `maelstrom test` flag that shapes a run,
//! with Maelstrom v0.2.3's defaults written once, here. The CLI only parses
//! into it; the engine, workloads and checkers only read it.

/// `--latency-dist`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatencyDist {
    Constant,
    Uniform,
    Exponential,
}

/// `--availability`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Availability {
    Total,
    Fraction(f64),
}

/// Every option of a test. Defaults: jepsen-io/maelstrom v0.2.3
/// src/maelstrom/core.clj, `opt-spec` and `test-opt-spec`.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOpts {
    /// Server node ids in test order (`n0 ..` with --node-count).
    pub node_ids: Vec<String>,
    /// Number of client worker threads (after resolving `Kn`).
    pub concurrency: usize,
    /// --rate, total ops/s.
    pub rate: f64,
    /// --time-limit in seconds.
    pub time_limit_s: u64,
    /// --latency mean in ms.
    pub latency_ms: u64,
    /// --latency-dist.
    pub latency_dist: LatencyDist,
    /// Whether `--nemesis partition` is on.
    pub nemesis_partition: bool,
    /// --nemesis-interval in seconds.
    pub nemesis_interval_s: f64,
    /// --availability, if given.
    pub availability: Option<Availability>,
    /// --topology (broadcast), default "grid".
    pub topology: String,
    /// --key-count if given.
    pub key_count: Option<u64>,
    /// --max-txn-length, default 4.
    pub max_txn_length: u64,
    /// --max-writes-per-key, default 16.
    pub max_writes_per_key: u64,
    /// --consistency-models, already split as Maelstrom v0.2.3 splits them
    /// (on whitespace-comma-whitespace). Default ["strict-serializable"].
    pub consistency_models: Vec<String>,
    /// --log-stderr, --log-net-send, --log-net-recv.
    pub log_stderr: bool,
    pub log_net_send: bool,
    pub log_net_recv: bool,
    /// Probability that the network loses a message. Maelstrom's net has this
    /// knob (net.clj `send!`: `(if (< (rand) p-loss) net ...)`, 0 by default)
    /// but v0.2.3's command line cannot set it; ours is `--p-loss`.
    /// fidelity X11: `--p-loss` is ours.
    pub p_loss: f64,
    /// Estimated heap bytes one node's network queue may hold before sends
    /// to it are dropped (all queues together: twice this). Maelstrom's
    /// queues are unbounded; ours is `--backlog-cap MIB` (docs/fidelity.md).
    pub backlog_cap_bytes: usize,
}

impl TestOpts {
    /// `maelstrom test`'s defaults for the given node ids.
    pub fn defaults(node_ids: Vec<String>) -> Self {
        let concurrency = node_ids.len();
        TestOpts {
            node_ids,
            concurrency,
            rate: 5.0,
            time_limit_s: 60,
            latency_ms: 0,
            latency_dist: LatencyDist::Constant,
            nemesis_partition: false,
            nemesis_interval_s: 10.0,
            availability: None,
            topology: "grid".into(),
            key_count: None,
            max_txn_length: 4,
            max_writes_per_key: 16,
            consistency_models: vec!["strict-serializable".into()],
            log_stderr: false,
            log_net_send: false,
            log_net_recv: false,
            p_loss: 0.0,
            backlog_cap_bytes: crate::engine::net::backlog::PER_QUEUE_CAP,
        }
    }

    /// The nemesis interval in nanoseconds.
    pub fn nemesis_interval_ns(&self) -> u64 {
        (self.nemesis_interval_s * 1e9) as u64
    }
}
