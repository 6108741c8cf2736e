//! The benches (`cargo xtask bench ...`, command line in `cmd/bench.rs`): measurements reported as ratios and as
//! Maelstrom's own figures, never asserted as wall-clock unit tests.

pub mod broadcast;
pub mod compare;
pub mod engine;
pub mod linearizable;
pub mod runtime;
pub mod sim;

/// The directory and `results.json` of the run `store/latest` names (the
/// run a bench just started as a child `xtask maelstrom test`).
pub fn latest_results() -> Result<(std::path::PathBuf, serde_json::Value), String> {
    let dir = std::fs::canonicalize("store/latest")
        .map_err(|e| format!("no store/latest after the run: {e}"))?;
    let text = std::fs::read_to_string(dir.join("results.json"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let results = serde_json::from_str(&text)
        .map_err(|e| format!("{}: results.json is not JSON: {e}", dir.display()))?;
    Ok((dir, results))
}

/// The docs page that holds the broadcast benches' generated blocks
/// (frontier, sweep, scale): a figure lives on the page it belongs to.
pub const BROADCAST_PAGE: &str = "docs/nodes/broadcast.md";

/// A link, usable inside `page`, to `path` (both relative to the repository root).
pub fn link_from(page: &str, path: &str) -> String {
    format!("{}{path}", "../".repeat(page.matches('/').count()))
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`
/// in `page`, and says so.
pub fn update_block(page: &std::path::Path, name: &str, block: &str) -> Result<(), String> {
    let (begin, end) = (
        format!("<!-- {name}:begin -->"),
        format!("<!-- {name}:end -->"),
    );
    let text = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
    let (Some(a), Some(b)) = (text.find(&begin), text.find(&end)) else {
        return Err(format!("{} has no {begin} ... {end} block", page.display()));
    };
    let new = format!("{}{begin}\n{block}{}", &text[..a], &text[b..]);
    std::fs::write(page, new).map_err(|e| format!("{}: {e}", page.display()))?;
    println!("{} updated", page.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_named_block_is_replaced_and_a_missing_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("page.md");
        std::fs::write(&p, "a\n<!-- x:begin -->\nold\n<!-- x:end -->\nz\n").unwrap();
        super::update_block(&p, "x", "new\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "a\n<!-- x:begin -->\nnew\n<!-- x:end -->\nz\n"
        );
        let e = super::update_block(&p, "broadcast-scale", "t").unwrap_err();
        assert!(e.contains("no <!-- broadcast-scale:begin -->"), "{e}");
    }

    #[test]
    fn links_climb_out_of_the_page_folder() {
        assert_eq!(
            super::link_from(super::BROADCAST_PAGE, "xtask/docs/broadcast-frontier.svg"),
            "../../xtask/docs/broadcast-frontier.svg"
        );
        assert_eq!(super::link_from("README.md", "a.svg"), "a.svg");
    }

    /// The page the broadcast benches write to holds every block they write.
    #[test]
    fn the_broadcast_page_has_every_generated_block() {
        let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(super::BROADCAST_PAGE);
        let text = std::fs::read_to_string(&page).unwrap();
        for name in ["broadcast-frontier", "broadcast-sweep", "broadcast-scale"] {
            assert!(text.contains(&format!("<!-- {name}:begin -->")), "{name}");
            assert!(text.contains(&format!("<!-- {name}:end -->")), "{name}");
        }
    }
}
