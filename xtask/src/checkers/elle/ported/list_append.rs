//! elle v0.1.6 test/elle/list_append_test.clj, ported.
