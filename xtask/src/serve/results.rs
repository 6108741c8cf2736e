//! A run's verdict, key figures and results text, read from its files with
//! every cost bounded: a file is read only if it is regular and under a
//! cap, one file is parsed at a time in the whole process (`PARSING`), what
//! leaves the parse is small (the verdict, figures cut at `MAX_FIGURE`
//! characters) or the text the run page shows, and the index parses each
//! file once (`summary_cache`).

use super::regular::{self, Unread};
use super::summary;
use super::summary_cache::{self, Stamp};
use serde_json::Value;
use std::fs::{File, Metadata};
use std::path::Path;
use std::sync::Mutex;

/// Largest results file (results.json or results.edn) the index reads, for
/// a run that has no summary.json (older runs, a real Maelstrom's store).
pub const MAX_RESULTS: u64 = 1 << 20;
/// Largest results file the run page shows inline; a larger one is linked.
/// Its pretty-printed, escaped text is what each request holds.
pub const MAX_INLINE: u64 = 256 << 10;
/// Largest summary.json read; a run writes a few hundred bytes.
pub const MAX_SUMMARY: u64 = 64 << 10;
/// Longest text of one key figure.
pub const MAX_FIGURE: usize = 200;

/// Held while a file is parsed and reduced: a parsed map takes up to ~30
/// times its text (a 1 MiB `[0,0,...]` is 512 Ki values of 32 bytes), so
/// 64 requests parsing at once could take gigabytes.
static PARSING: Mutex<()> = Mutex::new(());

/// What a run's verdict and figures could be read from.
#[derive(Clone)]
pub enum Results {
    /// No results file: the run is incomplete, or was cut short.
    Missing,
    /// `file` is there but is not a regular file, not a map the parser
    /// accepts (bad syntax, nested too deep), or not readable.
    Unreadable {
        file: &'static str,
        why: String,
    },
    /// `file` holds `len` bytes, over the cap: not read.
    TooLarge {
        file: &'static str,
        len: u64,
    },
    Read(Summary),
}

