//! Where output goes: results to stdout (text or one JSON document), notes to
//! stderr. Tables and timestamps are rendered here, and text from a server or
//! a file is made [`printable`] on its way to a terminal.

use std::borrow::Cow;
use std::io::{self, Write as _};

use serde::Serialize;
use time::OffsetDateTime;
use time::macros::format_description;
use unicode_width::UnicodeWidthStr as _;
use users_domain::Timestamp;

use crate::failure::Failure;

/// The output mode chosen by `--json`, `--jsonl` and `--quiet`.
#[derive(Debug, Clone, Copy)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is a flag of the command line, or two"
)]
pub(crate) struct Output {
    /// `--json` or `--jsonl`: stdout carries JSON, and nothing else.
    pub(crate) json: bool,
    /// `--jsonl`: each JSON document on one line (a listing: one per user).
    pub(crate) lines: bool,
    pub(crate) quiet: bool,
    /// `-v`: logs go to stderr, where a progress bar would draw over them.
    pub(crate) verbose: bool,
}

impl Output {
    /// Prints the command's result: `json` with `--json`, else the `text` lines.
    pub(crate) fn result<T: Serialize>(self, json: &T, text: &str) -> Result<(), Failure> {
        self.emit(json, text)
            .map_err(|error| Failure::output(&error))
    }

    /// [`result`](Self::result), flushed, with the error as it came: for a
    /// command that must act on a failed write (a secret nobody saw).
    pub(crate) fn emit<T: Serialize>(self, json: &T, text: &str) -> io::Result<()> {
        if self.json {
            let document = if self.lines {
                serde_json::to_string(json)
            } else {
                serde_json::to_string_pretty(json)
            };
            write_out(&document.map_err(io::Error::other)?)
        } else {
            write_out(text)
        }
    }

    /// A note for people (a hint, a warning): on stderr, never with `--quiet` or `--json`.
    pub(crate) fn note(self, text: &str) {
        if !self.quiet && !self.json {
            let _ = writeln!(io::stderr().lock(), "{text}");
        }
    }

    /// Whether a progress bar may be drawn.
    pub(crate) fn progress(self) -> bool {
        use std::io::IsTerminal as _;
        self.shows_progress(io::stderr().is_terminal())
    }

    /// A bar only on a terminal, and never with `--quiet`, `--json` or `-v`
    /// (it and the log lines would draw over each other).
    fn shows_progress(self, terminal: bool) -> bool {
        terminal && !self.quiet && !self.json && !self.verbose
    }
}

/// Prints text on stdout as it comes (where a result is streamed).
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    write_out(text).map_err(|error| Failure::output(&error))
}

/// Writes `text` (and a line end) to stdout and flushes it: once this
/// returns `Ok`, the text has left the process.
pub(crate) fn write_out(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write_text(&mut out, text).and_then(|()| out.flush())
}

/// A JSON object printed on stdout a field at a time, as `--json` prints
/// every document (pretty, two-space indents; with `--jsonl`, on one line),
/// each field flushed when written: for a document whose last fields are
/// known only once its first ones are out (`key rotate` revokes the old key
/// only once the new secret has been printed).
#[derive(Debug, Default)]
pub(crate) struct JsonFields {
    started: bool,
    compact: bool,
}

impl JsonFields {
    /// An object as `out` prints documents.
    pub(crate) fn new(out: Output) -> Self {
        Self {
            started: false,
            compact: out.lines,
        }
    }

    /// Writes `"name": value` (opening the object first), flushed.
    pub(crate) fn field<T: Serialize>(&mut self, name: &str, value: &T) -> io::Result<()> {
        let text = self.field_text(name, value)?;
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush())
    }

    /// Closes the object.
    pub(crate) fn end(self) -> io::Result<()> {
        write_out(match (self.started, self.compact) {
            (false, _) => "{}",
            (true, true) => "}",
            (true, false) => "\n}",
        })
    }

    fn field_text<T: Serialize>(&mut self, name: &str, value: &T) -> io::Result<String> {
        let started = std::mem::replace(&mut self.started, true);
        let name = serde_json::to_string(name).map_err(io::Error::other)?;
        if self.compact {
            let value = serde_json::to_string(value).map_err(io::Error::other)?;
            let opening = if started { "," } else { "{" };
            return Ok(format!("{opening}{name}:{value}"));
        }
        let opening = if started { ",\n" } else { "{\n" };
        // Indented one level: a JSON text holds no raw line break but these.
        let value = serde_json::to_string_pretty(value)
            .map_err(io::Error::other)?
            .replace('\n', "\n  ");
        Ok(format!("{opening}  {name}: {value}"))
    }
}

