//! A small EDN reader, enough for Jepsen's `results.edn` and `history.edn`
//! (jepsen/src/jepsen/store.clj, `write-results!`, `write-history!`), into
//! `serde_json::Value`.
//!
//! Mapping: maps -> objects (keyword keys lose the colon, string keys stay,
//! any other key becomes its EDN source text); vectors, lists and sets ->
//! arrays; keywords -> their name without the colon; symbols and characters
//! -> strings; integers -> exact integers when they fit 64 bits, otherwise
//! (and for ratios such as `1/3` and `M` decimals) -> the nearest float;
//! `##Inf` / `##-Inf` / `##NaN` -> those strings (JSON has no such numbers);
//! a tagged literal (`#inst "..."`, `#jepsen.history.Op{...}`,
//! `#object[...]`) -> the value after the tag; `#_` discards a form; `^meta`
//! is skipped; `;` comments run to the end of the line.
//!
//! Nesting is capped at [`MAX_DEPTH`] levels, as serde_json caps JSON at 128:
//! the reader recurses, and a file nested thousands deep (5 KB is enough)
//! would otherwise overflow the stack of whoever reads it, `serve` included.
//! fidelity X28: values nested at most 128 deep.

use serde_json::{Map, Number, Value};

mod print;
pub use print::{java_double, plain_str, pr_str};

/// The deepest nesting of collections, tags and metadata `parse` accepts.
/// Jepsen's own files nest a dozen levels at most (an Elle anomaly's
/// explanation inside results.edn); serde_json's limit for JSON is 128.
pub const MAX_DEPTH: usize = 128;

/// Parses exactly one EDN form (surrounded by optional whitespace/comments).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        src: text,
        pos: 0,
        depth: 0,
    };
    let value = reader
        .form()?
        .ok_or_else(|| "empty EDN document".to_string())?;
    reader.skip_ws();
    if reader.pos < text.len() {
        return Err(format!("trailing text at byte {}", reader.pos));
    }
    Ok(value)
}

/// What [`next_form`] found at the start of a text.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// A form, and the byte range it spans (after leading whitespace).
    Form(Value, std::ops::Range<usize>),
    /// A closing `)`, `]` or `}` at this byte (a caller reading the
    /// elements of a collection one at a time meets its end here).
    Close(char, usize),
    /// Nothing but whitespace and comments.
    End,
    /// The text ends inside a form: more text may complete it.
    Incomplete,
}

/// The first form of `text`, for a reader that holds only part of a
/// stream (whole lines of it). A form cut off by the end of `text` is
/// `Incomplete` unless `at_eof`, when it is the error it is.
pub fn next_form(text: &str, at_eof: bool) -> Result<Next, String> {
    let mut reader = Reader {
        src: text,
        pos: 0,
        depth: 0,
    };
    reader.skip_ws();
    let start = reader.pos;
    match reader.form() {
        Ok(Some(v)) => Ok(Next::Form(v, start..reader.pos)),
        Ok(None) => Ok(match reader.peek() {
            Some(c) => Next::Close(c, reader.pos),
            None => Next::End,
        }),
        // Every error of a form cut short is raised at the end of the text.
        Err(_) if !at_eof && reader.pos >= text.len() => Ok(Next::Incomplete),
        Err(e) => Err(e),
    }
}

struct Reader<'a> {
    src: &'a str,
    pos: usize,
    /// How many collections, tags and metadata forms enclose `pos`.
    depth: usize,
}

