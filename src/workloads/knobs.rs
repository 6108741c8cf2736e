//! Loading a node's knobs from `Ctx::env` (the process environment under the
//! reactor, the run's `--node-env` under the bench): the one helper every
//! workload's configuration goes through.
//!
//! A configuration declares each knob once, as a constant (`Ms`, `OneOf`)
//! holding its variable, its default and the values it accepts, and reads
//! them with a `Knobs` reader. A bad value is ignored with a warning (logged
//! by `load`), never a panic: a typo in a variable must not stop a node.

use crate::runtime::{Ctx, Node};
use std::ops::RangeInclusive;

/// A knob in whole milliseconds (or another whole number) within `range`.
pub struct Ms {
    pub name: &'static str,
    /// Used when the variable is unset or bad.
    pub default: u64,
    pub range: RangeInclusive<u64>,
}

/// A knob naming one of a few choices.
pub struct OneOf<T: 'static> {
    pub name: &'static str,
    /// Used when the variable is unset or bad.
    pub default: T,
    pub choices: &'static [(&'static str, T)],
}

/// Reads knobs through a lookup, collecting a warning for each bad value.
pub struct Knobs<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    warnings: Vec<String>,
}

impl<'a> Knobs<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Knobs {
            lookup,
            warnings: Vec::new(),
        }
    }

    /// `knob`'s value, or its default when unset or bad.
    pub fn ms(&mut self, knob: &Ms) -> u64 {
        self.ms_or(knob, knob.default)
    }

    /// `knob`'s value, or `default` (derived from other knobs) when unset or
    /// bad.
    pub fn ms_or(&mut self, knob: &Ms, default: u64) -> u64 {
        self.parse_ms(knob, default).unwrap_or(default)
    }

    /// `knob`'s value only when it is set and valid: for a configuration in
    /// which an explicit setting overrides a derived one.
    pub fn ms_given(&mut self, knob: &Ms) -> Option<u64> {
        self.parse_ms(knob, knob.default)
    }

    fn parse_ms(&mut self, knob: &Ms, default: u64) -> Option<u64> {
        let text = (self.lookup)(knob.name)?;
        match text.trim().parse::<u64>() {
            Ok(ms) if knob.range.contains(&ms) => Some(ms),
            _ => {
                self.warn(format!(
                    "ignoring {}={text:?}: expected whole milliseconds from {} to {}; using {default}",
                    knob.name,
                    knob.range.start(),
                    knob.range.end()
                ));
                None
            }
        }
    }

    /// `knob`'s choice, or its default when unset or bad.
    pub fn one_of<T: Copy + PartialEq>(&mut self, knob: &OneOf<T>) -> T {
        let Some(text) = (self.lookup)(knob.name) else {
            return knob.default;
        };
        let text = text.trim();
        if let Some((_, value)) = knob.choices.iter().find(|(name, _)| *name == text) {
            return *value;
        }
        let names: Vec<&str> = knob.choices.iter().map(|(name, _)| *name).collect();
        let default = knob
            .choices
            .iter()
            .find(|(_, value)| *value == knob.default)
            .map_or("the default", |(name, _)| name);
        self.warn(format!(
            "ignoring {}={text:?}: expected {}; using {default}",
            knob.name,
            names.join(" or ")
        ));
        knob.default
    }

    /// A warning about a valid but unwise setting.
    pub fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// The warnings so far.
    pub fn into_warnings(self) -> Vec<String> {
        self.warnings
    }
}

