//! The mio reactor: one thread, non-blocking stdin and stdout, the timer
//! wheel's next deadline as the poll timeout.
//!
//! Each loop turn reads everything stdin has, handles every complete line,
//! fires due timers, and then writes everything the node produced in that
//! turn with a single `write` (continuing when stdout is writable again if
//! the pipe is full: output is never lost or reordered). EOF on stdin:
//! handle a last unterminated line, flush, exit 0.

use super::driver::{Driver, Setup};
use super::framing::LineFramer;
use super::node::Node;
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
    pending_out: Vec<u8>,
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
            pending_out: Vec::with_capacity(64 * 1024),
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
            let timeout = self
                .driver
                .next_deadline()
                .map(|d| Duration::from_millis(d.saturating_sub(self.now())));
            if self.stdin_polled || out_registered {
                match self.poll.poll(&mut events, timeout) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            }
            let eof = self.read_input()?;
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

    /// Reads all available input and handles every complete line. Returns true at EOF.
    fn read_input(&mut self) -> io::Result<bool> {
        loop {
            let spare = self.framer.spare(READ_CHUNK);
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
            let now = self.now();
            while let Some(line) = self.framer.next_line() {
                self.driver.handle_line(line, now);
            }
            if n == 0 {
                if let Some(line) = self.framer.finish() {
                    self.driver.handle_line(line, now);
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
    /// Usually nothing is pending, and the buffers are swapped instead of copied.
    fn take_output(&mut self) {
        let produced = self.driver.output();
        if self.pending_out.is_empty() {
            std::mem::swap(&mut self.pending_out, produced);
        } else {
            self.pending_out.extend_from_slice(produced);
            produced.clear();
        }
    }

    /// One write of everything pending. Returns true if stdout is full.
    fn write_some(&mut self) -> io::Result<bool> {
        while !self.pending_out.is_empty() {
            match (&*self.stdout).write(&self.pending_out) {
                Ok(n) => {
                    self.pending_out.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(self.stdout_polled),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    fn write_all_blocking(&mut self) -> io::Result<()> {
        let _ = self.stdout.set_nonblocking(false);
        (&*self.stdout).write_all(&self.pending_out)?;
        self.pending_out.clear();
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
