//! Seed data: the roles, teams, users and keys a world starts with.
//!
//! Plain strings on purpose, so that a seed reads well as JSON; every field is
//! parsed into the domain's types when the world is built (see
//! [`InMemoryWorld::from_seed`](crate::InMemoryWorld::from_seed)).

pub(crate) mod import;
mod membership;
pub(crate) mod stream;
pub(crate) mod synthetic;

use std::fmt;

use serde::Deserialize;

pub use membership::SeedMembership;

#[doc = include_str!("../docs/seed.md")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    /// The custom team roles the world knows besides `admin`, `member` and
    /// `viewer`; parsed as [`RoleName`](users_domain::RoleName)s.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Teams made before any user, in this order (which decides their ids
    /// and the order `User.teams` lists them in); a team a user names that
    /// is not listed here is made when first named.
    #[serde(default)]
    pub teams: Vec<String>,
    /// The users, in the order the world creates them (which decides their
    /// ids: the first is `User:1`). Missing from JSON means none.
    #[serde(default)]
    pub users: Vec<SeedUser>,
}

impl Seed {
    /// An empty seed.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a user after those already listed.
    #[must_use]
    pub fn user(mut self, user: SeedUser) -> Self {
        self.users.push(user);
        self
    }

    /// Adds a custom team role the world knows.
    #[must_use]
    pub fn role(mut self, name: impl Into<String>) -> Self {
        self.roles.push(name.into());
        self
    }

    /// Adds a team made before the users, after those already listed.
    #[must_use]
    pub fn team(mut self, name: impl Into<String>) -> Self {
        self.teams.push(name.into());
        self
    }
}

/// One user of a seed: a person, or a service account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    /// The user's email, parsed as an [`Email`](users_domain::Email) and
    /// unique ignoring case. Required of a person; a service account may
    /// have none.
    #[serde(default)]
    pub email: Option<String>,
    /// `user` (a person, when absent) or `service` (a service account),
    /// in any case.
    #[serde(default)]
    pub account_type: Option<String>,
    /// Derived from the email's local part when absent, as for a created user.
    #[serde(default)]
    pub username: Option<String>,
    /// The display name; empty when absent. A service account's name is its
    /// description, and its username is made from it when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Whether the user is an instance admin (may search and create users,
    /// and delete anyone's keys); `false` when absent.
    #[serde(default)]
    pub admin: bool,
    /// The teams the user belongs to, each listed once, with the user's role
    /// in each; a team not made yet is made here. A service account must be
    /// in at least one: the team it was made in.
    #[serde(default)]
    pub teams: Vec<SeedMembership>,
    /// The user is deactivated (soft-deleted) when set: listed, but their
    /// keys do not authenticate. A [`Timestamp`](users_domain::Timestamp):
    /// RFC 3339, or without an offset for UTC.
    #[serde(default)]
    pub deleted_at: Option<String>,
    /// Feature flags as JSON text.
    #[serde(default)]
    pub flags: Option<String>,
    /// The keys the user holds; each secret is held by one key in the world.
    #[serde(default)]
    pub keys: Vec<SeedKey>,
}

impl SeedUser {
    /// A person with this email and every other field at its default.
    pub fn new(email: impl Into<String>) -> Self {
        Self {
            email: Some(email.into()),
            ..Self::default()
        }
    }

    /// A service account described by `description` (its name), with no
    /// email; give it a team with [`team`](Self::team).
    pub fn service_account(description: impl Into<String>) -> Self {
        Self {
            account_type: Some("service".to_owned()),
            name: Some(description.into()),
            ..Self::default()
        }
    }

    /// Sets the username instead of deriving it from the email.
    #[must_use]
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Makes the user an instance admin, or not.
    #[must_use]
    pub fn admin(mut self, admin: bool) -> Self {
        self.admin = admin;
        self
    }

    /// Adds the user to one more team, as a plain member.
    #[must_use]
    pub fn team(mut self, team: impl Into<String>) -> Self {
        self.teams.push(SeedMembership::new(team));
        self
    }

    /// Adds the user to one more team with `role` (`admin`, `member`,
    /// `viewer` or a custom role of the seed).
    #[must_use]
    pub fn team_role(mut self, team: impl Into<String>, role: impl Into<String>) -> Self {
        self.teams.push(SeedMembership::new(team).role(role));
        self
    }

    /// Marks the user deactivated (soft-deleted) at this timestamp.
    #[must_use]
    pub fn deleted_at(mut self, timestamp: impl Into<String>) -> Self {
        self.deleted_at = Some(timestamp.into());
        self
    }

