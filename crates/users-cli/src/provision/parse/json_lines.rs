//! JSON lines: one object `{"email": "...", "admin": true}` per line. A JSON
//! array or an object spread over several lines is refused as a whole: read
//! line by line, some of its users would be provisioned and others not.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::error::Category;

use super::{Entry, FileError, Row, email, first_byte, newlines};
use crate::redact;

const JSON_SHAPE: &str = r#"expected an object like {"email": "ada@example.com", "admin": false}"#;

const ONE_PER_LINE: &str = "give one JSON object per line (JSON lines)";

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    if first_byte(bytes) == Some(b'[') {
        return Err(format!("it is a JSON array; {ONE_PER_LINE}"));
    }
    if let Some(line) = multi_line_value(bytes) {
        return Err(format!(
            "the JSON value from line {line} spans several lines; {ONE_PER_LINE}"
        ));
    }
    let mut rows = Vec::new();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let (input, entry) = match std::str::from_utf8(raw) {
            Ok(text) => json_entry(text),
            Err(_) => (
                redact::shorten(&String::from_utf8_lossy(raw)),
                Err("the line is not valid UTF-8".to_owned()),
            ),
        };
        rows.push(Row {
            line: index as u64 + 1,
            input,
            entry,
        });
    }
    Ok(rows)
}

/// The line where the first JSON value written over several lines starts (a
/// pretty-printed object). The check reads values until the first one that
/// is not JSON, which then fails as a row of its own.
fn multi_line_value(bytes: &[u8]) -> Option<u64> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>();
    let mut end = 0;
    while let Some(Ok(_)) = values.next() {
        let start = end
            + bytes[end..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        end = values.byte_offset();
        if bytes[start..end].contains(&b'\n') {
            return Some(newlines(&bytes[..start]) + 1);
        }
    }
    None
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
