//! What can be wrong with a declared state, each problem with its origin.

use std::fmt;

use crate::value::echo_safe;
use crate::{EmailKey, Identity, Invitee, Origin, RoleName, TeamName, Username};

/// What is wrong with one entry of a desired state.
///
/// Each message is one line naming what is wrong and what to do; the entry's
/// place is in [`StateError::origin`], so that the caller can prefix the
/// file's name (`people.toml:12: ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateErrorKind {
    /// A custom role declared twice.
    #[error("role '{}' is declared twice{}: keep one", echo_safe(.role.as_str()), earlier(*.first))]
    DuplicateRole {
        /// The role.
        role: RoleName,
        /// Where it was declared first.
        first: Option<Origin>,
    },
    /// Two users with the same email, ignoring case.
    #[error("user {email} is listed twice{} (emails are compared ignoring case): keep one entry", earlier(*.first))]
    DuplicateUser {
        /// The email.
        email: EmailKey,
        /// Where the first entry is.
        first: Option<Origin>,
    },
    /// A user declared both admin and deactivated.
    #[error(
        "user {email} is both admin and deactivated, and a deactivated user cannot be an admin: drop one of the two"
    )]
    DeactivatedAdmin {
        /// The user.
        email: EmailKey,
    },
    /// A user of the file given a username that the instance gives another
    /// user: a member named by it would be that other user.
    #[error(
        "user {email} is given username '{}', which is {owner}'s on the instance: correct the username or leave it out",
        echo_safe(.username.as_str())
    )]
    UsernameTaken {
        /// The user of the file.
        email: EmailKey,
        /// The username the file gives them.
        username: Username,
        /// The instance's user with that username.
        owner: EmailKey,
    },
    /// A team listed twice.
    #[error("team {team} is listed twice{}: merge the two entries", earlier(*.first))]
    DuplicateTeam {
        /// The team.
        team: TeamName,
        /// Where the first entry is.
        first: Option<Origin>,
    },
    /// A member who is neither a user of the file nor of the instance (nor
    /// invited to the team on the instance).
    #[error(
        "member '{}' of team {team} is not a user in the file or on the instance: add them to the users (a service account goes in the team's service accounts)",
        echo_safe(&.who.to_string())
    )]
    UnknownMember {
        /// The team.
        team: TeamName,
        /// The member, as written.
        who: Invitee,
    },
    /// A custom role the file does not declare.
    #[error(
        "role '{}' of '{who}' in team {team} does not exist: use admin, member or viewer, or declare it in roles",
        echo_safe(.role.as_str())
    )]
    UnknownRole {
        /// The team.
        team: TeamName,
        /// The member.
        who: Identity,
        /// The role.
        role: RoleName,
    },
    /// One person listed twice in a team (perhaps once by username and once
    /// by email).
    #[error("'{who}' is listed twice in team {team}{}: keep one entry", earlier(*.first))]
    DuplicateMember {
        /// The team.
        team: TeamName,
        /// The person.
        who: Identity,
        /// Where the first entry is.
        first: Option<Origin>,
    },
    /// A service account without a name.
    #[error("a service account of team {team} has an empty name: give it its description")]
    BlankServiceAccount {
        /// The team.
        team: TeamName,
    },
    /// A service account listed twice in a team.
    #[error("service account '{}' is listed twice in team {team}{}: keep one", echo_safe(.name), earlier(*.first))]
    DuplicateServiceAccount {
        /// The team.
        team: TeamName,
        /// The account's name.
        name: String,
        /// Where the first entry is.
        first: Option<Origin>,
    },
}

fn earlier(first: Option<Origin>) -> String {
    first.map_or_else(String::new, |origin| format!(" (first at {origin})"))
}

/// One problem with a desired state, and where the entry at fault was
/// declared. Shown as `line 12: <problem>`, or the problem alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    /// Where the entry at fault was declared.
    pub origin: Option<Origin>,
    /// What is wrong.
    pub kind: StateErrorKind,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.origin {
            Some(origin) => write!(f, "{origin}: {}", self.kind),
            None => self.kind.fmt(f),
        }
    }
}

impl std::error::Error for StateError {}
