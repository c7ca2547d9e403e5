//! The server's records and the lookups every operation shares. No permission
//! rule lives here: see `repository.rs` for those.
//!
//! Besides the users, the state keeps indexes so that no lookup scans every
//! user: the holder of each secret, the owner of each key, every email and
//! username taken, and the search's sorted names. Only the methods here change
//! users or keys, which is what keeps the indexes true.
//!
//! It is laid out for instances of millions of users: ids are not stored but
//! made from a user's place and a key's serial number, the hash indexes hold
//! 64-bit hashes (each hit checked against the user itself) rather than
//! copies of the text, and the search's names live in one buffer. A user in
//! no team pays nothing for teams but an empty list; see `state/teams.rs`.

use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Arc;

use secrecy::ExposeSecret as _;
use users_domain::{
    AccountType, ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Email, Error, Result, Timestamp, User,
    Username,
};

use crate::fault::LostAnswers;
use crate::mint;

mod hash_index;
mod search;
mod teams;

use hash_index::HashIndex;

pub(crate) use search::Index;
use search::SearchIndex;
use teams::Teams;
pub(crate) use teams::{Membership, Role, TeamPlace};

/// Every user ever created, in creation order (soft-deleted ones included).
///
/// No `Debug`: it holds secrets.
#[derive(Default)]
pub(crate) struct State {
    users: Vec<StoredUser>,
    /// The user holding each key ever minted, by the key's serial number
    /// (from 1, so entry `n - 1`), [`NO_OWNER`] once the key is deleted: ids
    /// are never reused.
    owners: Vec<Index>,
    live_keys: usize,
    /// The user holding each live key, by the hash of its secret.
    holders: HashIndex,
    /// Every email stored, by the hash of its ASCII-lower-cased text: the
    /// server compares emails ignoring ASCII case, and a soft-deleted user's
    /// email stays taken.
    emails: HashIndex,
    /// Every username stored, as for `emails`.
    usernames: HashIndex,
    /// The search rule's indexes.
    search: SearchIndex,
    /// The teams, their members and the roles the world knows.
    teams: Teams,
    /// Ticks once for every user made and every deactivation: the world's
    /// own clock, so that its timestamps are the same on every run.
    clock: u32,
    /// The mutations whose next answer is to be lost.
    pub(crate) lost_answers: LostAnswers,
    /// Keys the hashes, differently for every state.
    hasher: RandomState,
}

/// The instant the world's clock starts at: 2024-01-01T00:00:00Z.
const EPOCH_SECONDS: i64 = 1_704_067_200;

/// The instant `tick` of the world's clock: a second after the one before.
pub(crate) fn timestamp(tick: u32) -> Timestamp {
    Timestamp::from_unix_seconds(EPOCH_SECONDS + i64::from(tick))
        .unwrap_or_else(|_| unreachable!("2024 plus at most 136 years is a valid instant"))
}

/// The owner of a deleted key.
const NO_OWNER: Index = Index::MAX;

/// A user as the server stores it; its id is made from its place.
pub(crate) struct StoredUser {
    pub(crate) name: String,
    pub(crate) username: Username,
    /// `None` for a service account made without one.
    pub(crate) email: Option<Email>,
    pub(crate) flags: Option<String>,
    pub(crate) deleted_at: Option<Timestamp>,
    /// The teams the user is in with their role, ascending by team place
    /// (which is creation order): empty, and no allocation, for most users.
    pub(crate) teams: Vec<Membership>,
    pub(crate) keys: Vec<StoredKey>,
    /// The tick of the world's clock the user was made at.
    pub(crate) created: u32,
    pub(crate) admin: bool,
    /// A service account rather than a person.
    pub(crate) service: bool,
}

impl StoredUser {
    pub(crate) fn account_type(&self) -> AccountType {
        if self.service {
            AccountType::Service
        } else {
            AccountType::User
        }
    }

    /// How to refer to the user in a message: the email, else the username.
    pub(crate) fn label(&self) -> String {
        self.email
            .as_ref()
            .map_or_else(|| self.username.to_string(), ToString::to_string)
    }
}

/// A live key: what the server lists, and the secret it checks. Its id is
/// made from its serial number.
pub(crate) struct StoredKey {
    pub(crate) serial: u32,
    pub(crate) name: ApiKeyName,
    pub(crate) description: Option<String>,
    pub(crate) secret: ApiKeySecret,
}

