//! The store directory: store/<workload>/<timestamp>/ with relative symlinks
//! store/current, store/latest and store/<workload>/latest (jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/store.clj, `path`, `update-symlink!`).

use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub struct Store {
    root: PathBuf,
    workload: String,
    stamp: String,
    pub dir: PathBuf,
}

/// Joda basic date-time in UTC, e.g. 20260227T103045.123Z.
/// fidelity X5: store timestamps are UTC.
pub fn timestamp(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Point `link` at `target` (relative), replacing whatever was there.
fn relink(target: &Path, link: &Path) -> io::Result<()> {
    let tmp = link.with_extension("tmp-link");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    std::fs::rename(&tmp, link)
}

impl Store {
    pub fn create(root: &Path, workload: &str) -> io::Result<Store> {
        let mut stamp = timestamp(SystemTime::now());
        let mut dir = root.join(workload).join(&stamp);
        // Two runs in the same millisecond (tests): add a suffix.
        let mut k = 1;
        while dir.exists() {
            stamp = format!("{}-{k}", timestamp(SystemTime::now()));
            dir = root.join(workload).join(&stamp);
            k += 1;
        }
        std::fs::create_dir_all(dir.join("node-logs"))?;
        let s = Store {
            root: root.to_path_buf(),
            workload: workload.to_string(),
            stamp,
            dir,
        };
        relink(
            &Path::new(&s.workload).join(&s.stamp),
            &s.root.join("current"),
        )?;
        Ok(s)
    }

    pub fn write(&self, name: &str, contents: &str) -> io::Result<()> {
        std::fs::write(self.dir.join(name), contents)
    }

    /// Writes `name` through a buffer as `f` produces it (no whole-file string).
    pub fn write_with<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn io::Write) -> io::Result<T>,
    ) -> io::Result<T> {
        let mut w = io::BufWriter::new(std::fs::File::create(self.dir.join(name))?);
        let out = f(&mut w)?;
        io::Write::flush(&mut w)?;
        Ok(out)
    }

    /// Update store/latest and store/<workload>/latest.
    pub fn mark_latest(&self) -> io::Result<()> {
        relink(
            &Path::new(&self.workload).join(&self.stamp),
            &self.root.join("latest"),
        )?;
        relink(
            Path::new(&self.stamp),
            &self.root.join(&self.workload).join("latest"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_basic_utc() {
        assert_eq!(timestamp(UNIX_EPOCH), "19700101T000000.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_772_188_245_123);
        assert_eq!(timestamp(t), "20260227T103045.123Z");
    }
}
