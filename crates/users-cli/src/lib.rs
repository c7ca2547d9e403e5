//! Not a library: this package is the `wbusers` binary (`src/main.rs`).
//!
//! With the non-default `fuzzing` feature this target builds the binary's
//! provisioning-file readers (`provision/parse*`, and the `input` and
//! `redact` modules they use) and its state-file reader (`state_file`) a
//! second time, from the same files, and exposes
//! them to the fuzz targets in `fuzz/` (`cargo xtask fuzz`); without it, it
//! is empty. The binary does not use it: nothing it does changes.

// The binary's `cli::FileFormat`, the one item the readers take from `cli`
// (which would bring in every command): the same two formats.
#[cfg(all(feature = "fuzzing", not(test)))]
mod cli {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum FileFormat {
        Csv,
        Jsonl,
    }
}

// Only what the readers use of these modules is called here.
#[cfg(all(feature = "fuzzing", not(test)))]
#[allow(dead_code)]
mod input;
#[cfg(all(feature = "fuzzing", not(test)))]
#[allow(dead_code)]
mod redact;
#[cfg(all(feature = "fuzzing", not(test)))]
mod provision {
    #[allow(dead_code)]
    pub(crate) mod parse;
}

// The state-file reader and writer, whole: they use nothing else of the binary.
#[cfg(all(feature = "fuzzing", not(test)))]
#[allow(dead_code)]
mod state_file;

/// Entry points for the fuzz targets in `fuzz/`; not an API.
#[cfg(all(feature = "fuzzing", not(test)))]
#[doc(hidden)]
pub mod fuzzing;
