//! Reading a provisioning file into rows. A bad row becomes a row with an
//! error, never the end of the file: every line gets an outcome. What a file
//! held is echoed back only through [`redact::shorten`]: a key file, netrc or
//! dotenv given by mistake must not come back on the screen.

mod csv_rows;
mod json_lines;

use users_domain::Email;

use crate::cli::FileFormat;
use crate::input::Input;
use crate::redact;

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
    /// How to show the row: its email field as written, else the raw line;
    /// keys masked and capped (see [`redact::shorten`]).
    pub(crate) input: String,
    pub(crate) entry: Result<Entry, String>,
}

/// A problem with the file as a whole (nothing was sent).
pub(crate) type FileError = String;

const ADMIN_VALUES: &str = "true/false, yes/no, 1/0 or empty";

/// Picks the format: an explicit choice, the extension, else the content
/// (standard input has no extension).
/// `.json` is judged by its content: such a file often holds an array or a
/// pretty-printed object, which JSON lines parsing then refuses as a whole.
pub(crate) fn detect(input: &Input, bytes: &[u8], chosen: Option<FileFormat>) -> FileFormat {
    if let Some(format) = chosen {
        return format;
    }
    let extension = input
        .path()
        .and_then(|path| path.extension())
        .and_then(|ext| ext.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => FileFormat::Csv,
        Some("jsonl" | "ndjson") => FileFormat::Jsonl,
        _ => match first_byte(strip_bom(bytes)) {
            Some(b'{' | b'[') => FileFormat::Jsonl,
            _ => FileFormat::Csv,
        },
    }
}

/// Reads every row of the file.
///
/// # Errors
///
/// When the file as a whole cannot be read: empty, a CSV header that is not
/// `email[,admin]`, or JSON that is not one object per line.
pub(crate) fn parse(bytes: &[u8], format: FileFormat) -> Result<Vec<Row>, FileError> {
    let bytes = strip_bom(bytes);
    let rows = match format {
        FileFormat::Csv => csv_rows::parse(bytes)?,
        FileFormat::Jsonl => json_lines::parse(bytes)?,
    };
    if rows.is_empty() {
        return Err("it lists no users".to_owned());
    }
    Ok(rows)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// How many line ends `bytes` holds.
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().map(|&b| u64::from(b == b'\n')).sum()
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
            redact::shorten(text)
        )),
    }
}

#[cfg(test)]
mod tests;
