//! Where nodes run: the `Host` trait and `ProcessHost` here, the in-process
//! host in `sim.rs`, the real Maelstrom (not a host of ours: it runs the
//! whole test) in `real.rs`.
//!
//! Node participants. The loop talks to nodes only through `Host`, so the
//! same core can later run in-process node state machines under a virtual
//! clock. `ProcessHost` runs each node as an OS process in its own process
//! group and serves every node's pipes from one mio poll loop, on the
//! engine's own thread: stdout and stderr are read in chunks and split into
//! lines (`lines.rs`). A node's stdin takes one line at a time, as
//! Maelstrom's stdin thread writes one message and blocks until the pipe
//! took it: until then `accepts` is false and the engine leaves the rest in
//! the network's queue; `StdinFree` says when the pipe took it. So a node
//! that stops reading stalls only itself, and holds at most one line here.
//! No thread per node: `--node-count` is limited by open files
//! (three pipes per node), which `spawn` checks before starting anything.

mod lines;
pub mod real;
pub mod sim;

use super::clock::Clock;
use lines::{LineSplitter, Piece};
use mio::unix::pipe::{Receiver, Sender};
use mio::{Events, Interest, Poll, Token};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Something a node did.
#[derive(Debug)]
pub enum HostEvent {
    Stdout {
        node: usize,
        line: String,
    },
    Stderr {
        node: usize,
        line: String,
    },
    /// The node's pipe took the rest of the line it was blocked on: the
    /// node can be handed its next message.
    StdinFree {
        node: usize,
    },
}

pub trait Host {
    /// Write one line to the node's stdin; what the pipe does not take now
    /// is kept and written as it drains (`accepts` is false until then).
    fn deliver(&mut self, node: usize, line: String);
    /// Whether the node's stdin took every line handed to it, so the next
    /// message can be taken off the network. jepsen-io/maelstrom v0.2.3
    /// src/maelstrom/process.clj, `stdin-thread`: `(when-let [msg (net/recv!
    /// net node-id 1000)] (json/generate-stream msg w) (.write w "\n")
    /// (.flush w))`, a blocking write before the next `recv!`. True for a
    /// node whose stdin is gone: there the write throws an IOException the
    /// thread ignores, and it takes the next message.
    /// fidelity D4: stdin takes one message at a time; the backlog waits in the network.
    fn accepts(&self, node: usize) -> bool;
    /// Wait for the next event until `deadline_ns` on `clock` (None = a short poll).
    fn next_event(&mut self, clock: &dyn Clock, deadline_ns: u64) -> Option<HostEvent>;
    /// Stop reading this node's stdout for the rest of the run: jepsen-io/maelstrom
    /// v0.2.3 src/maelstrom/process.clj, `stdout-thread`, whose loop ends when
    /// `parse-msg` or `net/send!` throws.
    /// fidelity D6: a bad stdout line does not kill the node.
    fn silence_stdout(&mut self, node: usize);
    /// The node's exit status if it has exited.
    fn exit_status(&mut self, node: usize) -> Option<String>;
    /// Close stdin, wait `grace`, SIGKILL whatever is left. Exit statuses at
    /// shutdown are not failures (Maelstrom kills nodes at teardown: v0.2.3
    /// src/maelstrom/process.clj `stop-node!`).
    fn shutdown(&mut self, grace: Duration);
}

/// Longest stdout / stderr line read whole. Our nodes' longest lines are
/// kafka `poll_ok` replies (at most 8 192 messages, well under 1 MiB);
/// Maelstrom has no cap, but on the JVM a line of hundreds of MiB ends the
/// run in an OutOfMemoryError anyway. 16 MiB is far above any real message
/// and keeps a flooding node from holding more than that much of the
/// bench's memory. A longer stdout line is a bad line (the node is silenced,
/// as when Maelstrom cannot parse a line); a longer stderr line is logged
/// cut short.
pub const MAX_LINE: usize = 16 << 20;
/// Most bytes read from one pipe per turn, so one busy node cannot starve
/// the others.
const READ_CHUNK: usize = 64 << 10;
/// How often readiness is polled while some pipe always has more to read
/// (a poll per read halved the flood scenario's throughput).
const BUSY_POLL_EVERY: Duration = Duration::from_millis(1);
/// File descriptors kept free for everything else the bench opens (store
/// files, the epoll instance, spawn's own temporary pipes).
const SPARE_FDS: u64 = 64;

