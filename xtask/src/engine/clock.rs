//! The engine's notion of time. The loop only ever asks "what time is it";
//! waiting is done by the participant host (which can wait on real process
//! output, or, in a future in-process host, jump a virtual clock).

use std::time::Instant;

pub trait Clock {
    /// Nanoseconds since the engine started.
    fn now_ns(&self) -> u64;
}

/// Wall-clock monotonic time.
pub struct RealClock {
    start: Instant,
}

impl RealClock {
    pub fn new() -> Self {
        RealClock {
            start: Instant::now(),
        }
    }
}

impl Clock for RealClock {
    fn now_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
}
