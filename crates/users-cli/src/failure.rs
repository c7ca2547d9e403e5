//! Why a command failed, and the one line that says so. This is the only
//! place where a domain [`Error`] or a [`ConfigError`] becomes a message, a
//! hint and an exit code: a [`Failure`] carries facts (the error, what the
//! command was doing, where the key came from) and [`Failure::line`]
//! composes the report from them, once.

use std::io::{self, Write as _};

use serde::Serialize;
use users_domain::{ApiKey, Email, Error, Refusal, TeamName, Unreadable};
use users_graphql::{CaSource, ConfigError, KeySource, SDK_USER_AGENT};

use crate::exit::Exit;
use crate::input::Input;
use crate::output::printable;
use crate::provision::{Batch, Counts, FileError, StopCause, Stopped, summary_text};
use crate::redact;
use crate::state_file::FileError as StateFileError;
use crate::views::apply::ApplyEnd;
use crate::views::key_label;
use crate::views::plan::RefusalView;

/// The advice when only an instance admin may do what was asked.
pub(crate) const USE_AN_ADMIN_KEY: &str = "use an instance admin's API key";

/// Why a command failed: the one failure type of `wbusers`. Boxed, as it
/// travels in every `Result` of the CLI.
#[derive(Debug)]
pub(crate) struct Failure(Box<Facts>);

#[derive(Debug)]
struct Facts {
    cause: Cause,
    during: During,
    key: KeyOrigin,
}

#[derive(Debug)]
enum Cause {
    /// The tool's own finding (the command line, a file, a batch's outcome),
    /// worded where it was found.
    Own {
        exit: Exit,
        message: String,
        hint: Option<String>,
    },
    /// The port said no.
    Domain(Error),
    /// The client could not be built from the settings.
    Config(ConfigError),
    /// A new key's secret could not be written out; the key was revoked
    /// then (or not), so that no key lives on with a secret nobody saw.
    SecretNotShown {
        /// Why standard output did not take it.
        write: io::Error,
        /// The key made, whose secret nobody saw.
        new_key: ApiKey,
        /// Revoking it.
        revoked: Result<(), Error>,
        /// `key rotate`: the key it was to replace, left as it was.
        kept: Option<ApiKey>,
    },
    /// A provisioning file that cannot be provisioned as a whole (nothing
    /// was sent), as `Input::shown` names it.
    File { file: String, error: FileError },
    /// A provisioning batch that ran, in part or whole, with rows that
    /// failed or are unknown, or stopped short.
    Batch { file: String, batch: Batch },
    /// A command acting on several rows (users, an offboarding's steps)
    /// that reported every row, some of which failed or are unknown.
    Incomplete(Incomplete),
    /// A state file with problems, its own or found checking it against
    /// the instance (nothing was sent), as `Input::shown` names it.
    StateFile {
        file: String,
        problems: Vec<StateFileError>,
    },
    /// A plan the safety rails refuse: by `apply` (`applying`), which sent
    /// nothing, or foreseen by `plan`.
    Refused {
        refusals: Vec<Refusal>,
        applying: bool,
    },
    /// An apply that ran, wholly or in part, with changes that did not
    /// succeed, or that stopped short (every change it ran was reported).
    Applied(ApplyEnd),
    /// A listing that went to its end, with users in it the adapter could
    /// not read (each reported as it came, see [`unreadable_line`]).
    Unreadable {
        /// How many could not be read.
        unreadable: u64,
        /// How many users the listing held, those included.
        of: u64,
    },
}

