//! `cargo xtask pictures RUN_DIR`: (re)draw a broadcast or g-set run's pictures.

use super::ExitCode;
use std::path::Path;

pub fn command(args: &[String]) -> ExitCode {
    let [dir] = args else {
        return super::usage("pictures takes one run directory, e.g. store/latest");
    };
    match crate::report::broadcast::write_broadcast_pictures(Path::new(dir)) {
        Ok(names) if names.is_empty() => {
            eprintln!("{dir}: not a broadcast or g-set run; nothing drawn");
            ExitCode::INVALID
        }
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
