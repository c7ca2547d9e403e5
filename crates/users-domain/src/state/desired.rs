//! The desired state as a file declares it: entries in the file's order,
//! each with where it came from, duplicates and all. Nothing is keyed or
//! resolved yet; [`DesiredState::validate`] does that, and names the origin
//! of every problem it finds.

use std::fmt;

use crate::{Email, InstanceState, Invitee, RoleName, TeamName, TeamRole, Username};

/// Where a declared entry came from: the line of the file it was read
/// from, counted from 1. The parser fills it in; a state built in code has
/// none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The line, counted from 1.
    pub line: u32,
}

impl Origin {
    /// The origin at `line` (counted from 1).
    pub fn line(line: u32) -> Self {
        Self { line }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)
    }
}

/// A declared value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was declared; `None` for a value built in code.
    pub origin: Option<Origin>,
}

impl<T> Located<T> {
    /// A value declared nowhere in particular (built in code).
    pub fn new(value: T) -> Self {
        Self {
            value,
            origin: None,
        }
    }

    /// A value declared at `line` of the file.
    pub fn at(value: T, line: u32) -> Self {
        Self {
            value,
            origin: Some(Origin::line(line)),
        }
    }
}

/// A user as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredUser {
    /// The user's email: their key, compared ignoring case.
    pub email: Email,
    /// Whether they are to be an instance admin (not with `deactivated`).
    pub admin: bool,
    /// Whether they are to be deactivated.
    pub deactivated: bool,
    /// Their username, informative only (the server picks a new user's
    /// username); a team member may be named by it.
    pub username: Option<Username>,
}

/// A team member as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredMember {
    /// Who: by email, or by username.
    pub who: Invitee,
    /// Their role in the team.
    pub role: TeamRole,
}

/// A team as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredTeam {
    /// The team's name.
    pub name: TeamName,
    /// Exactly the people to be members (service accounts aside).
    pub members: Vec<Located<DesiredMember>>,
    /// Service accounts to exist in the team, by name (description).
    pub service_accounts: Vec<Located<String>>,
}

/// The people of an instance as a file declares them, before validation.
///
/// A parser builds one of these, filling in each entry's [`Origin`]; then
/// [`validate`](Self::validate) checks it against the instance and keys it.
/// `From<&InstanceState>` gives the declaration of an exported state (what
/// a file rendered from the export would declare).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DesiredState {
    /// Custom team roles the file uses (admin, member and viewer are built in).
    pub roles: Vec<Located<RoleName>>,
    /// The users. Users not listed are left alone unless the plan prunes.
    pub users: Vec<Located<DesiredUser>>,
    /// The teams. Teams not listed are left alone.
    pub teams: Vec<Located<DesiredTeam>>,
}

impl From<&InstanceState> for DesiredState {
    fn from(state: &InstanceState) -> Self {
        let roles = state.roles.iter().cloned().map(Located::new).collect();
        let users = state
            .users
            .iter()
            .map(|(key, user)| {
                Located::new(DesiredUser {
                    email: key.email().clone(),
                    admin: user.admin && !user.deactivated,
                    deactivated: user.deactivated,
                    username: user.username.clone(),
                })
            })
            .collect();
        let teams = state
            .teams
            .iter()
            .map(|(name, team)| {
                Located::new(DesiredTeam {
                    name: name.clone(),
                    members: team
                        .members
                        .iter()
                        .map(|(who, role)| {
                            Located::new(DesiredMember {
                                who: who.invitee(),
                                role: role.clone(),
                            })
                        })
                        .collect(),
                    service_accounts: team
                        .service_accounts
                        .iter()
                        .cloned()
                        .map(Located::new)
                        .collect(),
                })
            })
            .collect();
        Self {
            roles,
            users,
            teams,
        }
    }
}
