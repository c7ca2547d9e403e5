//! What the unit tests build their users and keys from: one way each.

use users_domain::{ApiKey, ApiKeyId, ApiKeyName, User, UserId, Username};

/// A user named `name`, holding the keys `keys` (`None`: not listed by the
/// server), soft-deleted if `deleted`.
pub(crate) fn user(name: &str, keys: Option<&[&str]>, deleted: bool) -> User {
    User {
        id: UserId::parse(format!("id-{name}")).unwrap(),
        username: Username::parse(name).unwrap(),
        email: None,
        name: String::new(),
        admin: false,
        entity: None,
        deleted_at: deleted.then(|| "2024-01-01T00:00:00".to_owned()),
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
