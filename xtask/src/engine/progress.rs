//! Progress on stderr: one updating line on a terminal, plain lines every few
//! seconds otherwise; shows how far the loop fell behind its deadlines.

use crate::history::log::Counts;
use std::io::{IsTerminal, Write};

pub struct Progress {
    /// Off for in-process runs and exploration: nothing is printed.
    enabled: bool,
    limit_s: u64,
    tty: bool,
    last_plain_ns: Option<u64>,
    /// Worst lateness of a timer since the last report, and over the run.
    late_now_ns: u64,
    pub late_max_ns: u64,
    drawn: bool,
}

const PLAIN_EVERY_NS: u64 = 5_000_000_000;
/// Lateness worth reporting: our own threshold (a node that busy-loops on a
/// 2-core machine can starve the loop; the user should know the run's
/// latencies are then the engine's as much as the nodes').
const BEHIND_NS: u64 = 5_000_000;

impl Progress {
    pub fn new(limit_s: u64, enabled: bool) -> Self {
        Progress {
            enabled,
            limit_s,
            tty: std::io::stderr().is_terminal(),
            last_plain_ns: None,
            late_now_ns: 0,
            late_max_ns: 0,
            drawn: false,
        }
    }

    pub fn lateness(&mut self, ns: u64) {
        self.late_now_ns = self.late_now_ns.max(ns);
        self.late_max_ns = self.late_max_ns.max(ns);
    }

    pub fn show(&mut self, rel_ns: u64, started: bool, c: Counts, msgs: u64) {
        if !self.enabled {
            return;
        }
        let behind = if self.late_now_ns >= BEHIND_NS {
            format!("  BEHIND by up to {} ms", self.late_now_ns / 1_000_000)
        } else {
            String::new()
        };
        let phase = if started {
            format!("{:.1}/{} s", rel_ns as f64 / 1e9, self.limit_s)
        } else {
            "setup".into()
        };
        let line = format!(
            "[{phase}] ok {} fail {} info {}  msgs {msgs}{behind}",
            c.ok, c.fail, c.info
        );
        if self.tty {
            eprint!("\r\x1b[2K{line}");
            let _ = std::io::stderr().flush();
            self.drawn = true;
        } else if self
            .last_plain_ns
            .is_none_or(|t| rel_ns >= t + PLAIN_EVERY_NS)
            && started
        {
            eprintln!("{line}");
            self.last_plain_ns = Some(rel_ns);
        }
        self.late_now_ns = 0;
    }

    pub fn finish(&mut self) {
        if !self.enabled {
            return;
        }
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
        if self.late_max_ns >= BEHIND_NS {
            eprintln!(
                "WARN the engine fell behind its deadlines by up to {} ms",
                self.late_max_ns / 1_000_000
            );
        }
    }
}