/// What the command was doing, where that changes the report of an error.
#[derive(Debug, Clone)]
pub(crate) enum During {
    /// Nothing the report depends on.
    Command,
    /// `user create EMAIL`: the advice says where to look for the user.
    CreatingUser(Email),
    /// `key rotate`: the new key is out and revoking this old one failed.
    RevokingOldKey(ApiKey),
    /// Walking a listing that had printed `listed` users when it failed
    /// (a failure before its first page is [`During::Command`]).
    Listing { listed: u64 },
    /// `team create`: the advice says where to see the team.
    CreatingTeam(TeamName),
    /// Changing a team's members, or reading them: a team admin may do it
    /// too, and the advice says where to see the team.
    ManagingTeam(TeamName),
    /// `service-account create --with-key`: the account was made, and it
    /// stays, whatever happens to its key.
    ServiceAccountKey {
        /// How the account is named (its label).
        account: String,
    },
    /// A step of `wbusers demo`, which reads no setting: no advice.
    #[cfg(feature = "demo")]
    DemoStep(&'static str),
}

/// A command that asks before it changes anything.
#[derive(Debug, Clone)]
pub(crate) enum Confirming {
    /// `user offboard`, of this user.
    Offboard { user: String },
    /// `apply`.
    Apply,
}

/// What a multi-row command left undone, or may have: every row was
/// reported already. `unknown` rows are those whose answer was lost and
/// could not be settled by reading back.
#[derive(Debug, Clone)]
pub(crate) enum Incomplete {
    /// `failed` and `unknown` of `total` rows, each naming one of `noun`
    /// (`users`).
    Rows {
        failed: usize,
        unknown: usize,
        total: usize,
        noun: &'static str,
    },
    /// An offboarding of `user` in which `failed` of `total` steps failed
    /// and `unknown` have an unknown outcome.
    Offboarding {
        user: String,
        failed: usize,
        unknown: usize,
        total: usize,
    },
}

/// Where this run's key came from, in the words of the person who gave it:
/// the adapter knows a key given to its builder, the person knows
/// `--api-key-file`.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyOrigin {
    /// `--api-key-file`, when given.
    pub(crate) key_file: Option<Input>,
    /// Whether `NETRC` chose the netrc file (else it is `~/.netrc`).
    pub(crate) netrc_var: bool,
    /// Where the client's key came from, once the client is built
    /// ([`users_graphql::GraphqlUserRepository::key_source`]).
    pub(crate) source: Option<KeySource>,
}

impl KeyOrigin {
    /// The place a key came from, as a flag, a variable or a file.
    fn place(&self, source: &KeySource) -> String {
        match (source, &self.key_file) {
            (KeySource::Builder, Some(Input::Stdin)) => {
                "--api-key-file - (standard input)".to_owned()
            }
            (KeySource::Builder, Some(Input::File(path))) => {
                format!("--api-key-file '{}'", redact::path(path))
            }
            (KeySource::EnvVar, _) => "WANDB_API_KEY".to_owned(),
            (KeySource::Netrc { path, entry, .. }, _) => {
                format!("the '{entry}' entry of {}", redact::path(path))
            }
            (other, _) => other.to_string(),
        }
    }
}

