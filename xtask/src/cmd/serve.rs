//! `cargo xtask serve [--port PORT]`: browse ./store over HTTP.

use super::ExitCode;

pub fn command(args: &[String]) -> ExitCode {
    let mut port = 8080u16;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next().map(|p| p.parse::<u16>())) {
            ("--port" | "-p", Some(Ok(p))) => port = p,
            _ => return super::usage("serve takes --port PORT"),
        }
    }
    match crate::serve::serve(std::path::Path::new("store"), port) {
        Ok(()) => ExitCode::OK,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::INVALID
        }
    }
}
