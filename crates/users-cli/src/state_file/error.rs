//! What can be wrong with a state file: one [`FileError`] per problem, each
//! naming the file and, where there is one, the line; the message composed
//! here, once, from the fields.

use std::fmt;
use std::io;

use users_domain::{
    EmailError, InviteeError, RoleNameError, StateError, StateErrorKind, TeamNameError,
    TeamRoleError, UsernameError, echo_safe,
};

use super::{Format, SUPPORTED_VERSION};

/// One problem with a state file: `people.toml:12: <what is wrong>: <what
/// to do>`, or `people.toml: ...` for the file as a whole.
#[derive(Debug)]
pub(crate) struct FileError {
    /// How messages name the file, as the caller gave it (a path with any
    /// key-shaped part already masked, or `-`).
    pub(crate) file: String,
    /// The line at fault, counted from 1; `None` for the file as a whole.
    pub(crate) line: Option<u32>,
    /// What is wrong.
    pub(crate) kind: FileErrorKind,
}

impl FileError {
    /// The problem `kind` at `line` of `file`.
    pub(crate) fn new(file: &str, line: Option<u32>, kind: FileErrorKind) -> Self {
        Self {
            file: file.to_owned(),
            line,
            kind,
        }
    }

    /// A problem the domain's validation found (against the instance), at
    /// the line of the entry at fault: shown as the file's own problems are.
    pub(crate) fn invalid(file: &str, error: StateError) -> Self {
        let line = error.origin.map(|origin| origin.line);
        Self::new(file, line, FileErrorKind::Invalid(error.kind))
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.kind),
            None => write!(f, "{}: {}", self.file, self.kind),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

/// What is wrong with a state file, or with one of its entries. Every value
/// echoed from the file went through [`echo_safe`] (or the domain's errors,
/// which do the same): a key pasted where a name belongs shows only its ends.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum FileErrorKind {
    /// The file could not be read.
    #[error("cannot read it: {0}: check the path")]
    Read(#[source] io::Error),
    /// The file is larger than [`MAX_STATE_FILE_BYTES`](super::MAX_STATE_FILE_BYTES).
    #[error(
        "it is larger than {}, the most a state file may be: check that this is the state file (10,000 users take about 1 MiB)",
        super::limit_text()
    )]
    TooLarge,
    /// The file is not UTF-8 (the line is that of the first bad byte).
    #[error("it is not UTF-8 text: save the file as UTF-8")]
    NotText,
    /// The file is not TOML, or not JSON: the parser's words, every quoted
    /// value in them hidden.
    #[error("it is not valid {format}: {reason}: fix the syntax on this line")]
    Syntax {
        /// The format it was read as.
        format: Format,
        /// The parser's words, made safe to show.
        reason: String,
    },
    /// A key given twice in one table.
    #[error("`{key}` is given twice in the same {}: keep one", Kind::Table.noun(*.format))]
    DuplicateKey {
        /// The key, made safe to show.
        key: String,
        /// The file's format, for the words.
        format: Format,
    },
    /// A field the schema does not have (a typo, or a newer file).
    #[error(
        "unknown field `{}` {}: {} fields are {}",
        echo_safe(.field),
        .place.where_(),
        .place.whose(),
        .place.fields().join(", ")
    )]
    UnknownField {
        /// Where it was found.
        place: Place,
        /// The field's name as written.
        field: String,
    },
    /// A value of the wrong kind.
    #[error("{what} must be {}, not {}: {}", .expected.word(*.format), .found.word(*.format), .expected.hint(*.format))]
    WrongType {
        /// Which value.
        what: What,
        /// What it must be.
        expected: Kind,
        /// What it is.
        found: Kind,
        /// The file's format, for the words.
        format: Format,
    },
    /// A required field left out.
    #[error("{} has no `{field}`: {}", .place.a(), .place.missing_hint(.field))]
    Missing {
        /// Where it is missing.
        place: Place,
        /// The field.
        field: &'static str,
    },
    /// The file has no `version`.
    #[error("the file has no `version`: add `version = {SUPPORTED_VERSION}` at its top")]
    MissingVersion,
    /// A version other than [`SUPPORTED_VERSION`].
    #[error(
        "the file's version is {found}, and this wbusers reads version {SUPPORTED_VERSION}: write `version = {SUPPORTED_VERSION}` (a file of a newer version needs a newer wbusers)"
    )]
    UnsupportedVersion {
        /// The version given (a number), or the kind of value it is.
        found: String,
    },
    /// A user's email that is not one.
    #[error("the user's email is not valid ({0}): write it as name@example.com")]
    Email(#[source] EmailError),
    /// A user's username that is not one.
    #[error(
        "the user's username is not valid ({0}): write it as the server shows it, or leave it out"
    )]
    Username(#[source] UsernameError),
    /// A team's name that is not one.
    #[error("the team's name is not valid ({0}): write it as the server shows it")]
    TeamName(#[source] TeamNameError),
    /// An entry of `roles` that is not a role's name.
    #[error(
        "the role's name is not valid ({0}): write the custom role's name as the server shows it"
    )]
    RoleName(#[source] RoleNameError),
    /// A member's role that is not one (its message says what to do).
    #[error("{0}")]
    Role(#[source] TeamRoleError),
    /// A member named neither by email nor by username.
    #[error("{0}: name the member by email or by username")]
    Member(#[source] InviteeError),
    /// What the domain's validation found wrong with an entry.
    #[error("{0}")]
    Invalid(StateErrorKind),
}

/// Where in the file's shape a field is: the top, a user, a team, a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The top of the file.
    File,
    /// An entry of `users`.
    User,
    /// An entry of `teams`.
    Team,
    /// An entry of a team's `members`.
    Member,
}

impl Place {
    /// `at the top of the file`, `in a user`, ...
    fn where_(self) -> &'static str {
        match self {
            Self::File => "at the top of the file",
            Self::User => "in a user",
            Self::Team => "in a team",
            Self::Member => "in a team member",
        }
    }

    /// `the file's`, `a user's`, ...
    fn whose(self) -> &'static str {
        match self {
            Self::File => "the file's",
            Self::User => "a user's",
            Self::Team => "a team's",
            Self::Member => "a member's",
        }
    }

    /// What to do about a required `field` left out here.
    fn missing_hint(self, field: &str) -> &'static str {
        match (self, field) {
            (Self::Team, "members") => {
                "list its members, or write `members = []` for a team of none"
            }
            (Self::Member, _) => "name the member by email or by username",
            (Self::User, _) => "every user needs one",
            (Self::Team, _) => "every team needs one",
            (Self::File, _) => "add it",
        }
    }

    /// `the file`, `a user`, ...
    fn a(self) -> &'static str {
        match self {
            Self::File => "the file",
            Self::User => "a user",
            Self::Team => "a team",
            Self::Member => "a team member",
        }
    }
}

