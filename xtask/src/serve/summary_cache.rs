//! What the index has read: the verdict and figures of each summary or
//! results file, so that a file is parsed once, not on every `GET /`, as
//! jepsen/src/jepsen/web.clj (v0.3.1) keeps `test-cache`, "an in-memory
//! cache of {:name, :start-time, :valid?} maps". web.clj trusts an entry
//! forever except for the two newest runs (`test-cache-mutable-window`);
//! here an entry holds while the file is the same inode with the same
//! length and modification time (which ticks every few milliseconds: a
//! rewrite to the same length within one tick of a read goes unseen).

use super::results::Results;
use std::collections::HashMap;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Entries kept; past this the cache starts over (a store of 100 000 runs
/// costs one parse per run once more).
const MAX_ENTRIES: usize = 100_000;

static CACHE: Mutex<Option<HashMap<PathBuf, (Stamp, Results)>>> = Mutex::new(None);

/// Which version of a file an entry was read from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
}

impl Stamp {
    pub fn of(meta: &Metadata) -> Stamp {
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        }
    }
}

/// What was read of `path` when it had `stamp`, if it still has.
pub fn get(path: &Path, stamp: Stamp) -> Option<Results> {
    let cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    match cache.as_ref()?.get(path) {
        Some((seen, results)) if *seen == stamp => Some(results.clone()),
        _ => None,
    }
}

pub fn put(path: &Path, stamp: Stamp, results: &Results) {
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let map = cache.get_or_insert_with(HashMap::new);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(path.to_path_buf(), (stamp, results.clone()));
}