    /// Sets the feature flags, as JSON text (which must parse as JSON).
    #[must_use]
    pub fn flags(mut self, json: impl Into<String>) -> Self {
        self.flags = Some(json.into());
        self
    }

    /// Gives the user one more key.
    #[must_use]
    pub fn key(mut self, key: SeedKey) -> Self {
        self.keys.push(key);
        self
    }
}

/// One API key of a seeded user. Its `Debug` never shows the secret.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedKey {
    /// The key's secret, what its holder authenticates with; parsed as an
    /// [`ApiKeySecret`](users_domain::ApiKeySecret) and never shown by `Debug`.
    pub secret: String,
    /// The key's label; a fresh `key-…` label when absent. A legacy server's
    /// key is seeded with its own secret as its name.
    #[serde(default)]
    pub name: Option<String>,
    /// The key's free-text description; none when absent.
    #[serde(default)]
    pub description: Option<String>,
}

impl SeedKey {
    /// A key with this secret, a minted label and no description.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            ..Self::default()
        }
    }

    /// Sets the key's label instead of minting one.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the key's description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Names the key by its own secret, as older servers did.
    #[must_use]
    pub fn legacy(mut self) -> Self {
        self.name = Some(self.secret.clone());
        self
    }
}

impl fmt::Debug for SeedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name may be the secret itself (a legacy key): say so rather than show it.
        let name = match &self.name {
            Some(name) if *name == self.secret => Some("[the secret]"),
            Some(name) if users_domain::ApiKeySecret::is_key_shaped(name) => Some("[key-shaped]"),
            Some(name) => Some(name.as_str()),
            None => None,
        };
        f.debug_struct("SeedKey")
            .field("secret", &"[redacted]")
            .field("name", &name)
            .field("description", &self.description)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0";

    #[test]
    fn seed_key_debug_never_shows_the_secret() {
        let plain = SeedKey::new(SECRET).name("ci").description("runner");
        let legacy = SeedKey::new(SECRET).legacy();
        for key in [plain, legacy] {
            let debug = format!("{key:?}");
            assert!(!debug.contains(&SECRET[..8]), "{debug}");
            assert!(!debug.contains(&SECRET[30..]), "{debug}");
        }
        let debug = format!("{:?}", SeedKey::new(SECRET).name("ci"));
        assert_eq!(
            debug,
            r#"SeedKey { secret: "[redacted]", name: Some("ci"), description: None }"#
        );
    }

    #[test]
    fn a_seed_reads_from_json_with_defaults() {
        let json = format!(
            r#"{{"roles": ["auditor"], "teams": ["empty"],
                "users": [{{"email": "ada@example.com", "admin": true,
                "teams": ["ml", {{"team": "ops", "role": "admin"}}],
                "keys": [{{"secret": "{SECRET}", "description": "laptop"}}]}},
                {{"email": "bob@example.com"}},
                {{"account_type": "service", "name": "CI runner", "teams": ["ml"]}}]}}"#
        );
        let seed: Seed = serde_json::from_str(&json).unwrap();
        let expected = Seed::new()
            .role("auditor")
            .team("empty")
            .user(
                SeedUser::new("ada@example.com")
                    .admin(true)
                    .team("ml")
                    .team_role("ops", "admin")
                    .key(SeedKey::new(SECRET).description("laptop")),
            )
            .user(SeedUser::new("bob@example.com"))
            .user(SeedUser::service_account("CI runner").team("ml"));
        assert_eq!(seed, expected);
    }

    #[test]
    fn the_documented_example_seeds_a_world() {
        let doc = include_str!("../docs/seed.md");
        let example = doc
            .split("```json")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("the seed doc has a json example");

        let world = crate::InMemoryWorld::read_seed(example.as_bytes()).unwrap();

        assert_eq!(
            format!("{world:?}"),
            "InMemoryWorld { users: 4, teams: 3, keys: 3 }"
        );
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let error =
            serde_json::from_str::<Seed>(r#"{"users": [{"email": "a@b.c", "admn": true}]}"#)
                .unwrap_err();
        assert!(
            error.to_string().contains("unknown field `admn`"),
            "{error}"
        );
        let error = serde_json::from_str::<Seed>(r#"{"user": []}"#).unwrap_err();
        assert!(
            error.to_string().contains("unknown field `user`"),
            "{error}"
        );
    }

    #[test]
    fn an_empty_object_is_an_empty_seed() {
        assert_eq!(serde_json::from_str::<Seed>("{}").unwrap(), Seed::new());
    }
}