/// The one-line report of a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) exit: Exit,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl Failure {
    fn of(cause: Cause, during: During) -> Self {
        Self(Box::new(Facts {
            cause,
            during,
            key: KeyOrigin::default(),
        }))
    }

    /// The tool's own failure, with no advice to give.
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self::of(
            Cause::Own {
                exit,
                message: message.into(),
                hint: None,
            },
            During::Command,
        )
    }

    /// The tool's own failure, and what to do about it.
    pub(crate) fn advised(exit: Exit, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::of(
            Cause::Own {
                exit,
                message: message.into(),
                hint: Some(hint.into()),
            },
            During::Command,
        )
    }

    /// A domain error met while doing `during`.
    pub(crate) fn during(error: Error, during: During) -> Self {
        Self::of(Cause::Domain(error), during)
    }

    /// A client that could not be built, while doing `during`.
    pub(crate) fn config(error: ConfigError, during: During) -> Self {
        Self::of(Cause::Config(error), during)
    }

    /// `key generate|rotate` made `new_key` and could not print its secret
    /// (`write`); `revoked` is how revoking it went. `kept`: the old key of
    /// a rotation, which was not revoked.
    pub(crate) fn secret_not_shown(
        write: io::Error,
        new_key: ApiKey,
        revoked: Result<(), Error>,
        kept: Option<ApiKey>,
    ) -> Self {
        Self::of(
            Cause::SecretNotShown {
                write,
                new_key,
                revoked,
                kept,
            },
            During::Command,
        )
    }

    /// The same failure, met while doing `during` (which changes its advice).
    #[must_use]
    pub(crate) fn while_doing(mut self, during: During) -> Self {
        self.0.during = during;
        self
    }

    /// The provisioning file `input` cannot be provisioned.
    pub(crate) fn file(input: &Input, error: FileError) -> Self {
        Self::of(
            Cause::File {
                file: input.shown(),
                error,
            },
            During::Command,
        )
    }

    /// How a provisioning batch of `input` ended: `Ok` when every row was
    /// started and none failed or is unknown.
    pub(crate) fn batch(input: &Input, batch: Batch) -> Result<(), Self> {
        let Counts {
            total,
            failed,
            unknown,
            ..
        } = batch.counts;
        if total == 0 {
            // Nothing done: the file's problem alone.
            match batch.stopped {
                None => return Err(Self::file(input, FileError::NoUsers)),
                Some(Stopped {
                    by: StopCause::Input(error),
                    ..
                }) => return Err(Self::file(input, error)),
                Some(_) => {}
            }
        }
        if batch.stopped.is_none() && failed == 0 && unknown == 0 {
            return Ok(());
        }
        Err(Self::of(
            Cause::Batch {
                file: input.shown(),
                batch,
            },
            During::Command,
        ))
    }

    /// A multi-row command reported every row, and some failed or are
    /// unknown.
    pub(crate) fn incomplete(what: Incomplete) -> Self {
        Self::of(Cause::Incomplete(what), During::Command)
    }

    /// Whether what failed may have been done all the same (its answer was
    /// lost): a row's outcome is then unknown rather than failed.
    pub(crate) fn outcome_unknown(&self) -> bool {
        self.line().exit == Exit::Ambiguous
    }

    /// A listing went to its end, but `unreadable` of its `of` users could
    /// not be read: an audit that skipped them would be wrong.
    pub(crate) fn unreadable(unreadable: u64, of: u64) -> Self {
        Self::of(Cause::Unreadable { unreadable, of }, During::Command)
    }

    /// A secret typed where a key's name or id belongs (`key delete
    /// SECRET`): refused before anything is sent, and never echoed. It is in
    /// the shell's history already; the id, which `key list` shows, is not a
    /// secret.
    pub(crate) fn key_as_argument() -> Self {
        Self::advised(
            Exit::Usage,
            "NAME_OR_ID looks like an api key's secret, not its name or id; nothing was sent",
            "name the key by its id, which 'wbusers key list' shows \
             (and clear the secret from your shell history)",
        )
    }

    /// A search for `typed` found one user, `found`, who is not named so
    /// exactly: a change is never made to a user who only resembles the name.
    pub(crate) fn not_named_exactly(typed: &str, found: &str) -> Self {
        Self::advised(
            Exit::NotFound,
            format!(
                "no user is named exactly '{}'; nothing was changed",
                redact::mask_keys(typed)
            ),
            format!("did you mean {found}? name the user by username or email exactly"),
        )
    }

    /// A command that asks first, without `--yes`, and no terminal to ask at.
    pub(crate) fn unconfirmable(what: &Confirming) -> Self {
        let (command, hint) = match what {
            Confirming::Offboard { .. } => (
                "user offboard",
                "pass --yes to offboard without being asked, or --dry-run to see what it would do",
            ),
            Confirming::Apply => (
                "apply",
                "pass --yes to apply without being asked, or run 'wbusers plan FILE' to see \
                 what it would do",
            ),
        };
        Self::advised(
            Exit::Usage,
            format!(
                "{command} asks before it changes anything, and standard input is not a \
                 terminal; nothing was changed"
            ),
            hint,
        )
    }

    /// The person at the terminal did not say yes (or the question could
    /// not be asked, `error`).
    pub(crate) fn not_confirmed(what: &Confirming, error: Option<&io::Error>) -> Self {
        let left = match what {
            Confirming::Offboard { user } => format!("{user} was left as is"),
            Confirming::Apply => "nothing was changed".to_owned(),
        };
        let message = match error {
            None => format!("not confirmed: {left}"),
            Some(error) => format!("cannot ask for confirmation ({error}): {left}"),
        };
        Self::new(Exit::Failure, message)
    }

    /// The caller, `caller`, is not an instance admin, and `what` needs one:
    /// said once, up front, rather than once per request.
    pub(crate) fn needs_admin(what: &str, caller: &str) -> Self {
        Self::advised(
            Exit::Auth,
            format!("{what} needs an instance admin, and {caller} is not one"),
            USE_AN_ADMIN_KEY,
        )
    }

    /// `plan`'s answer when changes are pending: not a failure, and said by
    /// the exit code alone (the plan is on stdout).
    pub(crate) fn changes_pending() -> Self {
        Self::new(Exit::Pending, String::new())
    }

    /// A state file `input` with `problems` (at least one): nothing was sent.
    pub(crate) fn state_file(input: &Input, problems: Vec<StateFileError>) -> Self {
        Self::of(
            Cause::StateFile {
                file: input.shown(),
                problems,
            },
            During::Command,
        )
    }

    /// A plan the safety rails refuse (at least one refusal): by `apply`
    /// when `applying`, which then sends nothing; else foreseen by `plan`.
    pub(crate) fn refused(refusals: Vec<Refusal>, applying: bool) -> Self {
        Self::of(Cause::Refused { refusals, applying }, During::Command)
    }

    /// `apply` made the plan again once the person at the terminal said
    /// yes, and `differ` changes were not those shown: the instance changed
    /// meanwhile, and nothing was sent.
    pub(crate) fn instance_changed(differ: usize) -> Self {
        let changes = if differ == 1 {
            "1 change differs".to_owned()
        } else {
            format!("{differ} changes differ")
        };
        Self::advised(
            Exit::Refused,
            format!("the instance changed while you were deciding: {changes}"),
            "nothing was sent; run apply again to see the new plan",
        )
    }

    /// How an apply ended: `Ok` when every change of the plan was made.
    pub(crate) fn applied(end: ApplyEnd) -> Result<(), Self> {
        if end.is_complete() {
            return Ok(());
        }
        Err(Self::of(Cause::Applied(end), During::Command))
    }

    /// Stdout went away after part of a change's report was written: said,
    /// even for a closed pipe, since the rest of the report is lost.
    pub(crate) fn output_cut(error: &io::Error) -> Self {
        Self::new(
            Exit::Failure,
            format!("cannot write the rest of the output: {error}"),
        )
    }

    /// Stdout went away (e.g. `wbusers user search | head -1`): stop, say nothing.
    pub(crate) fn output(error: &io::Error) -> Self {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Self::new(Exit::Failure, String::new())
        } else {
            Self::new(Exit::Failure, format!("cannot write the output: {error}"))
        }
    }

    /// Where the key came from, for the advice about a refused or bad key.
    #[must_use]
    pub(crate) fn key_from(mut self, key: &KeyOrigin) -> Self {
        self.0.key = key.clone();
        self
    }

    /// The report: message, hint and exit code, composed here and only here.
    pub(crate) fn line(&self) -> Line {
        let Facts { cause, during, key } = &*self.0;
        let line = match cause {
            Cause::Own {
                exit,
                message,
                hint,
            } => Line {
                exit: *exit,
                message: message.clone(),
                hint: hint.clone(),
            },
            Cause::Domain(error) => domain(error, during, key),
            Cause::Config(error) => config(error, key),
            Cause::SecretNotShown {
                write,
                new_key,
                revoked,
                kept,
            } => secret_not_shown(write, new_key, revoked.as_ref(), kept.as_ref(), during),
            Cause::File { file, error } => file_line(file, error),
            Cause::Incomplete(what) => incomplete_line(what),
            Cause::Batch { file, batch } => batch_line(file, batch),
            Cause::StateFile { file, problems } => state::state_file_line(file, problems),
            Cause::Refused { refusals, applying } => state::refused_line(refusals, *applying),
            Cause::Applied(end) => state::applied_line(end),
            Cause::Unreadable { unreadable, of } => Line {
                exit: Exit::Partial,
                message: format!(
                    "{unreadable} of {} could not be read, so the listing is incomplete",
                    count(*of, "user", "users")
                ),
                hint: Some(
                    "each is reported with its id and what could not be read; \
                     check those users on the server"
                        .to_owned(),
                ),
            },
        };
        #[cfg(feature = "demo")]
        if let During::DemoStep(step) = during {
            return Line {
                message: format!("demo step '{step}' failed: {}", line.message),
                hint: None,
                ..line
            };
        }
        line
    }

    /// The report as text shows it: `error: MESSAGE; HINT`.
    #[cfg(feature = "demo")]
    pub(crate) fn text(&self) -> String {
        let line = self.line();
        text_line(&line.message, line.hint.as_deref())
    }

    /// Writes the one-line report to stderr (a JSON object with `--json`),
    /// and returns the exit code.
    pub(crate) fn report(&self, json: bool) -> Exit {
        let line = self.line();
        if line.message.is_empty() {
            return line.exit;
        }
        let text = if json {
            serde_json::to_string(&JsonError {
                error: self.body(&line),
            })
            .unwrap_or_else(|_| format!("error: {}", line.message))
        } else {
            // Each of several problems on a line of its own, then the line
            // that counts them.
            let mut lines: Vec<String> = state::detail_lines(&self.0.cause)
                .iter()
                .map(|detail| printable(detail).into_owned())
                .collect();
            lines.push(text_line(&line.message, line.hint.as_deref()));
            lines.join("\n")
        };
        // Nowhere left to report a failure to write to stderr.
        let _ = writeln!(io::stderr().lock(), "{text}");
        line.exit
    }

    /// The report as the `error` object of a `--json` error line, for a
    /// document that tells of the failure that cut it short (a listing).
    pub(crate) fn json_body(&self) -> serde_json::Value {
        serde_json::to_value(self.body(&self.line())).unwrap_or_default()
    }

    /// The `error` object of the report `line`, with the problems or
    /// refusals the cause lists.
    fn body<'a>(&'a self, line: &'a Line) -> JsonErrorBody<'a> {
        let mut body = JsonErrorBody::of(line);
        match &self.0.cause {
            Cause::StateFile { problems, .. } => {
                body.problems = Some(problems.iter().map(state::ProblemView::from).collect());
            }
            Cause::Refused { refusals, .. } => {
                body.refusals = Some(refusals.iter().map(RefusalView::from).collect());
            }
            _ => {}
        }
        body
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::during(error, During::Command)
    }
}

