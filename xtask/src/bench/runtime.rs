//! `cargo xtask bench runtime`: the echo node against a plain baseline and
//! any other echo binaries (`--bin PATH`).
//!
//! Every node gets the same workload in the same run, in turn, several
//! rounds: (1) throughput: N pipelined echo requests written as fast as the
//! pipe takes them, timed from the first write to the last reply, and the
//! time to the first reply (a node that reads the whole burst before
//! answering shows it here); (2) latency:
//! M requests one at a time (write, wait for the reply), median and p99 round
//! trip in microseconds; (3) peak RSS (VmHWM) of the node process; (4) CPU
//! time per request in the throughput phase, summed over all of the node's
//! threads (a node with a reader thread can use two cores at once, so
//! wall-clock throughput alone flatters it on an idle machine). Every reply
//! is checked: it answers a request not answered before, with that
//! request's text. Results are reported side by side with ratios to ours,
//! medians over the rounds, and the range over rounds where a goal is
//! about every round.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Settings of one benchmark run.
pub struct RuntimeBench {
    /// The nodes compared, by name; the first is ours, the reference of
    /// every ratio.
    pub bins: Vec<(String, PathBuf)>,
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
    /// Time from the first write of the burst to its first reply, ms.
    pub first_reply_ms: f64,
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
        let got = if msg_id == 1 {
            init_reply(&line)
        } else {
            echo_reply(&line)
        };
        match got {
            Ok(id) if id == msg_id => Ok(()),
            Ok(id) => Err(format!("expected a reply to {msg_id}, got one to {id}")),
            Err(e) => Err(e),
        }
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

/// The request an echo reply answers, if it is a correct reply: an
/// `echo_ok` carrying `Please echo <in_reply_to>`.
fn echo_reply(line: &str) -> Result<u64, String> {
    // Fast path for compact JSON (what every node measured here prints),
    // so checking does not slow the reader down; anything else is parsed.
    if let Some(id) = field_u64(line, "\"in_reply_to\":") {
        if line.contains("\"type\":\"echo_ok\"")
            && line.contains(&format!("\"echo\":\"Please echo {id}\""))
        {
            return Ok(id);
        }
    }
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line}"))?;
    let body = &v["body"];
    let id = body["in_reply_to"]
        .as_u64()
        .ok_or_else(|| format!("no in_reply_to: {line}"))?;
    if body["type"] != "echo_ok" || body["echo"] != format!("Please echo {id}").as_str() {
        return Err(format!("a wrong reply to {id}: {line}"));
    }
    Ok(id)
}

fn init_reply(line: &str) -> Result<u64, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {line}"))?;
    match (
        v["body"]["type"].as_str(),
        v["body"]["in_reply_to"].as_u64(),
    ) {
        (Some("init_ok"), Some(id)) => Ok(id),
        _ => Err(format!("expected init_ok, got {line}")),
    }
}

