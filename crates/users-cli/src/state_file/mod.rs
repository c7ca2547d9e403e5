//! The desired-state file of `wbusers export`, `plan` and `apply`: an
//! instance's people as TOML (or JSON, the same schema), kept under review.
//! The format is described for users in `docs/state.md`.
//!
//! - [`read`] and [`parse`] make the domain's [`DesiredState`] of a file,
//!   every entry located at its line, every value parsed with the domain's
//!   types; or every [`FileError`] found, each `FILE:LINE: what is wrong:
//!   what to do`. The domain's validation against the instance comes next
//!   ([`DesiredState::validate`]); [`FileError::invalid`] shows its
//!   problems the same way.
//! - [`render()`] writes an [`InstanceState`] as a file: sorted, stable, so
//!   that two exports of one instance are byte-identical and a diff reads
//!   well; and parsing it gives back the state.
//!
//! Both formats are read into one tree of values that knows each value's
//! line ([`tree`]), and one schema reader ([`schema`]) reads that, rather
//! than serde deriving the schema twice: `serde_json` keeps no places, so a
//! derived JSON reader could not say on which line a duplicate user is;
//! and a derived reader's problems come out as serde's prose, to be parsed
//! again for a typed error. Here each problem is typed where it is found,
//! and both formats say the same thing about it.

mod error;
mod fields;
mod json_tree;
mod render;
mod schema;
mod toml_tree;
mod tree;

use std::fmt;
use std::io::Read;
use std::path::Path;

use users_domain::{DesiredState, InstanceState};

pub(crate) use error::{FileError, FileErrorKind};
pub(crate) use render::{render_json, render_toml};

/// The one version of the format this wbusers reads and writes.
pub(crate) const SUPPORTED_VERSION: i64 = 1;

/// The most of a state file that is read: 256 MiB. An export of a million
/// users (one in three in a team) is some 89 MB, so this holds the largest
/// instances' with room for users in more teams, while a file that is no
/// state file (or standard input that never ends) is refused rather than
/// read into memory. Planning holds the file, its parse and the instance at
/// once, some 32 times the file's size (`plan` of a million-user export
/// peaks at 2.6 GiB), so the limit is what bounds memory (about 8 GiB at
/// most): a larger one would let a plan outgrow the machines it runs on.
pub(crate) const MAX_STATE_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// [`MAX_STATE_FILE_BYTES`] in words, as messages and `--help` name it.
pub(crate) fn limit_text() -> String {
    const GIB: u64 = 1 << 30;
    if MAX_STATE_FILE_BYTES % GIB == 0 {
        format!("{} GiB", MAX_STATE_FILE_BYTES / GIB)
    } else {
        format!("{} MiB", MAX_STATE_FILE_BYTES >> 20)
    }
}

/// The two formats a state file may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// TOML, the format `export` writes.
    Toml,
    /// JSON, the same schema (`export --json`).
    Json,
}

impl Format {
    /// The format of a file: by its extension (`.toml`, `.json`), else by
    /// how it starts (standard input has no extension): JSON when its first
    /// byte other than white space is `{`, else TOML.
    pub(crate) fn detect(path: Option<&Path>, bytes: &[u8]) -> Self {
        let extension = path
            .and_then(Path::extension)
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("toml") => Self::Toml,
            Some("json") => Self::Json,
            _ => match strip_bom(bytes).iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{') => Self::Json,
                _ => Self::Toml,
            },
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Toml => "TOML",
            Self::Json => "JSON",
        })
    }
}

/// Reads the state file `reader`, at most [`MAX_STATE_FILE_BYTES`] of it,
/// in the format of `path` (see [`Format::detect`]; `None` for standard
/// input). `file` is how messages name it: the caller masks any key-shaped
/// part of a path first.
///
/// # Errors
///
/// [`FileErrorKind::Read`] or [`FileErrorKind::TooLarge`] alone; else as
/// [`parse`], and [`FileErrorKind::NotText`] for a file that is not UTF-8.
pub(crate) fn read(
    reader: impl Read,
    file: &str,
    path: Option<&Path>,
) -> Result<DesiredState, Vec<FileError>> {
    read_at_most(reader, file, path, MAX_STATE_FILE_BYTES)
}

/// [`read`], refusing a file of more than `most` bytes, having read no more
/// than one byte past them.
fn read_at_most(
    reader: impl Read,
    file: &str,
    path: Option<&Path>,
    most: u64,
) -> Result<DesiredState, Vec<FileError>> {
    let whole = |kind| vec![FileError::new(file, None, kind)];
    let mut bytes = Vec::new();
    reader
        .take(most.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| whole(FileErrorKind::Read(error)))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > most {
        return Err(whole(FileErrorKind::TooLarge));
    }
    let format = Format::detect(path, &bytes);
    let bytes = strip_bom(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let before = &bytes[..error.valid_up_to()];
        let line = before.split(|&byte| byte == b'\n').count();
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        vec![FileError::new(file, Some(line), FileErrorKind::NotText)]
    })?;
    parse(text, file, format)
}

/// Parses `text`, a state file in `format`, which messages name `file`.
///
/// # Errors
///
/// The first syntax error (a key given twice among them); else every
/// problem with the schema or a value: unknown fields, values of the wrong
/// kind, required fields left out, values the domain's types refuse, and
/// the version. Sorted by line, the file's own (no line) first.
pub(crate) fn parse(
    text: &str,
    file: &str,
    format: Format,
) -> Result<DesiredState, Vec<FileError>> {
    let lines = tree::Lines::new(text);
    let root = match format {
        Format::Toml => toml_tree::parse(text, &lines),
        Format::Json => json_tree::parse(text, &lines),
    };
    root.map_err(|problem| vec![problem])
        .and_then(|root| schema::desired_state(root, format))
        .map_err(|problems| {
            problems
                .into_iter()
                .map(|problem| FileError::new(file, problem.line, problem.kind))
                .collect()
        })
}

/// `state` as a state file in `format`: [`render_toml`] or [`render_json`].
pub(crate) fn render(state: &InstanceState, format: Format) -> String {
    match format {
        Format::Toml => render_toml(state),
        Format::Json => render_json(state),
    }
}

/// Editors on some systems start UTF-8 files with a byte-order mark.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests;
