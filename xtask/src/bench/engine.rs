//! `cargo xtask bench engine`: what the bench itself costs per message.
//!
//! Runs fixed high-rate scenarios through `xtask maelstrom test` (real
//! processes, wall-clock time: the path whose memory grew with the run) and
//! reports, per scenario, the messages the engine carried, how many per
//! second it sustained over the main phase, and the peak RSS of the bench
//! process (the child's `ru_maxrss` from `wait4`), also per 1 000 messages.
//!
//! - `flood`: two `flood-node`s (an xtask fixture) keep 32 messages each in
//!   flight between them, as fast as the engine delivers: the engine's
//!   throughput, and its memory per server message.
//! - `echo`: `--rate 10000 --concurrency 50` against our echo node: the
//!   memory per client operation (history and journal).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One scenario: a name and its `maelstrom test` flags (without `--bin`).
pub struct Scenario {
    pub name: &'static str,
    pub bin: PathBuf,
    pub flags: Vec<String>,
}

/// What one scenario measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub name: String,
    pub valid: String,
    /// Network messages (the net checker's `all` `send-count`).
    pub messages: u64,
    pub ops: u64,
    pub time_limit_s: f64,
    pub wall_s: f64,
    pub peak_rss_kib: u64,
}

impl Measured {
    /// Messages per second of the main phase (the time limit).
    pub fn msgs_per_s(&self) -> f64 {
        self.messages as f64 / self.time_limit_s.max(1e-9)
    }

    /// Peak RSS per 1 000 messages, in KiB.
    pub fn rss_kib_per_1000(&self) -> f64 {
        self.peak_rss_kib as f64 * 1000.0 / (self.messages.max(1) as f64)
    }
}

/// The default scenarios with `time_limit` seconds each.
pub fn scenarios(release: &Path, time_limit: u64) -> Vec<Scenario> {
    let t = time_limit.to_string();
    let flags = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(String::from)
            .chain(["--time-limit".into(), t.clone()])
            .collect()
    };
    vec![
        Scenario {
            name: "flood",
            bin: release.join("examples").join("flood-node"),
            flags: flags("-w echo --node-count 2 --rate 1"),
        },
        Scenario {
            name: "echo",
            bin: release.join("echo"),
            flags: flags("-w echo --node-count 1 --rate 10000 --concurrency 50"),
        },
    ]
}

/// Reads the figures out of a run's `results.json`.
pub fn figures(results: &Value) -> Option<(String, u64, u64)> {
    let valid = match &results["valid?"] {
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let messages = results["net"]["all"]["send-count"].as_u64()?;
    let ops = results["stats"]["count"].as_u64()?;
    Some((valid, messages, ops))
}

/// Waits for `pid` and returns its peak RSS in KiB (Linux `ru_maxrss`) and
/// whether it exited normally.
fn wait_with_rusage(pid: u32) -> Result<(u64, i32), String> {
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; both pointers are valid.
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if r < 0 {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((usage.ru_maxrss.max(0) as u64, code))
}

/// Runs one scenario (store under the current directory).
pub fn run(s: &Scenario) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let time_limit_s = s
        .flags
        .iter()
        .position(|f| f == "--time-limit")
        .and_then(|i| s.flags.get(i + 1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(1.0);
    eprintln!("=== bench engine {}: {} ===", s.name, s.flags.join(" "));
    let started = Instant::now();
    let child = Command::new(&exe)
        .args(["maelstrom", "test", "--engine", "embedded", "--bin"])
        .arg(&s.bin)
        .args(&s.flags)
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run the test: {e}"))?;
    let (peak_rss_kib, code) = wait_with_rusage(child.id())?;
    let wall_s = started.elapsed().as_secs_f64();
    let (dir, results) = super::latest_results().map_err(|e| format!("{e} (exit {code})"))?;
    let (valid, messages, ops) =
        figures(&results).ok_or_else(|| format!("{}: no net or stats figures", dir.display()))?;
    Ok(Measured {
        name: s.name.to_string(),
        valid,
        messages,
        ops,
        time_limit_s,
        wall_s,
        peak_rss_kib,
    })
}

/// The markdown table.
pub fn table(rows: &[Measured]) -> String {
    let mut s = String::from(
        "| scenario | valid | messages | ops | messages/s | wall (s) | peak RSS (MiB) | peak RSS per 1 000 messages (KiB) |\n|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for m in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} |\n",
            m.name,
            m.valid,
            m.messages,
            m.ops,
            m.msgs_per_s(),
            m.wall_s,
            m.peak_rss_kib as f64 / 1024.0,
            m.rss_kib_per_1000()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figures_come_from_net_and_stats() {
        let r =
            json!({"valid?": true, "net": {"all": {"send-count": 1200}}, "stats": {"count": 300}});
        assert_eq!(figures(&r), Some(("true".into(), 1200, 300)));
        let r =
            json!({"valid?": "unknown", "net": {"all": {"send-count": 5}}, "stats": {"count": 1}});
        assert_eq!(figures(&r).unwrap().0, "unknown");
        assert_eq!(figures(&json!({"valid?": true})), None);
    }

    #[test]
    fn per_message_figures() {
        let m = Measured {
            name: "flood".into(),
            valid: "true".into(),
            messages: 2_000_000,
            ops: 20,
            time_limit_s: 20.0,
            wall_s: 31.0,
            peak_rss_kib: 50_000,
        };
        assert_eq!(m.msgs_per_s(), 100_000.0);
        assert_eq!(m.rss_kib_per_1000(), 25.0);
        let t = table(&[m]);
        assert!(
            t.contains("| flood | true | 2000000 | 20 | 100000 | 31.0 | 48.8 | 25.0 |"),
            "{t}"
        );
    }

    #[test]
    fn scenarios_carry_the_time_limit() {
        let s = scenarios(Path::new("/r"), 7);
        assert_eq!(s.len(), 2);
        assert!(s
            .iter()
            .all(|s| s.flags.ends_with(&["--time-limit".into(), "7".into()])));
        assert_eq!(s[0].bin, Path::new("/r/examples/flood-node"));
    }
}