/// Which value a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// The file as a whole (its top level).
    Root,
    /// A field: `` `admin` of a user ``.
    Field(Place, &'static str),
    /// Each entry of a list: `` an entry of `users` ``.
    Entry(Place, &'static str),
}

impl fmt::Display for What {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root => f.write_str("the file"),
            Self::Field(Place::File, name) => write!(f, "`{name}`"),
            Self::Field(place, name) => write!(f, "`{name}` of {}", place.a()),
            Self::Entry(Place::File, name) => write!(f, "an entry of `{name}`"),
            Self::Entry(place, name) => write!(f, "an entry of `{name}` of {}", place.a()),
        }
    }
}

/// The kinds of value a file can hold, in either format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A TOML table, a JSON object.
    Table,
    /// An array.
    Array,
    /// A string.
    String,
    /// `true` or `false`.
    Boolean,
    /// A whole number.
    Integer,
    /// A number with a fraction or an exponent.
    Float,
    /// A TOML date or time.
    Datetime,
    /// JSON's `null`.
    Null,
}

impl Kind {
    /// The kind in the words of `format`: a JSON user reads "object".
    pub(super) fn word(self, format: Format) -> &'static str {
        match (self, format) {
            (Self::Table, Format::Toml) => "a table",
            (Self::Table, Format::Json) => "an object",
            (Self::Array, _) => "an array",
            (Self::String, _) => "a string",
            (Self::Boolean, _) => "a boolean",
            (Self::Integer, _) => "an integer",
            (Self::Float, Format::Toml) => "a float",
            (Self::Float, Format::Json) => "a fractional number",
            (Self::Datetime, _) => "a date-time",
            (Self::Null, _) => "null",
        }
    }

    /// The kind's noun in the words of `format`, without an article.
    fn noun(self, format: Format) -> &'static str {
        let word = self.word(format);
        word.split_once(' ').map_or(word, |(_, noun)| noun)
    }

    /// How to write a value of this kind.
    fn hint(self, format: Format) -> &'static str {
        match (self, format) {
            (Self::Table, Format::Toml) => {
                "write it as a table, a [[section]] or { key = value, ... }"
            }
            (Self::Table, Format::Json) => "write it as an object, { ... }",
            (Self::Array, _) => "write it as a list in [ ]",
            (Self::String, _) => "write it in double quotes",
            (Self::Boolean, _) => "write true or false, without quotes",
            (Self::Integer, _) => "write a whole number, without quotes",
            (Self::Float | Self::Datetime | Self::Null, _) => "write another value",
        }
    }
}
