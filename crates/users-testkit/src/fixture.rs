//! The standard world every behaviour starts from.

use secrecy::ExposeSecret as _;
use users_domain::{ApiKeyName, ApiKeySecret};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

/// When the soft-deleted member was deleted.
pub(crate) const DELETED_AT: &str = "2024-01-02T03:04:05Z";

/// The standard cast, with every secret known to the suite.
///
/// - `root`: the one instance admin who is a person.
/// - `ada`, `adam`, `adele`: members whose usernames share prefixes (`ad`,
///   `ada`), so that search and the service's ambiguity rules can be tested.
///   `ada` has a second key `ci`; `adam` has two keys both named `laptop`.
/// - `gone`: a soft-deleted member who still holds a key.
/// - `lee`: a member of a legacy server, whose only key is named by its own secret.
/// - `ci_bot`, `ops_bot`: service accounts, each holding a key; `ops_bot`
///   is an instance admin, for whom `root` is the last active admin who is
///   a person (the service does not count service accounts as admins).
///
/// Teams, made in this order, with their members in the order listed:
/// `ops` (root as admin, ops-bot), `ml` (ada as admin, adam, gone, ci-bot),
/// `research` (ada, lee as viewer). The world also knows the custom role
/// [`CUSTOM_ROLE`](Self::CUSTOM_ROLE), which nobody has.
///
/// Secrets are fresh for every fixture, so no behaviour can lean on a known value.
#[derive(Debug)]
pub struct Fixture {
    /// `root@fixture.test`, the one instance admin who is a person (admin of
    /// team `ops`): the key a behaviour uses for admin-only calls.
    pub root: Member,
    /// `ada@fixture.test`, admin of team `ml` (but no instance admin) and a
    /// member of `research`, with two keys, `ada-main` and `ci`; her
    /// username is a prefix of `adam` and `adele`.
    pub ada: Member,
    /// `adam@fixture.test`, a member of `ml` whose keys `laptop` (old) and
    /// `laptop` (new) share a name, for the ambiguity rules.
    pub adam: Member,
    /// `adele@fixture.test`, a member of no team with one key.
    pub adele: Member,
    /// `gone@fixture.test`, soft-deleted: listed by search with `deleted_at`
    /// set, but its key no longer authenticates; still a member of `ml`.
    pub gone: Member,
    /// `lee@legacy.example`, a viewer in `research` whose only key is named
    /// by its own secret, as older servers listed keys.
    pub lee: Member,
    /// `ci-bot`, the service account `CI runner` of team `ml`, listed last there.
    pub ci_bot: ServiceAccount,
    /// `ops-bot`, the service account `Ops automation` of team `ops`, and an
    /// instance admin.
    pub ops_bot: ServiceAccount,
}

/// A service account of the fixture: a user with no email, made in a team.
#[derive(Debug)]
pub struct ServiceAccount {
    /// The account's username.
    pub username: &'static str,
    /// Its description, which is its name.
    pub description: &'static str,
    /// The team it was made in, as a plain member.
    pub team: &'static str,
    /// Whether it is an instance admin.
    pub admin: bool,
    /// The first key is the one it acts with.
    pub keys: Vec<MemberKey>,
}

/// One seeded person and the keys they hold.
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
    /// The teams the member belongs to, in seed order, each with the
    /// member's role there (`admin`, `member` or `viewer`).
    pub teams: &'static [(&'static str, &'static str)],
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
    /// The custom team role the fixture's world knows besides the built-in ones.
    pub const CUSTOM_ROLE: &'static str = "auditor";

    /// The standard cast with fresh random secrets; [`seed`](Self::seed)
    /// turns it into the seed a [`Harness`](crate::Harness) starts from.
    pub fn new() -> Self {
        let member = |email,
                      username,
                      name,
                      teams: &'static [(&'static str, &'static str)],
                      keys: &[(&str, Option<&'static str>)]| Member {
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
                    &[("ops", "admin")],
                    &[("root-cli", Some("admin laptop"))],
                )
            },
            ada: member(
                "ada@fixture.test",
                "ada",
                "Ada Lovelace",
                &[("ml", "admin"), ("research", "member")],
                &[("ada-main", Some("laptop")), ("ci", Some("ci runner"))],
            ),
            adam: member(
                "adam@fixture.test",
                "adam",
                "Adam Smith",
                &[("ml", "member")],
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
                    &[("ml", "member")],
                    &[("gone-main", None)],
                )
            },
            lee: Member {
                keys: vec![MemberKey::legacy()],
                ..member(
                    "lee@legacy.example",
                    "lee",
                    "Lee",
                    &[("research", "viewer")],
                    &[],
                )
            },
            ci_bot: ServiceAccount {
                username: "ci-bot",
                description: "CI runner",
                team: "ml",
                admin: false,
                keys: vec![MemberKey::labelled("ci-bot-main", None)],
            },
            ops_bot: ServiceAccount {
                username: "ops-bot",
                description: "Ops automation",
                team: "ops",
                admin: true,
                keys: vec![MemberKey::labelled("ops-bot-main", Some("cron"))],
            },
        }
    }

    /// Every person, the admin first (the service accounts are not among them).
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

    /// The service accounts, in seed order.
    pub fn service_accounts(&self) -> [&ServiceAccount; 2] {
        [&self.ci_bot, &self.ops_bot]
    }

    /// The seed that makes this cast: the people in the order of
    /// [`members`](Self::members), then the service accounts.
    pub fn seed(&self) -> Seed {
        let people = self
            .members()
            .into_iter()
            .fold(Seed::new().role(Self::CUSTOM_ROLE), |seed, member| {
                seed.user(member.seed_user())
            });
        self.service_accounts()
            .into_iter()
            .fold(people, |seed, account| seed.user(account.seed_user()))
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
        for (team, role) in self.teams {
            user = user.team_role(*team, *role);
        }
        self.keys
            .iter()
            .fold(user, |user, key| user.key(key.seed_key()))
    }
}

impl ServiceAccount {
    /// The secret of the key the account acts with.
    pub fn secret(&self) -> ApiKeySecret {
        self.keys[0].secret.clone()
    }

    fn seed_user(&self) -> SeedUser {
        let account = SeedUser::service_account(self.description)
            .username(self.username)
            .admin(self.admin)
            .team(self.team);
        self.keys
            .iter()
            .fold(account, |account, key| account.key(key.seed_key()))
    }
}

impl MemberKey {
    fn seed_key(&self) -> SeedKey {
        let seeded = SeedKey::new(self.secret.expose_secret()).name(self.name.reveal());
        match self.description {
            Some(description) => seeded.description(description),
            None => seeded,
        }
    }

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
        assert_eq!(
            format!("{world:?}"),
            "InMemoryWorld { users: 8, teams: 3, keys: 11 }"
        );
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
