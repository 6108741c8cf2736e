//! `cargo xtask bench runtime`: the echo node against a plain baseline.
//!
//! Both nodes get the same workload in the same run, alternating, several
//! rounds: (1) throughput: N pipelined echo requests written as fast as the
//! pipe takes them, timed from the first write to the last reply; (2) latency:
//! M requests one at a time (write, wait for the reply), median and p99 round
//! trip in microseconds; (3) peak RSS (VmHWM) of the node process; (4) CPU
//! time per request in the throughput phase, summed over all of the node's
//! threads (a node with a reader thread can use two cores at once, so
//! wall-clock throughput alone flatters it on an idle machine). Results are
//! reported side by side with ratios, medians over the rounds.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Settings of one benchmark run.
pub struct RuntimeBench {
    pub ours: PathBuf,
    pub baseline: PathBuf,
    pub pipelined: usize,
    pub ping_pong: usize,
    pub rounds: usize,
}

/// Figures for one node.
#[derive(Clone, Debug, Default)]
pub struct NodeFigures {
    pub requests_per_sec: f64,
    pub median_us: f64,
    pub p99_us: f64,
    pub peak_rss_kib: u64,
    /// CPU time (all threads, user + system) per request, pipelined phase.
    pub cpu_us_per_request: f64,
}

struct Node {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Node {
    fn start(bin: &Path) -> Result<Node, String> {
        let mut child = Command::new(bin)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        let mut node = Node {
            child,
            stdin,
            stdout,
        };
        node.send(br#"{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#)?;
        node.expect_reply(1)?;
        Ok(node)
    }

    fn send(&mut self, line: &[u8]) -> Result<(), String> {
        self.stdin
            .write_all(line)
            .and_then(|_| self.stdin.write_all(b"\n"))
            .map_err(|e| e.to_string())
    }

    fn expect_reply(&mut self, msg_id: u64) -> Result<(), String> {
        let mut line = String::new();
        if self
            .stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Err("node closed stdout".into());
        }
        let needle = format!("\"in_reply_to\":{msg_id}");
        if !line.contains(&needle) {
            return Err(format!("expected a reply to {msg_id}, got {line}"));
        }
        Ok(())
    }

    fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// CPU time the process has used so far, all threads, in seconds
    /// (first field of each thread's schedstat: nanoseconds on a CPU).
    fn cpu_seconds(&self) -> f64 {
        let dir = format!("/proc/{}/task", self.child.id());
        let Ok(tasks) = std::fs::read_dir(dir) else {
            return 0.0;
        };
        let ns: u64 = tasks
            .filter_map(|t| t.ok())
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| {
                s.split_whitespace()
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
            })
            .sum();
        ns as f64 / 1e9
    }

    fn stop(mut self) {
        drop(self.stdin);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn echo_line(msg_id: u64) -> String {
    format!(
        r#"{{"src":"c1","dest":"n0","body":{{"type":"echo","msg_id":{msg_id},"echo":"Please echo {msg_id}"}}}}"#
    )
}

/// Pipelined throughput: a writer thread pushes every request while this
/// thread reads the replies. Returns (requests/s, peak RSS KiB, CPU us per request).
fn throughput(bin: &Path, n: usize) -> Result<(f64, u64, f64), String> {
    let mut node = Node::start(bin)?;
    let cpu_before = node.cpu_seconds();
    let mut input = Vec::with_capacity(n * 80);
    for i in 0..n {
        input.extend_from_slice(echo_line(i as u64 + 2).as_bytes());
        input.push(b'\n');
    }
    let mut stdin = node.stdin.try_clone_like()?;
    let start = Instant::now();
    let writer = std::thread::spawn(move || stdin.write_all(&input).map_err(|e| e.to_string()));
    let mut line = String::new();
    for i in 0..n {
        line.clear();
        if node
            .stdout
            .read_line(&mut line)
            .map_err(|e| e.to_string())?
            == 0
        {
            return Err(format!("node stopped after {i} replies"));
        }
    }
    let elapsed = start.elapsed();
    writer.join().map_err(|_| "writer panicked")??;
    let rss = node.peak_rss_kib();
    let cpu_us = (node.cpu_seconds() - cpu_before) * 1e6 / n as f64;
    node.stop();
    Ok((n as f64 / elapsed.as_secs_f64(), rss, cpu_us))
}

/// One request at a time: round-trip latencies in microseconds.
fn ping_pong(bin: &Path, n: usize) -> Result<Vec<f64>, String> {
    let mut node = Node::start(bin)?;
    let mut lat = Vec::with_capacity(n);
    for i in 0..n {
        let id = i as u64 + 2;
        let t = Instant::now();
        node.send(echo_line(id).as_bytes())?;
        node.stdin.flush().map_err(|e| e.to_string())?;
        node.expect_reply(id)?;
        lat.push(t.elapsed().as_secs_f64() * 1e6);
    }
    node.stop();
    Ok(lat)
}

trait CloneLike: Sized {
    fn try_clone_like(&mut self) -> Result<std::fs::File, String>;
}

impl CloneLike for ChildStdin {
    /// A second handle on the same pipe, for the writer thread.
    fn try_clone_like(&mut self) -> Result<std::fs::File, String> {
        use std::os::fd::{AsFd, OwnedFd};
        let fd: OwnedFd = self
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| e.to_string())?;
        Ok(std::fs::File::from(fd))
    }
}

fn median(v: &mut [f64]) -> f64 {
    quantile(v, 0.5)
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 * q) as usize).min(v.len() - 1)]
}

