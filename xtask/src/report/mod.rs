//! The pictures every embedded run writes into its store directory
//! (jepsen/src/jepsen/checker/perf.clj and maelstrom/net/viz.clj), as SVG: Maelstrom draws the three perf
//! graphs with gnuplot as PNGs; we draw the same content without gnuplot.

pub mod broadcast;
pub mod lamport_cut;
mod messages;
mod perf;
pub mod svg;
pub mod why;

pub use perf::PerfData;

use crate::journal::JournalEvent;
use std::path::Path;

/// The file names `write_pictures` creates.
pub const PICTURES: [&str; 4] = [
    "latency-raw.svg",
    "latency-quantiles.svg",
    "rate.svg",
    "messages.svg",
];

/// Writes latency-raw.svg, latency-quantiles.svg, rate.svg and messages.svg
/// into `dir`, from the history's ops gathered in `gathered`. History times
/// are ns since the first op of the main phase; journal times are ns since
/// engine start; `main_phase_offset_ns` is the engine time of history time 0.
pub fn write_pictures(
    dir: &Path,
    gathered: PerfData,
    journal: impl IntoIterator<Item = JournalEvent>,
    main_phase_offset_ns: u64,
) -> Result<(), String> {
    let (samples, intervals) = gathered.finish();
    let pictures = [
        perf::latency_raw(&samples, &intervals),
        perf::latency_quantiles(&samples, &intervals),
        perf::rate(&samples, &intervals),
        messages::render(journal, main_phase_offset_ns),
    ];
    for (name, svg) in PICTURES.iter().zip(pictures) {
        let path = dir.join(name);
        std::fs::write(&path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
