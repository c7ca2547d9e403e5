//! The file as a tree of values, each with the line it starts on: what the
//! TOML reader and the JSON reader both make, so that one schema reader
//! ([`schema`](super::schema)) serves both formats and their messages are
//! the same.

use super::error::{FileErrorKind, Kind};

/// A value and the line it starts on.
#[derive(Debug)]
pub(super) struct Node {
    /// The line, counted from 1.
    pub(super) line: u32,
    /// The value.
    pub(super) value: Value,
}

/// A value of the file. Kinds the schema never reads (floats, dates,
/// `null`) keep only their kind, for the message that refuses them.
#[derive(Debug)]
pub(super) enum Value {
    /// A table or object: its fields in the file's order (TOML's parser
    /// gives them sorted by key; messages are sorted by line anyway).
    Table(Vec<Entry>),
    /// An array.
    Array(Vec<Node>),
    /// A string.
    String(String),
    /// `true` or `false`.
    Boolean(bool),
    /// A whole number; `None` when it does not fit an `i64`.
    Integer(Option<i64>),
    /// Any other value, or a table or array nested deeper than the schema
    /// goes (see [`json_tree`](super::json_tree)).
    Other(Kind),
}

impl Value {
    /// The value's kind.
    pub(super) fn kind(&self) -> Kind {
        match self {
            Self::Table(_) => Kind::Table,
            Self::Array(_) => Kind::Array,
            Self::String(_) => Kind::String,
            Self::Boolean(_) => Kind::Boolean,
            Self::Integer(_) => Kind::Integer,
            Self::Other(kind) => *kind,
        }
    }
}

/// One field of a table.
#[derive(Debug)]
pub(super) struct Entry {
    /// The key, as written.
    pub(super) key: String,
    /// The key's line.
    pub(super) line: u32,
    /// Its value.
    pub(super) node: Node,
}

/// A problem found while reading, before the file's name is put to it.
#[derive(Debug)]
pub(super) struct Problem {
    /// The line at fault, if any.
    pub(super) line: Option<u32>,
    /// What is wrong.
    pub(super) kind: FileErrorKind,
}

impl Problem {
    /// The problem `kind` at `line`.
    pub(super) fn at(line: u32, kind: FileErrorKind) -> Self {
        Self {
            line: Some(line),
            kind,
        }
    }
}

/// The line of each byte offset of a text: both parsers give offsets.
#[derive(Debug)]
pub(super) struct Lines {
    /// The offset at which each line starts; the first is 0.
    starts: Vec<usize>,
}

impl Lines {
    /// The lines of `text`.
    pub(super) fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self { starts }
    }

    /// The line (from 1) holding the byte at `offset`.
    pub(super) fn line(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&start| start <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}