impl RuntimeBench {
    /// Runs the rounds and returns (ours, baseline).
    pub fn run(&self) -> Result<(NodeFigures, NodeFigures), String> {
        let mut rounds: [Vec<NodeFigures>; 2] = [Vec::new(), Vec::new()];
        for round in 0..self.rounds {
            // Alternate the order so neither node always runs on a warmer machine.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for slot in order {
                let bin = [&self.ours, &self.baseline][slot];
                let (requests_per_sec, peak_rss_kib, cpu_us_per_request) =
                    throughput(bin, self.pipelined)?;
                let mut lat = ping_pong(bin, self.ping_pong)?;
                let f = NodeFigures {
                    requests_per_sec,
                    median_us: median(&mut lat),
                    p99_us: quantile(&mut lat, 0.99),
                    peak_rss_kib,
                    cpu_us_per_request,
                };
                eprintln!(
                    "round {}: {:<9} {:>10.0} req/s  {:>5.2} CPU us/req  median {:>6.1} us  p99 {:>6.1} us  peak RSS {} KiB",
                    round + 1,
                    ["reactor", "baseline"][slot],
                    f.requests_per_sec,
                    f.cpu_us_per_request,
                    f.median_us,
                    f.p99_us,
                    f.peak_rss_kib
                );
                rounds[slot].push(f);
            }
        }
        let [a, b] = rounds;
        Ok((medians(&a), medians(&b)))
    }
}

/// Field-wise medians over rounds.
fn medians(rounds: &[NodeFigures]) -> NodeFigures {
    let m =
        |pick: fn(&NodeFigures) -> f64| median(&mut rounds.iter().map(pick).collect::<Vec<_>>());
    NodeFigures {
        requests_per_sec: m(|f| f.requests_per_sec),
        median_us: m(|f| f.median_us),
        p99_us: m(|f| f.p99_us),
        peak_rss_kib: m(|f| f.peak_rss_kib as f64) as u64,
        cpu_us_per_request: m(|f| f.cpu_us_per_request),
    }
}

/// The table printed at the end.
pub fn report(ours: &NodeFigures, base: &NodeFigures, bench: &RuntimeBench) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "echo: {} pipelined requests + {} one at a time, median of {} rounds\n\n",
        bench.pipelined, bench.ping_pong, bench.rounds
    ));
    s.push_str("| node | requests/s | CPU us per request | median round trip (us) | p99 (us) | peak RSS (KiB) |\n|---|---:|---:|---:|---:|---:|\n");
    for (name, f) in [
        ("mio reactor (`echo`)", ours),
        ("baseline (threads + BufRead + serde_json)", base),
    ] {
        s.push_str(&format!(
            "| {name} | {:.0} | {:.2} | {:.1} | {:.1} | {} |\n",
            f.requests_per_sec, f.cpu_us_per_request, f.median_us, f.p99_us, f.peak_rss_kib
        ));
    }
    s.push_str(&format!(
        "\nthroughput ratio (reactor / baseline): {:.2}x; CPU per request ratio (baseline / reactor): {:.2}x; median latency ratio (baseline / reactor): {:.2}x\n",
        ours.requests_per_sec / base.requests_per_sec.max(1e-9),
        base.cpu_us_per_request / ours.cpu_us_per_request.max(1e-9),
        base.median_us / ours.median_us.max(1e-9)
    ));
    s
}