fn write_text(out: &mut impl io::Write, text: &str) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Text from a server or a file, made safe for a terminal: each control
/// character (ESC, newline, tab, DEL, C1 codes) and each bidirectional
/// formatting character (which can make a line read other than it is, as in
/// "Trojan Source") is written as its Rust escape (`\u{1b}`, `\n`,
/// `\u{202e}`), so it can neither drive the terminal nor break a table row or
/// a one-line error. Everything else, backslashes included, is unchanged. JSON
/// output needs none of this: serde escapes it.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Control characters, the bidirectional marks, embeddings, overrides and
/// isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), and the
/// line and paragraph separators (U+2028, U+2029), which some terminals and
/// editors break a line at.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// How many terminal columns `text` takes (CJK and emoji take two).
fn width(text: &str) -> usize {
    text.width()
}

/// A table with a header row and left-aligned columns two spaces apart
/// (nothing at all for no rows: callers say "none" in their own words).
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    StreamedTable::new(header).page(rows, &mut text);
    // The rows end in a line break; a table printed whole does not.
    text.pop();
    text
}

/// A table printed a page at a time, its rows never all held at once (a
/// listing of a million users). Its columns are as wide as the first page
/// with rows needs, header included; a wider cell on a later page pushes the
/// rest of its row right rather than being cut, so that nothing shown is lost.
#[derive(Debug)]
pub(crate) struct StreamedTable<'h> {
    header: &'h [&'h str],
    /// Set by the first page with rows, when the header is printed.
    widths: Option<Vec<usize>>,
}

impl<'h> StreamedTable<'h> {
    pub(crate) fn new(header: &'h [&'h str]) -> Self {
        Self {
            header,
            widths: None,
        }
    }

    /// Whether a row (and so the header) has been printed.
    pub(crate) fn started(&self) -> bool {
        self.widths.is_some()
    }

    /// Appends the lines of `rows` to `text`, each ending in a line break;
    /// the header first when these are the first rows.
    pub(crate) fn page(&mut self, rows: &[Vec<String>], text: &mut String) {
        if rows.is_empty() {
            return;
        }
        let rows: Vec<Vec<Cow<'_, str>>> = rows
            .iter()
            .map(|row| row.iter().map(|cell| printable(cell)).collect())
            .collect();
        let widths = self.widths.get_or_insert_with(|| {
            let mut widths: Vec<usize> = self.header.iter().map(|h| width(h)).collect();
            for row in &rows {
                for (width_of, cell) in widths.iter_mut().zip(row) {
                    *width_of = (*width_of).max(width(cell));
                }
            }
            let header: Vec<Cow<'_, str>> = self.header.iter().map(|h| Cow::Borrowed(*h)).collect();
            line(&widths, &header, text);
            widths
        });
        for row in &rows {
            line(widths, row, text);
        }
    }
}

