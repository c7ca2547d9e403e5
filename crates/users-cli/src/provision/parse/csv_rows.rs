//! CSV with the header `email,admin` (admin optional, columns in any order).
//! Unknown columns are refused for the whole file, and a row with more fields
//! than the header fails: a column this tool ignored could be one the writer
//! meant (`teams`, `name`) and expected to take effect.
//!
//! Rows are read here a byte at a time, by the rules of the `csv` crate
//! (RFC 4180 quoting, `""` for a quote inside quotes): a line end ends a row
//! but inside quotes, and blank lines and lines starting with `#` between
//! rows are skipped. So each row's line numbers are known exactly, and no
//! line or row is held past [`MAX_LINE_BYTES`].

use std::io::BufRead as _;

use super::source::Source;
use super::{Entry, FileError, MAX_LINE_BYTES, Row, admin_flag, email};
use crate::redact;

/// Where the columns are.
#[derive(Debug, Clone, Copy)]
struct Layout {
    width: usize,
    email_at: usize,
    admin_at: Option<usize>,
}

/// The rows of a CSV file, its header read.
pub(super) struct CsvRows {
    records: Records,
    layout: Layout,
}

impl CsvRows {
    /// Reads the header.
    ///
    /// # Errors
    ///
    /// When there is none (an empty file), or it is not `email[,admin]`.
    pub(super) fn new(source: Source) -> Result<Self, FileError> {
        let mut records = Records {
            source,
            line: 1,
            line_bytes: 0,
        };
        let header = records.next_record()?.unwrap_or_default();
        let layout = columns(&header.fields).map_err(FileError::Shape)?;
        Ok(Self { records, layout })
    }

    /// The next row; `None` at the end of the file.
    pub(super) fn next_row(&mut self) -> Result<Option<Row>, FileError> {
        while let Some(record) = self.records.next_record()? {
            // White space alone: a blank line, to a person.
            if record.fields.iter().all(Vec::is_empty) {
                continue;
            }
            return Ok(Some(row(&record, self.layout)));
        }
        Ok(None)
    }
}

/// One row: its fields, each trimmed of white space, and the lines it spans.
#[derive(Debug, Default)]
struct Record {
    fields: Vec<Vec<u8>>,
    first: u64,
    last: u64,
    /// How many bytes of the file it took, quotes and commas included.
    size: usize,
}

/// Where the reader is, in the `csv` crate's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between rows: blank lines are skipped, `#` starts a comment.
    StartRecord,
    Comment,
    StartField,
    InField,
    Quoted,
    /// A quote inside quotes: the end of the quoted part, or the first of `""`.
    QuoteInQuoted,
}

/// Reads a CSV file a row at a time.
struct Records {
    source: Source,
    /// The line the next byte is on.
    line: u64,
    /// How many bytes of that line were read.
    line_bytes: usize,
}

impl Records {
    fn next_record(&mut self) -> Result<Option<Record>, FileError> {
        let mut state = State::StartRecord;
        let mut record = Record::default();
        let mut field = Vec::new();
        loop {
            let chunk = self.source.fill_buf().map_err(FileError::from_io)?;
            if chunk.is_empty() {
                if matches!(state, State::StartRecord | State::Comment) {
                    return Ok(None);
                }
                record.end_field(&field);
                return Ok(Some(record));
            }
            let mut used = 0;
            let mut ended = false;
            for &byte in chunk {
                used += 1;
                let line = self.line;
                let line_end = matches!(byte, b'\n' | b'\r');
                if line_end {
                    self.line += u64::from(byte == b'\n');
                    self.line_bytes = 0;
                } else {
                    self.line_bytes += 1;
                    if self.line_bytes > MAX_LINE_BYTES {
                        return Err(FileError::LineTooLong { line });
                    }
                }
                match state {
                    State::StartRecord if line_end => continue,
                    State::StartRecord if byte == b'#' => state = State::Comment,
                    State::Comment => {
                        if byte == b'\n' {
                            state = State::StartRecord;
                        }
                        continue;
                    }
                    State::StartRecord => record.first = line,
                    _ => {}
                }
                if state == State::Comment {
                    continue;
                }
                if line_end && state != State::Quoted {
                    ended = true;
                    break;
                }
                record.size += 1;
                if record.size > MAX_LINE_BYTES {
                    return Err(FileError::RowTooLong { line: record.first });
                }
                if !line_end {
                    record.last = line;
                }
                state = match (state, byte) {
                    (State::StartRecord | State::StartField, b'"') => State::Quoted,
                    (State::Quoted, b'"') => State::QuoteInQuoted,
                    (State::Quoted, _) | (State::QuoteInQuoted, b'"') => {
                        field.push(byte);
                        State::Quoted
                    }
                    (_, b',') => {
                        record.end_field(&field);
                        field.clear();
                        State::StartField
                    }
                    _ => {
                        field.push(byte);
                        State::InField
                    }
                };
            }
            self.source.consume(used);
            if ended {
                record.end_field(&field);
                return Ok(Some(record));
            }
        }
    }
}