impl From<ConfigError> for Failure {
    fn from(error: ConfigError) -> Self {
        Self::config(error, During::Command)
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
    /// A state file's problems, each with its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    problems: Option<Vec<state::ProblemView<'a>>>,
    /// Why the safety rails refuse a plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    refusals: Option<Vec<RefusalView>>,
}

impl<'a> JsonErrorBody<'a> {
    fn of(line: &'a Line) -> Self {
        let row = line.exit.row();
        Self {
            kind: row.kind,
            exit_code: row.code,
            message: &line.message,
            hint: line.hint.as_deref(),
            problems: None,
            refusals: None,
        }
    }
}

/// The line on stderr for a user a listing could not read, as it comes
/// (the listing's last line is then the error that counts them). The
/// adapter's reason names the field and the rule, never the value; a key
/// in either is masked all the same, and control characters shown escaped.
pub(crate) fn unreadable_line(record: &Unreadable) -> String {
    let id = record.id.as_deref().map_or_else(
        || "without a readable id".to_owned(),
        |id| printable(&redact::mask_keys(id)).into_owned(),
    );
    format!(
        "cannot read user {id}: {}",
        printable(&redact::mask_keys(&record.reason))
    )
}

/// `1 user`, `2 users`.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn domain(error: &Error, during: &During, key: &KeyOrigin) -> Line {
    let exit = exit_of(error);
    let (message, hint) = match (during, error) {
        (During::CreatingUser(email), Error::AlreadyExists { .. }) => (
            error.to_string(),
            Some(format!("see it with 'wbusers user get {email}'")),
        ),
        (During::CreatingUser(email), Error::Ambiguous { .. }) => (
            error.to_string(),
            Some(format!(
                "run 'wbusers user get {email}' to see whether it was created"
            )),
        ),
        (During::CreatingTeam(team), Error::AlreadyExists { .. }) => (
            error.to_string(),
            Some(format!(
                "nothing was changed; teams and users share one namespace: see it with \
                 'wbusers team show {team}' or 'wbusers user get {team}'"
            )),
        ),
        (During::ManagingTeam(team), Error::AlreadyExists { .. }) => (
            error.to_string(),
            Some(format!(
                "nothing was changed; 'wbusers team show {team}' lists its members"
            )),
        ),
        (During::CreatingTeam(_) | During::ManagingTeam(_), Error::NotFound { .. }) => (
            error.to_string(),
            Some(
                "check the names: 'wbusers team list --all' lists the teams, 'wbusers team \
                 show TEAM' a team's members, 'wbusers user search' the users"
                    .to_owned(),
            ),
        ),
        (
            During::CreatingTeam(team) | During::ManagingTeam(team),
            Error::PermissionDenied { .. },
        ) => (
            error.to_string(),
            Some(format!(
                "use the API key of an instance admin or of an admin of team {team}"
            )),
        ),
        (During::ServiceAccountKey { account }, _) => (
            error.to_string(),
            Some(format!(
                "service account {account} was created all the same, without a key; \
                 running the command again would make another"
            )),
        ),
        (During::Listing { listed }, _) => (
            format!(
                "the listing stopped after {}: {error}",
                count(*listed, "user", "users")
            ),
            advice(error, key),
        ),
        (During::RevokingOldKey(old), _) => {
            let state = if exit == Exit::Ambiguous {
                "may still be alive"
            } else {
                "is still alive"
            };
            (
                format!(
                    "the new key is ready but the old key {} {state}: {error}",
                    key_label(old)
                ),
                Some(format!("delete it with 'wbusers key delete {}'", old.id)),
            )
        }
        _ => (error.to_string(), advice(error, key)),
    };
    Line {
        exit,
        message,
        hint,
    }
}

