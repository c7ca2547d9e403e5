//! CSV with the header `email,admin` (admin optional, columns in any order).
//! Unknown columns are refused for the whole file, and a row with more fields
//! than the header fails: a column this tool ignored could be one the writer
//! meant (`teams`, `name`) and expected to take effect.

use super::{Entry, FileError, Row, admin_flag, email, newlines};
use crate::redact;

/// Where the columns are.
#[derive(Debug, Clone, Copy)]
struct Layout {
    width: usize,
    email_at: usize,
    admin_at: Option<usize>,
}

pub(super) fn parse(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|error| format!("cannot read its header: {error}"))?
        .clone();
    let layout = columns(&header)?;
    let mut lines = Lines::new(bytes);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) if record.iter().all(<[u8]>::is_empty) => {}
            Ok(true) => {
                let first = record.position().map_or(0, |at| lines.record_start(at));
                let last = lines.record_end(reader.position().byte());
                rows.push(row(&record, (first, last), layout));
            }
            Err(error) => {
                let Some(position) = error.position() else {
                    return Err(format!("cannot read it: {error}"));
                };
                rows.push(Row {
                    line: lines.record_start(position),
                    input: String::new(),
                    entry: Err(format!("not a CSV row: {error}")),
                });
            }
        }
    }
    Ok(rows)
}

/// Line numbers of byte offsets. Records come in file order, so each call
/// counts only the newlines since the previous one: linear in the size of
/// the file (counting from the start for every record was quadratic).
struct Lines<'a> {
    bytes: &'a [u8],
    /// An offset already counted, and the line it is on.
    offset: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line `offset` is on.
    fn at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            // csv only reads forward; were it not to, stay right rather than fast.
            self.offset = 0;
            self.line = 1;
        }
        self.line += newlines(&self.bytes[self.offset..offset]);
        self.offset = offset;
        self.line
    }

    /// The line a record starts on. csv's offset points before the blank and
    /// comment lines it skipped, so those are stepped over here.
    fn record_start(&mut self, position: &csv::Position) -> u64 {
        let bytes = self.bytes;
        let mut start = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        loop {
            while matches!(bytes.get(start), Some(b'\n' | b'\r')) {
                start += 1;
            }
            if bytes.get(start) != Some(&b'#') {
                break;
            }
            start = bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |end| start + end + 1);
        }
        self.at(start)
    }

    /// The last line of the record just read, which `end` (the reader's
    /// position) is past, line end included.
    fn record_end(&mut self, end: u64) -> u64 {
        let mut last = usize::try_from(end)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while last > self.offset && matches!(self.bytes[last - 1], b'\n' | b'\r') {
            last -= 1;
        }
        self.at(last)
    }
}

fn columns(header: &csv::ByteRecord) -> Result<Layout, FileError> {
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
fn row(record: &csv::ByteRecord, (first, last): (u64, u64), layout: Layout) -> Row {
    let fields: Vec<String> = record
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
