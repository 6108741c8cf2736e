//! `maelstrom test` command-line parsing with Maelstrom v0.2.3's flags,
//! defaults and validation (jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj,
//! `opt-spec` and `test-opt-spec`, through jepsen 0.3.1 `jepsen.cli`). Hand-written rather than
//! clap: tools.cli's quirks (repeatable `-n` replacing the default list, the
//! `Kn` concurrency form, comma splitting rules) are easier to reproduce
//! exactly by hand than to bend a general parser into.

/// Which engine runs the test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineChoice {
    Auto,
    Embedded,
    Maelstrom,
}

/// A parsed `maelstrom test` command line: the test's options, and how to run it.
#[derive(Clone, Debug)]
pub struct TestArgs {
    pub workload: Option<String>,
    pub bin: String,
    pub opts: TestOpts,
    pub test_count: u64,
    pub seed: Option<u64>,
    pub engine: EngineChoice,
    /// `--sim`: run our own node named by `--bin` in-process, in virtual time.
    pub sim: bool,
    /// `--json`: end the console with the results as JSON, not EDN.
    pub json: bool,
    /// `--node-env KEY=VALUE`: set in every node's environment.
    pub node_env: Vec<(String, String)>,
    /// Positional arguments: the node's argv.
    pub node_args: Vec<String>,
    /// The command line minus our own flags (--seed, --engine, ...), for the real Maelstrom.
    pub maelstrom_args: Vec<String>,
}

/// Why parsing stopped.
#[derive(Debug, PartialEq)]
pub enum CliError {
    /// `--help`: print usage, exit 0.
    Help,
    /// Bad or missing options: print, exit 254.
    Usage(String),
}

use crate::opts::{Availability, LatencyDist, TestOpts};
use crate::workloads::topology::NAMES as TOPOLOGIES;

/// One flag of `maelstrom test`: what the parser accepts, what the usage
/// text says, and the default it shows.
pub struct Flag {
    pub long: &'static str,
    pub short: Option<&'static str>,
    /// The value's name in the usage text; None: the flag takes no value.
    pub value: Option<&'static str>,
    /// Ours, not Maelstrom's: left out of the command line a real Maelstrom gets.
    pub ours: bool,
    /// The default the usage text shows (Maelstrom v0.2.3's, from `opt-spec`
    /// and `test-opt-spec`); `TestOpts::defaults` holds the values, and a
    /// test checks that giving this default changes nothing.
    pub default: Option<&'static str>,
    pub help: &'static str,
}

const fn flag(long: &'static str, value: Option<&'static str>, help: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        value,
        ours: false,
        default: None,
        help,
    }
}

const fn with_default(f: Flag, default: &'static str) -> Flag {
    Flag {
        default: Some(default),
        ..f
    }
}

const fn ours(f: Flag) -> Flag {
    Flag { ours: true, ..f }
}

