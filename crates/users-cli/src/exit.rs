//! Exit codes and the one-line error report: the only place either is defined.

use std::fmt::Write as _;
use std::io::{self, Write as _};

use serde::Serialize;
use users_domain::Error;

use crate::output::printable;

/// How `wbusers` ends. Scripts branch on these, so they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok,
    /// Something this tool did not expect (a bug, or stdout closed under it).
    Failure,
    /// The command line or an input file is wrong.
    Usage,
    NotFound,
    /// Credentials missing, not recognised, or not allowed to do this.
    Auth,
    /// Already exists, or a name matches several things.
    Conflict,
    /// Server unreachable, rate limiting, or an answer this tool does not understand.
    Unavailable,
    /// A change may or may not have happened.
    Ambiguous,
    /// A batch in which some rows failed.
    Partial,
}

impl Exit {
    pub(crate) const ALL: [Self; 9] = [
        Self::Ok,
        Self::Failure,
        Self::Usage,
        Self::NotFound,
        Self::Auth,
        Self::Conflict,
        Self::Unavailable,
        Self::Ambiguous,
        Self::Partial,
    ];

    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Failure => 1,
            Self::Usage => 2,
            Self::NotFound => 3,
            Self::Auth => 4,
            Self::Conflict => 5,
            Self::Unavailable => 6,
            Self::Ambiguous => 7,
            Self::Partial => 8,
        }
    }

    /// The error class as it appears in `--json` error reports.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failure => "failure",
            Self::Usage => "usage",
            Self::NotFound => "not_found",
            Self::Auth => "auth",
            Self::Conflict => "conflict",
            Self::Unavailable => "unavailable",
            Self::Ambiguous => "ambiguous",
            Self::Partial => "partial",
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Self::Ok => "success",
            Self::Failure => "unexpected failure",
            Self::Usage => "bad command line or bad input (arguments, key file, provisioning file)",
            Self::NotFound => "the user or key does not exist",
            Self::Auth => "credentials missing or not recognised, or not allowed (needs an admin)",
            Self::Conflict => "already exists, or a name matches several users or keys",
            Self::Unavailable => {
                "server unreachable, rate limited, or answered something unexpected"
            }
            Self::Ambiguous => "a change may or may not have happened: check before retrying",
            Self::Partial => "provision: some rows failed (every row is reported)",
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

/// The exit code table shown at the end of `--help`.
pub(crate) fn help_table() -> String {
    Exit::ALL
        .iter()
        .fold(String::from("Exit codes:\n"), |mut text, exit| {
            let _ = writeln!(text, "  {}  {}", exit.code(), exit.meaning());
            text
        })
}

/// Why a command failed: a one-line message, what to do about it, and the exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    message: String,
    hint: Option<String>,
    /// The server refused the key: the hint should say where it came from.
    key_refused: bool,
}

impl Failure {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            hint: None,
            key_refused: false,
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// Replaces the generic advice with one that fits the command.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// When the server refused the key, replaces the generic advice with
    /// `hint()`, which knows where the key came from.
    pub(crate) fn when_key_refused(self, hint: impl FnOnce() -> String) -> Self {
        if self.key_refused {
            let hint = hint();
            self.hint(hint)
        } else {
            self
        }
    }

    /// Stdout went away (e.g. `wbusers user search | head -1`): stop, say nothing.
    pub(crate) fn output(error: &io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Self::new(Exit::Failure, String::new())
        } else {
            Self::new(Exit::Failure, format!("cannot write the output: {error}"))
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    #[cfg(test)]
    pub(crate) fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Writes the one-line report to stderr (a JSON object with `--json`).
    pub(crate) fn report(&self, json: bool) {
        if self.message.is_empty() {
            return;
        }
        let line = if json {
            serde_json::to_string(&JsonError {
                error: JsonErrorBody {
                    kind: self.exit.kind(),
                    exit_code: self.exit.code(),
                    message: &self.message,
                    hint: self.hint.as_deref(),
                },
            })
            .unwrap_or_else(|_| format!("error: {}", self.message))
        } else {
            text_line(&self.message, self.hint.as_deref())
        };
        // Nowhere left to report a failure to write to stderr.
        let _ = writeln!(io::stderr().lock(), "{line}");
    }
}

/// The text report: one line whatever the message holds (a file name, a
/// server's words), since control characters are shown escaped.
fn text_line(message: &str, hint: Option<&str>) -> String {
    let message = printable(message);
    match hint {
        Some(hint) => format!("error: {message}; {}", printable(hint)),
        None => format!("error: {message}"),
    }
}

#[derive(Serialize)]
struct JsonError<'a> {
    error: JsonErrorBody<'a>,
}

