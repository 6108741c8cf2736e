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

/// Virtual time: stands still while the loop works and jumps to the next
/// deadline when the in-process host finds nothing to do before it. No
/// sleeps, no wall clock: a run takes as long as its computation.
#[derive(Debug, Default)]
pub struct VirtualClock {
    now: std::cell::Cell<u64>,
}

impl VirtualClock {
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward to `ns` (never backwards).
    pub fn advance_to(&self, ns: u64) {
        if ns > self.now.get() {
            self.now.set(ns);
        }
    }
}

impl Clock for VirtualClock {
    fn now_ns(&self) -> u64 {
        self.now.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_time_only_moves_forward() {
        let c = VirtualClock::new();
        assert_eq!(c.now_ns(), 0);
        c.advance_to(5);
        c.advance_to(3);
        assert_eq!(c.now_ns(), 5);
    }
}
