//! The standard world every behaviour starts from.

use secrecy::ExposeSecret as _;
use users_domain::{ApiKeyName, ApiKeySecret};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

/// When the soft-deleted member was deleted.
pub(crate) const DELETED_AT: &str = "2024-01-02T03:04:05Z";

/// The standard cast, with every secret known to the suite.
///
/// - `root`: the instance admin.
/// - `ada`, `adam`, `adele`: members whose usernames share prefixes (`ad`,
///   `ada`), so that search and the service's ambiguity rules can be tested.
///   `ada` has a second key `ci`; `adam` has two keys both named `laptop`.
/// - `gone`: a soft-deleted member who still holds a key.
/// - `lee`: a member of a legacy server, whose only key is named by its own secret.
///
/// Secrets are fresh for every fixture, so no behaviour can lean on a known value.
#[derive(Debug)]
pub struct Fixture {
    /// `root@fixture.test`, the one instance admin (team `ops`): the key a
    /// behaviour uses for admin-only calls.
    pub root: Member,
    /// `ada@fixture.test`, a plain member of `ml` and `research` with two
    /// keys, `ada-main` and `ci`; her username is a prefix of `adam` and `adele`.
    pub ada: Member,
    /// `adam@fixture.test`, a member of `ml` whose keys `laptop` (old) and
    /// `laptop` (new) share a name, for the ambiguity rules.
    pub adam: Member,
    /// `adele@fixture.test`, a member of no team with one key.
    pub adele: Member,
    /// `gone@fixture.test`, soft-deleted: listed by search with `deleted_at`
    /// set, but its key no longer authenticates.
    pub gone: Member,
    /// `lee@legacy.example`, whose only key is named by its own secret, as
    /// older servers listed keys.
    pub lee: Member,
}

/// One seeded user and the keys it holds.
#[derive(Debug)]
pub struct Member {
    /// The email the member is seeded with, as the server should list it.
    pub email: &'static str,
    /// The username the member is seeded with (never derived).
    pub username: &'static str,
    /// The display name.
    pub name: &'static str,
    /// Whether the member is an instance admin.
    pub admin: bool,
    /// The teams the member belongs to, in seed order.
    pub teams: &'static [&'static str],
    /// Whether the member is soft-deleted (seeded with a `deleted_at`).
    pub deleted: bool,
    /// The first key is the one the member acts with.
    pub keys: Vec<MemberKey>,
}

/// One key of a member: its name as the server lists it, and its secret.
/// `Debug` shows neither: both types mask themselves.
#[derive(Debug, Clone)]
pub struct MemberKey {
    /// The key's name as the server lists it: a label, or for `lee` the
    /// secret itself.
    pub name: ApiKeyName,
    /// The description the key is seeded with, if any.
    pub description: Option<&'static str>,
    /// The key's secret, fresh for every fixture.
    pub secret: ApiKeySecret,
}

impl Fixture {
    /// The standard cast with fresh random secrets; [`seed`](Self::seed)
    /// turns it into the seed a [`Harness`](crate::Harness) starts from.
    pub fn new() -> Self {
        let member = |email, username, name, teams, keys: &[(&str, Option<&'static str>)]| Member {
            email,
            username,
            name,
            admin: false,
            teams,
            deleted: false,
            keys: keys
                .iter()
                .map(|&(name, description)| MemberKey::labelled(name, description))
                .collect(),
        };
        Self {
            root: Member {
                admin: true,
                ..member(
                    "root@fixture.test",
                    "root",
                    "Root Admin",
                    &["ops"],
                    &[("root-cli", Some("admin laptop"))],
                )
            },
            ada: member(
                "ada@fixture.test",
                "ada",
                "Ada Lovelace",
                &["ml", "research"],
                &[("ada-main", Some("laptop")), ("ci", Some("ci runner"))],
            ),
            adam: member(
                "adam@fixture.test",
                "adam",
                "Adam Smith",
                &["ml"],
                &[
                    ("adam-main", None),
                    ("laptop", Some("old")),
                    ("laptop", Some("new")),
                ],
            ),
            adele: member(
                "adele@fixture.test",
                "adele",
                "Adele",
                &[],
                &[("adele-main", None)],
            ),
            gone: Member {
                deleted: true,
                ..member(
                    "gone@fixture.test",
                    "gone",
                    "Gone Away",
                    &["ml"],
                    &[("gone-main", None)],
                )
            },
            lee: Member {
                keys: vec![MemberKey::legacy()],
                ..member("lee@legacy.example", "lee", "Lee", &[], &[])
            },
        }
    }

    /// Every member, the admin first.
    pub fn members(&self) -> [&Member; 6] {
        [
            &self.root,
            &self.ada,
            &self.adam,
            &self.adele,
            &self.gone,
            &self.lee,
        ]
    }

    /// The seed that makes this cast, in the order of [`members`](Self::members).
    pub fn seed(&self) -> Seed {
        self.members()
            .into_iter()
            .fold(Seed::new(), |seed, member| seed.user(member.seed_user()))
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Member {
    /// The secret of the key the member acts with.
    pub fn secret(&self) -> ApiKeySecret {
        self.keys[0].secret.clone()
    }

    /// The member's key with this name; the first of several.
    ///
    /// # Panics
    ///
    /// When the member has no key of that name: a mistake in the suite itself.
    pub fn key(&self, name: &str) -> &MemberKey {
        self.keys
            .iter()
            .find(|key| key.name.reveal() == name)
            .unwrap_or_else(|| panic!("fixture member {} has no key {name}", self.username))
    }

    fn seed_user(&self) -> SeedUser {
        let mut user = SeedUser::new(self.email)
            .username(self.username)
            .name(self.name)
            .admin(self.admin);
        if self.deleted {
            user = user.deleted_at(DELETED_AT);
        }
        for team in self.teams {
            user = user.team(*team);
        }
        for key in &self.keys {
            let mut seeded = SeedKey::new(key.secret.expose_secret()).name(key.name.reveal());
            if let Some(description) = key.description {
                seeded = seeded.description(description);
            }
            user = user.key(seeded);
        }
        user
    }
}

impl MemberKey {
    fn labelled(name: &str, description: Option<&'static str>) -> Self {
        Self {
            name: ApiKeyName::parse(name).expect("fixture key names are valid"),
            description,
            secret: InMemoryWorld::generate_secret(),
        }
    }

    /// A key as older servers listed it: named by its own secret.
    fn legacy() -> Self {
        let secret = InMemoryWorld::generate_secret();
        Self {
            name: ApiKeyName::parse(secret.expose_secret()).expect("a secret is a valid key name"),
            description: None,
            secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_seeds_a_world() {
        let fixture = Fixture::new();
        let world = InMemoryWorld::from_seed(fixture.seed()).unwrap();
        assert_eq!(format!("{world:?}"), "InMemoryWorld { users: 6, keys: 9 }");
    }

    #[test]
    fn the_legacy_key_is_named_by_its_secret_and_debug_hides_both() {
        let fixture = Fixture::new();
        let key = &fixture.lee.keys[0];
        assert_eq!(key.name.reveal(), key.secret.expose_secret());
        let debug = format!("{fixture:?}");
        assert!(
            !debug.contains(&key.secret.expose_secret()[4..36]),
            "{debug}"
        );
    }
}
