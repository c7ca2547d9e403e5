//! Teams and their members, and the kinds of account and role W&B knows.

use std::fmt;

use crate::{Email, MemberId, RoleName, TeamId, TeamName, UserId, Username, echo_safe};

/// What kind of account a user is. W&B's `UserAccountType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountType {
    /// A person who logs in.
    User,
    /// A service account: made in a team for automation, holding keys, never logging in.
    Service,
    /// A seat that may only look.
    Viewer,
    /// The server's account for anonymous runs.
    Anonymous,
}

/// Why a text is not an account type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown account type '{0}': expected USER, SERVICE, VIEWER or ANONYMOUS")]
pub struct AccountTypeError(String);

impl AccountType {
    /// The server's spelling: `USER`, `SERVICE`, `VIEWER`, `ANONYMOUS`.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::User => "USER",
            Self::Service => "SERVICE",
            Self::Viewer => "VIEWER",
            Self::Anonymous => "ANONYMOUS",
        }
    }

    /// A lower-case word for tables and documents: `user`, `service`, ...
    pub fn as_word(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Service => "service",
            Self::Viewer => "viewer",
            Self::Anonymous => "anonymous",
        }
    }

    /// Parses the server's spelling, or the lower-case word, ignoring case.
    ///
    /// # Errors
    ///
    /// `AccountTypeError` for any other text.
    pub fn parse(text: &str) -> Result<Self, AccountTypeError> {
        [Self::User, Self::Service, Self::Viewer, Self::Anonymous]
            .into_iter()
            .find(|kind| kind.as_wire().eq_ignore_ascii_case(text))
            .ok_or_else(|| AccountTypeError(echo_safe(text)))
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_word())
    }
}

/// A member's role in a team.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TeamRole {
    /// Manages the team: its members, settings and service accounts.
    Admin,
    /// Works in the team.
    Member,
    /// Sees the team's work without changing it.
    Viewer,
    /// A role defined on the server (enterprise custom roles), by name.
    Custom(RoleName),
}

/// Why a text is not a team role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a team role: use admin, member, viewer or a custom role's name")]
pub struct TeamRoleError(String);

impl TeamRole {
    /// Parses `admin`, `member` or `viewer` (ignoring case), or else a custom
    /// role's name, kept as typed.
    ///
    /// # Errors
    ///
    /// `TeamRoleError` when the text is empty, too long, or holds white space.
    pub fn parse(text: &str) -> Result<Self, TeamRoleError> {
        for role in [Self::Admin, Self::Member, Self::Viewer] {
            if role.as_str().eq_ignore_ascii_case(text) {
                return Ok(role);
            }
        }
        RoleName::parse(text)
            .map(Self::Custom)
            .map_err(|_| TeamRoleError(echo_safe(text)))
    }

    /// The role as the server spells it in `updateMember`'s `role`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Viewer => "viewer",
            Self::Custom(name) => name.as_str(),
        }
    }
}

