//! Assertions on drawn pictures, shared by the drawers' unit tests and the
//! end-to-end tests (`xtask/tests/why_*.rs` include this file by path).

/// Every tag the page opens is closed, in order (void tags aside), and no
/// `<` appears that is not a tag: all text from the history is escaped.
pub fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "a stray < before {tag:?}");
        if ["br", "meta"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "closing {tag}");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "left open: {stack:?}");
}

/// Elements of `svg` whose class list holds `class`.
pub fn with_class<'a>(doc: &'a roxmltree::Document, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|w| w == class))
        })
        .collect()
}

/// The text of the `<text>` beside a rect in its `<g>`.
pub fn label_of(rect: roxmltree::Node) -> String {
    rect.parent()
        .and_then(|g| g.children().find(|c| c.has_tag_name("text")))
        .and_then(|t| t.text())
        .unwrap_or("")
        .to_string()
}
