//! What the unit tests build their users, keys and members from: one way each.

use users_domain::{
    AccountType, ApiKey, ApiKeyId, ApiKeyName, Member, MemberId, TeamRole, Timestamp, User, UserId,
    Username,
};

/// A user named `name`, holding the keys `keys` (`None`: not listed by the
/// server), deactivated if `deleted`.
pub(crate) fn user(name: &str, keys: Option<&[&str]>, deleted: bool) -> User {
    User {
        id: UserId::parse(format!("id-{name}")).unwrap(),
        username: Username::parse(name).unwrap(),
        email: None,
        name: String::new(),
        admin: false,
        account_type: Some(AccountType::User),
        created_at: None,
        logged_in_at: None,
        entity: None,
        deleted_at: deleted.then(|| Timestamp::parse("2024-01-01T00:00:00Z").unwrap()),
        teams: None,
        api_keys: keys.map(|keys| keys.iter().map(|name| key(name)).collect()),
        flags: None,
    }
}

/// A key named `name`, with the id `id-NAME` and no description.
pub(crate) fn key(name: &str) -> ApiKey {
    ApiKey {
        id: ApiKeyId::parse(format!("id-{name}")).unwrap(),
        name: ApiKeyName::parse(name).unwrap(),
        description: None,
    }
}

/// A member named `name` (the user `user(name, ..)`, by id) with `role`.
pub(crate) fn member(name: &str, role: TeamRole) -> Member {
    Member {
        id: MemberId::parse(format!("id-{name}")).unwrap(),
        name: name.to_owned(),
        username: Some(Username::parse(name).unwrap()),
        email: None,
        role,
        pending: false,
        account_type: Some(AccountType::User),
    }
}

/// `root@example.com`, an instance admin, added to `world`, acting on it.
pub(crate) fn admin_of(
    world: &users_memory::InMemoryWorld,
) -> users_domain::UserAdmin<users_memory::InMemoryUserRepository> {
    use users_domain::ExposeSecret as _;
    let key = users_memory::InMemoryWorld::generate_secret();
    world
        .seed_user(
            users_memory::SeedUser::new("root@example.com")
                .admin(true)
                .key(users_memory::SeedKey::new(key.expose_secret())),
        )
        .unwrap_or_else(|error| panic!("{error}"));
    users_domain::UserAdmin::new(world.connect(key))
}