impl std::str::FromStr for TeamRole {
    type Err = TeamRoleError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for TeamRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A team (a W&B entity with `isTeam: true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// The server's id for the team.
    pub id: TeamId,
    /// The team's unique name.
    pub name: TeamName,
    /// The members, in the server's order (a new service account comes
    /// last), or `None` when they were not loaded.
    pub members: Option<Vec<Member>>,
}

impl Team {
    /// The member who is `user`: by id, else by username, else by email
    /// ignoring case.
    pub fn member_for(&self, user: &crate::User) -> Option<&Member> {
        let members = self.members.as_deref()?;
        members
            .iter()
            .find(|member| member.id.as_str() == user.id.as_str())
            .or_else(|| {
                members
                    .iter()
                    .find(|member| member.username.as_ref() == Some(&user.username))
            })
            .or_else(|| {
                let email = user.email.as_ref()?;
                members.iter().find(|member| {
                    member
                        .email
                        .as_ref()
                        .is_some_and(|theirs| theirs.eq_ignore_case(email.as_str()))
                })
            })
    }

    /// The member `invitee` names (username exactly, email ignoring case).
    pub fn member_named(&self, invitee: &Invitee) -> Option<&Member> {
        self.members
            .as_deref()?
            .iter()
            .find(|member| member.is(invitee))
    }
}

/// One member of a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// What removing the member or changing their role takes: the user's id
    /// for a member who joined, the invite's while pending.
    pub id: MemberId,
    /// The member's display name (a service account's description).
    pub name: String,
    /// `None` while an invite by email is pending, or where hidden.
    pub username: Option<Username>,
    /// `None` where the server hides it.
    pub email: Option<Email>,
    /// The member's role in this team.
    pub role: TeamRole,
    /// Whether the member was invited and has not joined yet.
    pub pending: bool,
    /// A person, a service account or a viewer; `None` where the server did not say.
    pub account_type: Option<AccountType>,
}

impl Member {
    /// Whether `invitee` names this member.
    pub fn is(&self, invitee: &Invitee) -> bool {
        match invitee {
            Invitee::Username(name) => self.username.as_ref() == Some(name),
            Invitee::Email(email) => self
                .email
                .as_ref()
                .is_some_and(|theirs| theirs.eq_ignore_case(email.as_str())),
        }
    }

    /// Whether this member is the user with id `user`.
    pub fn is_user(&self, user: &UserId) -> bool {
        self.id.as_str() == user.as_str()
    }

    /// How to refer to the member in a message: email, else username, else id.
    pub fn label(&self) -> String {
        self.email.as_ref().map_or_else(
            || {
                self.username
                    .as_ref()
                    .map_or_else(|| self.id.to_string(), ToString::to_string)
            },
            ToString::to_string,
        )
    }
}

/// Who to add to a team: by username, or by email (the SDK's rule: a value
/// with an `@` is an email).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Invitee {
    /// An existing user, by username.
    Username(Username),
    /// A user by email.
    Email(Email),
}

/// Why a text names nobody to invite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is neither a username nor an email address")]
pub struct InviteeError(String);

impl Invitee {
    /// An email when the text holds an `@`, else a username.
    ///
    /// # Errors
    ///
    /// `InviteeError` when the text is neither a valid email nor a valid username.
    pub fn parse(text: &str) -> Result<Self, InviteeError> {
        let text = text.trim();
        let parsed = if text.contains('@') {
            Email::parse(text).ok().map(Self::Email)
        } else {
            Username::parse(text).ok().map(Self::Username)
        };
        parsed.ok_or_else(|| InviteeError(echo_safe(text)))
    }
}

impl std::str::FromStr for Invitee {
    type Err = InviteeError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Invitee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Username(name) => name.fmt(f),
            Self::Email(email) => email.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_built_in_roles_parse_in_any_case_and_others_are_custom() {
        assert_eq!(TeamRole::parse("ADMIN"), Ok(TeamRole::Admin));
        assert_eq!(TeamRole::parse("viewer"), Ok(TeamRole::Viewer));
        assert_eq!(
            TeamRole::parse("auditor"),
            Ok(TeamRole::Custom(RoleName::parse("auditor").unwrap()))
        );
        assert!(TeamRole::parse("two words").is_err());
        assert!(TeamRole::parse("").is_err());
    }

    #[test]
    fn account_types_parse_from_the_wire_and_print_as_words() {
        assert_eq!(AccountType::parse("SERVICE"), Ok(AccountType::Service));
        assert_eq!(AccountType::parse("user"), Ok(AccountType::User));
        assert_eq!(AccountType::Service.to_string(), "service");
        assert!(AccountType::parse("ROBOT").is_err());
    }

    #[test]
    fn an_invitee_with_an_at_sign_is_an_email() {
        assert!(matches!(
            Invitee::parse("ada@example.com"),
            Ok(Invitee::Email(_))
        ));
        assert!(matches!(Invitee::parse("ada"), Ok(Invitee::Username(_))));
        assert!(Invitee::parse("@").is_err());
        assert!(Invitee::parse("a b").is_err());
    }
}
