//! The use cases of the official SDK's users module, done right: typed errors
//! instead of `None`/`False`, ambiguity reported instead of guessed, and no key
//! ever lost in a rotation.

mod desired;
mod lifecycle;
mod offboard;
mod teams;
mod walk;

pub use lifecycle::Applied;
pub use offboard::{OffboardPlan, OffboardReport, OffboardStep, StepOutcome};
pub use walk::UserWalk;

use crate::value::echo_safe;
use crate::{
    ApiKey, ApiKeyId, ApiKeySecret, Backend, Email, Error, GeneratedApiKey, KeyRepository,
    PageSize, Result, User, UserRepository,
};

/// The administration service, generic over the port it drives.
#[derive(Debug, Clone)]
pub struct UserAdmin<R> {
    repo: R,
}

/// What [`UserAdmin::ensure_user`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provisioned {
    /// The user did not exist and was created.
    Created(User),
    /// A user with that email was already there; nothing was changed.
    Existed(User),
    /// The create's answer was lost, and the user was found afterwards: most
    /// likely this call created it (a user that already existed would have
    /// been refused with a definite answer).
    FoundAfterLostAnswer(User),
}

/// The outcome of [`UserAdmin::rotate_api_key`]: the new key is always handed
/// back, even when revoking the old one failed, so that no key is ever lost.
#[derive(Debug)]
pub struct Rotation {
    /// The key that replaces the old one, with its secret: already alive
    /// whatever [`revoked`](Self::revoked) says.
    pub new_key: GeneratedApiKey,
    /// The key that was replaced, as it was listed before the rotation.
    pub old_key: ApiKey,
    /// Whether the old key was revoked; on `Err` it is still alive.
    pub revoked: Result<()>,
}

impl<R> UserAdmin<R> {
    /// A service driving `repo`; it acts as whoever holds the repository's
    /// key (see [`act_as`](Self::act_as) to act as someone else). Each use
    /// case asks only for the ports it drives, so a backend serving users
    /// alone (SCIM) can drive the user cases.
    pub fn new(repo: R) -> Self {
        Self { repo }
    }

    /// The port this service drives.
    pub fn repository(&self) -> &R {
        &self.repo
    }
}

impl<R: Backend> UserAdmin<R> {
    /// The same service acting as the holder of `secret` (the SDK's `user_api`).
    pub fn act_as(&self, secret: ApiKeySecret) -> UserAdmin<Box<dyn Backend>> {
        UserAdmin::new(self.repo.act_as(secret))
    }
}

impl<R: UserRepository> UserAdmin<R> {
    /// The authenticated user.
    ///
    /// # Errors
    ///
    /// As [`UserRepository::viewer`].
    pub async fn viewer(&self) -> Result<User> {
        self.repo.viewer().await
    }

    /// The caller's default entity, where the server names one.
    ///
    /// # Errors
    ///
    /// As [`UserRepository::viewer`].
    pub async fn default_entity(&self) -> Result<Option<String>> {
        Ok(self.repo.viewer().await?.entity)
    }

    /// The one user named by `username_or_email`.
    ///
    /// An exact match on username, or on email ignoring case, wins; otherwise a
    /// single search result is taken. Unlike the SDK, which takes the first of
    /// several and warns, several candidates are an error that lists them.
    ///
    /// # Errors
    ///
    /// `InvalidInput` for a blank name; `NotFound` when nobody matches;
    /// `MultipleMatches` when several do and none exactly; as
    /// [`UserRepository::search_users`] otherwise.
    pub async fn user(&self, username_or_email: &str) -> Result<User> {
        let wanted = username_or_email.trim();
        if wanted.is_empty() {
            return Err(Error::invalid(
                "a user must be named by username or email; got an empty string",
            ));
        }
        let mut found = self.repo.search_users(wanted).await?;
        let exact: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].is_named(wanted))
            .collect();
        let chosen = match (exact.as_slice(), found.len()) {
            ([only], _) => *only,
            ([], 0) => {
                return Err(Error::not_found(format!("user '{}'", echo_safe(wanted))));
            }
            ([], 1) => 0,
            (_, _) => {
                let candidates = if exact.is_empty() {
                    found.iter().map(User::label).collect()
                } else {
                    exact.iter().map(|&i| found[i].label()).collect()
                };
                return Err(Error::MultipleMatches {
                    query: echo_safe(wanted),
                    candidates,
                });
            }
        };
        Ok(found.swap_remove(chosen))
    }

    /// Users matching `query` (see [`UserRepository::search_users`]).
    ///
    /// # Errors
    ///
    /// As [`UserRepository::search_users`].
    pub async fn users(&self, query: &str) -> Result<Vec<User>> {
        self.repo.search_users(query.trim()).await
    }

    /// Every user matching `query` (as [`users`](Self::users) matches), page
    /// by page: a lazy walk the caller drives and may stop at any time, so
    /// that memory holds one page however many users there are.
    pub fn walk_users(&self, query: &str, size: PageSize) -> UserWalk<'_, R> {
        UserWalk::new(&self.repo, query.trim().to_owned(), size)
    }

    /// The user whose email is `email`, ignoring case, if there is one.
    ///
    /// # Errors
    ///
    /// As [`UserRepository::search_users`].
    pub async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let found = self.repo.search_users(email.as_str()).await?;
        Ok(found.into_iter().find(|user| {
            user.email
                .as_ref()
                .is_some_and(|e| e.eq_ignore_case(email.as_str()))
        }))
    }

    /// Creates a user.
    ///
    /// # Errors
    ///
    /// As [`UserRepository::create_user`].
    pub async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.repo.create_user(email, admin).await
    }

    /// Creates the user unless one with this email exists: safe to repeat, which
    /// is what makes a provisioning batch resumable after a partial failure.
    ///
    /// A create whose answer was lost is settled with a search (safe to send):
    /// a user found then is [`Provisioned::FoundAfterLostAnswer`].
    ///
    /// # Errors
    ///
    /// As [`UserRepository::create_user`], except that `AlreadyExists` becomes
    /// [`Provisioned::Existed`] when the existing user can be found, and
    /// `Ambiguous` stays only when the search does not find the user either
    /// (the server may be slow to show it, or still at work on it).
    pub async fn ensure_user(&self, email: &Email, admin: bool) -> Result<Provisioned> {
        match self.repo.create_user(email, admin).await {
            Ok(user) => Ok(Provisioned::Created(user)),
            Err(already @ Error::AlreadyExists { .. }) => self
                .find_user_by_email(email)
                .await?
                .map(Provisioned::Existed)
                .ok_or(already),
            Err(lost @ Error::Ambiguous { .. }) => match self.find_user_by_email(email).await {
                Ok(Some(user)) => Ok(Provisioned::FoundAfterLostAnswer(user)),
                Ok(None) | Err(_) => Err(lost),
            },
            Err(other) => Err(other),
        }
    }
}

