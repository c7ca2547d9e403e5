//! TOML into a [`Node`] tree, through toml's span-keeping parser
//! ([`DeTable`]): every key and value comes with its place in the text
//! (a [`toml::Spanned`]), and so with its line.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use users_domain::{echo_safe, without_quoted_text};

use super::Format;
use super::error::{FileErrorKind, Kind};
use super::tree::{Entry, Lines, Node, Problem, Value};

/// The tree of `text`.
///
/// # Errors
///
/// The first syntax error (a key given twice among them), at its line.
pub(super) fn parse(text: &str, lines: &Lines) -> Result<Node, Problem> {
    let root = DeTable::parse(text).map_err(|error| syntax(&error, text, lines))?;
    // The root's span is empty; the file starts on line 1.
    let table = root.into_inner();
    Ok(Node {
        line: 1,
        value: table_value(table, lines),
    })
}

fn syntax(error: &toml::de::Error, text: &str, lines: &Lines) -> Problem {
    let span = error.span().unwrap_or(0..0);
    let line = lines.line(span.start);
    // toml's own words for it; the key is the text the span covers. Any other
    // message is shown as a syntax error, its quoted values hidden.
    let kind = if error.message() == "duplicate key" {
        let key = text.get(span).unwrap_or_default();
        FileErrorKind::DuplicateKey {
            key: echo_safe(key.trim_matches(['"', '\''])),
            format: Format::Toml,
        }
    } else {
        FileErrorKind::Syntax {
            format: Format::Toml,
            reason: without_quoted_text(error.message()),
        }
    };
    Problem::at(line, kind)
}

fn node(value: Spanned<DeValue<'_>>, lines: &Lines) -> Node {
    let line = lines.line(value.span().start);
    let value = match value.into_inner() {
        DeValue::String(text) => Value::String(text.into_owned()),
        DeValue::Integer(number) => {
            Value::Integer(i64::from_str_radix(number.as_str(), number.radix()).ok())
        }
        DeValue::Boolean(flag) => Value::Boolean(flag),
        DeValue::Float(_) => Value::Other(Kind::Float),
        DeValue::Datetime(_) => Value::Other(Kind::Datetime),
        DeValue::Array(items) => Value::Array(items.into_iter().map(|v| node(v, lines)).collect()),
        DeValue::Table(table) => table_value(table, lines),
    };
    Node { line, value }
}

fn table_value(table: DeTable<'_>, lines: &Lines) -> Value {
    Value::Table(
        table
            .into_iter()
            .map(|(key, value)| Entry {
                line: lines.line(key.span().start),
                key: key.into_inner().into_owned(),
                node: node(value, lines),
            })
            .collect(),
    )
}