fn exit_of(error: &Error) -> Exit {
    match error {
        // The person is in the team: what is left is the role, and setting
        // it failed as its cause says.
        Error::AddedWithoutRole { cause, .. } => exit_of(cause),
        Error::NotFound { .. } => Exit::NotFound,
        Error::AlreadyExists { .. } | Error::MultipleMatches { .. } => Exit::Conflict,
        Error::PermissionDenied { .. } | Error::Unauthenticated { .. } => Exit::Auth,
        Error::InvalidInput { .. } => Exit::Usage,
        Error::RateLimited { .. }
        | Error::Unavailable { .. }
        | Error::Protocol { .. }
        | Error::NotListed { .. } => Exit::Unavailable,
        Error::Ambiguous { .. } => Exit::Ambiguous,
        Error::Refused { .. } => Exit::Refused,
        Error::Unsupported { .. } => Exit::Unsupported,
        _ => Exit::Failure,
    }
}

/// What to do about a domain error, whatever the command.
fn advice(error: &Error, key: &KeyOrigin) -> Option<String> {
    let text = match error {
        Error::NotFound { .. } => "check the name with 'wbusers user search' or 'wbusers key list'",
        Error::AlreadyExists { .. } => {
            "nothing was changed; 'wbusers provision' creates only the missing users"
        }
        Error::PermissionDenied { .. } => USE_AN_ADMIN_KEY,
        Error::Unauthenticated { .. } => {
            return Some(key.source.as_ref().map_or_else(
                || {
                    "set WANDB_API_KEY, add a netrc entry for the server's host, \
                     or pass --api-key-file"
                        .to_owned()
                },
                |source| {
                    format!(
                        "the key came from {}; give a live key for this server",
                        key.place(source)
                    )
                },
            ));
        }
        Error::Unavailable { .. } => {
            "check --base-url (or WANDB_BASE_URL) and that the server is up, then try \
             again (with a longer --timeout if it is only slow)"
        }
        Error::Protocol { .. } => {
            "check that --base-url points at a W&B server; rerun with -v for details"
        }
        Error::NotListed { .. } => {
            return Some(format!(
                "retry with --user-agent '{SDK_USER_AGENT}', the official SDK's"
            ));
        }
        Error::Ambiguous { .. } => {
            "check the current state ('wbusers user get', 'wbusers key list') before retrying"
        }
        // The reason says what to do instead.
        Error::Refused { .. } => "nothing was changed",
        _ => return None,
    };
    Some(text.to_owned())
}

