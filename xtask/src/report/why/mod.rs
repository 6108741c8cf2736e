//! Pictures that show why a run came to its verdict (issue 25): each drawer
//! reads what it needs from the run's store directory (history.jsonl,
//! net-journal.jsonl) and its results map, and writes its files there
//! under Maelstrom's names where Maelstrom has one (`timeline.html`,
//! `independent/<key>/linear.svg`, `elle/<anomaly>/<n>.svg`). A drawer with
//! nothing to show for a run writes nothing and returns no names.

use serde_json::Value;
use std::path::Path;

/// One finished run, as the drawers see it.
// Read by the drawers; until the first one lands nothing reads the fields.
#[allow(dead_code)]
pub struct RunView<'a> {
    /// The run's store directory (store/<workload>/<time>/).
    pub dir: &'a Path,
    /// The workload's name (`-w`), e.g. "lin-kv".
    pub workload: &'a str,
    /// The results map as results.json holds it.
    pub results: &'a Value,
}

/// A drawer: the files it wrote, relative to the run directory.
type Drawer = fn(&RunView) -> Result<Vec<String>, String>;

/// Every drawer, in the order the results browser shows their pictures.
/// Each picture module adds one line here.
const DRAWERS: &[(&str, Drawer)] = &[];

/// Runs every drawer on `run`; a drawer that fails is a warning on stderr
/// (the run's verdict never depends on a picture). Returns the files written.
pub fn write_why_pictures(run: &RunView) -> Vec<String> {
    let mut written = Vec::new();
    for (name, draw) in DRAWERS {
        match draw(run) {
            Ok(files) => written.extend(files),
            Err(e) => eprintln!("WARN could not draw the {name} pictures: {e}"),
        }
    }
    written
}
