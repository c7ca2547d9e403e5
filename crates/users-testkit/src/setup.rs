//! What every behaviour does first, and the checks they share.

use users_domain::{ApiKey, ApiKeySecret, User, UserAdmin, UserRepository};

use crate::{Fixture, Harness, Member, World};

/// `Err(error)` matching `$pattern`, or a panic naming what came instead.
macro_rules! expect_err {
    ($result:expr, $pattern:pat) => {
        match $result {
            Err(error @ $pattern) => error,
            other => panic!(
                "expected Err({}), got {other:?}",
                ::core::stringify!($pattern)
            ),
        }
    };
}
pub(crate) use expect_err;

/// A fresh world seeded with the standard fixture.
pub(crate) struct Setup {
    pub(crate) fx: Fixture,
    pub(crate) world: Box<dyn World>,
}

impl Setup {
    pub(crate) async fn start(harness: &dyn Harness) -> Self {
        let fx = Fixture::new();
        let world = harness.start(fx.seed()).await;
        Self { fx, world }
    }

    /// The adapter acting as `member`, with the member's first key.
    pub(crate) fn as_(&self, member: &Member) -> Box<dyn UserRepository> {
        self.world.connect(member.secret())
    }

    /// The adapter acting as the holder of `secret`.
    pub(crate) fn with(&self, secret: &ApiKeySecret) -> Box<dyn UserRepository> {
        self.world.connect(secret.clone())
    }

    /// The instance admin.
    pub(crate) fn admin(&self) -> Box<dyn UserRepository> {
        self.as_(&self.fx.root)
    }

    /// The service acting as `member`.
    pub(crate) fn service(&self, member: &Member) -> UserAdmin<Box<dyn UserRepository>> {
        UserAdmin::new(self.as_(member))
    }

    /// The one user whose email is `email`, as the admin finds it.
    pub(crate) async fn find(&self, email: &str) -> User {
        let found = self
            .admin()
            .search_users(email)
            .await
            .expect("admin search");
        let mut exact: Vec<User> = found
            .into_iter()
            .filter(|user| user.email.as_ref().is_some_and(|e| e.eq_ignore_case(email)))
            .collect();
        assert_eq!(exact.len(), 1, "one user with email {email}: {exact:?}");
        exact.remove(0)
    }
}

/// Whether `secret` still authenticates: `Ok(user)` for its holder, else the error.
pub(crate) async fn holder(setup: &Setup, secret: &ApiKeySecret) -> users_domain::Result<User> {
    setup.with(secret).viewer().await
}

/// The keys a user is listed with; the server must have loaded them.
pub(crate) fn keys(user: &User) -> &[ApiKey] {
    user.api_keys
        .as_deref()
        .unwrap_or_else(|| panic!("the api keys of {} were not loaded", user.label()))
}

/// The caller's keys, as `viewer` lists them.
pub(crate) async fn own_keys(repo: &dyn UserRepository) -> Vec<ApiKey> {
    let me = repo.viewer().await.expect("viewer");
    keys(&me).to_vec()
}

/// The caller's key with this name; exactly one must have it.
pub(crate) async fn own_key(repo: &dyn UserRepository, name: &str) -> ApiKey {
    let named: Vec<ApiKey> = own_keys(repo)
        .await
        .into_iter()
        .filter(|key| key.name.reveal() == name)
        .collect();
    assert_eq!(named.len(), 1, "one key named {name}: {named:?}");
    named.into_iter().next().expect("checked above")
}

/// The ids of `keys`, sorted.
pub(crate) fn ids(keys: &[ApiKey]) -> Vec<String> {
    sorted(keys.iter().map(|key| key.id.to_string()))
}

/// The emails of `users`, sorted.
pub(crate) fn emails(users: &[User]) -> Vec<String> {
    sorted(users.iter().map(User::label))
}

pub(crate) fn sorted<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut items: Vec<T> = items.into_iter().collect();
    items.sort();
    items
}
