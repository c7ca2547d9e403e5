//! Reading a provisioning file into rows. A bad row becomes a row with an
//! error, never the end of the file: every line gets an outcome.

use std::path::Path;

use serde_json::Value;
use users_domain::Email;

use crate::cli::FileFormat;

/// One user the file asks for.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) email: Email,
    pub(crate) admin: bool,
}

/// One row of the file, as read.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based line number in the file.
    pub(crate) line: u64,
    /// How to show the row: its email field as written, else the raw line.
    pub(crate) input: String,
    pub(crate) entry: Result<Entry, String>,
}

/// A problem with the file as a whole (nothing was sent).
pub(crate) type FileError = String;

/// The longest raw line echoed back in a report.
const SHOWN_CHARS: usize = 60;

const JSON_SHAPE: &str = r#"expected an object like {"email": "ada@example.com", "admin": false}"#;

const ADMIN_VALUES: &str = "true/false, yes/no, 1/0 or empty";

/// Picks the format: an explicit choice, the extension, else the first character.
pub(crate) fn detect(path: &Path, bytes: &[u8], chosen: Option<FileFormat>) -> FileFormat {
    if let Some(format) = chosen {
        return format;
    }
    let extension = path
        .extension()
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => FileFormat::Csv,
        Some("jsonl" | "ndjson" | "json") => FileFormat::Jsonl,
        _ => {
            let first = strip_bom(bytes).iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'{') {
                FileFormat::Jsonl
            } else {
                FileFormat::Csv
            }
        }
    }
}

/// Reads every row of the file.
///
/// # Errors
///
/// When the file as a whole cannot be read: empty, or a CSV header that is not `email[,admin]`.
pub(crate) fn parse(bytes: &[u8], format: FileFormat) -> Result<Vec<Row>, FileError> {
    let bytes = strip_bom(bytes);
    let rows = match format {
        FileFormat::Csv => parse_csv(bytes)?,
        FileFormat::Jsonl => parse_jsonl(bytes),
    };
    if rows.is_empty() {
        return Err("it lists no users".to_owned());
    }
    Ok(rows)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn parse_csv(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|error| format!("cannot read its header: {error}"))?
        .clone();
    let (email_at, admin_at) = columns(&header)?;
    let line_at = |position: &csv::Position| line_of(bytes, position);
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        match record {
            Ok(record) if record.iter().all(<[u8]>::is_empty) => {}
            Ok(record) => {
                let line = record.position().map_or(0, line_at);
                rows.push(csv_row(&record, line, header.len(), email_at, admin_at));
            }
            Err(error) => {
                let Some(position) = error.position() else {
                    return Err(format!("cannot read it: {error}"));
                };
                rows.push(Row {
                    line: line_at(position),
                    input: String::new(),
                    entry: Err(format!("not a CSV row: {error}")),
                });
            }
        }
    }
    Ok(rows)
}

/// The line a record starts on. csv's own count and offset both point before
/// the blank and comment lines it skipped, so those are stepped over here.
fn line_of(bytes: &[u8], position: &csv::Position) -> u64 {
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
    // Pieces between newlines: one more than the newlines before `start`.
    bytes[..start].split(|&b| b == b'\n').count() as u64
}

fn columns(header: &csv::ByteRecord) -> Result<(usize, Option<usize>), FileError> {
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
        return Err(format!("unknown column '{}'; {expected}", shorten(unknown)));
    }
    let position = |column: &str| names.iter().position(|name| name == column);
    let count = |column: &str| names.iter().filter(|name| *name == column).count();
    if count("email") > 1 || count("admin") > 1 {
        return Err(format!("a column appears twice; {expected}"));
    }
    let email = position("email").ok_or_else(|| format!("no 'email' column; {expected}"))?;
    Ok((email, position("admin")))
}

fn csv_row(
    record: &csv::ByteRecord,
    line: u64,
    width: usize,
    email_at: usize,
    admin_at: Option<usize>,
) -> Row {
    let fields: Vec<String> = record
        .iter()
        .map(|field| String::from_utf8_lossy(field).into_owned())
        .collect();
    let raw = shorten(&fields.join(","));
    let input = fields
        .get(email_at)
        .filter(|email| !email.is_empty())
        .map_or(raw, |email| shorten(email));
    let utf8 = record
        .iter()
        .all(|field| std::str::from_utf8(field).is_ok());
    let entry = csv_entry(&fields, utf8, width, email_at, admin_at);
    Row { line, input, entry }
}

fn csv_entry(
    fields: &[String],
    utf8: bool,
    width: usize,
    email_at: usize,
    admin_at: Option<usize>,
) -> Result<Entry, String> {
    if !utf8 {
        return Err("the row is not valid UTF-8".to_owned());
    }
    if fields.len() != width {
        return Err(format!(
            "the row has {} field(s), the header has {width}",
            fields.len()
        ));
    }
    let email = email(&fields[email_at])?;
    let admin = match admin_at {
        Some(at) => admin_flag(&fields[at])?,
        None => false,
    };
    Ok(Entry { email, admin })
}

fn parse_jsonl(bytes: &[u8]) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        let (input, entry) = match std::str::from_utf8(raw) {
            Ok(text) => json_entry(text),
            Err(_) => (
                shorten(&text),
                Err("the line is not valid UTF-8".to_owned()),
            ),
        };
        rows.push(Row {
            line: index as u64 + 1,
            input,
            entry,
        });
    }
    rows
}

fn json_entry(text: &str) -> (String, Result<Entry, String>) {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else {
        return (shorten(text.trim()), Err(format!("not JSON; {JSON_SHAPE}")));
    };
    let input = match object.get("email") {
        Some(Value::String(email)) => email.clone(),
        _ => shorten(text.trim()),
    };
    let entry = json_fields(&object);
    (input, entry)
}

fn json_fields(object: &serde_json::Map<String, Value>) -> Result<Entry, String> {
    if let Some(unknown) = object
        .keys()
        .find(|key| !matches!(key.as_str(), "email" | "admin"))
    {
        return Err(format!(
            "unknown field '{}'; {JSON_SHAPE}",
            shorten(unknown)
        ));
    }
    let email = match object.get("email") {
        Some(Value::String(text)) => email(text)?,
        Some(_) => return Err("'email' must be a string".to_owned()),
        None => return Err(format!("no 'email' field; {JSON_SHAPE}")),
    };
    let admin = match object.get("admin") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(admin)) => *admin,
        Some(_) => return Err("'admin' must be true or false".to_owned()),
    };
    Ok(Entry { email, admin })
}

fn email(text: &str) -> Result<Email, String> {
    Email::parse(text.trim()).map_err(|error| error.to_string())
}

fn admin_flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" | "" => Ok(false),
        _ => Err(format!(
            "admin must be {ADMIN_VALUES}, not '{}'",
            shorten(text)
        )),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= SHOWN_CHARS {
        text.to_owned()
    } else {
        let head: String = text.chars().take(SHOWN_CHARS - 1).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests;