/// Every flag `maelstrom test` takes, in the usage text's order. The
/// defaults are v0.2.3's: jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj
/// `opt-spec` (e.g. `[nil "--rate RATE" ... :default 5 ...]`, `[nil
/// "--topology SPEC" ... :default :grid ...]`) and jepsen 0.3.1
/// jepsen/src/jepsen/cli.clj `test-opt-spec` (`[nil "--time-limit SECONDS"
/// ... :default 60 ...]`, `[nil "--concurrency NUMBER" ... :default "1n"
/// ...]`, `[nil "--test-count NUMBER" ... :default 1 ...]`). Jepsen's node
/// list default is `-n`'s (`(repeated-opt "-n" "--node HOSTNAME" ...
/// default-nodes)`, replaced by the first `-n`); the table shows it on
/// `--nodes`, whose value it equals. `-w`'s `:default "lin-kv"` is left
/// out: v0.2.3 never parses it, and a run without `-w` crashes (engine).
pub const FLAGS: [Flag; 37] = [
    Flag {
        short: Some("-w"),
        ..flag("--workload", Some("NAME"), "the workload (below)")
    },
    flag("--bin", Some("FILE"), "node executable (required)"),
    flag("--node-count", Some("N"), "nodes n0..n(N-1)"),
    with_default(flag("--nodes", Some("A,B"), "node names"), "n1,n2,n3,n4,n5"),
    Flag {
        short: Some("-n"),
        ..flag("--node", Some("NAME"), "one more node name (repeatable)")
    },
    flag("--nodes-file", Some("FILE"), "node names, one a line"),
    with_default(flag("--time-limit", Some("S"), "main phase seconds"), "60"),
    with_default(flag("--rate", Some("R"), "total ops/s; 0 = no ops"), "5"),
    with_default(
        flag("--concurrency", Some("C"), "worker threads, integer or Kn"),
        "1n",
    ),
    with_default(flag("--latency", Some("MS"), "mean latency"), "0"),
    with_default(
        flag("--latency-dist", Some("D"), "constant|uniform|exponential"),
        "constant",
    ),
    flag("--nemesis", Some("F"), "faults: partition"),
    with_default(
        flag("--nemesis-interval", Some("S"), "seconds between faults"),
        "10",
    ),
    flag("--availability", Some("A"), "total or a fraction in [0,1]"),
    with_default(
        flag(
            "--topology",
            Some("T"),
            "grid|line|tree|tree2|tree3|tree4|total",
        ),
        "grid",
    ),
    with_default(
        flag(
            "--consistency-models",
            Some("M"),
            "models, split on \" , \"",
        ),
        "strict-serializable",
    ),
    flag("--key-count", Some("N"), "keys at once"),
    with_default(
        flag("--max-txn-length", Some("N"), "micro-ops a transaction"),
        "4",
    ),
    with_default(
        flag("--max-writes-per-key", Some("N"), "writes a key"),
        "16",
    ),
    with_default(
        flag("--test-count", Some("N"), "runs, one after another"),
        "1",
    ),
    flag("--log-stderr", None, "show the nodes' stderr"),
    flag("--log-net-send", None, "log messages sent"),
    flag("--log-net-recv", None, "log messages received"),
    ours(flag(
        "--seed",
        Some("N"),
        "fix every random choice of the embedded engine",
    )),
    ours(with_default(
        flag("--engine", Some("E"), "auto|embedded|maelstrom"),
        "auto",
    )),
    ours(flag(
        "--sim",
        None,
        "our node named by --bin's file name, in-process, virtual time",
    )),
    ours(flag(
        "--json",
        None,
        "print the results as JSON (results.json's), not Maelstrom's EDN",
    )),
    ours(flag(
        "--node-env",
        Some("KEY=VALUE"),
        "set in each node's environment (repeatable; both hosts)",
    )),
    ours(with_default(
        flag(
            "--p-loss",
            Some("P"),
            "drop each message with probability P (Maelstrom's net knob)",
        ),
        "0",
    )),
    ours(with_default(
        flag(
            "--backlog-cap",
            Some("MIB"),
            "MiB a node's network queue may hold before sends to it are dropped (twice that in all)",
        ),
        "64",
    )),
    // Accepted and unused, as in Maelstrom (SSH is forced to dummy).
    flag("--leave-db-running", None, "accepted, unused"),
    flag("--logging-json", None, "accepted, unused"),
    flag("--strict-host-key-checking", None, "accepted, unused"),
    flag("--no-ssh", None, "accepted, unused"),
    flag("--username", Some("U"), "accepted, unused"),
    flag("--password", Some("P"), "accepted, unused"),
    flag("--ssh-private-key", Some("FILE"), "accepted, unused"),
];

/// The table's entry for a long name, or a short one (`-w`, `-n`).
fn lookup(name: &str) -> Option<&'static Flag> {
    FLAGS
        .iter()
        .find(|f| f.long == name || f.short == Some(name))
}

/// The usage text of `maelstrom test`, from [`FLAGS`] and the workload table.
pub fn usage_text() -> String {
    let mut out = String::from(
        "Usage: cargo xtask maelstrom test -w WORKLOAD --bin PATH [OPTIONS] [-- NODE-ARGS]\n\nOptions (Maelstrom v0.2.3 defaults; * ours, not Maelstrom's):\n",
    );
    for f in &FLAGS {
        let mut left = match f.short {
            Some(s) => format!("{s}, {}", f.long),
            None => format!("    {}", f.long),
        };
        if let Some(v) = f.value {
            left = format!("{left} {v}");
        }
        let mark = if f.ours { "*" } else { " " };
        let default = f.default.map(|d| format!(" ({d})")).unwrap_or_default();
        out.push_str(&format!("{mark} {left:<30} {}{default}\n", f.help));
    }
    out.push_str(&format!(
        "\nWorkloads: {}",
        crate::workloads::names().join(", ")
    ));
    out
}

fn usage(flag: &str, msg: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("Error while parsing option \"{flag}\": {msg}"))
}

