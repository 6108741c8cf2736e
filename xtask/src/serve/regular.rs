//! Opening and reading files of the store without trusting what they are:
//! only regular files are read, the open never blocks (a FIFO's `open()`
//! waits for a writer forever), and a read is capped in bytes.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why a file of the store was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Unread {
    /// Nothing at that path.
    Missing,
    /// A FIFO, socket, device or directory.
    NotRegular,
    /// Longer than the cap; the length seen.
    TooLarge(u64),
    /// The open or the read failed.
    Failed(String),
}

/// Opens `path` if it is a regular file, and returns it with its metadata.
/// `O_NONBLOCK` makes the open of a FIFO return at once instead of waiting
/// for a writer (`O_NOCTTY`: a terminal opened by mistake does not become
/// ours); the type is then checked on the opened descriptor, so a file
/// swapped in between a check and the open cannot slip through.
/// (`O_NONBLOCK` does nothing to reads of a regular file.)
pub fn open(path: &Path) -> Result<(File, Metadata), Unread> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Unread::Missing,
            _ => Unread::Failed(e.to_string()),
        })?;
    let meta = file.metadata().map_err(|e| Unread::Failed(e.to_string()))?;
    if !meta.is_file() {
        return Err(Unread::NotRegular);
    }
    Ok((file, meta))
}

/// The whole of `file`, of length `len` when opened, if it holds at most
/// `cap` bytes. A file that grows past `cap` while it is read is refused.
pub fn read_opened(file: File, len: u64, cap: u64) -> Result<Vec<u8>, Unread> {
    if len > cap {
        return Err(Unread::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unread::Failed(e.to_string()))?;
    if bytes.len() as u64 > cap {
        return Err(Unread::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::tests::mkfifo;

    /// The whole of the regular file at `path`, if within `cap`.
    fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, Unread> {
        let (file, meta) = open(path)?;
        read_opened(file, meta.len(), cap)
    }

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(read_capped(&file, 5), Ok(b"12345".to_vec()));
        assert_eq!(read_capped(&file, 4), Err(Unread::TooLarge(5)));
        assert_eq!(
            read_capped(&dir.path().join("none"), 5),
            Err(Unread::Missing)
        );
        assert_eq!(read_capped(dir.path(), 5), Err(Unread::NotRegular));
        // Without O_NONBLOCK this open would wait for a writer forever.
        let fifo = dir.path().join("fifo");
        mkfifo(&fifo);
        assert_eq!(read_capped(&fifo, 5), Err(Unread::NotRegular));
        // A file that grew after it was opened: no more than the cap.
        let (opened, _) = open(&file).unwrap();
        assert_eq!(read_opened(opened, 3, 4), Err(Unread::TooLarge(5)));
    }
}
