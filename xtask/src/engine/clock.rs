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

/// CPU time this thread has used, in ns (`CLOCK_THREAD_CPUTIME_ID`): what
/// a run costs, whatever else the machine is doing; 0 if unavailable.
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64).saturating_mul(1_000_000_000) + ts.tv_nsec as u64
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

    #[test]
    fn thread_cpu_time_counts_work_and_not_sleep() {
        let a = thread_cpu_ns();
        std::thread::sleep(std::time::Duration::from_millis(30));
        let b = thread_cpu_ns();
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let c = thread_cpu_ns();
        assert!(a > 0, "no thread CPU clock");
        assert!(b - a < 15_000_000, "a sleep counted as CPU: {}", b - a);
        assert!(c - b >= 10_000_000, "a busy loop did not count: {}", c - b);
    }
}