impl StoredKey {
    /// The key as the port describes it.
    pub(crate) fn meta(&self) -> ApiKey {
        ApiKey {
            id: mint::key_id(u64::from(self.serial)),
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}

/// A user about to be stored: everything but the ids and the teams, which
/// the state mints and joins.
pub(crate) struct NewUser {
    pub(crate) name: String,
    pub(crate) username: Username,
    pub(crate) email: Option<Email>,
    pub(crate) admin: bool,
    pub(crate) service: bool,
    pub(crate) flags: Option<String>,
    pub(crate) deleted_at: Option<Timestamp>,
    pub(crate) keys: Vec<NewKey>,
}

pub(crate) struct NewKey {
    pub(crate) secret: ApiKeySecret,
    pub(crate) name: ApiKeyName,
    pub(crate) description: Option<String>,
}

/// A user's place as a `usize`, for indexing.
fn at(index: Index) -> usize {
    usize::try_from(index).unwrap_or(usize::MAX)
}

/// The serial number in the id of the user at `index`: ids count from 1.
pub(crate) fn serial_of(index: usize) -> u64 {
    u64::try_from(index).map_or(u64::MAX, |n| n + 1)
}

impl State {
    pub(crate) fn user_count(&self) -> usize {
        self.users.len()
    }

    pub(crate) fn key_count(&self) -> usize {
        self.live_keys
    }

    pub(crate) fn users(&self) -> &[StoredUser] {
        &self.users
    }

    /// The user at `index`, which the caller got from this state.
    pub(crate) fn user(&self, index: Index) -> &StoredUser {
        &self.users[at(index)]
    }

    /// The user at `index` as the port describes it: keys and teams loaded.
    pub(crate) fn to_user(&self, index: usize) -> User {
        let stored = &self.users[index];
        User {
            id: mint::user_id(serial_of(index)),
            name: stored.name.clone(),
            username: stored.username.clone(),
            email: stored.email.clone(),
            admin: stored.admin,
            account_type: Some(stored.account_type()),
            created_at: Some(timestamp(stored.created)),
            // Nobody logs in to a world in memory: keys are all it knows.
            logged_in_at: None,
            flags: stored.flags.clone(),
            entity: Some(stored.username.to_string()),
            deleted_at: stored.deleted_at,
            api_keys: Some(stored.keys.iter().map(StoredKey::meta).collect()),
            teams: Some(
                stored
                    .teams
                    .iter()
                    .map(|membership| self.team(membership.team).name.clone())
                    .collect(),
            ),
        }
    }

    /// The index of the user with this id (or joined member's id).
    pub(crate) fn user_with_id(&self, id: &str) -> Option<usize> {
        mint::user_place(id).filter(|&index| index < self.users.len())
    }

    /// The index of the user with this username, ignoring ASCII case.
    pub(crate) fn user_named(&self, username: &str) -> Option<usize> {
        let lower = username.to_ascii_lowercase();
        self.usernames
            .candidates(self.hash(&lower))
            .map(at)
            .find(|&index| {
                self.users[index]
                    .username
                    .as_str()
                    .eq_ignore_ascii_case(&lower)
            })
    }

    /// The index of the user with this email, ignoring ASCII case.
    pub(crate) fn user_with_email(&self, email: &str) -> Option<usize> {
        let lower = email.to_ascii_lowercase();
        self.emails
            .candidates(self.hash(&lower))
            .map(at)
            .find(|&index| {
                self.users[index]
                    .email
                    .as_ref()
                    .is_some_and(|theirs| theirs.eq_ignore_case(&lower))
            })
    }

    /// The next tick of the world's clock.
    pub(crate) fn tick(&mut self) -> u32 {
        self.clock = self.clock.saturating_add(1);
        self.clock
    }

    /// Deactivates the user at `index`, unless they are already.
    pub(crate) fn deactivate(&mut self, index: usize) {
        if self.users[index].deleted_at.is_none() {
            let now = timestamp(self.tick());
            self.users[index].deleted_at = Some(now);
        }
    }

    /// Reactivates the user at `index`: their keys work again.
    pub(crate) fn reactivate(&mut self, index: usize) {
        self.users[index].deleted_at = None;
    }

    pub(crate) fn set_admin(&mut self, index: usize, admin: bool) {
        self.users[index].admin = admin;
    }

    /// The indexes of the users the search rule matches with `query` (not
    /// empty), in creation order.
    pub(crate) fn matching(&mut self, query: &str) -> Arc<Vec<Index>> {
        self.search.matching(query)
    }

    /// Sorts what was added in bulk, before the first search needs it, and
    /// gives back the room the bulk load's growth left over.
    pub(crate) fn settle(&mut self) {
        self.search.settle();
        self.users.shrink_to_fit();
        self.owners.shrink_to_fit();
        self.teams.settle();
    }

    fn hash(&self, text: impl Hash) -> u64 {
        self.hasher.hash_one(text)
    }

    /// The index of the user holding `secret`, who must not be soft-deleted.
    ///
    /// # Errors
    ///
    /// `Unauthenticated` when no live key has this secret or its user is deleted.
    pub(crate) fn principal(&self, secret: &ApiKeySecret) -> Result<usize> {
        let index =
            self.holder_of(secret.expose_secret())
                .ok_or_else(|| Error::Unauthenticated {
                    reason: "the api key is not recognised; check it or generate a new one".into(),
                })?;
        if self.users[index].deleted_at.is_some() {
            return Err(Error::Unauthenticated {
                reason: "the api key belongs to a deactivated user; an instance admin can reactivate them".into(),
            });
        }
        Ok(index)
    }

    /// The index of the user holding a live key with this secret, deleted or not.
    pub(crate) fn holder_of(&self, secret: &str) -> Option<usize> {
        self.holders
            .candidates(self.hash(secret))
            .map(at)
            .find(|&index| {
                self.users[index]
                    .keys
                    .iter()
                    .any(|key| key.secret.expose_secret() == secret)
            })
    }

    /// Whether a user (soft-deleted or not) has this email, ignoring ASCII case.
    pub(crate) fn email_taken(&self, email: &str) -> bool {
        let lower = email.to_ascii_lowercase();
        self.emails.candidates(self.hash(&lower)).any(|index| {
            self.user(index)
                .email
                .as_ref()
                .is_some_and(|theirs| theirs.eq_ignore_case(&lower))
        })
    }

    /// Whether a user (soft-deleted or not) has this username, ignoring ASCII case.
    pub(crate) fn username_taken(&self, username: &str) -> bool {
        let lower = username.to_ascii_lowercase();
        self.usernames.candidates(self.hash(&lower)).any(|index| {
            self.user(index)
                .username
                .as_str()
                .eq_ignore_ascii_case(&lower)
        })
    }

    /// The index of the user holding the live key with this id.
    pub(crate) fn key_owner(&self, id: &ApiKeyId) -> Option<usize> {
        let serial = mint::key_serial(id)?;
        let owner = *self
            .owners
            .get(usize::try_from(serial).ok()?.checked_sub(1)?)?;
        (owner != NO_OWNER).then(|| at(owner))
    }

    /// Stores a user, minting its id and its keys' ids; returns its index.
    /// The caller has checked that its email, username and secrets are free.
    pub(crate) fn insert(&mut self, new: NewUser) -> usize {
        let index = self.users.len();
        let place = Index::try_from(index).unwrap_or(NO_OWNER);
        if let Some(email) = &new.email {
            let email_hash = self.hash(email.as_str().to_ascii_lowercase());
            self.emails.insert(email_hash, place);
        }
        let username_hash = self.hash(new.username.as_str().to_ascii_lowercase());
        self.usernames.insert(username_hash, place);
        self.search.insert(
            place,
            new.username.as_str(),
            new.email.as_ref().map(Email::as_str),
        );
        let created = self.tick();
        self.users.push(StoredUser {
            name: new.name,
            username: new.username,
            email: new.email,
            flags: new.flags,
            deleted_at: new.deleted_at,
            teams: Vec::new(),
            keys: Vec::new(),
            created,
            admin: new.admin,
            service: new.service,
        });
        for key in new.keys {
            self.store_key(index, key);
        }
        index
    }

    /// Gives the user at `index` a new key and returns its metadata. The
    /// caller has checked that no live key has its secret.
    pub(crate) fn add_key(&mut self, index: usize, key: NewKey) -> ApiKey {
        self.store_key(index, key);
        self.users[index]
            .keys
            .last()
            .map_or_else(|| unreachable!("the key was just stored"), StoredKey::meta)
    }

    /// Stores a new key of the user at `index`.
    fn store_key(&mut self, index: usize, key: NewKey) {
        let place = Index::try_from(index).unwrap_or(NO_OWNER);
        self.owners.push(place);
        let serial = u32::try_from(self.owners.len()).unwrap_or(u32::MAX);
        let hash = self.hash(key.secret.expose_secret());
        self.holders.insert(hash, place);
        self.live_keys += 1;
        self.users[index].keys.push(StoredKey {
            serial,
            name: key.name,
            description: key.description,
            secret: key.secret,
        });
    }

    /// Deletes the live key with this id; false when there is none.
    pub(crate) fn remove_key(&mut self, id: &ApiKeyId) -> bool {
        let Some(owner) = self.key_owner(id) else {
            return false;
        };
        let Some(serial) = mint::key_serial(id) else {
            return false;
        };
        let keys = &mut self.users[owner].keys;
        let Some(position) = keys.iter().position(|key| u64::from(key.serial) == serial) else {
            return false;
        };
        let key = keys.remove(position);
        if let Some(slot) = usize::try_from(serial)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| self.owners.get_mut(n))
        {
            *slot = NO_OWNER;
        }
        let hash = self.hash(key.secret.expose_secret());
        self.holders
            .remove(hash, Index::try_from(owner).unwrap_or(NO_OWNER));
        self.live_keys -= 1;
        true
    }
}

#[cfg(test)]
mod tests;