impl Record {
    fn end_field(&mut self, field: &[u8]) {
        self.fields.push(field.trim_ascii().to_vec());
    }
}

fn columns(header: &[Vec<u8>]) -> Result<Layout, String> {
    let expected = "the first line must be the header 'email,admin' (admin is optional)";
    let names: Vec<String> = header
        .iter()
        .map(|name| String::from_utf8_lossy(name).to_ascii_lowercase())
        .collect();
    if names.iter().all(String::is_empty) {
        return Err("it is empty".to_owned());
    }
    if let Some(unknown) = names
        .iter()
        .find(|name| !matches!(name.as_str(), "email" | "admin"))
    {
        return Err(format!(
            "unknown column '{}'; {expected}",
            redact::shorten(unknown)
        ));
    }
    let position = |column: &str| names.iter().position(|name| name == column);
    let count = |column: &str| names.iter().filter(|name| *name == column).count();
    if count("email") > 1 || count("admin") > 1 {
        return Err(format!("a column appears twice; {expected}"));
    }
    let email_at = position("email").ok_or_else(|| format!("no 'email' column; {expected}"))?;
    Ok(Layout {
        width: names.len(),
        email_at,
        admin_at: position("admin"),
    })
}

/// One record, which spans lines `first` to `last`.
fn row(record: &Record, layout: Layout) -> Row {
    let (first, last) = (record.first, record.last);
    let fields: Vec<String> = record
        .fields
        .iter()
        .map(|field| String::from_utf8_lossy(field).into_owned())
        .collect();
    let raw = redact::shorten(&fields.join(","));
    let input = fields
        .get(layout.email_at)
        .filter(|email| !email.is_empty())
        .map_or(raw, |email| redact::shorten(email));
    // No email or admin flag holds a line break: a field that does was
    // opened by a quote that was never closed, and ate the lines after it.
    let entry = if fields.iter().any(|field| field.contains('\n')) {
        Err(format!(
            "unclosed quote from line {first} swallows lines {first}–{last}; close it and run again"
        ))
    } else {
        let utf8 = record
            .fields
            .iter()
            .all(|field| std::str::from_utf8(field).is_ok());
        entry(&fields, utf8, layout)
    };
    Row {
        line: first,
        input,
        entry,
    }
}

fn entry(fields: &[String], utf8: bool, layout: Layout) -> Result<Entry, String> {
    if !utf8 {
        return Err("the row is not valid UTF-8".to_owned());
    }
    // The admin flag is optional, so a row may leave out a last admin field.
    let admin_left_out =
        layout.admin_at == Some(layout.width - 1) && fields.len() + 1 == layout.width;
    if fields.len() != layout.width && !admin_left_out {
        return Err(format!(
            "the row has {} field(s), the header has {}",
            fields.len(),
            layout.width
        ));
    }
    let email = email(&fields[layout.email_at])?;
    let admin = match layout.admin_at.and_then(|at| fields.get(at)) {
        Some(flag) => admin_flag(flag)?,
        None => false,
    };
    Ok(Entry { email, admin })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text` as this module reads it: its fields.
    fn ours(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        let mut records = Records {
            source: Box::new(std::io::Cursor::new(text.to_vec())),
            line: 1,
            line_bytes: 0,
        };
        std::iter::from_fn(|| records.next_record().unwrap())
            .map(|record| record.fields)
            .collect()
    }

    /// Every record of `text` as the `csv` crate reads it, as this module is
    /// meant to.
    fn theirs(text: &[u8]) -> Vec<Vec<Vec<u8>>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .comment(Some(b'#'))
            .from_reader(text)
            .byte_records()
            .map(|record| record.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    /// Records as rows: a record of empty fields (white space) is no row, and
    /// the csv crate makes one of a comment that ends the file, which reads
    /// as nothing.
    fn rows(mut records: Vec<Vec<Vec<u8>>>) -> Vec<Option<Vec<Vec<u8>>>> {
        let blank = |record: &Vec<Vec<u8>>| record.iter().all(Vec::is_empty);
        while records.last().is_some_and(blank) {
            records.pop();
        }
        records
            .into_iter()
            .map(|record| (!blank(&record)).then_some(record))
            .collect()
    }

    #[test]
    fn rows_and_fields_are_read_as_the_csv_crate_reads_them() {
        // Every text of up to five of the bytes that matter to CSV.
        let alphabet = b"a,\"\n\r# ";
        let mut texts = vec![Vec::new()];
        let mut compared = 0;
        for _ in 0..5 {
            let mut longer = Vec::with_capacity(texts.len() * alphabet.len());
            for text in &texts {
                for &byte in alphabet {
                    let mut next = text.clone();
                    next.push(byte);
                    assert_eq!(
                        rows(ours(&next)),
                        rows(theirs(&next)),
                        "{:?}",
                        String::from_utf8_lossy(&next)
                    );
                    compared += 1;
                    longer.push(next);
                }
            }
            texts = longer;
        }
        assert_eq!(compared, (1..=5).map(|n| 7_usize.pow(n)).sum::<usize>());
    }
}
