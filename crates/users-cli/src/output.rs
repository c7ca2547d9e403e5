//! Where output goes: results to stdout (text or one JSON document), notes to
//! stderr. Tables and timestamps are rendered here.

use std::io::{self, Write as _};

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::exit::Failure;

/// The output mode chosen by `--json` and `--quiet`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub(crate) json: bool,
    pub(crate) quiet: bool,
}

impl Output {
    /// Prints the command's result: `json` with `--json`, else the `text` lines.
    pub(crate) fn result<T: Serialize>(self, json: &T, text: &str) -> Result<(), Failure> {
        if self.json {
            let document = serde_json::to_string_pretty(json)
                .map_err(|error| Failure::new(crate::exit::Exit::Failure, error.to_string()))?;
            print(&document)
        } else {
            print(text)
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
        !self.quiet && !self.json && io::stderr().is_terminal()
    }
}

/// Prints text on stdout as it comes (where a result is streamed).
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    write_text(&mut out, text)
        .and_then(|()| out.flush())
        .map_err(|error| Failure::output(&error))
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

/// A table with a header row and left-aligned columns two spaces apart.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    std::iter::once(&header)
        .chain(rows)
        .map(|row| line(&widths, row))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Label/value pairs, the labels padded to one width.
pub(crate) fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0);
    pairs
        .iter()
        .map(|(label, value)| format!("{label:<width$}  {value}").trim_end().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn line(widths: &[usize], row: &[String]) -> String {
    let mut text = String::new();
    for (width, cell) in widths.iter().zip(row) {
        let pad = width.saturating_sub(cell.chars().count());
        text.push_str(cell);
        text.push_str(&" ".repeat(pad + 2));
    }
    text.trim_end().to_owned()
}

/// A server timestamp as people read it (`2024-05-01 12:00:00 UTC`). The
/// server's text is shown unchanged when it is not a timestamp this tool knows.
pub(crate) fn timestamp(text: &str) -> String {
    let parsed = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        // W&B sends naive UTC timestamps, with or without fractions of a second.
        let naive = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
        );
        PrimitiveDateTime::parse(text, naive)
            .ok()
            .map(PrimitiveDateTime::assume_utc)
    });
    let shown = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    parsed
        .and_then(|at| at.to_offset(time::UtcOffset::UTC).format(shown).ok())
        .unwrap_or_else(|| text.to_owned())
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
    fn fields_align_their_values() {
        let text = fields(&[("id", "1".into()), ("username", "ada".into())]);
        assert_eq!(text, "id        1\nusername  ada");
    }

    #[test]
    fn timestamps_read_as_utc_whatever_form_the_server_used() {
        assert_eq!(
            timestamp("2024-05-01T12:30:00+02:00"),
            "2024-05-01 10:30:00 UTC"
        );
        assert_eq!(
            timestamp("2024-05-01T12:30:00.123456"),
            "2024-05-01 12:30:00 UTC"
        );
        assert_eq!(timestamp("yesterday"), "yesterday");
    }
}
