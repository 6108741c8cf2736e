//! Reading a node's knobs (whole milliseconds) through a lookup, e.g.
//! `std::env::var`: a bad value is ignored with a warning, never a panic.

use std::ops::RangeInclusive;

/// `name` through `lookup`: `default` when unset; when it is not a whole
/// number in `range`, `default` and a warning in `warnings`.
pub fn read_ms(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
    range: RangeInclusive<u64>,
    warnings: &mut Vec<String>,
) -> u64 {
    let Some(text) = lookup(name) else {
        return default;
    };
    match text.trim().parse::<u64>() {
        Ok(ms) if range.contains(&ms) => ms,
        _ => {
            warnings.push(format!(
                "ignoring {name}={text:?}: expected whole milliseconds from {} to {}; using {default}",
                range.start(),
                range.end()
            ));
            default
        }
    }
}

/// A lookup over fixed pairs, for tests (no process environment touched).
#[cfg(test)]
pub fn fixed<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}
