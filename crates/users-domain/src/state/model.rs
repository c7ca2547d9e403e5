//! An instance's people as plain data: who exists, who is an instance admin,
//! who is deactivated, which teams exist and who is in each with which role.
//! No server ids, so that the state of one instance can be compared with,
//! and applied to, another.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::{Email, Invitee, RoleName, TeamName, TeamRole, User, Username};

/// An email as a key: shown as given, but compared, ordered and hashed
/// ignoring ASCII case, as the server compares emails. Two users whose
/// emails differ only in case are one user.
#[derive(Clone)]
pub struct EmailKey(Email);

impl EmailKey {
    /// The key of `email`.
    pub fn new(email: Email) -> Self {
        Self(email)
    }

    /// The email, as it was given.
    pub fn email(&self) -> &Email {
        &self.0
    }

    /// The email, as it was given.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn folded(&self) -> impl Iterator<Item = u8> + '_ {
        self.0
            .as_str()
            .bytes()
            .map(|byte| byte.to_ascii_lowercase())
    }
}

impl From<Email> for EmailKey {
    fn from(email: Email) -> Self {
        Self(email)
    }
}

impl PartialEq for EmailKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_case(other.0.as_str())
    }
}

impl Eq for EmailKey {}

impl Ord for EmailKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.folded().cmp(other.folded())
    }
}

impl PartialOrd for EmailKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for EmailKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.folded() {
            state.write_u8(byte);
        }
    }
}

impl fmt::Display for EmailKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for EmailKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailKey({:?})", self.0.as_str())
    }
}

/// One person, as a team member is keyed: by email wherever the email is
/// known (a member named by username is keyed by that user's email), by
/// username only where no email is known. So a member written `ada` and one
/// written `ada@example.com` are the same person when ada's email is that.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Identity {
    /// A person whose email is known.
    Email(EmailKey),
    /// A person known only by username (the server hid the email).
    Username(Username),
}

impl Identity {
    /// The identity of `user`: the email when the server shows it.
    pub fn of(user: &User) -> Self {
        user.email.clone().map_or_else(
            || Self::Username(user.username.clone()),
            |email| Self::Email(EmailKey::new(email)),
        )
    }

    /// The email key, for a person known by email.
    pub fn email(&self) -> Option<&EmailKey> {
        match self {
            Self::Email(key) => Some(key),
            Self::Username(_) => None,
        }
    }

    /// How to name this person to the server when adding them to a team.
    pub fn invitee(&self) -> Invitee {
        match self {
            Self::Email(key) => Invitee::Email(key.email().clone()),
            Self::Username(name) => Invitee::Username(name.clone()),
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Email(key) => key.fmt(f),
            Self::Username(name) => name.fmt(f),
        }
    }
}

/// A user's part of the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserState {
    /// Whether the user is an active instance admin. Always `false` for a
    /// deactivated user: admin rights mean nothing while deactivated, and a
    /// file may not declare both (the server may keep a stale flag on a
    /// deactivated user; [`plan`](crate::plan) sees to it on reactivation).
    pub admin: bool,
    /// Whether the user is deactivated.
    pub deactivated: bool,
    /// The user's username, where known. Informative only: the server picks
    /// the username of a new user, so it is never planned or compared.
    pub username: Option<Username>,
}

/// A team's part of the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamState {
    /// The team's members (people, not service accounts) and their roles.
    /// A pending invite counts as a member.
    pub members: BTreeMap<Identity, TeamRole>,
    /// The team's service accounts, by name (their description). Governed
    /// only by this list: created when missing, never removed.
    pub service_accounts: BTreeSet<String>,
}

/// The people of an instance as data: what
/// [`UserAdmin::export_state`](crate::UserAdmin::export_state) produces, and
/// what a validated [`DesiredState`](crate::DesiredState) declares.
///
/// Ordered maps throughout, so that two exports of the same instance are
/// equal and iterate (hence render) identically. Service-account users are
/// not among `users`: they appear under their team.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceState {
    /// Custom team roles: on export, those some member holds; in a file,
    /// those it declares (the built-in admin, member and viewer need none).
    pub roles: BTreeSet<RoleName>,
    /// Users (not service accounts) keyed by email, ignoring case.
    pub users: BTreeMap<EmailKey, UserState>,
    /// Teams by name.
    pub teams: BTreeMap<TeamName, TeamState>,
}

impl InstanceState {
    /// How many users are active.
    pub fn active_users(&self) -> usize {
        self.users.values().filter(|user| !user.deactivated).count()
    }

    /// How many users are active instance admins.
    pub fn active_admins(&self) -> usize {
        self.users
            .values()
            .filter(|user| user.admin && !user.deactivated)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    fn key(text: &str) -> EmailKey {
        EmailKey::new(Email::parse(text).unwrap())
    }

    #[test]
    fn email_keys_ignore_case_but_show_the_email_as_given() {
        assert_eq!(key("Ada@Example.com"), key("ada@example.COM"));
        assert_eq!(key("Ada@Example.com").to_string(), "Ada@Example.com");
        let set: HashSet<EmailKey> = [key("A@x.io"), key("a@X.io")].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn a_person_is_known_by_email_where_the_server_shows_it() {
        let email = Email::parse("ada@example.com").unwrap();
        assert_eq!(
            Identity::Email(key("ADA@example.com")).invitee(),
            Invitee::Email(Email::parse("ADA@example.com").unwrap())
        );
        assert_eq!(
            Identity::Email(EmailKey::new(email)).to_string(),
            "ada@example.com"
        );
    }

    proptest! {
        #[test]
        fn email_key_order_agrees_with_equality(a in "[a-cA-C]{1,3}@x\\.io", b in "[a-cA-C]{1,3}@x\\.io") {
            let (a, b) = (key(&a), key(&b));
            prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        }
    }
}
