//! The vocabulary of a plan: the changes, their kinds, and the phases they
//! run in.

use std::fmt;

use crate::value::echo_safe;
use crate::{EmailKey, Identity, TeamName, TeamRole};

/// When a change is carried out: every change of one phase before any of
/// the next, so that what a change needs exists when it runs, and access is
/// granted before any is taken away (the instance never has fewer active
/// admins mid-way than at the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// A deactivated user's admin flag is set as the file says while they
    /// are still deactivated, which takes nobody's access away: reactivated
    /// next, they come back with the rights the file gives them, never
    /// (not even for a moment) with a stale flag the server kept.
    Prepare,
    /// Users and teams come into being, and access is granted: create user,
    /// create team, reactivate, make admin.
    Create,
    /// Team memberships: add, change role, remove, create service account.
    Membership,
    /// Access is taken away: take admin away, deactivate.
    Revoke,
}

impl Phase {
    /// The phases, in the order they run.
    pub const ALL: [Self; 4] = [Self::Prepare, Self::Create, Self::Membership, Self::Revoke];
}

/// One change to an instance. Users are named by email, members by
/// [`Identity`]; no server ids, so that a plan reads well and can be shown
/// as a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Create a user (an instance admin when `admin`), in one call.
    CreateUser {
        /// The new user's email.
        email: EmailKey,
        /// Whether they are created an instance admin.
        admin: bool,
    },
    /// Create a team; the caller becomes its first member, as admin.
    CreateTeam {
        /// The team's name.
        name: TeamName,
    },
    /// Reactivate a deactivated user.
    Reactivate {
        /// The user.
        user: EmailKey,
    },
    /// Make a user an instance admin, or no longer one.
    SetAdmin {
        /// The user.
        user: EmailKey,
        /// Whether they are to be an admin.
        admin: bool,
        /// Whether the user is deactivated while it is made: the flag of a
        /// user the plan reactivates is set first ([`Phase::Prepare`]), and
        /// their reactivation waits for a demotion.
        deactivated: bool,
    },
    /// Add a person to a team.
    AddMember {
        /// The team.
        team: TeamName,
        /// The person.
        who: Identity,
        /// Their role.
        role: TeamRole,
    },
    /// Change a member's role.
    ChangeRole {
        /// The team.
        team: TeamName,
        /// The member.
        who: Identity,
        /// Their role now.
        from: TeamRole,
        /// Their role to be.
        to: TeamRole,
    },
    /// Take a person out of a team.
    RemoveMember {
        /// The team.
        team: TeamName,
        /// The member.
        who: Identity,
    },
    /// Create a service account in a team.
    CreateServiceAccount {
        /// The team.
        team: TeamName,
        /// The account's name (its description).
        name: String,
    },
    /// Deactivate a user (never a purge: they stay listed, and can be
    /// reactivated).
    Deactivate {
        /// The user.
        user: EmailKey,
    },
}

/// The kind of a [`Change`], for counting and grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// [`Change::CreateUser`].
    CreateUser,
    /// [`Change::CreateTeam`].
    CreateTeam,
    /// [`Change::Reactivate`].
    Reactivate,
    /// [`Change::SetAdmin`].
    SetAdmin,
    /// [`Change::AddMember`].
    AddMember,
    /// [`Change::ChangeRole`].
    ChangeRole,
    /// [`Change::RemoveMember`].
    RemoveMember,
    /// [`Change::CreateServiceAccount`].
    CreateServiceAccount,
    /// [`Change::Deactivate`].
    Deactivate,
}

impl ChangeKind {
    /// Every kind, in the order plans list them.
    pub const ALL: [Self; 9] = [
        Self::CreateUser,
        Self::CreateTeam,
        Self::Reactivate,
        Self::SetAdmin,
        Self::AddMember,
        Self::ChangeRole,
        Self::RemoveMember,
        Self::CreateServiceAccount,
        Self::Deactivate,
    ];

    /// The kind in words: `create user`, `add member`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreateUser => "create user",
            Self::CreateTeam => "create team",
            Self::Reactivate => "reactivate",
            Self::SetAdmin => "set admin",
            Self::AddMember => "add member",
            Self::ChangeRole => "change role",
            Self::RemoveMember => "remove member",
            Self::CreateServiceAccount => "create service account",
            Self::Deactivate => "deactivate",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Change {
    /// The change's kind.
    pub fn kind(&self) -> ChangeKind {
        match self {
            Self::CreateUser { .. } => ChangeKind::CreateUser,
            Self::CreateTeam { .. } => ChangeKind::CreateTeam,
            Self::Reactivate { .. } => ChangeKind::Reactivate,
            Self::SetAdmin { .. } => ChangeKind::SetAdmin,
            Self::AddMember { .. } => ChangeKind::AddMember,
            Self::ChangeRole { .. } => ChangeKind::ChangeRole,
            Self::RemoveMember { .. } => ChangeKind::RemoveMember,
            Self::CreateServiceAccount { .. } => ChangeKind::CreateServiceAccount,
            Self::Deactivate { .. } => ChangeKind::Deactivate,
        }
    }

    /// When the change runs.
    pub fn phase(&self) -> Phase {
        match self {
            Self::SetAdmin {
                deactivated: true, ..
            } => Phase::Prepare,
            Self::CreateUser { .. }
            | Self::CreateTeam { .. }
            | Self::Reactivate { .. }
            | Self::SetAdmin { admin: true, .. } => Phase::Create,
            Self::AddMember { .. }
            | Self::ChangeRole { .. }
            | Self::RemoveMember { .. }
            | Self::CreateServiceAccount { .. } => Phase::Membership,
            Self::SetAdmin { admin: false, .. } | Self::Deactivate { .. } => Phase::Revoke,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateUser { email, admin: true } => {
                write!(f, "create user {email} as instance admin")
            }
            Self::CreateUser {
                email,
                admin: false,
            } => write!(f, "create user {email}"),
            Self::CreateTeam { name } => write!(f, "create team {name}"),
            Self::Reactivate { user } => write!(f, "reactivate {user}"),
            Self::SetAdmin {
                user,
                admin,
                deactivated,
            } => {
                if *admin {
                    write!(f, "make {user} an instance admin")?;
                } else {
                    write!(f, "take instance admin away from {user}")?;
                }
                if *deactivated {
                    f.write_str(" while still deactivated")?;
                }
                Ok(())
            }
            Self::AddMember { team, who, role } => {
                write!(f, "add {who} to team {team} as {role}")
            }
            Self::ChangeRole {
                team,
                who,
                from,
                to,
            } => write!(
                f,
                "change the role of {who} in team {team} from {from} to {to}"
            ),
            Self::RemoveMember { team, who } => write!(f, "remove {who} from team {team}"),
            Self::CreateServiceAccount { team, name } => write!(
                f,
                "create service account '{}' in team {team}",
                echo_safe(name)
            ),
            Self::Deactivate { user } => write!(f, "deactivate {user}"),
        }
    }
}