/// A new key whose secret could not be printed: revoked, or said to be alive.
fn secret_not_shown(
    write: &io::Error,
    new_key: &ApiKey,
    revoked: Result<&(), &Error>,
    kept: Option<&ApiKey>,
    during: &During,
) -> Line {
    let (kept, again) = if let During::ServiceAccountKey { account } = during {
        (
            format!("; service account {account} was created and stays"),
            "give it a key from its team's settings page (running the command again \
             would make another account)",
        )
    } else {
        (
            kept.map_or_else(String::new, |old| {
                format!("; the old key {} was kept and still works", key_label(old))
            }),
            "nothing else changed; run it again with standard output going where it can be \
             written",
        )
    };
    let unwritten = format!("cannot write the new key's secret to standard output ({write})");
    match revoked {
        Ok(()) => Line {
            exit: Exit::Failure,
            message: format!(
                "{unwritten}, so the new key {} was revoked{kept}",
                key_label(new_key)
            ),
            hint: Some(again.to_owned()),
        },
        Err(error) => {
            let exit = exit_of(error);
            let state = if exit == Exit::Ambiguous {
                "may be alive"
            } else {
                "is alive"
            };
            Line {
                exit,
                message: format!(
                    "{unwritten}, and revoking the new key {} failed: {error}; it {state} \
                     with a secret nobody saw{kept}",
                    key_label(new_key)
                ),
                hint: Some(match during {
                    During::ServiceAccountKey { account } => format!(
                        "delete it with 'wbusers key delete {} --user {account}'",
                        new_key.id
                    ),
                    _ => format!("delete it with 'wbusers key delete {}'", new_key.id),
                }),
            }
        }
    }
}

