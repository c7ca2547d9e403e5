//! JSON lines: one object `{"email": "...", "admin": true}` per line, read a
//! line at a time. A JSON array or a value spread over several lines is
//! refused as a whole: read line by line, some of its users would be
//! provisioned and others not.

use std::fmt;
use std::io::{BufRead as _, Read as _};

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::error::Category;

use super::source::Source;
use super::{Entry, FileError, MAX_LINE_BYTES, Row, email, first_byte};
use crate::redact;

const JSON_SHAPE: &str = r#"expected an object like {"email": "ada@example.com", "admin": false}"#;

const ONE_PER_LINE: &str = "give one JSON object per line (JSON lines)";

/// The rows of a JSON lines file.
pub(super) struct JsonRows {
    source: Source,
    /// The line last read.
    line: u64,
}

impl JsonRows {
    /// Checks how the file starts (`start`, see [`super::source::start`]).
    ///
    /// # Errors
    ///
    /// When it is a JSON array.
    pub(super) fn new(source: Source, start: &[u8]) -> Result<Self, FileError> {
        if first_byte(start) == Some(b'[') {
            return Err(FileError::Shape(format!(
                "it is a JSON array; {ONE_PER_LINE}"
            )));
        }
        Ok(Self { source, line: 0 })
    }

    /// The next row; `None` at the end of the file.
    pub(super) fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        let mut raw = Vec::new();
        loop {
            raw.clear();
            let read = (&mut self.source)
                .take(MAX_LINE_BYTES as u64 + 2)
                .read_until(b'\n', &mut raw)
                .map_err(FileError::from_io)?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let whole = raw.last() == Some(&b'\n');
            let text = raw.strip_suffix(b"\n").unwrap_or(&raw);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if text.len() > MAX_LINE_BYTES || (!whole && raw.len() > MAX_LINE_BYTES) {
                return Err(FileError::LineTooLong { line: self.line });
            }
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (input, entry) = match std::str::from_utf8(text) {
                Ok(text) if cut_short(text) => {
                    return Err(FileError::Shape(format!(
                        "the JSON value on line {} does not end on its line (it spans \
                         several lines, or is cut short); {ONE_PER_LINE}",
                        self.line
                    )));
                }
                Ok(text) => json_entry(text),
                Err(_) => (
                    redact::shorten(&String::from_utf8_lossy(text)),
                    Err("the line is not valid UTF-8".to_owned()),
                ),
            };
            return Ok(Some(Row {
                line: self.line,
                input,
                entry,
            }));
        }
    }
}

/// Whether the line's first JSON value runs past the end of the line: the
/// first line of a pretty-printed object, or a truncated one.
fn cut_short(text: &str) -> bool {
    let first = serde_json::Deserializer::from_str(text)
        .into_iter::<IgnoredAny>()
        .next();
    matches!(first, Some(Err(error)) if error.is_eof())
}

fn json_entry(text: &str) -> (String, Result<Entry, String>) {
    let shown = || redact::shorten(text.trim());
    let fields = match serde_json::from_str::<Fields>(text) {
        Ok(Fields(fields)) => fields,
        Err(error) => {
            // Data: well-formed JSON of another type (`[1, 2]`, `"ada"`).
            let what = if error.classify() == Category::Data {
                "not a JSON object"
            } else {
                "not JSON"
            };
            return (shown(), Err(format!("{what}; {JSON_SHAPE}")));
        }
    };
    let input = fields
        .iter()
        .find_map(|(key, value)| match (key.as_str(), value) {
            ("email", Value::String(email)) => Some(redact::shorten(email)),
            _ => None,
        })
        .unwrap_or_else(shown);
    (input, entry(&fields))
}

fn entry(fields: &[(String, Value)]) -> Result<Entry, String> {
    if let Some((unknown, _)) = fields
        .iter()
        .find(|(key, _)| !matches!(key.as_str(), "email" | "admin"))
    {
        return Err(format!(
            "unknown field '{}'; {JSON_SHAPE}",
            redact::shorten(unknown)
        ));
    }
    for (index, (key, _)) in fields.iter().enumerate() {
        if fields[..index].iter().any(|(earlier, _)| earlier == key) {
            return Err(format!("duplicate field '{key}'; give it once"));
        }
    }
    let field = |name: &str| {
        fields
            .iter()
            .find_map(|(key, value)| (key == name).then_some(value))
    };
    let email = match field("email") {
        Some(Value::String(text)) => email(text)?,
        Some(_) => return Err("'email' must be a string".to_owned()),
        None => return Err(format!("no 'email' field; {JSON_SHAPE}")),
    };
    let admin = match field("admin") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(admin)) => *admin,
        Some(_) => return Err("'admin' must be true or false".to_owned()),
    };
    Ok(Entry { email, admin })
}

/// An object's fields in the order written, repeats kept: a map would keep
/// the last of two `"email"` fields without a word.
#[derive(Debug)]
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

#[derive(Debug)]
struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Vec::new();
        while let Some(field) = map.next_entry::<String, Value>()? {
            fields.push(field);
        }
        Ok(Fields(fields))
    }
}
