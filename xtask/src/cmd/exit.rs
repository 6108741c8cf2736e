//! The exit status of every command, with Maelstrom's meanings
//! (/work/shared/maelstrom/results.md; jepsen 0.3.1 `jepsen.cli`): 0 valid,
//! 1 invalid, 2 unknown, 254 bad usage or unreadable input, 255 a crash.
//! Other values pass through unchanged (a real Maelstrom's own status).

/// A process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitCode(pub i32);

impl ExitCode {
    /// Valid, or the command did what it was asked.
    pub const OK: ExitCode = ExitCode(0);
    /// Invalid, or the command ran and failed (a failing row, a bench error).
    pub const INVALID: ExitCode = ExitCode(1);
    /// The checker could not tell.
    pub const UNKNOWN: ExitCode = ExitCode(2);
    /// Bad usage or unreadable input: nothing ran.
    pub const USAGE: ExitCode = ExitCode(254);
    /// The run or the bench itself broke.
    pub const CRASH: ExitCode = ExitCode(255);

    /// OK when `ok`, else INVALID.
    pub fn ok_if(ok: bool) -> ExitCode {
        if ok {
            ExitCode::OK
        } else {
            ExitCode::INVALID
        }
    }
}

/// The engine and the checkers return the status as an `i32`.
impl From<i32> for ExitCode {
    fn from(code: i32) -> ExitCode {
        ExitCode(code)
    }
}

impl From<ExitCode> for i32 {
    fn from(code: ExitCode) -> i32 {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::ExitCode;

    #[test]
    fn maelstroms_statuses() {
        let codes = [
            ExitCode::OK,
            ExitCode::INVALID,
            ExitCode::UNKNOWN,
            ExitCode::USAGE,
            ExitCode::CRASH,
        ];
        assert_eq!(codes.map(i32::from), [0, 1, 2, 254, 255]);
        assert_eq!(
            ExitCode::from(3),
            ExitCode(3),
            "a real Maelstrom's status passes through"
        );
        assert_eq!(ExitCode::ok_if(false), ExitCode::INVALID);
    }
}
