//! JSON into a [`Node`] tree. `serde_json` keeps no places, but a borrowed
//! [`RawValue`] is the very slice of the input its value was read from, so
//! its offset in the input gives the line. Each level is read as its
//! fields' (or items') raw values, and each of those read again, as deep as
//! the schema goes: a value nested deeper keeps only its kind, so that a
//! file nested a hundred deep is not read a hundred times.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use users_domain::{echo_safe, without_quoted_text};

use super::Format;
use super::error::{FileErrorKind, Kind};
use super::tree::{Entry, Lines, Node, Problem, Value};

/// How deep values are read: the schema's deepest, a member's `who`, is at
/// depth 5 (file, `teams`, a team, `members`, a member, `who`).
const READ_DEPTH: usize = 6;

/// The tree of `text`.
///
/// # Errors
///
/// The first syntax error, or the first key given twice in an object, at
/// its line.
pub(super) fn parse(text: &str, lines: &Lines) -> Result<Node, Problem> {
    let root: &RawValue = serde_json::from_str(text).map_err(|error| syntax(&error, 1))?;
    Reader { text, lines }.node(root, 0)
}

struct Reader<'t> {
    text: &'t str,
    lines: &'t Lines,
}

impl<'t> Reader<'t> {
    fn node(&self, raw: &'t RawValue, depth: usize) -> Result<Node, Problem> {
        let slice = raw.get();
        // A slice of `text` (borrowed, never copied): its offset is its place.
        let line = self
            .lines
            .line(slice.as_ptr().addr() - self.text.as_ptr().addr());
        if depth >= READ_DEPTH {
            let value = Value::Other(kind_of(slice));
            return Ok(Node { line, value });
        }
        let shape: Shape<'t> = serde_json::from_str(slice).map_err(|error| syntax(&error, line))?;
        let value = match shape {
            Shape::Object(fields) => {
                let mut seen = HashSet::with_capacity(fields.len());
                let mut entries = Vec::with_capacity(fields.len());
                for (key, raw) in fields {
                    let node = self.node(raw, depth + 1)?;
                    if !seen.insert(key.clone()) {
                        let key = echo_safe(&key);
                        return Err(Problem::at(
                            node.line,
                            FileErrorKind::DuplicateKey {
                                key,
                                format: Format::Json,
                            },
                        ));
                    }
                    entries.push(Entry {
                        key,
                        line: node.line,
                        node,
                    });
                }
                Value::Table(entries)
            }
            Shape::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|raw| self.node(raw, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Shape::String(text) => Value::String(text),
            Shape::Boolean(flag) => Value::Boolean(flag),
            Shape::Integer(number) => Value::Integer(number),
            Shape::Float => Value::Other(Kind::Float),
            Shape::Null => Value::Other(Kind::Null),
        };
        Ok(Node { line, value })
    }
}

/// `serde_json`'s words for a syntax error, at the line it names, counted in
/// a value that starts on `base` (the error's line is the value's own).
fn syntax(error: &serde_json::Error, base: u32) -> Problem {
    let line = base.saturating_add(u32::try_from(error.line().saturating_sub(1)).unwrap_or(0));
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let reason = message.strip_suffix(&position).unwrap_or(&message);
    Problem::at(
        line,
        FileErrorKind::Syntax {
            format: Format::Json,
            reason: without_quoted_text(reason),
        },
    )
}

/// The kind of a valid JSON value, from its text.
fn kind_of(slice: &str) -> Kind {
    match slice.as_bytes().first() {
        Some(b'{') => Kind::Table,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Boolean,
        Some(b'n') => Kind::Null,
        _ if slice.contains(['.', 'e', 'E']) => Kind::Float,
        _ => Kind::Integer,
    }
}

/// One level of a JSON value: an object's fields and an array's items
/// still raw, read further by [`Reader::node`].
enum Shape<'a> {
    Object(Vec<(String, &'a RawValue)>),
    Array(Vec<&'a RawValue>),
    String(String),
    Boolean(bool),
    Integer(Option<i64>),
    Float,
    Null,
}

impl<'de> Deserialize<'de> for Shape<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            fields.push((key, map.next_value::<&'de RawValue>()?));
        }
        Ok(Shape::Object(fields))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            items.push(item);
        }
        Ok(Shape::Array(items))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Shape::String(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Shape::String(text))
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(Shape::Boolean(flag))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        Ok(Shape::Integer(Some(number)))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
        Ok(Shape::Integer(i64::try_from(number).ok()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Shape::Float)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Shape::Null)
    }
}