/// Characters that end a symbol, keyword or number token.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';')
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("EDN: {what} at byte {}", self.pos))
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.bump();
            } else if c == ';' {
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                }
            } else {
                break;
            }
        }
    }

    /// The next form, or None at a closing delimiter / end of input.
    fn form(&mut self) -> Result<Option<Value>, String> {
        self.skip_ws();
        if self.depth >= MAX_DEPTH {
            return self.err(&format!("nested more than {MAX_DEPTH} levels deep"));
        }
        self.depth += 1;
        let form = self.nested_form();
        self.depth -= 1;
        form
    }

    /// `form` one level down.
    fn nested_form(&mut self) -> Result<Option<Value>, String> {
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let value = match c {
            ')' | ']' | '}' => return Ok(None),
            '(' => Value::Array(self.seq(')')?),
            '[' => Value::Array(self.seq(']')?),
            '{' => self.map()?,
            '"' => Value::String(self.string()?),
            '\\' => Value::String(self.character()?),
            '#' => return self.dispatch().map(Some),
            '^' => {
                self.bump();
                self.required_form()?; // the metadata, dropped
                return self.required_form().map(Some);
            }
            _ => self.token()?,
        };
        Ok(Some(value))
    }

    fn required_form(&mut self) -> Result<Value, String> {
        match self.form()? {
            Some(v) => Ok(v),
            None => self.err("expected a form"),
        }
    }

    /// Elements up to `close`, which is consumed.
    fn seq(&mut self, close: char) -> Result<Vec<Value>, String> {
        self.bump(); // the opener
        let mut items = Vec::new();
        while let Some(v) = self.form()? {
            items.push(v);
        }
        if self.bump() != Some(close) {
            return self.err(&format!("expected {close:?}"));
        }
        Ok(items)
    }

    fn map(&mut self) -> Result<Value, String> {
        self.bump(); // {
        let mut map = Map::new();
        loop {
            self.skip_ws();
            let key_start = self.pos;
            let Some(key) = self.form()? else { break };
            let key_text = match key {
                Value::String(s) if self.src[key_start..].starts_with('"') => s,
                _ => {
                    let raw = self.src[key_start..self.pos].trim();
                    raw.strip_prefix(':')
                        .filter(|_| !raw.starts_with("::"))
                        .unwrap_or(raw)
                        .to_string()
                }
            };
            let value = self.required_form()?;
            map.insert(key_text, value);
        }
        if self.bump() != Some('}') {
            return self.err("expected '}'");
        }
        Ok(Value::Object(map))
    }

    fn string(&mut self) -> Result<String, String> {
        self.bump(); // "
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return self.err("unterminated string"),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{c}'),
                    Some('u') => out.push(self.unicode_escape()?),
                    Some(c) => out.push(c), // \" \\ and anything else literally
                    None => return self.err("unterminated string"),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, String> {
        let hex = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or("EDN: short \\u escape")?;
        let code =
            u32::from_str_radix(hex, 16).map_err(|_| format!("EDN: bad \\u escape {hex}"))?;
        self.pos += 4;
        Ok(char::from_u32(code).unwrap_or('\u{fffd}'))
    }

    fn character(&mut self) -> Result<String, String> {
        self.bump(); // backslash
        let start = self.pos;
        // The first character is always taken (so `\(` and `\,` work).
        if self.bump().is_none() {
            return self.err("bare backslash");
        }
        while self.peek().is_some_and(|c| !is_delimiter(c)) {
            self.bump();
        }
        let name = &self.src[start..self.pos];
        Ok(match name {
            "newline" => "\n".into(),
            "space" => " ".into(),
            "tab" => "\t".into(),
            "return" => "\r".into(),
            "backspace" => "\u{8}".into(),
            "formfeed" => "\u{c}".into(),
            _ if name.len() == 5 && name.starts_with('u') => {
                match u32::from_str_radix(&name[1..], 16) {
                    Ok(code) => char::from_u32(code).unwrap_or('\u{fffd}').to_string(),
                    Err(_) => name.into(),
                }
            }
            _ => name.into(),
        })
    }

    /// After `#`: a set, a discard, a symbolic value, a regex or a tag.
    fn dispatch(&mut self) -> Result<Value, String> {
        self.bump(); // #
        match self.peek() {
            Some('{') => Ok(Value::Array(self.seq('}')?)),
            Some('_') => {
                self.bump();
                self.required_form()?;
                self.required_form()
            }
            Some('#') => {
                self.bump();
                let start = self.pos;
                while self.peek().is_some_and(|c| !is_delimiter(c)) {
                    self.bump();
                }
                Ok(Value::String(format!("##{}", &self.src[start..self.pos])))
            }
            Some('"') => Ok(Value::String(self.string()?)),
            Some(_) => {
                // A tag symbol, then the tagged form.
                while self.peek().is_some_and(|c| !is_delimiter(c)) {
                    self.bump();
                }
                self.required_form()
            }
            None => self.err("dangling '#'"),
        }
    }

    /// A number, keyword, symbol, nil, true or false.
    fn token(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_delimiter(c)) {
            self.bump();
        }
        let tok = &self.src[start..self.pos];
        if tok.is_empty() {
            return self.err("unexpected character");
        }
        Ok(match tok {
            "nil" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ if tok.starts_with(':') => Value::String(tok.trim_start_matches(':').to_string()),
            _ => number(tok).unwrap_or_else(|| Value::String(tok.to_string())),
        })
    }
}

/// An EDN number token, or None if `tok` is not a number (then a symbol).
fn number(tok: &str) -> Option<Value> {
    let body = tok.strip_prefix(['+', '-']).unwrap_or(tok);
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let negative = tok.starts_with('-');
    if let Some((n, d)) = tok.split_once('/') {
        let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
        return Number::from_f64(n / d).map(Value::Number);
    }
    let int_text = tok.strip_suffix('N').unwrap_or(tok);
    if int_text.bytes().skip(1).all(|b| b.is_ascii_digit()) {
        let int_text = int_text.strip_prefix('+').unwrap_or(int_text);
        if let Ok(i) = int_text.parse::<i64>() {
            return Some(Value::from(i));
        }
        if !negative {
            if let Ok(u) = int_text.parse::<u64>() {
                return Some(Value::from(u));
            }
        }
        // Beyond 64 bits: the nearest float (serde_json holds no bigger integers).
        return int_text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    let float_text = tok.strip_suffix('M').unwrap_or(tok);
    float_text
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

#[cfg(test)]
mod tests;