#[derive(Serialize)]
struct JsonErrorBody<'a> {
    kind: &'static str,
    exit_code: u8,
    message: &'a str,
    hint: Option<&'a str>,
}

/// The exit class of a domain error.
pub(crate) fn exit_of(error: &Error) -> Exit {
    match error {
        Error::NotFound { .. } => Exit::NotFound,
        Error::AlreadyExists { .. } | Error::MultipleMatches { .. } => Exit::Conflict,
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => Exit::Auth,
        Error::InvalidInput { .. } => Exit::Usage,
        Error::RateLimited { .. }
        | Error::Unavailable { .. }
        | Error::Protocol { .. }
        | Error::NotListed { .. } => Exit::Unavailable,
        Error::Ambiguous { .. } => Exit::Ambiguous,
        _ => Exit::Failure,
    }
}

/// Generic advice for a domain error; commands override it where they know better.
fn hint_of(error: &Error) -> Option<&'static str> {
    Some(match error {
        Error::NotFound { .. } => "check the name with 'wbusers user search' or 'wbusers key list'",
        Error::AlreadyExists { .. } => {
            "nothing was changed; 'wbusers provision' creates only the missing users"
        }
        Error::PermissionDenied { .. } => "use an instance admin's API key",
        Error::Unauthenticated { .. } => {
            "set WANDB_API_KEY, add a netrc entry for the server's host, or pass --api-key-file"
        }
        Error::Unavailable { .. } => {
            "check --base-url (or WANDB_BASE_URL) and that the server is up, then try again"
        }
        Error::Protocol { .. } => {
            "check that --base-url points at a W&B server; rerun with -v for details"
        }
        Error::NotListed { .. } => {
            "retry with --user-agent 'W&B Public Client 0.31.0', the official SDK's"
        }
        Error::Ambiguous { .. } => {
            "check the current state ('wbusers user get', 'wbusers key list') before retrying"
        }
        _ => return None,
    })
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            exit: exit_of(&error),
            hint: hint_of(&error).map(str::to_owned),
            key_refused: matches!(error, Error::Unauthenticated { .. }),
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_code_is_distinct_and_documented() {
        let help = help_table();
        let mut codes: Vec<u8> = Exit::ALL.iter().map(|exit| exit.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), Exit::ALL.len());
        for exit in Exit::ALL {
            assert!(help.contains(&format!("  {}  ", exit.code())), "{help}");
        }
    }

    #[test]
    fn a_text_report_stays_one_line() {
        let line = text_line("cannot read '/tmp/a\nb\u{1b}[31m'", Some("try\r\nagain"));
        assert_eq!(
            line,
            "error: cannot read '/tmp/a\\nb\\u{1b}[31m'; try\\r\\nagain"
        );
    }

    #[test]
    fn domain_errors_map_to_their_class() {
        let cases = [
            (Error::NotFound { what: "x".into() }, Exit::NotFound),
            (Error::AlreadyExists { what: "x".into() }, Exit::Conflict),
            (
                Error::MultipleMatches {
                    query: "a".into(),
                    candidates: vec!["ab".into(), "ac".into()],
                },
                Exit::Conflict,
            ),
            (Error::PermissionDenied { reason: "x".into() }, Exit::Auth),
            (Error::Unauthenticated { reason: "x".into() }, Exit::Auth),
            (Error::InvalidInput { reason: "x".into() }, Exit::Usage),
            (Error::RateLimited { retry_after: None }, Exit::Unavailable),
            (Error::Unavailable { reason: "x".into() }, Exit::Unavailable),
            (Error::Protocol { reason: "x".into() }, Exit::Unavailable),
            (Error::NotListed { what: "x".into() }, Exit::Unavailable),
            (
                Error::Ambiguous {
                    operation: "createUser".into(),
                    reason: "x".into(),
                },
                Exit::Ambiguous,
            ),
        ];
        for (error, exit) in cases {
            assert_eq!(Failure::from(error).exit, exit);
        }
    }
}