fn positive(flag: &str, v: &str) -> Result<u64, CliError> {
    match v.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(usage(flag, format!("{v:?} must be a positive integer"))),
    }
}

fn non_negative(flag: &str, v: &str) -> Result<u64, CliError> {
    v.trim()
        .parse::<u64>()
        .map_err(|_| usage(flag, format!("{v:?} must be a non-negative integer")))
}

fn number(flag: &str, v: &str) -> Result<f64, CliError> {
    match v.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(usage(flag, format!("{v:?} is not a number"))),
    }
}

/// Splits like Jepsen's `(str/split s #",\s*")` for `--nodes`.
fn split_nodes(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim_start().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// v0.2.3 splits `--consistency-models` with `(str/split s #"\s+,\s+")`
/// (maelstrom core.clj, the option's `:parse-fn`): a comma with whitespace
/// on both sides, so `a,b` stays one (unknown) model name. `str/split` is
/// Java's `Pattern.split(s)`, limit 0: a leading empty string stays (the
/// match is not zero-width), trailing empty strings are dropped, and a
/// string with no match is itself (`""` gives `[""]`). Java's `\s` is ASCII
/// only: `[ \t\n\x0B\f\r]`.
///
/// Its `:validate` is `(partial every? cm/friendly-model-name)`, and elle
/// 0.1.6 `friendly-model-name` is `(get friendly-model-names model model)`:
/// a keyword, truthy for any name. So no name is refused here; Elle's
/// `validate-models` throws on an unknown one at check time, and the verdict
/// is `unknown` (as `check-safe` makes it).
/// fidelity D22: `--consistency-models` takes any name.
pub(crate) fn split_models(v: &str) -> Vec<String> {
    let space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r');
    let chars: Vec<char> = v.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        // A match of `\s+,\s+` starting at i: whitespace, a comma, whitespace.
        let comma = (i..chars.len()).find(|&j| !space(chars[j]));
        let matched = match comma {
            Some(j) if j > i && chars[j] == ',' && chars.get(j + 1).is_some_and(|&c| space(c)) => {
                Some(
                    (j + 1..chars.len())
                        .find(|&k| !space(chars[k]))
                        .unwrap_or(chars.len()),
                )
            }
            _ => None,
        };
        match matched {
            Some(end) => {
                out.push(std::mem::take(&mut cur));
                i = end;
            }
            None => {
                cur.push(chars[i]);
                i += 1;
            }
        }
    }
    out.push(cur);
    // Limit 0 drops trailing empty strings, unless nothing matched at all.
    if out.len() > 1 {
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
    }
    out
}

/// Parse the arguments after `maelstrom test`.
pub fn parse(args: &[String]) -> Result<TestArgs, CliError> {
    match parse_flags(args)? {
        (t, true) => Ok(t),
        (_, false) => Err(CliError::Usage(
            "Expected a --bin PATH_TO_BINARY to test".into(),
        )),
    }
}

/// Parse `maelstrom test` flags that need not name a node (`check` reads
/// the ones its checkers use): as [`parse`], but `--bin` may be missing
/// (then `bin` is empty).
pub fn parse_options(args: &[String]) -> Result<TestArgs, CliError> {
    parse_flags(args).map(|(t, _)| t)
}

