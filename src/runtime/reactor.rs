//! The mio reactor: one thread, non-blocking stdin and stdout, the timer
//! wheel's next deadline as the poll timeout.
//!
//! Each loop turn reads at most `READ_BUDGET` bytes of stdin, handles every
//! complete line, fires due timers, and then writes what the node produced
//! (continuing when stdout is writable again if the pipe is full: output is
//! never lost or reordered). The budget lets replies leave while input keeps
//! arriving: a pipelined burst gets its first reply after one chunk, not after
//! the whole burst was read. While the unwritten backlog is over
//! `OUT_HIGH_WATER`, stdin is not read at all (the writer of stdin then
//! blocks, not this process's memory). EOF on stdin: handle a last
//! unterminated line, flush, exit 0.

use super::driver::{Driver, Setup};
use super::framing::{LineFramer, TooLong, MAX_LINE_BYTES};
use super::node::Node;
use super::outbuf::OutBuf;
use mio::unix::pipe::{Receiver, Sender};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use std::io::{self, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::time::{Duration, Instant};

const STDIN: Token = Token(0);
const STDOUT: Token = Token(1);
const READ_CHUNK: usize = 64 * 1024;
/// Most input read in one loop turn: about 200 echo requests, so the first
/// replies of a burst leave within a fraction of a millisecond, while the
/// cost of a turn (a poll, a read, a write) stays well under 1 % of the
/// work it carries.
const READ_BUDGET: usize = 16 * 1024;
/// Stop reading input while this much output waits for stdout.
const OUT_HIGH_WATER: usize = 16 << 20;
const STDIN_FD: i32 = 0;
const STDOUT_FD: i32 = 1;

/// Runs node `N` on stdin/stdout until stdin closes. Returns the process exit code.
pub fn run<N: Node>() -> i32 {
    match Reactor::<N>::new().and_then(|mut r| r.run()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("fatal I/O error: {e}");
            1
        }
    }
}

struct Reactor<N: Node> {
    poll: Poll,
    // fds 0 and 1 belong to the process; never close them.
    stdin: ManuallyDrop<Receiver>,
    stdout: ManuallyDrop<Sender>,
    /// Whether stdin/stdout are registered with epoll (pipes and sockets are;
    /// regular files cannot be, and then plain blocking I/O is used).
    stdin_polled: bool,
    stdout_polled: bool,
    framer: LineFramer,
    driver: Driver<N>,
    /// Bytes produced but not yet accepted by stdout.
    pending_out: OutBuf,
    /// The last turn stopped reading before stdin ran dry (budget or
    /// backlog): poll without waiting, since epoll is edge-triggered and will
    /// not report the input already waiting.
    input_waiting: bool,
    start: Instant,
}