/// Reads a configuration with `read` from the node's `Ctx::env`, and logs
/// every warning. The one way a node loads its knobs.
pub fn load<N: Node, C>(ctx: &mut Ctx<'_, N>, read: impl FnOnce(&mut Knobs<'_>) -> C) -> C {
    let (config, warnings) = {
        let env = |name: &str| ctx.env(name).map(String::from);
        let mut knobs = Knobs::new(&env);
        let config = read(&mut knobs);
        (config, knobs.into_warnings())
    };
    for w in warnings {
        ctx.log(w);
    }
    config
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

/// Reads with `read` through `fixed(vars)`: the value and the warnings.
#[cfg(test)]
pub fn read_fixed<T>(
    vars: &[(&str, &str)],
    read: impl FnOnce(&mut Knobs<'_>) -> T,
) -> (T, Vec<String>) {
    let lookup = fixed(vars);
    let mut knobs = Knobs::new(&lookup);
    let value = read(&mut knobs);
    (value, knobs.into_warnings())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Ms = Ms {
        name: "WINDOW_MS",
        default: 300,
        range: 1..=600_000,
    };

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Color {
        Red,
        Blue,
    }

    const COLOR: OneOf<Color> = OneOf {
        name: "COLOR",
        default: Color::Red,
        choices: &[("red", Color::Red), ("blue", Color::Blue)],
    };

    use super::read_fixed as read;

    #[test]
    fn an_unset_knob_takes_its_default_silently() {
        assert_eq!(read(&[], |k| k.ms(&WINDOW)), (300, vec![]));
        assert_eq!(read(&[], |k| k.ms_or(&WINDOW, 7)), (7, vec![]));
        assert_eq!(read(&[], |k| k.ms_given(&WINDOW)), (None, vec![]));
        assert_eq!(read(&[], |k| k.one_of(&COLOR)), (Color::Red, vec![]));
    }

    #[test]
    fn a_valid_value_is_taken_with_surrounding_blanks_trimmed() {
        let vars = [("WINDOW_MS", " 25 "), ("COLOR", "blue")];
        assert_eq!(read(&vars, |k| k.ms(&WINDOW)), (25, vec![]));
        assert_eq!(read(&vars, |k| k.ms_given(&WINDOW)), (Some(25), vec![]));
        assert_eq!(read(&vars, |k| k.one_of(&COLOR)), (Color::Blue, vec![]));
    }

    #[test]
    fn a_bad_value_falls_back_to_the_default_with_a_warning() {
        for bad in ["0", "600001", "-1", "soon", ""] {
            let (v, w) = read(&[("WINDOW_MS", bad)], |k| k.ms(&WINDOW));
            assert_eq!(v, 300, "{bad:?}");
            assert_eq!(
                w,
                [format!(
                    "ignoring WINDOW_MS={bad:?}: expected whole milliseconds from 1 to 600000; using 300"
                )]
            );
            let (v, w) = read(&[("WINDOW_MS", bad)], |k| k.ms_or(&WINDOW, 9));
            assert_eq!((v, w.len()), (9, 1), "{bad:?}");
            assert!(w[0].ends_with("using 9"), "{w:?}");
            let (v, w) = read(&[("WINDOW_MS", bad)], |k| k.ms_given(&WINDOW));
            assert_eq!((v, w.len()), (None, 1), "{bad:?}");
        }
        let (v, w) = read(&[("COLOR", "green")], |k| k.one_of(&COLOR));
        assert_eq!(v, Color::Red);
        assert_eq!(
            w,
            ["ignoring COLOR=\"green\": expected red or blue; using red"]
        );
    }

    /// `load` reads the node's own `Ctx::env` (what the host set up) and
    /// logs each warning: here through g-counter, whose mode is a `OneOf`.
    #[test]
    fn load_reads_the_nodes_env_and_logs_every_warning() {
        use crate::runtime::{Driver, Setup};
        use crate::workloads::g_counter::{GCounterNode, Mode};
        let start = |mode: &str| {
            let env = [("G_COUNTER_MODE".to_string(), mode.to_string())].into();
            let mut d = Driver::<GCounterNode>::with_setup(
                0,
                Setup {
                    env,
                    ..Setup::default()
                },
            );
            let init = r#"{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#;
            d.handle_line(init.as_bytes(), 0);
            let mode = d.node().map(GCounterNode::mode);
            (mode, d.take_log())
        };
        let (mode, log) = start("crdt");
        assert_eq!(mode, Some(Mode::Crdt));
        assert!(!log.iter().any(|l| l.contains("ignoring")), "{log:?}");
        let (mode, log) = start("fast");
        assert_eq!(mode, Some(Mode::SeqKv));
        assert!(
            log.iter().any(|l| l.contains(
                "ignoring G_COUNTER_MODE=\"fast\": expected seq-kv or crdt; using seq-kv"
            )),
            "{log:?}"
        );
    }
}
