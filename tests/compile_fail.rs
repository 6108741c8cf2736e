//! A malformed `messages!` spec is a compile error that points at the spot.

#[test]
fn malformed_specs_are_rejected_with_a_pointed_message() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