/// A multi-row command with rows that failed or are unknown: each was
/// reported with its reason. A failed row outranks an unknown one (exit 8
/// over 7), as in `provision` and `apply`: it needs fixing, while checking
/// (or a rerun) settles an unknown one.
fn incomplete_line(what: &Incomplete) -> Line {
    match what {
        Incomplete::Rows {
            failed,
            unknown,
            total,
            noun,
        } => {
            if *failed == 0 {
                return Line {
                    exit: Exit::Ambiguous,
                    message: format!(
                        "{unknown} of {total} {noun} {} an unknown outcome: the server's \
                         answer was lost",
                        have(*unknown)
                    ),
                    hint: Some(
                        "each is reported above; check those before running the command \
                         again for them"
                            .to_owned(),
                    ),
                };
            }
            Line {
                exit: Exit::Partial,
                message: format!("{failed} of {total} {noun} failed{}", and_unknown(*unknown)),
                hint: Some(
                    "each is reported above with its outcome; fix the failed ones and run \
                     the command again for them"
                        .to_owned(),
                ),
            }
        }
        Incomplete::Offboarding {
            user,
            failed,
            unknown,
            total,
        } => {
            let (exit, state) = if *failed == 0 {
                (
                    Exit::Ambiguous,
                    format!(
                        "may be incomplete: {unknown} of {total} steps {} an unknown outcome",
                        have(*unknown)
                    ),
                )
            } else {
                (
                    Exit::Partial,
                    format!(
                        "is incomplete: {failed} of {total} steps failed{}",
                        and_unknown(*unknown)
                    ),
                )
            };
            Line {
                exit,
                message: format!("offboarding {user} {state} (each is reported above)"),
                hint: Some(format!(
                    "run 'wbusers user offboard {user}' again: it plans from what is left and \
                     does only that"
                )),
            }
        }
    }
}

/// `has` or `have`, for `n` rows.
fn have(n: usize) -> &'static str {
    if n == 1 { "has" } else { "have" }
}

/// `, and 2 have an unknown outcome` after the failed rows; nothing for none.
fn and_unknown(unknown: usize) -> String {
    if unknown == 0 {
        String::new()
    } else {
        format!(", and {unknown} {} an unknown outcome", have(unknown))
    }
}

/// A provisioning file refused as a whole, before anything was sent.
fn file_line(file: &str, error: &FileError) -> Line {
    let hint = match error {
        FileError::Read(_) => "pass a readable CSV or JSON lines file, or '-' for standard input",
        FileError::TooLarge => "split it into smaller files and provision each",
        FileError::LineTooLong { .. } => {
            "a row holds an email and an admin flag: check that it is the file of users meant"
        }
        FileError::RowTooLong { .. } => "close the quote that opens the row, and run again",
        _ => {
            return Line {
                exit: Exit::Usage,
                message: format!("{file} cannot be provisioned: {error}"),
                hint: None,
            };
        }
    };
    let message = match error {
        FileError::Read(error) => format!("cannot read {file}: {error}"),
        other => format!("{file} cannot be provisioned: {other}"),
    };
    Line {
        exit: Exit::Usage,
        message,
        hint: Some(hint.to_owned()),
    }
}

/// How a provisioning batch ended, when not well: stopped short (by a
/// signal, the file, or the output), else rows failed (exit 8, which outranks
/// 7: a failed row needs fixing, while a rerun alone settles an unknown one).
fn batch_line(file: &str, batch: &Batch) -> Line {
    const RUN_AGAIN: &str = "run the same command again: users that exist are skipped";
    let Counts {
        total,
        failed,
        unknown,
        ..
    } = batch.counts;
    let Some(Stopped { by, after_line }) = &batch.stopped else {
        let unknown_too = if unknown > 0 {
            format!(", and {unknown} of unknown outcome (their answer was lost)")
        } else {
            String::new()
        };
        return if failed > 0 {
            Line {
                exit: Exit::Partial,
                message: format!("{failed} of {total} rows failed{unknown_too}"),
                hint: Some(format!("fix those rows and {RUN_AGAIN}")),
            }
        } else {
            Line {
                exit: Exit::Ambiguous,
                message: format!(
                    "{unknown} of {total} rows have an unknown outcome: the server's answer was lost"
                ),
                hint: Some(
                    "run the same command again: it settles them without creating anything twice"
                        .to_owned(),
                ),
            }
        };
    };
    let not_started = if *after_line == 0 {
        "no row was started".to_owned()
    } else {
        format!("any rows after line {after_line} were not started")
    };
    let trouble = match (failed, unknown) {
        (0, 0) => String::new(),
        (failed, 0) => format!(" ({failed} failed)"),
        (0, unknown) => format!(" ({unknown} of unknown outcome)"),
        (failed, unknown) => format!(" ({failed} failed, {unknown} of unknown outcome)"),
    };
    match by {
        StopCause::Signal => Line {
            exit: Exit::Interrupted,
            message: format!("interrupted after {total} rows{trouble}: {not_started}"),
            hint: Some(format!("to finish, {RUN_AGAIN}")),
        },
        StopCause::Input(error) => {
            let what = match error {
                FileError::Read(error) => format!("cannot read {file} any further: {error}"),
                other => format!("{file} cannot be provisioned any further: {other}"),
            };
            Line {
                exit: Exit::Usage,
                message: format!("{what}; {total} rows before were done{trouble}, {not_started}"),
                hint: Some(format!("fix the file and {RUN_AGAIN}")),
            }
        }
        StopCause::Output(error) => Line {
            exit: Exit::Failure,
            message: format!(
                "cannot write the output ({error}), so no more rows were started: {}; {not_started}",
                summary_text(batch)
            ),
            hint: Some(format!(
                "with the output going where it can be written, {RUN_AGAIN}"
            )),
        },
    }
}