impl<R: KeyRepository> UserAdmin<R> {
    /// Generates a key for the caller.
    ///
    /// # Errors
    ///
    /// As [`KeyRepository::generate_api_key`].
    pub async fn generate_api_key(&self, description: Option<&str>) -> Result<GeneratedApiKey> {
        self.repo
            .generate_api_key(description.map(str::to_owned))
            .await
    }

    /// Deletes a key by id.
    ///
    /// # Errors
    ///
    /// As [`KeyRepository::delete_api_key`].
    pub async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        self.repo.delete_api_key(id).await
    }
}

impl<R: UserRepository + KeyRepository> UserAdmin<R> {
    /// Deletes the key of `user` whose name (or id) is `name`, and returns it.
    ///
    /// # Errors
    ///
    /// `NotFound` when `name` is not one of the user's keys (the SDK raises
    /// `ValueError`); the errors of [`find_key`] and of
    /// [`KeyRepository::delete_api_key`].
    pub async fn delete_api_key_by_name(&self, user: &User, name: &str) -> Result<ApiKey> {
        let key = find_key(user, name)?.clone();
        self.repo.delete_api_key(&key.id).await?;
        Ok(key)
    }

    /// Replaces one of the caller's keys: generates the new key first, then
    /// revokes the old one. The new key is returned even when the revocation
    /// fails (see [`Rotation::revoked`]). The new key keeps the old key's
    /// description unless another is given.
    ///
    /// # Errors
    ///
    /// Those of [`find_key`] on the caller (a key of another user cannot be
    /// rotated: W&B makes keys only for the caller, so act as its owner), and
    /// those of [`KeyRepository::generate_api_key`]. A failed revocation is
    /// not an error of the call.
    pub async fn rotate_api_key(
        &self,
        name_or_id: &str,
        description: Option<&str>,
    ) -> Result<Rotation> {
        let viewer = self.repo.viewer().await?;
        let old_key = find_key(&viewer, name_or_id)?.clone();
        let description = description.or(old_key.description.as_deref());
        let new_key = self
            .repo
            .generate_api_key(description.map(str::to_owned))
            .await?;
        let revoked = self.repo.delete_api_key(&old_key.id).await;
        Ok(Rotation {
            new_key,
            old_key,
            revoked,
        })
    }
}

/// The key of `user` whose id, or else whose name, is `name_or_id`.
///
/// # Errors
///
/// `NotListed` when the user's keys were not loaded; `NotFound` when no key
/// matches; `MultipleMatches` (listing key ids) when several keys share the name.
pub fn find_key<'u>(user: &'u User, name_or_id: &str) -> Result<&'u ApiKey> {
    let keys = user.listed_keys()?;
    if let Some(key) = keys.iter().find(|key| key.id.as_str() == name_or_id) {
        return Ok(key);
    }
    let named: Vec<&ApiKey> = keys
        .iter()
        .filter(|key| key.name.reveal() == name_or_id)
        .collect();
    match named.as_slice() {
        [key] => Ok(key),
        [] => Err(Error::not_found(format!(
            "api key '{}' of {}",
            echo_safe(name_or_id),
            user.label()
        ))),
        several => Err(Error::MultipleMatches {
            query: echo_safe(name_or_id),
            candidates: several.iter().map(|key| key.id.to_string()).collect(),
        }),
    }
}

#[cfg(test)]
mod desired_tests;
#[cfg(test)]
mod fake;
#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod tests;
