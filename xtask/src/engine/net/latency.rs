//! Per-message latency (jepsen-io/maelstrom v0.2.3 src/maelstrom/net.clj, `latency-dist`,
//! `latency-for`).

use crate::opts::LatencyDist;

#[derive(Clone, Copy, Debug)]
pub struct Latency {
    pub mean_ms: u64,
    pub dist: LatencyDist,
}

impl Latency {
    /// Maelstrom builds the distribution at startup; uniform and exponential
    /// with mean 0 crash there (exit 255).
    pub fn new(mean_ms: u64, dist: LatencyDist) -> Result<Self, String> {
        if mean_ms == 0 && dist != LatencyDist::Constant {
            return Err(format!(
                "cannot build a {dist:?} latency distribution with mean 0 ms (Maelstrom crashes here too)"
            ));
        }
        Ok(Latency { mean_ms, dist })
    }

    /// Latency in whole ms for one message; 0 for anything involving a client.
    pub fn draw(&self, src: &str, dest: &str, rng: &mut fastrand::Rng) -> u64 {
        if src.starts_with('c') || dest.starts_with('c') {
            return 0;
        }
        match self.dist {
            LatencyDist::Constant => self.mean_ms,
            // Incanter integer-distribution: uniform integer in [0, 2*mean).
            LatencyDist::Uniform => rng.u64(0..2 * self.mean_ms),
            // Exponential with mean `mean`, truncated toward zero.
            LatencyDist::Exponential => {
                let u = 1.0 - rng.f64(); // (0, 1]
                (-u.ln() * self.mean_ms as f64) as u64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_get_no_latency_and_means_hold() {
        let mut rng = fastrand::Rng::with_seed(1);
        let l = Latency::new(100, LatencyDist::Uniform).unwrap();
        assert_eq!(l.draw("c3", "n0", &mut rng), 0);
        assert_eq!(l.draw("n0", "c3", &mut rng), 0);
        let n = 20000;
        let u: u64 = (0..n).map(|_| l.draw("n0", "lin-kv", &mut rng)).sum();
        let mean = u as f64 / n as f64;
        assert!((mean - 99.5).abs() < 2.0, "{mean}");
        assert!((0..1000).all(|_| l.draw("n0", "n1", &mut rng) < 200));
        let e = Latency::new(100, LatencyDist::Exponential).unwrap();
        let s: u64 = (0..n).map(|_| e.draw("n0", "n1", &mut rng)).sum();
        let mean = s as f64 / n as f64;
        assert!((mean - 99.5).abs() < 4.0, "{mean}");
        assert_eq!(
            Latency::new(7, LatencyDist::Constant)
                .unwrap()
                .draw("n0", "n1", &mut rng),
            7
        );
        assert!(Latency::new(0, LatencyDist::Uniform).is_err());
        assert!(Latency::new(0, LatencyDist::Exponential).is_err());
    }
}