/// What the index shows of a run's results.
#[derive(Clone)]
pub struct Summary {
    /// The top-level `valid?`: true, false, "unknown", or something else.
    pub valid: Valid,
    pub figures: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Valid {
    True,
    False,
    Unknown,
    /// Present, but none of the three.
    Other,
    Absent,
}

impl Results {
    /// What the index and the run page say when there is nothing to show.
    pub fn problem(&self) -> Option<String> {
        match self {
            Results::Read(_) | Results::Missing => None,
            Results::Unreadable { file, why } => Some(format!("{file} is unreadable: {why}")),
            Results::TooLarge { file, len } => {
                Some(format!("{file} is {len} bytes, too large to read here"))
            }
        }
    }
}

/// What the index shows of a run: its summary.json, else its results file
/// if within `MAX_RESULTS`.
pub fn index_results(run_dir: &Path) -> Results {
    match summary_of(run_dir, summary::FILE, MAX_SUMMARY, json) {
        Results::Missing => match summary_of(run_dir, "results.json", MAX_RESULTS, json) {
            Results::Missing => summary_of(run_dir, "results.edn", MAX_RESULTS, crate::edn::parse),
            results => results,
        },
        summary => summary,
    }
}

/// What the run page shows: the verdict and figures, and the whole results
/// map as pretty JSON if the file is within `MAX_INLINE` (else why not).
pub fn page_results(run_dir: &Path) -> (Results, Result<String, Results>) {
    let pretty = |results: &Value| {
        let text = serde_json::to_string_pretty(results).unwrap_or_default();
        (summarise(results), text)
    };
    let read = match parse(run_dir, "results.json", MAX_INLINE, json, pretty) {
        Err(Results::Missing) => parse(
            run_dir,
            "results.edn",
            MAX_INLINE,
            crate::edn::parse,
            pretty,
        ),
        read => read,
    };
    match read {
        Ok((summary, text)) => (Results::Read(summary), Ok(text)),
        // Too large to show, or unreadable: the summary may still say.
        Err(problem) => (index_results(run_dir), Err(problem)),
    }
}

type Parser = fn(&str) -> Result<Value, String>;

fn json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The verdict and figures in `file` of `run_dir`, from the cache while the
/// file is unchanged.
fn summary_of(run_dir: &Path, file: &'static str, cap: u64, parser: Parser) -> Results {
    let path = run_dir.join(file);
    let (opened, meta) = match open(&path, file) {
        Ok(opened) => opened,
        Err(problem) => return problem,
    };
    let stamp = Stamp::of(&meta);
    if let Some(results) = summary_cache::get(&path, stamp) {
        return results;
    }
    let _parsing = PARSING.lock().unwrap_or_else(|e| e.into_inner());
    // Another request may have read it while this one waited.
    if let Some(results) = summary_cache::get(&path, stamp) {
        return results;
    }
    let results = parse_opened(file, opened, meta.len(), cap, parser, summarise)
        .map_or_else(|problem| problem, Results::Read);
    summary_cache::put(&path, stamp, &results);
    results
}

/// `reduce` of what `parser` makes of `file` in `run_dir`, if it is a
/// regular file within `cap`.
fn parse<T>(
    run_dir: &Path,
    file: &'static str,
    cap: u64,
    parser: Parser,
    reduce: impl FnOnce(&Value) -> T,
) -> Result<T, Results> {
    let (opened, meta) = open(&run_dir.join(file), file)?;
    let _parsing = PARSING.lock().unwrap_or_else(|e| e.into_inner());
    parse_opened(file, opened, meta.len(), cap, parser, reduce)
}

/// `path` (named `file`) opened if it is a regular file, without blocking.
fn open(path: &Path, file: &'static str) -> Result<(File, Metadata), Results> {
    regular::open(path).map_err(|e| unread(file, e))
}

/// `reduce` of what `parser` makes of `opened`, `file` of length `len`, if
/// within `cap`. The caller holds `PARSING` until the map is reduced and
/// dropped. The parsers refuse nesting past 128 levels (serde_json's limit
/// and `edn::MAX_DEPTH`), so no file can overflow the stack of the thread
/// reading it.
fn parse_opened<T>(
    file: &'static str,
    opened: File,
    len: u64,
    cap: u64,
    parser: Parser,
    reduce: impl FnOnce(&Value) -> T,
) -> Result<T, Results> {
    let bytes = regular::read_opened(opened, len, cap).map_err(|e| unread(file, e))?;
    let unreadable = |why: String| Results::Unreadable {
        file,
        why: cut(why),
    };
    let text = std::str::from_utf8(&bytes).map_err(|e| unreadable(format!("not UTF-8 ({e})")))?;
    let value = parser(text).map_err(unreadable)?;
    Ok(reduce(&value))
}

/// Why `file` was not read, as `Results`.
fn unread(file: &'static str, why: Unread) -> Results {
    match why {
        Unread::Missing => Results::Missing,
        Unread::NotRegular => Results::Unreadable {
            file,
            why: "not a regular file".into(),
        },
        Unread::TooLarge(len) => Results::TooLarge { file, len },
        Unread::Failed(why) => Results::Unreadable { file, why },
    }
}

/// The verdict and key figures of a results (or summary) map.
fn summarise(results: &Value) -> Summary {
    let valid = match results.get("valid?") {
        Some(Value::Bool(true)) => Valid::True,
        Some(Value::Bool(false)) => Valid::False,
        Some(Value::String(s)) if s == "unknown" => Valid::Unknown,
        Some(_) => Valid::Other,
        None => Valid::Absent,
    };
    let figures = key_figures(results)
        .into_iter()
        .map(|(name, text)| (name, cut(text)))
        .collect();
    Summary { valid, figures }
}

/// `text` cut to `MAX_FIGURE` characters, marked where cut.
fn cut(text: String) -> String {
    match text.char_indices().nth(MAX_FIGURE) {
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
        None => text,
    }
}

/// The figures a run is judged by, as (name, text) pairs: messages per op
/// and stable-latency quantiles where the results carry them.
pub fn key_figures(results: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (scope, name) in [("servers", "msgs-per-op"), ("all", "msgs-per-op (all)")] {
        if let Some(v) = results
            .pointer(&format!("/net/{scope}/msgs-per-op"))
            .and_then(Value::as_f64)
        {
            out.push((name.to_string(), format!("{v:.2}")));
        }
    }
    if let Some(Value::Object(q)) = results.pointer("/workload/stable-latencies") {
        let text: Vec<String> = q.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        out.push(("stable latency ms".to_string(), text.join(", ")));
    }
    for field in ["lost-count", "duplicated-count"] {
        if let Some(v) = results.pointer(&format!("/workload/{field}")) {
            out.push((field.to_string(), v.to_string()));
        }
    }
    out
}
