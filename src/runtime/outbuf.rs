//! The reactor's output backlog: bytes the node produced that stdout has not
//! taken yet, written from a cursor.
//!
//! A partial write only moves the cursor. Bytes are moved only when new
//! output is appended while a backlog remains, and then only if the consumed
//! prefix is at least as long as what is left, so every byte is moved at most
//! once per time it is consumed: draining a backlog of any size costs time
//! linear in it (`Vec::drain(..n)` after each partial write was quadratic).

use std::io::{self, Write};

#[derive(Default)]
pub(crate) struct OutBuf {
    buf: Vec<u8>,
    /// `buf[..pos]` has been written.
    pos: usize,
    /// Bytes copied or shifted inside the backlog so far (the work the
    /// linear-time claim is about; tests check it).
    moved: u64,
}

impl OutBuf {
    pub fn with_capacity(n: usize) -> Self {
        OutBuf {
            buf: Vec::with_capacity(n),
            ..OutBuf::default()
        }
    }

    /// Bytes not yet written.
    pub fn len(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The unwritten bytes.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Appends what the node produced and leaves `produced` empty. With no
    /// backlog (the usual case) the buffers are swapped, not copied.
    pub fn take_from(&mut self, produced: &mut Vec<u8>) {
        if produced.is_empty() {
            return;
        }
        if self.is_empty() {
            self.buf.clear();
            self.pos = 0;
            std::mem::swap(&mut self.buf, produced);
            return;
        }
        if self.pos >= self.len() {
            // Compact: the moved tail is shorter than the consumed prefix.
            self.moved += self.len() as u64;
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.moved += produced.len() as u64;
        self.buf.extend_from_slice(produced);
        produced.clear();
    }

    /// Marks `n` more bytes as written.
    pub fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// Writes as much as `w` takes without blocking. Returns Ok(true) if it
    /// stopped because `w` would block, Ok(false) when the backlog is empty.
    pub fn write_to(&mut self, mut w: impl Write) -> io::Result<bool> {
        while !self.is_empty() {
            match w.write(self.pending()) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.consume(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }

    /// Bytes moved inside the backlog so far.
    #[cfg(test)]
    pub fn moved(&self) -> u64 {
        self.moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe that takes at most `chunk` bytes per write and every other
    /// write would block, counting what it took.
    struct SlowPipe {
        chunk: usize,
        taken: u64,
        calls: u64,
    }

    impl Write for SlowPipe {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls & 1 == 0 {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = b.len().min(self.chunk);
            self.taken += n as u64;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_200_mib_reply_drains_with_no_bytes_moved() {
        const SIZE: usize = 200 << 20;
        let mut out = OutBuf::default();
        let mut reply = vec![b'x'; SIZE];
        out.take_from(&mut reply);
        let mut pipe = SlowPipe {
            chunk: 64 << 10,
            taken: 0,
            calls: 0,
        };
        while out.write_to(&mut pipe).unwrap() {}
        assert_eq!(pipe.taken, SIZE as u64);
        // drain(..n) after each 64 KiB write would have shifted
        // sum(SIZE - k * 64 KiB) = ~320 TB; the cursor shifts nothing.
        assert_eq!(out.moved(), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn output_appended_to_a_backlog_is_moved_a_bounded_number_of_times() {
        // 64 MiB produced in 1 MiB pieces while the pipe takes 64 KiB at a
        // time: the work is linear in what was produced.
        const PIECE: usize = 1 << 20;
        let mut out = OutBuf::default();
        let mut pipe = SlowPipe {
            chunk: 64 << 10,
            taken: 0,
            calls: 0,
        };
        let mut produced_total = 0u64;
        for i in 0..64u8 {
            let mut piece = vec![i; PIECE];
            produced_total += PIECE as u64;
            out.take_from(&mut piece);
            assert!(piece.is_empty());
            out.write_to(&mut pipe).unwrap();
        }
        while out.write_to(&mut pipe).unwrap() {}
        assert_eq!(pipe.taken, produced_total);
        assert!(
            out.moved() <= 2 * produced_total,
            "moved {} bytes for {} produced",
            out.moved(),
            produced_total
        );
    }

    #[test]
    fn bytes_come_out_in_order() {
        let mut out = OutBuf::default();
        let mut sink = Vec::new();
        struct Two<'a>(&'a mut Vec<u8>);
        impl Write for Two<'_> {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                let n = b.len().min(2);
                self.0.extend_from_slice(&b[..n]);
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        out.take_from(&mut b"abcde".to_vec());
        out.consume(3);
        out.take_from(&mut b"fgh".to_vec());
        out.take_from(&mut b"ij".to_vec());
        assert!(!out.write_to(Two(&mut sink)).unwrap());
        assert_eq!(sink, b"defghij");
    }
}