/// The flags parsed, and whether `--bin` was among them.
fn parse_flags(args: &[String]) -> Result<(TestArgs, bool), CliError> {
    let mut raw: Vec<(String, Option<String>)> = Vec::new();
    let mut positional = Vec::new();
    let mut maelstrom_args = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            positional.extend(args[i..].iter().cloned());
            maelstrom_args.extend(args[i - 1..].iter().cloned());
            break;
        }
        if a == "-h" || a == "--help" {
            return Err(CliError::Help);
        }
        if !a.starts_with('-') || a == "-" {
            positional.push(a.clone());
            maelstrom_args.push(a.clone());
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let Some(spec) = lookup(&name) else {
            return Err(CliError::Usage(format!("Unknown option: \"{a}\"")));
        };
        let long = spec.long.to_string();
        if spec.value.is_none() {
            if inline.is_some() {
                return Err(usage(&long, "takes no value"));
            }
            if !spec.ours {
                maelstrom_args.push(a.clone());
            }
            raw.push((long, None));
        } else {
            let v = match inline {
                Some(v) => v,
                None => {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| usage(&long, "missing required argument"))?;
                    i += 1;
                    v
                }
            };
            if !spec.ours {
                maelstrom_args.push(long.clone());
                maelstrom_args.push(v.clone());
            }
            raw.push((long, Some(v)));
        }
    }

    let mut t = TestArgs {
        workload: None,
        bin: String::new(),
        opts: TestOpts::defaults(Vec::new()),
        test_count: 1,
        seed: None,
        engine: EngineChoice::Auto,
        sim: false,
        json: false,
        node_env: Vec::new(),
        node_args: positional,
        maelstrom_args,
    };
    let o = &mut t.opts;
    let mut bin = None;
    let mut node_count = None;
    let mut nodes_list: Option<Vec<String>> = None;
    let mut nodes_file: Vec<String> = Vec::new();
    let mut explicit_nodes: Vec<String> = Vec::new();
    let mut concurrency = "1n".to_string();
    for (flag, v) in raw {
        let v = v.unwrap_or_default();
        let f = flag.as_str();
        match f {
            "--workload" => {
                if crate::workloads::entry(&v).is_none() {
                    return Err(usage(
                        f,
                        format!(
                            "{v:?} must be one of {}",
                            crate::workloads::names().join(", ")
                        ),
                    ));
                }
                t.workload = Some(v);
            }
            "--bin" => bin = Some(v),
            "--node-count" => node_count = Some(positive(f, &v)?),
            "--nodes" => nodes_list = Some(split_nodes(&v)),
            "--node" => explicit_nodes.push(v),
            "--nodes-file" => {
                let text = std::fs::read_to_string(&v)
                    .map_err(|e| usage(f, format!("cannot read {v}: {e}")))?;
                nodes_file.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from),
                );
            }
            "--time-limit" => o.time_limit_s = positive(f, &v)?,
            "--rate" => {
                let r = number(f, &v)?;
                if r < 0.0 {
                    return Err(usage(f, "must be a non-negative number"));
                }
                o.rate = r;
            }
            "--concurrency" => concurrency = v,
            "--latency" => o.latency_ms = non_negative(f, &v)?,
            "--latency-dist" => {
                o.latency_dist = match v.as_str() {
                    "constant" => LatencyDist::Constant,
                    "uniform" => LatencyDist::Uniform,
                    "exponential" => LatencyDist::Exponential,
                    _ => {
                        return Err(usage(
                            f,
                            format!("{v:?} must be one of constant, uniform, exponential"),
                        ))
                    }
                }
            }
            "--nemesis" => {
                o.nemesis_partition = false;
                for fault in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    if fault != "partition" {
                        return Err(usage(
                            f,
                            format!("{fault:?} is not a valid fault; only partition"),
                        ));
                    }
                    o.nemesis_partition = true;
                }
            }
            "--nemesis-interval" => {
                let x = number(f, &v)?;
                if x <= 0.0 {
                    return Err(usage(f, "must be a positive number"));
                }
                o.nemesis_interval_s = x;
            }
            "--availability" => {
                o.availability = Some(if v == "total" {
                    Availability::Total
                } else {
                    match number(f, &v) {
                        Ok(x) if (0.0..=1.0).contains(&x) => Availability::Fraction(x),
                        _ => return Err(usage(f, "must be total or a number between 0 and 1")),
                    }
                })
            }
            "--topology" => {
                if !TOPOLOGIES.contains(&v.as_str()) {
                    return Err(usage(
                        f,
                        format!("{v:?} must be one of {}", TOPOLOGIES.join(", ")),
                    ));
                }
                o.topology = v;
            }
            "--consistency-models" => o.consistency_models = split_models(&v),
            "--key-count" => o.key_count = Some(positive(f, &v)?),
            "--max-txn-length" => o.max_txn_length = positive(f, &v)?,
            "--max-writes-per-key" => o.max_writes_per_key = positive(f, &v)?,
            "--test-count" => t.test_count = positive(f, &v)?,
            "--sim" => t.sim = true,
            "--json" => t.json = true,
            "--node-env" => match v.split_once('=') {
                Some((k, val)) if !k.is_empty() => t.node_env.push((k.into(), val.into())),
                _ => return Err(usage(f, format!("{v:?} must be KEY=VALUE"))),
            },
            "--p-loss" => match number(f, &v) {
                Ok(p) if (0.0..=1.0).contains(&p) => o.p_loss = p,
                _ => return Err(usage(f, "must be a probability between 0 and 1")),
            },
            "--backlog-cap" => {
                o.backlog_cap_bytes = (positive(f, &v)? as usize).saturating_mul(1 << 20)
            }
            "--log-stderr" => o.log_stderr = true,
            "--log-net-send" => o.log_net_send = true,
            "--log-net-recv" => o.log_net_recv = true,
            "--seed" => {
                t.seed = Some(
                    v.trim()
                        .parse()
                        .map_err(|_| usage(f, format!("{v:?} must be an unsigned integer")))?,
                )
            }
            "--engine" => {
                t.engine = match v.as_str() {
                    "auto" => EngineChoice::Auto,
                    "embedded" => EngineChoice::Embedded,
                    "maelstrom" => EngineChoice::Maelstrom,
                    _ => {
                        return Err(usage(
                            f,
                            format!("{v:?} must be one of auto, embedded, maelstrom"),
                        ))
                    }
                }
            }
            // Accepted and unused, as in Maelstrom (SSH is forced to dummy).
            _ => {}
        }
    }
    let has_bin = bin.is_some();
    t.bin = bin.unwrap_or_default();

    let middle = match node_count {
        Some(n) => Some((0..n).map(|k| format!("n{k}")).collect()),
        None => nodes_list,
    };
    let mut node_ids = nodes_file;
    node_ids.extend(middle.unwrap_or_default());
    node_ids.extend(explicit_nodes);
    if node_ids.is_empty() {
        node_ids = (1..=5).map(|k| format!("n{k}")).collect();
    }
    o.node_ids = node_ids;

    let c = concurrency.trim();
    o.concurrency = match c.strip_suffix('n') {
        Some(k) => k.parse::<usize>().ok().map(|k| k * o.node_ids.len()),
        None => c.parse::<usize>().ok(),
    }
    .ok_or_else(|| {
        usage(
            "--concurrency",
            format!("{concurrency:?} must be an integer, optionally followed by n"),
        )
    })?;
    Ok((t, has_bin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<TestArgs, CliError> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn defaults_match_maelstrom() {
        let t = p("-w echo --bin x").unwrap();
        assert_eq!(t.opts.node_ids, ["n1", "n2", "n3", "n4", "n5"]);
        assert_eq!(t.opts.concurrency, 5);
        assert_eq!(
            (t.opts.time_limit_s, t.opts.rate, t.opts.latency_ms),
            (60, 5.0, 0)
        );
        assert_eq!(t.opts.nemesis_interval_s, 10.0);
        assert_eq!(t.opts.topology, "grid");
        assert_eq!(t.opts.consistency_models, ["strict-serializable"]);
    }

    #[test]
    fn node_count_and_concurrency() {
        let t = p("-w echo --bin x --node-count 3 --concurrency 2n -- a b").unwrap();
        assert_eq!(t.opts.node_ids, ["n0", "n1", "n2"]);
        assert_eq!(t.opts.concurrency, 6);
        assert_eq!(t.node_args, ["a", "b"]);
        let t = p("-w echo --bin x --nodes a,b -n z --concurrency 7 pos").unwrap();
        assert_eq!(t.opts.node_ids, ["a", "b", "z"]);
        assert_eq!(t.opts.concurrency, 7);
        assert_eq!(t.node_args, ["pos"]);
    }

    #[test]
    fn bad_values_and_flags_are_usage_errors() {
        for bad in [
            "-w echo --bin x --rate -1",
            "-w echo --bin x --time-limit 0",
            "-w echo --bin x --latency-dist gauss",
            "-w echo --bin x --nemesis kill",
            "-w echo --bin x --availability 1.5",
            "-w nope --bin x",
            "-w echo --bin x --frobnicate",
            "-w echo --bin x --concurrency xn",
            "-w echo",
            "-w echo --bin",
            "-w echo --bin x --node-env NOEQUALS",
            "-w echo --bin x --node-env =v",
            "-w echo --bin x --p-loss 2",
        ] {
            assert!(matches!(p(bad), Err(CliError::Usage(_))), "{bad}");
        }
        match p("-w echo --bin x --rate abc") {
            Err(CliError::Usage(m)) => assert!(m.contains("--rate"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn models_split_only_on_spaced_commas() {
        assert_eq!(
            split_models("read-committed,serializable"),
            ["read-committed,serializable"]
        );
        assert_eq!(
            split_models("read-committed , serializable"),
            ["read-committed", "serializable"]
        );
    }

    /// `(str/split s #"\s+,\s+")` is Java's `Pattern.split(s, 0)`, worked
    /// by hand: "a , " matches once at 1..4 -> ["a", ""], and limit 0 drops
    /// the trailing "" -> ["a"]; " , a" -> ["", "a"] (a non-zero-width match
    /// at 0 keeps the leading ""); " , " -> ["", ""] -> []; "" has no match
    /// -> [""]; "a ,\u{a0}b" has no ASCII `\s` after the comma -> itself.
    #[test]
    fn models_split_as_java_drops_trailing_empty_strings() {
        let none: [&str; 0] = [];
        assert_eq!(split_models("serializable , "), ["serializable"]);
        assert_eq!(split_models("a , b , c , "), ["a", "b", "c"]);
        // Greedy `\s+` after a comma eats the spaces a second comma needs.
        assert_eq!(split_models("a , b ,  , "), ["a", "b", ", "]);
        assert_eq!(split_models(" , a"), ["", "a"]);
        assert_eq!(split_models(" , "), none);
        assert_eq!(split_models(""), [""]);
        assert_eq!(split_models("a ,\u{a0}b"), ["a ,\u{a0}b"]);
        assert_eq!(split_models("a\t,\nb"), ["a", "b"]);
        assert_eq!(split_models("a  ,  , b"), ["a", ", b"]);
        // `(partial every? cm/friendly-model-name)` is truthy for any name,
        // so an unknown model is no usage error (Elle refuses it at check time).
        let t = p("-w txn-list-append --bin x --consistency-models bogus").unwrap();
        assert_eq!(t.opts.consistency_models, ["bogus"]);
    }

    #[test]
    fn maelstrom_args_drop_our_flags() {
        let t = p("-w echo --bin x --seed 5 --engine embedded --sim --json --node-env A=1=2 --node-env B= --p-loss 0.1 --node-count 1").unwrap();
        assert_eq!(t.seed, Some(5));
        assert!(t.sim && t.json);
        assert_eq!(
            t.node_env,
            [("A".into(), "1=2".into()), ("B".into(), String::new())]
        );
        assert_eq!(t.opts.p_loss, 0.1);
        assert_eq!(
            t.maelstrom_args,
            ["--workload", "echo", "--bin", "x", "--node-count", "1"]
        );
    }

    /// A value each flag accepts, for the table tests.
    fn sample(f: &Flag, file: &str) -> String {
        if let Some(d) = f.default {
            return d.to_string();
        }
        match f.long {
            "--workload" => "echo",
            "--node-count" | "--key-count" | "--seed" => "3",
            "--nodes-file" => file,
            "--nemesis" => "partition",
            "--availability" => "total",
            "--node-env" => "A=1",
            _ => "x",
        }
        .to_string()
    }

    /// Issue 23: one flag table. Every flag of [`FLAGS`] parses (long and
    /// short form), and the usage text names it with its default.
    #[test]
    fn every_flag_of_the_table_parses_and_is_in_the_usage() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nodes");
        std::fs::write(&file, "a\nb\n").unwrap();
        let file = file.to_str().unwrap();
        let text = usage_text();
        for f in &FLAGS {
            for name in [Some(f.long), f.short].into_iter().flatten() {
                let mut words = vec!["-w".to_string(), "echo".into(), "--bin".into(), "x".into()];
                words.push(name.to_string());
                if f.value.is_some() {
                    words.push(sample(f, file));
                }
                assert!(
                    parse(&words).is_ok(),
                    "{words:?}: {:?}",
                    parse(&words).err()
                );
                let line = text
                    .lines()
                    .find(|l| {
                        [" ", ","]
                            .iter()
                            .any(|c| l.contains(&format!(" {name}{c}")))
                    })
                    .unwrap_or_else(|| panic!("usage lacks {name}"));
                if let Some(d) = f.default {
                    assert!(line.ends_with(&format!("({d})")), "{line}");
                }
            }
        }
        for name in crate::workloads::names() {
            assert!(text.contains(name), "usage lacks workload {name}");
        }
    }

    /// Giving a flag its default changes nothing: the table's defaults are
    /// `TestOpts::defaults`' (Maelstrom v0.2.3's).
    #[test]
    fn the_defaults_the_usage_shows_are_the_defaults() {
        let base = p("-w echo --bin x").unwrap();
        for f in FLAGS.iter().filter(|f| f.default.is_some()) {
            let words = format!("-w echo --bin x {} {}", f.long, f.default.unwrap());
            let t = p(&words).unwrap();
            assert_eq!(t.opts, base.opts, "{words}");
            assert_eq!(
                (t.test_count, t.engine),
                (base.test_count, base.engine),
                "{words}"
            );
        }
    }
}