/// Label/value pairs, the labels padded to one width.
pub(crate) fn fields(pairs: &[(&str, String)]) -> String {
    let label_width = pairs
        .iter()
        .map(|(label, _)| width(label))
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(label, value)| {
            let pad = " ".repeat(label_width - width(label) + 2);
            format!("{label}{pad}{}", printable(value))
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends one row, its cells padded to `widths`, and a line break.
fn line(widths: &[usize], row: &[Cow<'_, str>], text: &mut String) {
    let start = text.len();
    for (column_width, cell) in widths.iter().zip(row) {
        let pad = column_width.saturating_sub(width(cell));
        text.push_str(cell);
        text.extend(std::iter::repeat_n(' ', pad + 2));
    }
    let end = start + text[start..].trim_end().len();
    text.truncate(end);
    text.push('\n');
}

/// A server timestamp as people read it (`2024-05-01 12:00:00 UTC`), to
/// the second.
pub(crate) fn timestamp(at: Timestamp) -> String {
    let shown = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    OffsetDateTime::from_unix_timestamp(at.unix_seconds())
        .ok()
        .and_then(|at| at.format(shown).ok())
        // Within the years a `Timestamp` holds, neither step fails.
        .unwrap_or_else(|| at.to_string())
}

/// `yes`/`no`, for booleans in text output.
pub(crate) fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_columns_line_up_whatever_the_width_of_cells() {
        let text = table(
            &["NAME", "ID"],
            &[
                vec!["abcd…wxyz".into(), "1".into()],
                vec!["ci".into(), "22".into()],
            ],
        );
        assert_eq!(text, "NAME       ID\nabcd…wxyz  1\nci         22");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        let text = table(
            &["NAME", "ID"],
            &[
                vec!["日本語".into(), "1".into()],
                vec!["🚀ci".into(), "2".into()],
                vec!["ada".into(), "3".into()],
            ],
        );
        assert_eq!(text, "NAME    ID\n日本語  1\n🚀ci    2\nada     3");
    }

    #[test]
    fn control_characters_are_shown_escaped_and_keep_a_row_on_one_line() {
        assert_eq!(printable("plain café \\ text"), "plain café \\ text");
        assert_eq!(
            printable("a\u{1b}[2J\nb\tc\u{7f}\u{9b}"),
            "a\\u{1b}[2J\\nb\\tc\\u{7f}\\u{9b}"
        );
        let text = table(&["DESCRIPTION", "ID"], &[vec!["x\ny".into(), "1".into()]]);
        assert_eq!(text, "DESCRIPTION  ID\nx\\ny         1");
        let text = fields(&[("name", "\u{1b}]0;owned\u{7}".into())]);
        assert_eq!(text, "name  \\u{1b}]0;owned\\u{7}");
    }

    #[test]
    fn bidirectional_overrides_are_shown_escaped() {
        assert_eq!(
            printable("admin\u{202e}nimda\u{2066}x\u{200f}"),
            "admin\\u{202e}nimda\\u{2066}x\\u{200f}"
        );
        assert_eq!(printable("עברית"), "עברית");
    }

    #[test]
    fn the_arabic_letter_mark_and_line_and_paragraph_separators_are_shown_escaped() {
        assert_eq!(
            printable("a\u{61c}b\u{2028}c\u{2029}d"),
            "a\\u{61c}b\\u{2028}c\\u{2029}d"
        );
        let text = table(&["NAME"], &[vec!["x\u{2028}y".into()]]);
        assert_eq!(text, "NAME\nx\\u{2028}y");
    }

    #[test]
    fn a_document_written_a_field_at_a_time_reads_as_one_printed_whole() {
        #[derive(Serialize)]
        struct Whole {
            key: serde_json::Value,
            secret: &'static str,
            revoked: bool,
        }
        let key = serde_json::json!({"id": "k1", "name": "key-1", "description": null});
        let mut fields = JsonFields::default();

        let text = [
            fields.field_text("key", &key).unwrap(),
            fields.field_text("secret", &"s3cr3t").unwrap(),
            fields.field_text("revoked", &true).unwrap(),
            "\n}".to_owned(),
        ]
        .concat();

        let whole = Whole {
            key,
            secret: "s3cr3t",
            revoked: true,
        };
        assert_eq!(text, serde_json::to_string_pretty(&whole).unwrap());
    }

    #[test]
    fn with_json_lines_a_document_written_a_field_at_a_time_is_one_line() {
        let mut fields = JsonFields {
            started: false,
            compact: true,
        };

        let text = [
            fields
                .field_text("key", &serde_json::json!({"id": "k1"}))
                .unwrap(),
            fields.field_text("revoked", &true).unwrap(),
            "}".to_owned(),
        ]
        .concat();

        assert_eq!(text, r#"{"key":{"id":"k1"},"revoked":true}"#);
    }

    #[test]
    fn no_progress_bar_with_logs_quiet_or_json() {
        let plain = Output {
            json: false,
            lines: false,
            quiet: false,
            verbose: false,
        };
        assert!(plain.shows_progress(true));
        assert!(!plain.shows_progress(false));
        assert!(
            !Output {
                verbose: true,
                ..plain
            }
            .shows_progress(true)
        );
        assert!(
            !Output {
                quiet: true,
                ..plain
            }
            .shows_progress(true)
        );
        assert!(
            !Output {
                json: true,
                ..plain
            }
            .shows_progress(true)
        );
    }

    #[test]
    fn fields_align_their_values() {
        let text = fields(&[("id", "1".into()), ("username", "ada".into())]);
        assert_eq!(text, "id        1\nusername  ada");
    }

    #[test]
    fn timestamps_read_as_utc_whatever_form_the_server_used() {
        let shown = |text| timestamp(Timestamp::parse(text).unwrap());
        assert_eq!(
            shown("2024-05-01T12:30:00+02:00"),
            "2024-05-01 10:30:00 UTC"
        );
        assert_eq!(
            shown("2024-05-01T12:30:00.123456"),
            "2024-05-01 12:30:00 UTC"
        );
    }
}
