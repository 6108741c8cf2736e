//! The `partition` nemesis: alternating start/stop with gaps
//! U[0, 2 * interval), the first start at t = 0, none at or after the time
//! limit, and the final heal: jepsen-io/maelstrom v0.2.3
//! src/maelstrom/nemesis.clj `package`, which composes jepsen 0.3.1
//! jepsen/src/jepsen/nemesis/combined.clj `partition-package` (its generator
//! staggers `(cycle [start stop])` by the interval). The struct owns its randomness and its place in
//! the cycle; the loop applies what it returns through the `Fabric`.

use super::fabric::{Fabric, Record, Timer};
use super::net::partition::{self, SHAPES};
use crate::history::{OpType, Process};
use crate::opts::TestOpts;
use serde_json::{json, Value};

pub struct Nemesis {
    rng: fastrand::Rng,
    interval_ns: u64,
    node_ids: Vec<String>,
    /// Whether the next operation starts a partition (else it heals).
    next_start: bool,
}

impl Nemesis {
    /// The nemesis of a test, or None without `--nemesis partition`.
    pub fn of(opts: &TestOpts, rng: fastrand::Rng) -> Option<Nemesis> {
        opts.nemesis_partition.then(|| Nemesis {
            rng,
            interval_ns: opts.nemesis_interval_ns(),
            node_ids: opts.node_ids.clone(),
            next_start: true,
        })
    }

    /// Runs the operation due now (start or stop) and schedules the next one.
    pub fn step(&mut self, fabric: &mut Fabric<'_>) {
        if self.next_start {
            self.start(fabric);
        } else {
            self.stop(fabric);
        }
        let gap = self.rng.f64() * 2.0 * self.interval_ns as f64;
        let at = fabric.now() + gap as u64;
        fabric.schedule(at, Timer::Nemesis);
    }

    fn start(&mut self, fabric: &mut Fabric<'_>) {
        let shape = SHAPES[self.rng.usize(..SHAPES.len())];
        let grudge = partition::build(shape, &self.node_ids, &mut self.rng);
        let info = |f, value| Record::new(Process::Nemesis, OpType::Info, f, value);
        fabric.record(info("start-partition", json!(shape)));
        fabric.net.partition(&grudge);
        let g: serde_json::Map<String, Value> =
            grudge.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        fabric.record(info("start-partition", json!(["isolated", g])));
        self.next_start = false;
    }

    /// Heals the network (a scheduled stop, or the final heal before the
    /// recovery period), recorded as Jepsen records it.
    pub fn stop(&mut self, fabric: &mut Fabric<'_>) {
        let info = |f, value| Record::new(Process::Nemesis, OpType::Info, f, value);
        fabric.record(info("stop-partition", Value::Null));
        fabric.net.heal();
        fabric.record(info("stop-partition", json!("network-healed")));
        self.next_start = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::{Clock, VirtualClock};
    use crate::engine::net::latency::Latency;
    use crate::engine::net::Network;
    use crate::opts::LatencyDist;

    #[test]
    fn starts_and_stops_alternate_with_gaps_below_twice_the_interval() {
        let clock = VirtualClock::new();
        let net = Network::new(
            Latency::new(0, LatencyDist::Constant).unwrap(),
            fastrand::Rng::with_seed(1),
        );
        let mut fabric = Fabric::new(&clock, net);
        let mut opts = TestOpts::defaults((0..5).map(|i| format!("n{i}")).collect());
        opts.nemesis_partition = true;
        opts.nemesis_interval_s = 2.0;
        let mut nemesis = Nemesis::of(&opts, fastrand::Rng::with_seed(9)).unwrap();
        assert!(
            Nemesis::of(&TestOpts::defaults(vec!["n0".into()]), fastrand::Rng::new()).is_none()
        );
        let mut gaps = Vec::new();
        for _ in 0..200 {
            nemesis.step(&mut fabric);
            let (at, timer) = fabric.pop_due(u64::MAX).unwrap();
            assert_eq!(timer, Timer::Nemesis);
            gaps.push(at - clock.now_ns());
            clock.advance_to(at);
        }
        assert!(
            gaps.iter().all(|&g| g < 4 * crate::engine::fabric::SEC),
            "{gaps:?}"
        );
        let mean = gaps.iter().sum::<u64>() as f64 / gaps.len() as f64;
        assert!((1.6e9..2.4e9).contains(&mean), "mean gap {mean}");
        let fs: Vec<(&str, &Value)> = fabric
            .history()
            .iter()
            .map(|o| (o.f.as_str(), &o.value))
            .collect();
        // Two records per operation, alternating start, stop, start, ...
        for (k, pair) in fs.chunks(2).enumerate() {
            let f = if k % 2 == 0 {
                "start-partition"
            } else {
                "stop-partition"
            };
            assert_eq!((pair[0].0, pair[1].0), (f, f), "operation {k}");
        }
        assert!(
            fs[1].1[0] == "isolated" && fs[3].1 == "network-healed",
            "{fs:?}"
        );
    }
}
