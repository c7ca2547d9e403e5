use std::fmt;
use std::sync::MutexGuard;

use async_trait::async_trait;
use secrecy::ExposeSecret as _;
use users_domain::{
    ApiKeyId, ApiKeySecret, Email, Error, GeneratedApiKey, PageRequest, Result, User, UserPage,
    UserRepository, Username,
};

mod listing;

use crate::state::{NewKey, NewUser, State};
use crate::{InMemoryWorld, mint};

/// A [`UserRepository`] over an [`InMemoryWorld`], acting as the holder of one key.
///
/// The key is looked up on every call, as the server checks every request: a
/// key deleted meanwhile, or a user soft-deleted meanwhile, makes the next call
/// `Unauthenticated`. Cloning gives another handle acting as the same principal.
///
/// The rules are W&B's, as the spec describes them:
/// - [`search_users`](UserRepository::search_users) is for instance admins. A
///   user matches when its username or its email, lower-cased, starts with or
///   ends with the query, lower-cased (Unicode lower-casing on both sides; no
///   trimming); the empty query matches everyone. Results come in creation
///   order, soft-deleted users included.
/// - [`create_user`](UserRepository::create_user) is for instance admins; an
///   email already taken ignoring case is `AlreadyExists`. The username is the
///   email's local part lower-cased with every character outside `[a-z0-9._-]`
///   made `-`, then `-2`, `-3`… appended until no user has it (ignoring case);
///   the entity is the username, the name empty, no keys and no teams.
/// - [`generate_api_key`](UserRepository::generate_api_key) makes a key for the
///   caller: a fresh 40-character secret, a `key-` label that is not the
///   secret, and the description as given.
/// - [`delete_api_key`](UserRepository::delete_api_key) takes the caller's own
///   keys, or anyone's for an instance admin.
/// - Ids are base64 of `User:N` / `ApiKey:N`, counting from 1, never reused.
#[derive(Clone)]
pub struct InMemoryUserRepository {
    world: InMemoryWorld,
    secret: ApiKeySecret,
}

impl InMemoryUserRepository {
    pub(crate) fn new(world: InMemoryWorld, secret: ApiKeySecret) -> Self {
        Self { world, secret }
    }

    /// The state, locked, once the caller is known to be an instance admin.
    fn admin_state(&self, what: &str) -> Result<MutexGuard<'_, State>> {
        let state = self.world.lock();
        let me = state.principal(&self.secret)?;
        if !state.users()[me].admin {
            return Err(Error::PermissionDenied {
                reason: format!("only instance admins can {what}; use an admin's api key"),
            });
        }
        Ok(state)
    }
}

impl fmt::Debug for InMemoryUserRepository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryUserRepository")
            .field("world", &self.world)
            .field("secret", &self.secret)
            .finish()
    }
}

#[async_trait]
impl UserRepository for InMemoryUserRepository {
    async fn viewer(&self) -> Result<User> {
        let state = self.world.lock();
        let me = state.principal(&self.secret)?;
        Ok(state.to_user(me))
    }

    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        let mut state = self.admin_state("search users")?;
        Ok(if query.is_empty() {
            (0..state.user_count())
                .map(|index| state.to_user(index))
                .collect()
        } else {
            let hits = state.matching(query);
            hits.iter()
                .map(|&index| state.to_user(usize::try_from(index).unwrap_or(usize::MAX)))
                .collect()
        })
    }

    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        let mut state = self.admin_state("list users")?;
        listing::page(&mut state, query, page)
    }

    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        let mut state = self.world.lock();
        let me = state.principal(&self.secret)?;
        if !state.users()[me].admin {
            return Err(Error::PermissionDenied {
                reason: "only instance admins can create users; use an admin's api key".into(),
            });
        }
        if state.email_taken(email.as_str()) {
            return Err(Error::AlreadyExists {
                what: format!("a user with email {email}"),
            });
        }
        let base = mint::username_base(email);
        let username = mint::unique_username(&base, |name| state.username_taken(name));
        let username = Username::parse(username).map_err(|e| Error::InvalidInput {
            reason: format!("cannot make a username from {email}: {e}"),
        })?;
        let index = state.insert(NewUser {
            name: String::new(),
            username,
            email: email.clone(),
            admin,
            flags: None,
            deleted_at: None,
            teams: Vec::new(),
            keys: Vec::new(),
        });
        Ok(state.to_user(index))
    }

    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        let mut state = self.world.lock();
        let me = state.principal(&self.secret)?;
        // 36^40 makes a clash all but impossible; checking keeps "unique" a fact.
        let secret = std::iter::repeat_with(mint::secret)
            .find(|secret| state.holder_of(secret.expose_secret()).is_none())
            .unwrap_or_else(mint::secret);
        let key = state.add_key(
            me,
            NewKey {
                secret: secret.clone(),
                name: mint::key_label(),
                description,
            },
        );
        Ok(GeneratedApiKey { key, secret })
    }

    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        let mut state = self.world.lock();
        let me = state.principal(&self.secret)?;
        let owner = state.key_owner(id).ok_or_else(|| Error::NotFound {
            what: format!("api key {id}"),
        })?;
        if owner != me && !state.users()[me].admin {
            return Err(Error::PermissionDenied {
                reason: format!(
                    "api key {id} belongs to another user; only its owner or an instance admin may delete it"
                ),
            });
        }
        state.remove_key(id);
        Ok(())
    }

    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
        Box::new(self.world.connect(secret))
    }
}

#[cfg(test)]
mod tests;
