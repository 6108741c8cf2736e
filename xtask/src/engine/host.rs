//! Node participants. The loop talks to nodes only through `Host`, so the
//! same core can later run in-process node state machines under a virtual
//! clock. `ProcessHost` runs each node as an OS process with three I/O
//! threads: a stdin writer (a node that stops reading blocks only its own
//! writer), and stdout / stderr line readers feeding one channel.

use super::clock::Clock;
use std::io::{BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

/// Something a node did.
#[derive(Debug)]
pub enum HostEvent {
    Stdout { node: usize, line: String },
    Stderr { node: usize, line: String },
}

pub trait Host {
    /// Queue one line for the node's stdin.
    fn deliver(&mut self, node: usize, line: String);
    /// Wait for the next event until `deadline_ns` on `clock` (None = a short poll).
    fn next_event(&mut self, clock: &dyn Clock, deadline_ns: u64) -> Option<HostEvent>;
    /// Stop reading this node's stdout for the rest of the run: jepsen-io/maelstrom
    /// v0.2.3 src/maelstrom/process.clj, `stdout-thread`, whose loop ends when
    /// `parse-msg` or `net/send!` throws.
    fn silence_stdout(&mut self, node: usize);
    /// The node's exit status if it has exited.
    fn exit_status(&mut self, node: usize) -> Option<String>;
    /// Close stdin, wait `grace`, SIGKILL whatever is left. Exit statuses at
    /// shutdown are not failures (Maelstrom kills nodes at teardown: v0.2.3
    /// src/maelstrom/process.clj `stop-node!`).
    fn shutdown(&mut self, grace: Duration);
}

struct Proc {
    child: Child,
    stdin: Option<Sender<String>>,
    silenced: Arc<AtomicBool>,
    /// Dropped with the host; until then a silenced node's stdout pipe stays
    /// open (see the stdout reader thread).
    _stdout_hold: Sender<()>,
}

pub struct ProcessHost {
    procs: Vec<Proc>,
    rx: Receiver<HostEvent>,
}

/// Split a byte stream into lines the way Java's BufferedReader does:
/// `\n`, `\r\n` and `\r` all end a line; a final unterminated line counts at EOF.
fn read_lines(r: impl Read, mut emit: impl FnMut(String) -> bool) {
    let mut r = BufReader::new(r);
    let mut buf = [0u8; 8192];
    let mut line = Vec::new();
    let mut after_cr = false;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            match b {
                b'\n' if after_cr => after_cr = false,
                b'\n' | b'\r' => {
                    after_cr = b == b'\r';
                    if !emit(String::from_utf8_lossy(&line).into_owned()) {
                        return;
                    }
                    line.clear();
                }
                _ => {
                    after_cr = false;
                    line.push(b);
                }
            }
        }
    }
    if !line.is_empty() {
        emit(String::from_utf8_lossy(&line).into_owned());
    }
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
        let (tx, rx) = channel();
        let mut procs = Vec::new();
        for node in 0..nodes {
            let mut child = Command::new(bin)
                .args(args)
                .envs(env.iter().map(|(k, v)| (k, v)))
                .current_dir(std::env::temp_dir())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
            let mut stdin = child.stdin.take().ok_or("no stdin pipe")?;
            let stdout = child.stdout.take().ok_or("no stdout pipe")?;
            let stderr = child.stderr.take().ok_or("no stderr pipe")?;
            let (in_tx, in_rx) = channel::<String>();
            std::thread::spawn(move || {
                for mut line in in_rx {
                    line.push('\n');
                    if stdin
                        .write_all(line.as_bytes())
                        .and_then(|_| stdin.flush())
                        .is_err()
                    {
                        break; // node gone: later deliveries are lost, as in Maelstrom
                    }
                }
            });
            let silenced = Arc::new(AtomicBool::new(false));
            let (otx, flag) = (tx.clone(), silenced.clone());
            let (hold_tx, hold_rx) = channel::<()>();
            std::thread::spawn(move || {
                let mut stdout = stdout;
                read_lines(&mut stdout, |line| {
                    let _ = otx.send(HostEvent::Stdout { node, line });
                    // Maelstrom stops reading a node's stdout after a bad line,
                    // so the node eventually blocks on a full pipe.
                    !flag.load(Ordering::Relaxed)
                });
                // Keep the pipe open but unread until the host goes away:
                // Maelstrom's reader thread stops reading without closing it,
                // so the node lives on (blocking once the pipe is full). Closing
                // it here would kill the node with SIGPIPE / EPIPE, which the
                // crash check would then report as a crash (exit 255).
                let _ = hold_rx.recv();
                drop(stdout);
            });
            let etx = tx.clone();
            std::thread::spawn(move || {
                read_lines(stderr, |line| {
                    etx.send(HostEvent::Stderr { node, line }).is_ok()
                })
            });
            procs.push(Proc {
                child,
                stdin: Some(in_tx),
                silenced,
                _stdout_hold: hold_tx,
            });
        }
        Ok(ProcessHost { procs, rx })
    }
}

impl Host for ProcessHost {
    fn deliver(&mut self, node: usize, line: String) {
        if let Some(tx) = self.procs.get(node).and_then(|p| p.stdin.as_ref()) {
            let _ = tx.send(line);
        }
    }

    fn next_event(&mut self, clock: &dyn Clock, deadline_ns: u64) -> Option<HostEvent> {
        let wait = deadline_ns.saturating_sub(clock.now_ns());
        match self.rx.recv_timeout(Duration::from_nanos(wait)) {
            Ok(ev) => Some(ev),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    fn silence_stdout(&mut self, node: usize) {
        if let Some(p) = self.procs.get(node) {
            p.silenced.store(true, Ordering::Relaxed);
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
        for p in &mut self.procs {
            p.stdin = None; // the writer thread ends and closes stdin
        }
        let until = std::time::Instant::now() + grace;
        while std::time::Instant::now() < until {
            if self
                .procs
                .iter_mut()
                .all(|p| matches!(p.child.try_wait(), Ok(Some(_))))
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        for p in &mut self.procs {
            if !matches!(p.child.try_wait(), Ok(Some(_))) {
                let _ = p.child.kill(); // SIGKILL
                let _ = p.child.wait();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_like_java() {
        let mut out = Vec::new();
        read_lines(&b"a\nb\r\nc\rd\n\ne"[..], |l| {
            out.push(l);
            true
        });
        assert_eq!(out, ["a", "b", "c", "d", "", "e"]);
    }
}
