//! Maelstrom's error codes (jepsen-io/maelstrom v0.2.3 resources/errors.edn) and the RPC error type.

use std::fmt;

macro_rules! error_codes {
    ($($code:literal $name:ident $definite:literal $doc:literal;)*) => {
        paste::paste! {
            /// A Maelstrom error code. Codes outside the table are kept in `Other`
            /// and, like Maelstrom, treated as indefinite.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum ErrorCode {
                $(#[doc = $doc] [<$name:camel>],)*
                /// A code not in Maelstrom's table (user codes are >= 1000).
                Other(u32),
            }

            impl ErrorCode {
                /// The numeric code sent on the wire.
                pub fn code(self) -> u32 {
                    match self {
                        $(ErrorCode::[<$name:camel>] => $code,)*
                        ErrorCode::Other(c) => c,
                    }
                }

                /// The code for a number received on the wire.
                pub fn from_code(code: u32) -> Self {
                    match code {
                        $($code => ErrorCode::[<$name:camel>],)*
                        other => ErrorCode::Other(other),
                    }
                }

                /// Maelstrom's name for the code (`unknown` outside the table).
                pub fn name(self) -> &'static str {
                    match self {
                        $(ErrorCode::[<$name:camel>] => stringify!($name),)*
                        ErrorCode::Other(_) => "unknown",
                    }
                }

                /// Definite errors mean the operation certainly did not happen.
                pub fn is_definite(self) -> bool {
                    match self {
                        $(ErrorCode::[<$name:camel>] => $definite,)*
                        ErrorCode::Other(_) => false,
                    }
                }
            }
        }
    };
}

error_codes! {
    0 timeout false "The operation could not complete within a timeout.";
    1 node_not_found true "The request was addressed to a node that does not exist.";
    10 not_supported true "The operation is not supported.";
    11 temporarily_unavailable true "The operation cannot be performed right now.";
    12 malformed_request true "The request could not be understood.";
    13 crash false "A generic indefinite failure.";
    14 abort true "A generic definite failure.";
    20 key_does_not_exist true "The key does not exist.";
    21 key_already_exists true "The key already exists.";
    22 precondition_failed true "A precondition (such as a CAS `from`) did not hold.";
    30 txn_conflict true "The transaction was aborted because of a conflict.";
}

/// Why an RPC did not succeed: an error body from the peer, or our own timeout
/// (reported as code 0, `timeout`, which is indefinite).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcError {
    pub code: ErrorCode,
    pub text: String,
}

impl RpcError {
    pub fn new(code: ErrorCode, text: impl Into<String>) -> Self {
        RpcError {
            code,
            text: text.into(),
        }
    }

    pub fn timeout() -> Self {
        RpcError::new(ErrorCode::Timeout, "rpc timed out")
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error {} ({}): {}",
            self.code.code(),
            self.code.name(),
            self.text
        )
    }
}

impl std::error::Error for RpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_definiteness_matches_maelstrom() {
        for (code, name, definite) in [
            (0, "timeout", false),
            (1, "node_not_found", true),
            (10, "not_supported", true),
            (11, "temporarily_unavailable", true),
            (12, "malformed_request", true),
            (13, "crash", false),
            (14, "abort", true),
            (20, "key_does_not_exist", true),
            (21, "key_already_exists", true),
            (22, "precondition_failed", true),
            (30, "txn_conflict", true),
        ] {
            let e = ErrorCode::from_code(code);
            assert_eq!(e.code(), code);
            assert_eq!(e.name(), name);
            assert_eq!(e.is_definite(), definite, "{name}");
        }
        assert_eq!(ErrorCode::from_code(1000), ErrorCode::Other(1000));
        assert!(!ErrorCode::Other(1000).is_definite());
        assert_eq!(ErrorCode::Other(1000).name(), "unknown");
    }
}