/// A setting that keeps the client from being built: credentials are an auth
/// problem, everything else a usage one. The adapter words its errors for
/// programmers (builder calls); where that differs, the words here are the
/// flags', composed from the error's fields.
fn config(error: &ConfigError, key: &KeyOrigin) -> Line {
    let exit = match error {
        ConfigError::MissingApiKey { .. }
        | ConfigError::InvalidApiKey { .. }
        | ConfigError::ApiKeyWhitespace { .. }
        | ConfigError::NetrcPermissions { .. }
        | ConfigError::NetrcRead { .. }
        | ConfigError::NetrcSyntax { .. }
        | ConfigError::NetrcNoPassword { .. } => Exit::Auth,
        ConfigError::Client { .. } => Exit::Failure,
        _ => Exit::Usage,
    };
    let (message, hint) = match error {
        ConfigError::MissingApiKey { host, netrc, .. } => (
            format!(
                "no api key for {host}: set WANDB_API_KEY, add 'machine {host} login user \
                 password <key>' to {netrc}, or pass --api-key-file PATH"
            ),
            None,
        ),
        ConfigError::InsecureHttp { host, .. } => (
            format!(
                "refusing plain http to {host}: the api key would travel unencrypted; \
                 use https, or pass --allow-insecure-http to accept that"
            ),
            None,
        ),
        ConfigError::InvalidApiKey { origin, source, .. } => (
            format!(
                "the api key from {} is not valid: {source}",
                key.place(origin)
            ),
            None,
        ),
        ConfigError::ApiKeyWhitespace { origin, .. } => (
            format!(
                "{} has white space around the key (a trailing newline?)",
                key.place(origin)
            ),
            Some("set it to the key alone".to_owned()),
        ),
        ConfigError::CaCertificate {
            path,
            origin,
            reason,
        } => {
            let (setting, hint) = match origin {
                CaSource::Builder => (
                    "--ca-cert".to_owned(),
                    "pass --ca-cert a PEM file of the CA certificates to trust",
                ),
                CaSource::SslCertDir => (
                    origin.to_string(),
                    "point SSL_CERT_DIR at directories of PEM files, or unset it",
                ),
                other => (
                    other.to_string(),
                    "point SSL_CERT_FILE at a PEM bundle of CA certificates, or unset it",
                ),
            };
            (
                format!("{setting} '{}' {reason}", redact::path(path)),
                Some(hint.to_owned()),
            )
        }
        ConfigError::SettingsFile { path, reason } => (
            format!(
                "cannot read the W&B settings file '{}' (where 'wandb login --host' keeps \
                 the server): {reason}",
                redact::path(path)
            ),
            Some(
                "fix or remove it, or name the server with --base-url or WANDB_BASE_URL".to_owned(),
            ),
        ),
        ConfigError::NetrcRead { path, .. } if path.is_dir() => (
            error.to_string(),
            Some(
                if key.netrc_var {
                    "NETRC names a directory: point it at the netrc file itself, \
                     or unset it to use ~/.netrc"
                } else {
                    "~/.netrc is a directory: make it a file, or point NETRC at one"
                }
                .to_owned(),
            ),
        ),
        other => (other.to_string(), None),
    };
    // A key typed as --base-url comes back in the adapter's message.
    Line {
        exit,
        message: redact::mask_keys(&message),
        hint,
    }
}

mod state;
#[cfg(test)]
mod tests;
