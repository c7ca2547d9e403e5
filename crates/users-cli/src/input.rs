//! A file argument as given: a path, or `-` for standard input. Clap parses
//! it once into an [`Input`]; readers and messages ask the value which it is.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use crate::redact;

/// Where `--api-key-file` or the provisioning FILE is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// `-`.
    Stdin,
    File(PathBuf),
}

impl From<OsString> for Input {
    fn from(arg: OsString) -> Self {
        if arg == "-" {
            Self::Stdin
        } else {
            Self::File(PathBuf::from(arg))
        }
    }
}

impl Input {
    /// The path, unless it is standard input.
    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Self::Stdin => None,
            Self::File(path) => Some(path),
        }
    }

    /// How a message names it: `standard input`, or the path quoted, any part
    /// that looks like a key masked.
    pub(crate) fn shown(&self) -> String {
        match self {
            Self::Stdin => "standard input".to_owned(),
            Self::File(path) => format!("'{}'", redact::path(path)),
        }
    }

    /// Opens it for reading.
    pub(crate) fn open(&self) -> io::Result<Box<dyn io::Read + Send>> {
        Ok(match self {
            Self::Stdin => Box::new(io::stdin()),
            Self::File(path) => Box::new(std::fs::File::open(path)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_is_standard_input_and_anything_else_a_path() {
        assert_eq!(Input::from(OsString::from("-")), Input::Stdin);
        assert_eq!(
            Input::from(OsString::from("./-")),
            Input::File(PathBuf::from("./-"))
        );
        assert_eq!(Input::Stdin.shown(), "standard input");
        assert_eq!(
            Input::File(PathBuf::from("/tmp/u.csv")).shown(),
            "'/tmp/u.csv'"
        );
    }
}