/// Tokens: three per node.
const STDIN: usize = 0;
const STDOUT: usize = 1;
const STDERR: usize = 2;

fn token(node: usize, stream: usize) -> Token {
    Token(node * 3 + stream)
}

/// The rest of the line a node's stdin has not yet taken (the engine hands
/// over the next only once this is empty), written from a cursor.
#[derive(Default)]
struct Outbox {
    buf: Vec<u8>,
    pos: usize,
}

impl Outbox {
    fn push_line(&mut self, line: &str) {
        if self.pos > 0 && self.pos >= self.buf.len() - self.pos {
            // Compact: the moved tail is shorter than the written prefix.
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(line.as_bytes());
        self.buf.push(b'\n');
    }

    fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Writes what the pipe takes. Ok(true): the pipe is full.
    fn write_to(&mut self, mut w: impl Write) -> io::Result<bool> {
        while !self.is_empty() {
            match w.write(&self.buf[self.pos..]) {
                Ok(n) => self.pos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buf.clear();
        self.pos = 0;
        Ok(false)
    }
}

/// One output pipe of a node.
struct Output {
    pipe: Option<Receiver>,
    lines: LineSplitter,
    /// Known readable (edge-triggered: stays set until a read would block).
    ready: bool,
}

impl Output {
    fn new(pipe: Receiver) -> Self {
        Output {
            pipe: Some(pipe),
            lines: LineSplitter::new(MAX_LINE),
            // Registration reports data already waiting.
            ready: false,
        }
    }
}

struct Proc {
    child: Child,
    /// The node's pid, which is also its process group id.
    pgid: libc::pid_t,
    stdin: Option<Sender>,
    outbox: Outbox,
    /// Known writable (until a write would block).
    stdin_ready: bool,
    /// A line handed over is not all written: `accepts` is false.
    blocked: bool,
    stdout: Output,
    stderr: Output,
    /// Stdout is no longer read; its pipe stays open (see `silence_stdout`).
    silenced: bool,
}

pub struct ProcessHost {
    poll: Poll,
    events: Events,
    procs: Vec<Proc>,
    /// Lines read but not yet handed to the engine.
    queue: VecDeque<HostEvent>,
    /// Nodes with queued stdin bytes.
    dirty: Vec<usize>,
    /// Tokens of stdout / stderr pipes known readable.
    readable: Vec<usize>,
    buf: Vec<u8>,
    groups_killed: bool,
    /// When readiness was last polled.
    polled_at: Instant,
}

impl ProcessHost {
    /// Spawn one process per node. `bin` must already be canonical.
    /// `env` is added to each node's environment (`--node-env`).
    pub fn spawn(
        bin: &std::path::Path,
        args: &[String],
        env: &[(String, String)],
        nodes: usize,
    ) -> Result<Self, String> {
        ensure_fd_limit(nodes)?;
        let poll = Poll::new().map_err(|e| format!("cannot create a poll instance: {e}"))?;
        let mut host = ProcessHost {
            poll,
            events: Events::with_capacity(1024),
            procs: Vec::with_capacity(nodes),
            queue: VecDeque::new(),
            dirty: Vec::new(),
            readable: Vec::new(),
            buf: vec![0; READ_CHUNK],
            groups_killed: false,
            polled_at: Instant::now(),
        };
        for node in 0..nodes {
            // On error, dropping `host` kills the nodes already started.
            let p = start(bin, args, env).map_err(|e| {
                format!(
                    "could not start node {node} of {nodes} ({}): {e}",
                    bin.display()
                )
            })?;
            host.procs.push(p);
            let p = host.procs.last_mut().expect("just pushed");
            let reg = host.poll.registry();
            let mut register = || -> io::Result<()> {
                if let Some(s) = p.stdin.as_mut() {
                    reg.register(s, token(node, STDIN), Interest::WRITABLE)?;
                }
                if let Some(s) = p.stdout.pipe.as_mut() {
                    reg.register(s, token(node, STDOUT), Interest::READABLE)?;
                }
                if let Some(s) = p.stderr.pipe.as_mut() {
                    reg.register(s, token(node, STDERR), Interest::READABLE)?;
                }
                Ok(())
            };
            register().map_err(|e| format!("cannot poll node {node}'s pipes: {e}"))?;
        }
        Ok(host)
    }

    /// Writes queued stdin bytes of every node whose pipe may take them,
    /// and reports `StdinFree` for each node whose blocked line went out
    /// (or whose stdin is gone).
    fn flush_stdin(&mut self) {
        let mut still = Vec::new();
        for node in std::mem::take(&mut self.dirty) {
            let p = &mut self.procs[node];
            let Some(pipe) = p.stdin.as_ref() else {
                continue;
            };
            let written = if p.stdin_ready {
                p.outbox.write_to(pipe)
            } else {
                Ok(true)
            };
            match written {
                Ok(false) => {
                    if std::mem::take(&mut p.blocked) {
                        self.queue.push_back(HostEvent::StdinFree { node });
                    }
                }
                Ok(true) => {
                    p.stdin_ready = false;
                    p.blocked = true;
                    still.push(node);
                }
                Err(_) => {
                    // Node gone: later deliveries are lost, as in Maelstrom.
                    let blocked = std::mem::take(&mut p.blocked);
                    self.close_stdin(node);
                    if blocked {
                        self.queue.push_back(HostEvent::StdinFree { node });
                    }
                }
            }
        }
        still.sort_unstable();
        still.dedup();
        self.dirty = still;
    }

    fn close_stdin(&mut self, node: usize) {
        let p = &mut self.procs[node];
        if let Some(mut s) = p.stdin.take() {
            let _ = self.poll.registry().deregister(&mut s);
        }
        p.outbox = Outbox::default();
    }

    /// Waits up to `timeout` for pipe readiness and records it. Returns the
    /// number of readiness events.
    fn wait(&mut self, timeout: Duration) -> usize {
        self.polled_at = Instant::now();
        if self.poll.poll(&mut self.events, Some(timeout)).is_err() {
            return 0; // EINTR: the caller loops
        }
        let mut n = 0;
        for ev in self.events.iter() {
            n += 1;
            let (node, stream) = (ev.token().0 / 3, ev.token().0 % 3);
            let Some(p) = self.procs.get_mut(node) else {
                continue;
            };
            let out = match stream {
                STDIN => {
                    p.stdin_ready = true;
                    if !p.outbox.is_empty() {
                        self.dirty.push(node);
                    }
                    continue;
                }
                STDOUT => &mut p.stdout,
                _ => &mut p.stderr,
            };
            if !out.ready {
                out.ready = true;
                self.readable.push(ev.token().0);
            }
        }
        n
    }

    /// Reads one chunk from every pipe known readable, in turn. Returns
    /// whether some pipe may still have more.
    fn read_ready(&mut self) -> bool {
        let mut i = 0;
        while i < self.readable.len() {
            let t = self.readable[i];
            if self.read_one(t / 3, t % 3) {
                i += 1;
            } else {
                self.readable.swap_remove(i);
            }
        }
        !self.readable.is_empty()
    }

    /// One read of a node's stdout or stderr; false once it would block,
    /// ended, or is no longer read.
    fn read_one(&mut self, node: usize, stream: usize) -> bool {
        let p = &mut self.procs[node];
        let silenced = p.silenced;
        let out = if stream == STDOUT {
            &mut p.stdout
        } else {
            &mut p.stderr
        };
        let Some(pipe) = out.pipe.as_mut() else {
            out.ready = false;
            return false;
        };
        if stream == STDOUT && silenced {
            out.ready = false;
            return false;
        }
        let n = match pipe.read(&mut self.buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                out.ready = false;
                return false;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return true,
            Err(_) => 0, // a broken pipe ends the stream like EOF
        };
        let queue = &mut self.queue;
        let emit = |piece| queue.push_back(event(node, stream, piece));
        if n == 0 {
            out.lines.finish(emit);
            out.ready = false;
            if let Some(mut pipe) = out.pipe.take() {
                let _ = self.poll.registry().deregister(&mut pipe);
            }
            return false;
        }
        out.lines.feed(&self.buf[..n], emit);
        true
    }

    /// SIGKILLs every node's process group (orphans included) and reaps
    /// the nodes.
    fn kill_all(&mut self) {
        if self.groups_killed {
            return;
        }
        self.groups_killed = true;
        for p in &self.procs {
            kill_group(p.pgid);
        }
        for p in &mut self.procs {
            if !matches!(p.child.try_wait(), Ok(Some(_))) {
                let _ = p.child.kill();
            }
            let _ = p.child.wait();
        }
    }
}

/// The event for a piece of a node's output.
fn event(node: usize, stream: usize, piece: Piece) -> HostEvent {
    let cap_mib = MAX_LINE >> 20;
    match (stream, piece) {
        (STDOUT, Piece::Line(line)) => HostEvent::Stdout { node, line },
        // Never valid JSON (the head is cut short), so the engine reports a
        // bad line and silences the node.
        (STDOUT, Piece::TooLong { head }) => HostEvent::Stdout {
            node,
            line: format!(
                "{head}... (a STDOUT line longer than the {cap_mib} MiB cap; not read further)"
            ),
        },
        (_, Piece::Line(line)) => HostEvent::Stderr { node, line },
        (_, Piece::TooLong { head }) => HostEvent::Stderr {
            node,
            line: format!("{head}... (cut: a STDERR line longer than the {cap_mib} MiB cap)"),
        },
    }
}

impl Host for ProcessHost {
    fn deliver(&mut self, node: usize, line: String) {
        let Some(p) = self.procs.get_mut(node) else {
            return;
        };
        if p.stdin.is_none() {
            return; // node gone: later deliveries are lost, as in Maelstrom
        }
        let was_empty = p.outbox.is_empty();
        p.outbox.push_line(&line);
        if was_empty {
            self.dirty.push(node);
            // Write now, so a node that reads takes message after message
            // in one turn of the loop (one write per message, as Maelstrom
            // flushes after each).
            self.flush_stdin();
        }
    }

    fn accepts(&self, node: usize) -> bool {
        self.procs
            .get(node)
            .is_none_or(|p| p.stdin.is_none() || p.outbox.is_empty())
    }

    fn next_event(&mut self, clock: &dyn Clock, deadline_ns: u64) -> Option<HostEvent> {
        loop {
            self.flush_stdin();
            if let Some(ev) = self.queue.pop_front() {
                return Some(ev);
            }
            if !self.readable.is_empty() && self.polled_at.elapsed() >= BUSY_POLL_EVERY {
                // A pipe that always has more never lets the loop reach the
                // poll below: poll here too, or a flooding node starves the
                // others' output and stdin readiness.
                self.wait(Duration::ZERO);
            }
            let more = self.read_ready();
            if let Some(ev) = self.queue.pop_front() {
                return Some(ev);
            }
            let left = deadline_ns.saturating_sub(clock.now_ns());
            if left == 0 {
                // Past the deadline: one short poll, and what it found.
                self.wait(Duration::ZERO);
                self.flush_stdin();
                self.read_ready();
                return self.queue.pop_front();
            }
            if more {
                self.wait(Duration::ZERO);
            } else if left >= 1_000_000 {
                // epoll waits whole milliseconds: wait the whole ones here,
                // the rest below.
                self.wait(Duration::from_millis(left / 1_000_000));
            } else if self.wait(Duration::ZERO) == 0 {
                std::thread::sleep(Duration::from_nanos(left.min(100_000)));
            }
        }
    }

    fn silence_stdout(&mut self, node: usize) {
        if let Some(p) = self.procs.get_mut(node) {
            // Maelstrom's reader stops reading without closing the pipe, so
            // the node lives on (blocking once the pipe is full). Closing it
            // would kill the node with SIGPIPE / EPIPE, which the crash check
            // would then report as a crash (exit 255). The pipe stays open,
            // unread and unpolled, until the host goes away.
            // fidelity N1: a bad stdout line left the pipe closed; found by the demo nodes.
            p.silenced = true;
            p.stdout.ready = false;
            p.stdout.lines.discard();
            if let Some(pipe) = p.stdout.pipe.as_mut() {
                let _ = self.poll.registry().deregister(pipe);
            }
        }
    }

    fn exit_status(&mut self, node: usize) -> Option<String> {
        let p = self.procs.get_mut(node)?;
        match p.child.try_wait() {
            Ok(Some(st)) => Some(st.to_string()),
            _ => None,
        }
    }

    fn shutdown(&mut self, grace: Duration) {
        self.flush_stdin();
        for node in 0..self.procs.len() {
            self.close_stdin(node);
        }
        let until = Instant::now() + grace;
        loop {
            if self
                .procs
                .iter_mut()
                .all(|p| matches!(p.child.try_wait(), Ok(Some(_))))
            {
                break;
            }
            let now = Instant::now();
            if now >= until {
                break;
            }
            self.wait((until - now).min(Duration::from_millis(10)));
            // Keep reading so a node blocked on a full stdout can see EOF and
            // exit; what it prints now is dropped, as it always was.
            self.read_ready();
            self.queue.clear();
        }
        self.kill_all();
    }
}

impl Drop for ProcessHost {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// Starts one node in its own process group, with non-blocking pipes.
fn start(bin: &std::path::Path, args: &[String], env: &[(String, String)]) -> io::Result<Proc> {
    let mut child = Command::new(bin)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // The node leads a new group, so teardown can signal everything
        // it started (a shell wrapper's children, a forked helper).
        .process_group(0)
        .spawn()?;
    let pgid = child.id() as libc::pid_t;
    let taken = (|| {
        let stdin = Sender::from(child.stdin.take()?);
        let stdout = Receiver::from(child.stdout.take()?);
        let stderr = Receiver::from(child.stderr.take()?);
        Some((stdin, stdout, stderr))
    })();
    let Some((stdin, stdout, stderr)) = taken else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(io::Error::other("a pipe was missing"));
    };
    for r in [
        stdin.set_nonblocking(true),
        stdout.set_nonblocking(true),
        stderr.set_nonblocking(true),
    ] {
        if let Err(e) = r {
            kill_group(pgid);
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
    }
    Ok(Proc {
        child,
        pgid,
        stdin: Some(stdin),
        outbox: Outbox::default(),
        stdin_ready: true,
        blocked: false,
        stdout: Output::new(stdout),
        stderr: Output::new(stderr),
        silenced: false,
    })
}

/// SIGKILL to a whole process group (ESRCH when it is already empty).
fn kill_group(pgid: libc::pid_t) {
    if pgid > 0 {
        // SAFETY: kill(2) has no memory effects; a negative pid names a group.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Makes sure `nodes` nodes' pipes fit under the open-file limit, raising
/// the soft limit up to the hard one if needed; a clear error otherwise.
fn ensure_fd_limit(nodes: usize) -> Result<(), String> {
    let open = std::fs::read_dir("/proc/self/fd").map_or(16, |d| d.count() as u64);
    let need = open + 3 * nodes as u64 + SPARE_FDS;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct we pass and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Ok(()); // unknown limit: spawning reports any failure
    }
    if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= need {
        return Ok(());
    }
    if lim.rlim_max == libc::RLIM_INFINITY || lim.rlim_max >= need {
        let raised = libc::rlimit {
            rlim_cur: need,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we pass and nothing else.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            return Ok(());
        }
    }
    Err(format!(
        "--node-count {nodes} needs about {need} open files (three pipes per node), \
         but this process may open only {} (hard limit {}). Raise the limit \
         (`ulimit -n {need}`, as root if above the hard limit) or run fewer nodes.",
        lim.rlim_cur, lim.rlim_max
    ))
}

#[cfg(test)]
mod tests {
    use super::super::clock::RealClock;
    use super::*;
    use std::path::Path;

    fn sh(script: &str, nodes: usize) -> ProcessHost {
        let args = ["-c".to_string(), script.to_string()];
        ProcessHost::spawn(Path::new("/bin/sh"), &args, &[], nodes).expect("spawn sh")
    }

    /// Events until `want` of them arrived or `secs` passed.
    fn collect(host: &mut ProcessHost, want: usize, secs: u64) -> Vec<HostEvent> {
        let clock = RealClock::new();
        let end = secs * 1_000_000_000;
        let mut out = Vec::new();
        while out.len() < want && clock.now_ns() < end {
            if let Some(ev) = host.next_event(&clock, (clock.now_ns() + 50_000_000).min(end)) {
                out.push(ev);
            }
        }
        out
    }

    fn alive(pid: i32) -> bool {
        // A zombie (state Z) is dead for our purpose: it runs nothing.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(false)
    }

    #[test]
    fn lines_go_in_and_come_back_per_node() {
        let mut host = sh("exec cat", 3);
        for node in 0..3 {
            host.deliver(node, format!("hello {node}"));
        }
        let mut got: Vec<(usize, String)> = collect(&mut host, 3, 10)
            .into_iter()
            .map(|e| match e {
                HostEvent::Stdout { node, line } => (node, line),
                other => panic!("{other:?}"),
            })
            .collect();
        got.sort();
        let want: Vec<(usize, String)> = (0..3).map(|n| (n, format!("hello {n}"))).collect();
        assert_eq!(got, want);
        host.shutdown(Duration::from_millis(500));
        assert_eq!(host.exit_status(0).as_deref(), Some("exit status: 0"));
    }

    #[test]
    fn a_node_that_stops_reading_stalls_only_itself() {
        let mut host = sh(
            r#"read first; if [ "$first" = stall ]; then exec sleep 60; fi; echo "$first"; exec cat"#,
            2,
        );
        host.deliver(0, "stall".into());
        // 8 MiB for node 0, far more than a pipe holds: it never reads them.
        let big = "x".repeat(1 << 20);
        for _ in 0..8 {
            host.deliver(0, big.clone());
        }
        let t = Instant::now();
        for i in 0..100 {
            host.deliver(1, format!("line {i}"));
        }
        let got = collect(&mut host, 100, 10);
        assert_eq!(got.len(), 100, "node 1 was stalled by node 0");
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        host.shutdown(Duration::from_millis(100));
    }

    #[test]
    fn a_node_flooding_its_stdout_does_not_starve_the_others() {
        let mut host = sh(
            r#"read first; if [ "$first" = flood ]; then exec yes; fi; sleep 0.3; echo "$first""#,
            2,
        );
        host.deliver(0, "flood".into());
        host.deliver(1, "hello".into());
        let clock = RealClock::new();
        let (mut floods, mut hello) = (0u64, false);
        while !hello && clock.now_ns() < 10_000_000_000 {
            match host.next_event(&clock, clock.now_ns() + 50_000_000) {
                Some(HostEvent::Stdout { node: 0, .. }) => floods += 1,
                Some(HostEvent::Stdout { node: 1, line }) => hello = line == "hello",
                _ => {}
            }
        }
        assert!(
            hello,
            "node 1's line never came ({floods} lines of node 0 did)"
        );
        assert!(floods > 0);
        host.shutdown(Duration::from_millis(100));
    }

    #[test]
    fn stdin_takes_one_line_at_a_time_and_says_when_the_pipe_took_it() {
        // The node reads nothing for 1 s, then echoes what it reads.
        let mut host = sh("sleep 1; exec cat", 1);
        host.deliver(0, "short".into());
        assert!(host.accepts(0), "a short line fits in the pipe at once");
        // 1 MiB does not fit in a 64 KiB pipe: the rest waits here, once.
        host.deliver(0, "x".repeat(1 << 20));
        assert!(!host.accepts(0));
        let got = collect(&mut host, 3, 10);
        let kinds: Vec<String> = got
            .iter()
            .map(|e| match e {
                HostEvent::StdinFree { node: 0 } => "free".to_string(),
                HostEvent::Stdout { line, .. } => format!("out {}", line.len()),
                other => panic!("{other:?}"),
            })
            .collect();
        // The pipe took the big line before cat could echo all of it.
        let free = kinds.iter().position(|k| k == "free").expect("StdinFree");
        let big = format!("out {}", 1 << 20);
        assert!(
            kinds.iter().position(|k| *k == big) > Some(free),
            "{kinds:?}"
        );
        assert!(kinds.contains(&"out 5".to_string()), "{kinds:?}");
        assert!(host.accepts(0));
        host.shutdown(Duration::from_millis(100));
    }

    #[test]
    fn a_line_over_the_cap_is_one_bad_line_and_the_next_lines_still_come() {
        let mut host = sh(
            r#"printf '{"src":'; head -c 20000000 /dev/zero | tr '\0' x; printf '\nafter\n'; exec cat"#,
            1,
        );
        let got = collect(&mut host, 2, 20);
        let lines: Vec<&str> = got
            .iter()
            .map(|e| match e {
                HostEvent::Stdout { line, .. } => line.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with(r#"{"src":xxx"#), "{}", &lines[0][..50]);
        assert!(lines[0].ends_with("longer than the 16 MiB cap; not read further)"));
        assert!(serde_json::from_str::<serde_json::Value>(lines[0]).is_err());
        assert!(lines[0].len() < 400);
        assert_eq!(lines[1], "after");
        host.shutdown(Duration::from_millis(100));
    }

    #[test]
    fn processes_a_node_started_do_not_outlive_the_run() {
        // One node exits by itself at EOF, leaving its background child
        // behind; the other ignores EOF and has to be killed, child and all.
        let mut host = sh(r#"sleep 1000 & echo $! >&2; exec cat"#, 1);
        let mut host2 = sh(r#"sleep 1000 & echo $! >&2; exec sleep 1000"#, 1);
        let mut pids = Vec::new();
        for h in [&mut host, &mut host2] {
            for ev in collect(h, 1, 10) {
                let HostEvent::Stderr { line, .. } = ev else {
                    panic!("{ev:?}")
                };
                pids.push(line.trim().parse::<i32>().expect("a pid"));
            }
        }
        assert_eq!(pids.len(), 2);
        assert!(pids.iter().all(|p| alive(*p)), "children not started");
        host.shutdown(Duration::from_millis(2_000));
        assert_eq!(host.exit_status(0).as_deref(), Some("exit status: 0"));
        host2.shutdown(Duration::from_millis(200));
        assert_eq!(host2.exit_status(0).as_deref(), Some("signal: 9 (SIGKILL)"));
        let t = Instant::now();
        while pids.iter().any(|p| alive(*p)) && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        for p in pids {
            assert!(!alive(p), "process {p} outlived the run");
        }
    }

    #[test]
    fn too_many_nodes_for_the_open_file_limit_is_a_clear_error() {
        let e = ensure_fd_limit(100_000_000).unwrap_err();
        assert!(e.contains("--node-count 100000000 needs about"), "{e}");
        assert!(e.contains("ulimit -n"), "{e}");
    }
}