/// The digits right after `key` in `line`.
fn field_u64(line: &str, key: &str) -> Option<u64> {
    let rest = &line[line.find(key)? + key.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// What one pipelined burst measured.
struct Burst {
    requests_per_sec: f64,
    first_reply_ms: f64,
    peak_rss_kib: u64,
    cpu_us_per_request: f64,
}

/// Pipelined throughput: a writer thread pushes every request while this
/// thread reads and checks the replies.
fn throughput(bin: &Path, n: usize) -> Result<Burst, String> {
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
    let mut first_reply = None;
    // Request ids run from 2 to n + 1; each must be answered exactly once.
    let mut answered = vec![false; n + 2];
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
        first_reply.get_or_insert_with(|| start.elapsed());
        let id = echo_reply(line.trim_end())?;
        match answered.get_mut(id as usize) {
            Some(seen) if id >= 2 && !*seen => *seen = true,
            _ => return Err(format!("reply to {id}: unknown or answered twice")),
        }
    }
    let elapsed = start.elapsed();
    writer.join().map_err(|_| "writer panicked")??;
    let peak_rss_kib = node.peak_rss_kib();
    let cpu_us_per_request = (node.cpu_seconds() - cpu_before) * 1e6 / n as f64;
    node.stop();
    Ok(Burst {
        requests_per_sec: n as f64 / elapsed.as_secs_f64(),
        first_reply_ms: first_reply.unwrap_or_default().as_secs_f64() * 1e3,
        peak_rss_kib,
        cpu_us_per_request,
    })
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
    /// Runs the rounds and returns every round's figures, per node.
    pub fn run(&self) -> Result<Vec<Vec<NodeFigures>>, String> {
        let mut rounds: Vec<Vec<NodeFigures>> = vec![Vec::new(); self.bins.len()];
        for round in 0..self.rounds {
            // Rotate the order so no node always runs on a warmer machine.
            for k in 0..self.bins.len() {
                let slot = (round + k) % self.bins.len();
                let (name, bin) = &self.bins[slot];
                let burst = throughput(bin, self.pipelined)
                    .map_err(|e| format!("{name} ({}): {e}", bin.display()))?;
                let mut lat = ping_pong(bin, self.ping_pong)
                    .map_err(|e| format!("{name} ({}): {e}", bin.display()))?;
                let f = NodeFigures {
                    requests_per_sec: burst.requests_per_sec,
                    median_us: median(&mut lat),
                    p99_us: quantile(&mut lat, 0.99),
                    peak_rss_kib: burst.peak_rss_kib,
                    cpu_us_per_request: burst.cpu_us_per_request,
                    first_reply_ms: burst.first_reply_ms,
                };
                eprintln!(
                    "round {}: {:<16} {:>10.0} req/s  {:>5.2} CPU us/req  first reply {:>7.2} ms  median {:>6.1} us  p99 {:>6.1} us  peak RSS {} KiB",
                    round + 1,
                    name,
                    f.requests_per_sec,
                    f.cpu_us_per_request,
                    f.first_reply_ms,
                    f.median_us,
                    f.p99_us,
                    f.peak_rss_kib
                );
                rounds[slot].push(f);
            }
        }
        Ok(rounds)
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
        first_reply_ms: m(|f| f.first_reply_ms),
    }
}

/// Smallest and largest of a figure over rounds.
fn range(rounds: &[NodeFigures], pick: fn(&NodeFigures) -> f64) -> (f64, f64) {
    rounds
        .iter()
        .map(pick)
        .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// The table printed at the end: medians, the CPU and first-reply ranges
/// over rounds, and ratios of every other node to ours (the first).
pub fn report(rounds: &[Vec<NodeFigures>], bench: &RuntimeBench) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "echo: {} pipelined requests + {} one at a time, median of {} rounds (range over rounds in brackets)\n\n",
        bench.pipelined, bench.ping_pong, bench.rounds
    ));
    s.push_str("| node | requests/s | CPU us per request | first reply of the burst (ms) | median round trip (us) | p99 (us) | peak RSS (KiB) |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for ((name, _), r) in bench.bins.iter().zip(rounds) {
        let f = medians(r);
        let (clo, chi) = range(r, |f| f.cpu_us_per_request);
        let (flo, fhi) = range(r, |f| f.first_reply_ms);
        s.push_str(&format!(
            "| {name} | {:.0} | {:.2} [{clo:.2}-{chi:.2}] | {:.2} [{flo:.2}-{fhi:.2}] | {:.1} | {:.1} | {} |\n",
            f.requests_per_sec, f.cpu_us_per_request, f.first_reply_ms, f.median_us, f.p99_us, f.peak_rss_kib
        ));
    }
    let Some(ours) = rounds.first() else {
        return s;
    };
    let o = medians(ours);
    let (_, ours_worst_cpu) = range(ours, |f| f.cpu_us_per_request);
    s.push('\n');
    for ((name, _), r) in bench.bins.iter().zip(rounds).skip(1) {
        let f = medians(r);
        let (their_best_cpu, _) = range(r, |f| f.cpu_us_per_request);
        s.push_str(&format!(
            "{} vs {name}: throughput {:.2}x; CPU per request {:.2}x less (median), {:.2}x less comparing our worst round with its best; median latency {:.2}x\n",
            bench.bins[0].0,
            o.requests_per_sec / f.requests_per_sec.max(1e-9),
            f.cpu_us_per_request / o.cpu_us_per_request.max(1e-9),
            their_best_cpu / ours_worst_cpu.max(1e-9),
            f.median_us / o.median_us.max(1e-9)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_checked_for_the_id_and_the_text() {
        let ok = r#"{"src":"n0","dest":"c1","body":{"type":"echo_ok","echo":"Please echo 7","msg_id":3,"in_reply_to":7}}"#;
        assert_eq!(echo_reply(ok), Ok(7));
        let spaced = r#"{"src": "n0", "dest": "c1", "body": {"type": "echo_ok", "echo": "Please echo 7", "in_reply_to": 7}}"#;
        assert_eq!(echo_reply(spaced), Ok(7));
        let wrong_text = ok.replace("Please echo 7", "Please echo 8");
        assert!(echo_reply(&wrong_text).is_err());
        let wrong_type = ok.replace("echo_ok", "echo");
        assert!(echo_reply(&wrong_type).is_err());
        assert!(echo_reply("garbage").is_err());
    }
}
