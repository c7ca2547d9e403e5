//! Reading a provisioning file into rows, one at a time as they are asked
//! for: a file of any size is read in bounded memory. A bad row becomes a
//! row with an error, never the end of the file: every line gets an outcome.
//! What makes the file as a whole unusable (its header, a JSON array, a line
//! or the file over its limit) is a [`FileError`]. What a file held is echoed
//! back only through [`redact::shorten`]: a key file, netrc or dotenv given
//! by mistake must not come back on the screen.

mod csv_rows;
mod json_lines;
mod source;

use std::fmt;
use std::io;

use users_domain::Email;

use crate::cli::FileFormat;
use crate::input::Input;
use crate::redact;

/// The most of a provisioning file that is read: 64 MiB, room for a million
/// users. A larger file is refused (before anything is sent, for a file
/// whose size is known), rather than read into memory.
pub(crate) const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest line of a provisioning file, and the longest CSV row (which
/// may span lines): 64 KiB, where a row holds an email and an admin flag.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

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

/// Why a file cannot be provisioned as a whole. Found before anything is
/// sent when the file can be read twice (see [`check`]); in standard input,
/// it ends the rows where it is found.
#[derive(Debug)]
#[non_exhaustive]
pub(crate) enum FileError {
    /// It could not be opened or read.
    Read(io::Error),
    /// It is longer than [`MAX_FILE_BYTES`].
    TooLarge,
    /// This line is longer than [`MAX_LINE_BYTES`].
    LineTooLong { line: u64 },
    /// The CSV row that starts on this line runs past [`MAX_LINE_BYTES`]
    /// (a quote left open swallows the lines after it).
    RowTooLong { line: u64 },
    /// It holds no row.
    NoUsers,
    /// It is not a file of users: a CSV header other than `email[,admin]`,
    /// a JSON array, a JSON value spread over lines; the words say which.
    Shape(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(error) => write!(f, "cannot read it: {error}"),
            Self::TooLarge => write!(
                f,
                "it is larger than {} MiB, the most provision reads",
                MAX_FILE_BYTES >> 20
            ),
            Self::LineTooLong { line } => write!(
                f,
                "line {line} is longer than {} KiB, the most a line may be",
                MAX_LINE_BYTES >> 10
            ),
            Self::RowTooLong { line } => write!(
                f,
                "the row from line {line} runs on past {} KiB, the most a row may be \
                 (a quote left open?)",
                MAX_LINE_BYTES >> 10
            ),
            Self::NoUsers => f.write_str("it lists no users"),
            Self::Shape(why) => f.write_str(why),
        }
    }
}

impl FileError {
    /// A read failure, or the cap of [`source`] showing through one.
    fn from_io(error: io::Error) -> Self {
        if source::is_too_large(&error) {
            Self::TooLarge
        } else {
            Self::Read(error)
        }
    }
}

const ADMIN_VALUES: &str = "true/false, yes/no, 1/0 or empty";

/// Picks the format: an explicit choice, the extension, else the content
/// (standard input has no extension); `bytes` is how the file starts.
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

/// The rows of a file, read as they are asked for. After an `Err` there are
/// no more.
pub(crate) struct Rows(Format);

enum Format {
    Csv(csv_rows::CsvRows),
    Jsonl(json_lines::JsonRows),
    Ended,
}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rows")
    }
}

impl Iterator for Rows {
    type Item = Result<Row, FileError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = match &mut self.0 {
            Format::Csv(rows) => rows.next_row(),
            Format::Jsonl(rows) => rows.next_row(),
            Format::Ended => return None,
        };
        match next {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.0 = Format::Ended;
                None
            }
            Err(error) => {
                self.0 = Format::Ended;
                Some(Err(error))
            }
        }
    }
}

/// Opens `input` and reads as far as its first row: the format (see
/// [`detect`]), the CSV header, or that it is no JSON array.
///
/// # Errors
///
/// When it cannot be read, is larger than [`MAX_FILE_BYTES`] (known here
/// for a file, as it is read for standard input), or does not start as a
/// file of users does.
pub(crate) fn open(input: &Input, chosen: Option<FileFormat>) -> Result<Rows, FileError> {
    if let Some(path) = input.path() {
        let size = std::fs::metadata(path).map_err(FileError::Read)?.len();
        if size > MAX_FILE_BYTES {
            return Err(FileError::TooLarge);
        }
    }
    let reader = input.open().map_err(FileError::Read)?;
    rows(reader, input, chosen)
}

/// Reads the whole of `input` as [`open`] and the rows do, keeping none:
/// every [`FileError`] is found before anything is sent. Returns how many
/// rows there are.
///
/// # Errors
///
/// As [`open`], and for any [`FileError`] further on, [`FileError::NoUsers`]
/// included.
pub(crate) fn check(input: &Input, chosen: Option<FileFormat>) -> Result<u64, FileError> {
    let mut count = 0;
    for row in open(input, chosen)? {
        row?;
        count += 1;
    }
    if count == 0 {
        return Err(FileError::NoUsers);
    }
    Ok(count)
}

/// The rows of `reader`, which `input` names (for the format's extension).
///
/// # Errors
///
/// As [`open`].
pub(crate) fn rows(
    reader: impl io::Read + Send + 'static,
    input: &Input,
    chosen: Option<FileFormat>,
) -> Result<Rows, FileError> {
    let (source, start) = source::start(reader)?;
    Ok(Rows(match detect(input, &start, chosen) {
        FileFormat::Csv => Format::Csv(csv_rows::CsvRows::new(source)?),
        FileFormat::Jsonl => Format::Jsonl(json_lines::JsonRows::new(source, &start)?),
    }))
}

/// Reads every row of `bytes`: what [`rows`] gives, gathered.
///
/// # Errors
///
/// When the file as a whole cannot be read (the words of its [`FileError`]):
/// empty, a CSV header that is not `email[,admin]`, JSON that is not one
/// object per line, a line longer than [`MAX_LINE_BYTES`].
#[cfg(any(test, feature = "demo", feature = "fuzzing"))]
#[cfg_attr(
    not(any(test, feature = "demo")),
    allow(dead_code, reason = "the fuzz targets' (see lib.rs), not the binary's")
)]
pub(crate) fn parse(bytes: &[u8], format: FileFormat) -> Result<Vec<Row>, String> {
    let reader = io::Cursor::new(bytes.to_vec());
    let rows = rows(reader, &Input::Stdin, Some(format))
        .and_then(Iterator::collect::<Result<Vec<Row>, FileError>>)
        .map_err(|error| error.to_string())?;
    if rows.is_empty() {
        return Err(FileError::NoUsers.to_string());
    }
    Ok(rows)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
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
