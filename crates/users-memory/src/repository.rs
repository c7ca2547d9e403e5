use std::fmt;
use std::sync::MutexGuard;

use async_trait::async_trait;
use users_domain::{
    ApiKeySecret, Backend, Email, Error, PageRequest, Result, User, UserId, UserPage,
    UserRepository, Username,
};

mod keys;
mod listing;
mod teams;

use crate::fault::lost;
use crate::state::{NewUser, State};
use crate::{InMemoryWorld, Mutation, mint};

/// The whole [`Backend`] (users and their lifecycle, keys, teams) over an
/// [`InMemoryWorld`], acting as the holder of one key.
///
/// The key is looked up on every call, as the server checks every request: a
/// key deleted meanwhile, or a user deactivated meanwhile, makes the next call
/// `Unauthenticated`. Cloning gives another handle acting as the same principal.
///
/// The rules are W&B's, as the spec describes them:
/// - [`search_users`](UserRepository::search_users) is for instance admins. A
///   user matches when its username or its email, lower-cased, starts with or
///   ends with the query, lower-cased (Unicode lower-casing on both sides; no
///   trimming); the empty query matches everyone. Results come in creation
///   order, deactivated users included.
/// - [`list_users`](UserRepository::list_users) and
///   [`user_by_id`](UserRepository::user_by_id) are for instance admins too.
///   `user_by_id` finds the user from the id alone (it names the user's
///   place, so no search is made); an id this world never minted is `NotFound`.
/// - [`create_user`](UserRepository::create_user) is for instance admins; an
///   email already taken ignoring case is `AlreadyExists`. The username is the
///   email's local part lower-cased with every character outside `[a-z0-9._-]`
///   made `-`, then `-2`, `-3`… appended until no user or team has it
///   (ignoring case); the entity is the username, the name empty, no keys
///   and no teams, the account type `USER`.
/// - Deactivating, reactivating and the instance-admin flag are for instance
///   admins. A deactivated user stays listed with `deleted_at` set, and
///   their keys do not authenticate until they are reactivated; nothing else
///   of theirs changes.
/// - [`generate_api_key`](users_domain::KeyRepository::generate_api_key)
///   makes a key for the caller: a fresh 40-character secret, a `key-` label
///   that is not the secret, and the description as given.
/// - [`delete_api_key`](users_domain::KeyRepository::delete_api_key) takes the
///   caller's own keys, or anyone's for an instance admin.
/// - Any key holder may read a team, and make one (users and teams share one
///   namespace of names, ignoring case); its admin is its first member.
///   Changing a team's members is for instance admins and that team's admins.
///   A member joins at once (no invite is left pending) and is listed last.
///   A team role is `admin`, `member`, `viewer`, or a custom role the world
///   was seeded with.
/// - A new service account is a user with account type `SERVICE`, no email,
///   named by its description, with a username made from it as a created
///   user's is from the email; it joins the team as a member, listed last,
///   and holds no key. The world never reveals a secret through the team
///   port: [`service_account_secret`](users_domain::TeamRepository::service_account_secret)
///   is `None`.
/// - Ids are base64 of `User:N` / `ApiKey:N` / `Entity:N`, counting from 1,
///   never reused; a member's id is its user's. Times come from the world's
///   own clock, a second a tick from 2024-01-01T00:00:00Z: every user made
///   and every deactivation is one tick.
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
        require_admin(&state, me, what)?;
        Ok(state)
    }

    /// The state, locked, and the caller's place in it.
    fn caller_state(&self) -> Result<(MutexGuard<'_, State>, usize)> {
        let state = self.world.lock();
        let me = state.principal(&self.secret)?;
        Ok((state, me))
    }

    /// Runs `mutation` for the caller, under one lock; its answer is lost
    /// (`Ambiguous`, the change made) when the world was asked to lose it.
    fn mutate<T>(
        &self,
        mutation: Mutation,
        run: impl FnOnce(&mut State, usize) -> Result<T>,
    ) -> Result<T> {
        let (mut state, me) = self.caller_state()?;
        let answer = run(&mut state, me);
        if state.lost_answers.take(mutation) {
            return Err(lost(mutation));
        }
        answer
    }

    /// Runs a lifecycle change on the user `id` names: for instance admins.
    fn change_user(
        &self,
        mutation: Mutation,
        id: &UserId,
        what: &str,
        change: impl FnOnce(&mut State, usize),
    ) -> Result<()> {
        self.mutate(mutation, |state, me| {
            require_admin(state, me, what)?;
            let user = state
                .user_with_id(id.as_str())
                .ok_or_else(|| Error::NotFound {
                    what: format!("user with id {id}"),
                })?;
            change(state, user);
            Ok(())
        })
    }
}

/// `PermissionDenied` unless the user at `me` is an instance admin.
fn require_admin(state: &State, me: usize, what: &str) -> Result<()> {
    if state.users()[me].admin {
        Ok(())
    } else {
        Err(Error::PermissionDenied {
            reason: format!("only instance admins can {what}; use an admin's api key"),
        })
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
        let (state, me) = self.caller_state()?;
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

    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        let state = self.admin_state("look users up")?;
        // The id names the user's place: no search.
        let index = state
            .user_with_id(id.as_str())
            .ok_or_else(|| Error::NotFound {
                what: format!("user with id {id}"),
            })?;
        Ok(state.to_user(index))
    }

    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.mutate(Mutation::CreateUser, |state, me| {
            require_admin(state, me, "create users")?;
            if state.email_taken(email.as_str()) {
                return Err(Error::AlreadyExists {
                    what: format!("a user with email {email}"),
                });
            }
            let base = mint::username_base(email);
            let username = mint::unique_username(&base, |name| state.entity_taken(name));
            let username = Username::parse(username).map_err(|e| Error::InvalidInput {
                reason: format!("cannot make a username from {email}: {e}"),
            })?;
            let index = state.insert(NewUser {
                name: String::new(),
                username,
                email: Some(email.clone()),
                admin,
                service: false,
                flags: None,
                deleted_at: None,
                keys: Vec::new(),
            });
            Ok(state.to_user(index))
        })
    }

    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.change_user(
            Mutation::DeactivateUser,
            id,
            "deactivate users",
            State::deactivate,
        )
    }

    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.change_user(
            Mutation::ReactivateUser,
            id,
            "reactivate users",
            State::reactivate,
        )
    }

    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.change_user(
            Mutation::SetInstanceAdmin,
            id,
            "change who is an instance admin",
            |state, user| state.set_admin(user, admin),
        )
    }
}

impl Backend for InMemoryUserRepository {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        Box::new(self.world.connect(secret))
    }
}

#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod tests;