impl<N: Node> Reactor<N> {
    fn new() -> io::Result<Self> {
        let poll = Poll::new()?;
        // SAFETY: fds 0 and 1 are open for the life of the process; the
        // wrappers are never dropped, so they never close them.
        let stdin = ManuallyDrop::new(unsafe { Receiver::from_raw_fd(STDIN_FD) });
        let stdout = ManuallyDrop::new(unsafe { Sender::from_raw_fd(STDOUT_FD) });
        let stdin_polled = poll
            .registry()
            .register(&mut SourceFd(&STDIN_FD), STDIN, Interest::READABLE)
            .is_ok()
            && stdin.set_nonblocking(true).is_ok();
        let stdout_polled = stdout.set_nonblocking(true).is_ok();
        Ok(Reactor {
            poll,
            stdin,
            stdout,
            stdin_polled,
            stdout_polled,
            framer: LineFramer::new(),
            driver: Driver::with_setup(
                0,
                Setup {
                    // fastrand's global generator is seeded from the OS per process.
                    incarnation: fastrand::u64(..),
                    rng_salt: 0,
                    // vars_os: `vars` panics on a variable that is not UTF-8.
                    env: std::env::vars_os()
                        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                        .collect(),
                },
            ),
            pending_out: OutBuf::with_capacity(64 * 1024),
            input_waiting: false,
            start: Instant::now(),
        })
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(16);
        let mut out_registered = false;
        loop {
            let can_read = self.pending_out.len() < OUT_HIGH_WATER;
            let timeout = if self.input_waiting && can_read {
                Some(Duration::ZERO)
            } else {
                self.driver
                    .next_deadline()
                    .map(|d| Duration::from_millis(d.saturating_sub(self.now())))
            };
            if self.stdin_polled || out_registered {
                match self.poll.poll(&mut events, timeout) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            let eof = if can_read || !out_registered {
                self.read_input()?
            } else {
                self.input_waiting = true;
                false
            };
            let now = self.now();
            self.driver.tick(now);
            self.flush_log();
            self.take_output();
            if eof {
                self.write_all_blocking()?;
                let _ = self.stdout.set_nonblocking(false);
                return Ok(());
            }
            let blocked = self.write_some()?;
            if blocked != out_registered {
                let mut src = SourceFd(&STDOUT_FD);
                if blocked {
                    out_registered = self
                        .poll
                        .registry()
                        .register(&mut src, STDOUT, Interest::WRITABLE)
                        .is_ok();
                    if !out_registered {
                        self.write_all_blocking()?;
                    }
                } else {
                    self.poll.registry().deregister(&mut src)?;
                    out_registered = false;
                }
            }
        }
    }

    /// Reads up to `READ_BUDGET` bytes of input and handles every complete
    /// line. Returns true at EOF.
    fn read_input(&mut self) -> io::Result<bool> {
        let mut budget = READ_BUDGET;
        self.input_waiting = false;
        loop {
            if budget == 0 {
                self.input_waiting = true;
                return Ok(false);
            }
            let want = READ_CHUNK.min(budget);
            // `spare` may hand out more room than asked: read only `want`.
            let spare = &mut self.framer.spare(want)[..want];
            let n = match (&*self.stdin).read(spare) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.framer.commit(0);
                    return Ok(false);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                    self.framer.commit(0);
                    continue;
                }
                Err(e) => return Err(e),
            };
            self.framer.commit(n);
            budget = budget.saturating_sub(n);
            let now = self.now();
            while let Some(line) = self.framer.next_line() {
                handle(&mut self.driver, line, now);
            }
            if n == 0 {
                if let Some(line) = self.framer.finish() {
                    handle(&mut self.driver, line, now);
                }
                return Ok(true);
            }
            if !self.stdin_polled {
                // Blocking input: hand back to the loop after each read so timers run.
                return Ok(false);
            }
        }
    }

    /// Moves what the node produced this turn behind anything still pending.
    fn take_output(&mut self) {
        self.pending_out.take_from(self.driver.output());
    }

    /// Writes what stdout takes. Returns true if stdout is full.
    fn write_some(&mut self) -> io::Result<bool> {
        let blocked = self.pending_out.write_to(&*self.stdout)?;
        Ok(blocked && self.stdout_polled)
    }

    fn write_all_blocking(&mut self) -> io::Result<()> {
        let _ = self.stdout.set_nonblocking(false);
        (&*self.stdout).write_all(self.pending_out.pending())?;
        let n = self.pending_out.len();
        self.pending_out.consume(n);
        if self.stdout_polled {
            let _ = self.stdout.set_nonblocking(true);
        }
        Ok(())
    }

    fn flush_log(&mut self) {
        let lines = self.driver.take_log();
        if !lines.is_empty() {
            let mut err = io::stderr().lock();
            for l in lines {
                let _ = writeln!(err, "{l}");
            }
        }
    }
}

/// Hands a line to the node, or reports one skipped for its length.
fn handle<N: Node>(driver: &mut Driver<N>, line: Result<&[u8], TooLong>, now: u64) {
    match line {
        Ok(line) => driver.handle_line(line, now),
        Err(TooLong { len }) => driver.log(format!(
            "skipping an input line of {len} bytes: lines are capped at {MAX_LINE_BYTES} bytes"
        )),
    }
}
