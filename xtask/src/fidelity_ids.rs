//! The ids of `docs/fidelity.md` and the code comments that cite them.
//!
//! Every entry of the page carries an anchor `<a id="D7"></a>**D7**`; a comment at the spot in
//! the code that makes the choice cites it as "fidelity D7". Ids never change once given, so a
//! renumbered page, a duplicate id or a citation with a typo must fail here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ANCHOR_OPEN: &str = "<a id=\"";
const ANCHOR_CLOSE: &str = "\"></a>";

/// The ids the page defines, in document order, with the line of each. An anchor whose id is not
/// a capital letter and a number, or that is not followed by its id in bold (the label a reader
/// sees), is an error.
fn page_ids(page: &str) -> Result<Vec<(String, usize)>, String> {
    let mut ids = Vec::new();
    for (n, line) in page.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find(ANCHOR_OPEN) {
            let after = &rest[at + ANCHOR_OPEN.len()..];
            let end = after
                .find(ANCHOR_CLOSE)
                .ok_or_else(|| format!("line {}: an anchor that does not end", n + 1))?;
            let id = &after[..end];
            if !is_id(id) {
                return Err(format!(
                    "line {}: `{id}` is not a letter and a number",
                    n + 1
                ));
            }
            rest = &after[end + ANCHOR_CLOSE.len()..];
            let label = format!("**{id}**");
            if !rest.trim_start().starts_with(&label) {
                return Err(format!(
                    "line {}: anchor {id} is not followed by {label}",
                    n + 1
                ));
            }
            ids.push((id.to_string(), n + 1));
        }
    }
    Ok(ids)
}

/// One capital letter, then a number without a leading zero: `D7`, `X12`. Not `L`: GitHub
/// takes a `#L12` fragment for line 12 of the file, so `fidelity.md#L12` would not land on it.
fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(letter), digits) = (chars.next(), chars.as_str()) else {
        return false;
    };
    letter.is_ascii_uppercase()
        && letter != 'L'
        && !digits.is_empty()
        && !digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// Entries the page left without an id: in section 1 a bullet that opens on its bold title
/// (`- **Title.**`), in section 2 a table row whose first cell is not an anchor. Returns their
/// line numbers.
fn entries_without_id(page: &str) -> Vec<usize> {
    let mut section = "";
    let mut missing = Vec::new();
    for (n, line) in page.lines().enumerate() {
        if line.starts_with("## ") {
            section = line;
            continue;
        }
        let is_row =
            line.starts_with('|') && !line.starts_with("| id |") && !line.starts_with("|-");
        let untagged = (section.starts_with("## 1.") && line.starts_with("- **"))
            || (section.starts_with("## 2.") && is_row && !line.starts_with("| <a id="));
        if untagged {
            missing.push(n + 1);
        }
    }
    missing
}

/// The ids a text cites as "fidelity <id>", with the line of each. A word after "fidelity "
/// that starts with a capital letter and has a digit is taken as a citation, so that a typo
/// (`D07`, `DD7`) is caught rather than skipped.
fn citations(text: &str) -> Vec<(String, usize)> {
    const WORD: &str = "fidelity ";
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find(WORD) {
            rest = &rest[at + WORD.len()..];
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let cites = token.starts_with(|c: char| c.is_ascii_uppercase())
                && token.chars().any(|c| c.is_ascii_digit());
            if cites {
                found.push((token, n + 1));
            }
        }
    }
    found
}

/// Every `.rs` file of the workspace: the node crate, the macros and xtask (not `target/`).
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

#[test]
fn page_ids_are_unique_and_every_entry_has_one() {
    let page = std::fs::read_to_string(workspace().join("docs/fidelity.md")).unwrap();
    let ids = page_ids(&page).unwrap();
    let mut first_line = BTreeMap::new();
    for (id, line) in &ids {
        if let Some(earlier) = first_line.insert(id, line) {
            panic!("docs/fidelity.md: {id} is given on line {earlier} and again on line {line}");
        }
    }
    assert!(ids.len() > 80, "only {} ids found", ids.len());
    assert_eq!(
        entries_without_id(&page),
        Vec::<usize>::new(),
        "entries without an id"
    );
}

#[test]
fn every_cited_id_is_on_the_page() {
    let root = workspace();
    let page = std::fs::read_to_string(root.join("docs/fidelity.md")).unwrap();
    let known: Vec<String> = page_ids(&page)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut files = Vec::new();
    for dir in ["src", "macros", "xtask"] {
        rust_files(&root.join(dir), &mut files);
    }
    let this_file = Path::new(file!()).file_name().unwrap();
    let mut cited = 0;
    let mut unknown = Vec::new();
    for file in files.iter().filter(|f| f.file_name() != Some(this_file)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (id, line) in citations(&text) {
            cited += 1;
            if !known.contains(&id) {
                let at = file.strip_prefix(&root).unwrap_or(file);
                unknown.push(format!("{}:{line}: fidelity {id}", at.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "ids not in docs/fidelity.md: {unknown:#?}"
    );
    assert!(
        cited > 50,
        "only {cited} citations found: is the scan looking in the right place?"
    );
}

#[test]
fn a_duplicate_a_bad_id_or_a_mislabelled_anchor_is_found() {
    let page = "- <a id=\"D1\"></a>**D1** **One.**\n- <a id=\"D2\"></a>**D2** two\n";
    let ids = page_ids(page).unwrap();
    assert_eq!(ids, vec![("D1".to_string(), 1), ("D2".to_string(), 2)]);
    assert!(page_ids("<a id=\"D07\"></a>**D07**").is_err());
    assert!(page_ids("<a id=\"d7\"></a>**d7**").is_err());
    assert!(page_ids("<a id=\"L7\"></a>**L7**").is_err());
    assert!(page_ids("<a id=\"D7\"></a>**D8** text").is_err());
    assert!(page_ids("<a id=\"D7\">").is_err());
}

#[test]
fn an_entry_without_id_is_found() {
    let page = "## 1. Details\n\n- <a id=\"D1\"></a>**D1** **Tagged.**\n- **Untagged.** x\n\
                ## 2. Differences\n\n| id | difference | impact |\n|---|---|---|\n\
                | <a id=\"X1\"></a>**X1** | a | b |\n| c | d |\n## 3. Other\n\n- **Free.**\n";
    assert_eq!(entries_without_id(page), vec![4, 10]);
}

#[test]
fn citations_are_read_with_their_typos() {
    // The scan of the tree skips this file, so these made-up citations are not checked there.
    let text = concat!(
        "// the consumer sleeps whole ms (fidelity D1)\n",
        "// fidelity X12: floats; fidelity DD7 and fidelity D07\n",
        "// fidelity record, fidelity.md, fidelity D\n"
    );
    let ids: Vec<_> = citations(text).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["D1", "X12", "DD7", "D07"]);
}
