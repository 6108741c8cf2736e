//! `cargo xtask pictures RUN_DIR`: redraw a run's pictures from its files:
//! the broadcast and g-set pictures (propagation, lag, link load, message
//! types) and the pictures of why it came to its verdict (`report::why`,
//! with `why.json`), as `cmd/run.rs` draws them after a run. The workload
//! comes from run.json's `-w`, the results map from results.json; both are
//! read only if they are regular files under a cap.

use super::ExitCode;
use crate::report::why::{write_why_pictures, RunView, MANIFEST};
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// Largest run.json read: the options of a run, a few hundred bytes.
const MAX_RUN_JSON: u64 = 1 << 20;
/// Largest results.json read (a set-full run's lost elements can be many).
const MAX_RESULTS: u64 = 256 << 20;

pub fn command(args: &[String]) -> ExitCode {
    let [dir] = args else {
        return super::usage("pictures takes one run directory, e.g. store/latest");
    };
    match redraw(Path::new(dir)) {
        Ok(names) => {
            for name in names {
                println!("{}", Path::new(dir).join(name).display());
            }
            ExitCode::OK
        }
        Err(e) => {
            eprintln!("{dir}: {e}");
            ExitCode::INVALID
        }
    }
}

/// The whole of the regular file `path`, if it holds at most `cap` bytes.
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let file = crate::history::source::open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > cap {
        return Err(format!("{} is larger than {cap} bytes", path.display()));
    }
    Ok(bytes)
}

fn read_json(path: &Path, cap: u64) -> Result<Value, String> {
    let bytes = read_capped(path, cap)?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// `-w` / `--workload` among run.json's `args`.
fn workload(run: &Value) -> Option<String> {
    let args: Vec<&str> = run
        .get("args")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    args.windows(2)
        .find(|w| matches!(w[0], "--workload" | "-w"))
        .map(|w| w[1].to_string())
}

/// Redraws every picture of the run in `dir`; the files written, relative
/// to `dir`.
fn redraw(dir: &Path) -> Result<Vec<String>, String> {
    if !dir.is_dir() {
        return Err("not a run directory".into());
    }
    let run = read_json(&dir.join("run.json"), MAX_RUN_JSON)?;
    let workload = workload(&run).ok_or("run.json names no workload (-w)")?;
    let results = read_json(&dir.join("results.json"), MAX_RESULTS)?;
    let mut written = crate::report::broadcast::write_broadcast_pictures(dir)
        .map_err(|e| format!("cannot draw the broadcast pictures: {e}"))?;
    let view = RunView {
        dir,
        workload: &workload,
        results: &results,
    };
    written.extend(write_why_pictures(&view).into_iter().map(|p| p.file));
    written.push(MANIFEST.to_string());
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_run_directories_are_one_line_errors() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let err = |d: &Path| redraw(d).unwrap_err();
        assert!(err(&dir.join("none")).contains("not a run directory"));
        assert!(err(dir).contains("run.json"), "{}", err(dir));
        std::fs::write(
            dir.join("run.json"),
            "{\"args\": [\"--time-limit\", \"1\"]}",
        )
        .unwrap();
        assert!(err(dir).contains("no workload"));
        std::fs::write(dir.join("run.json"), "{\"args\": [\"-w\", \"echo\"]}").unwrap();
        assert!(err(dir).contains("results.json"));
        std::fs::write(dir.join("results.json"), "[").unwrap();
        assert!(err(dir).contains("not JSON"));
        std::fs::write(dir.join("results.json"), "{\"valid?\": false}").unwrap();
        // An echo run: nothing to draw but the (empty) manifest.
        assert_eq!(redraw(dir).unwrap(), [MANIFEST]);
        assert_eq!(std::fs::read_to_string(dir.join(MANIFEST)).unwrap(), "[]");
        std::fs::remove_file(dir.join("results.json")).unwrap();
        let fifo = std::ffi::CString::new(dir.join("results.json").to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        assert!(err(dir).contains("not a regular file"), "{}", err(dir));
    }

    #[test]
    fn the_cap_is_enforced() {
        let root = tempfile::tempdir().unwrap();
        let f = root.path().join("f");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_capped(&f, 5).unwrap(), b"12345");
        assert!(read_capped(&f, 4).unwrap_err().contains("larger than 4"));
    }
}
