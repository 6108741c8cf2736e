//! Elle 0.1.6's own test suites, ported: one Rust test per Clojure
//! `deftest` (split per `testing` block where that reads better), each
//! citing its source and run with the options the source passes (Elle's
//! defaults otherwise: `:consistency-models [:strict-serializable]`, no
//! `:anomalies`, `:wfr-keys?`, `:sequential-keys?`, `:linearizable-keys?`
//! all off). Counts and disagreements: docs/fidelity.md, "Ported test
//! suites: Elle".

mod histories;
mod list_append;
mod rw_register;
mod support;
