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
//! copies of the text, and the search's names live in one buffer.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::Arc;

use secrecy::ExposeSecret as _;
use users_domain::{
    ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Email, Error, Result, TeamName, User, Username,
};

use crate::mint;

mod search;

pub(crate) use search::Index;
use search::SearchIndex;

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
    /// Keys the hashes, differently for every state.
    hasher: RandomState,
}

/// The owner of a deleted key.
const NO_OWNER: Index = Index::MAX;

/// Hashes to the users whose text has that hash: almost always one; a
/// collision lists several, each checked by the caller.
#[derive(Default)]
struct HashIndex {
    first: HashMap<u64, Index>,
    more: HashMap<u64, Vec<Index>>,
}

impl HashIndex {
    fn insert(&mut self, hash: u64, index: Index) {
        if let Some(&taken) = self.first.get(&hash) {
            if taken != index {
                self.more.entry(hash).or_default().push(index);
            }
        } else {
            self.first.insert(hash, index);
        }
    }

    fn candidates(&self, hash: u64) -> impl Iterator<Item = Index> + '_ {
        let more = self.more.get(&hash).map_or(&[][..], Vec::as_slice);
        self.first
            .get(&hash)
            .copied()
            .into_iter()
            .chain(more.iter().copied())
    }

    fn remove(&mut self, hash: u64, index: Index) {
        if let Some(more) = self.more.get_mut(&hash) {
            if let Some(at) = more.iter().position(|&other| other == index) {
                more.swap_remove(at);
                if more.is_empty() {
                    self.more.remove(&hash);
                }
                return;
            }
        }
        if self.first.get(&hash) == Some(&index) {
            match self.more.get_mut(&hash) {
                Some(more) => {
                    let next = more.swap_remove(0);
                    if more.is_empty() {
                        self.more.remove(&hash);
                    }
                    self.first.insert(hash, next);
                }
                None => {
                    self.first.remove(&hash);
                }
            }
        }
    }
}

/// A user as the server stores it; its id is made from its place.
pub(crate) struct StoredUser {
    pub(crate) name: String,
    pub(crate) username: Username,
    pub(crate) email: Email,
    pub(crate) admin: bool,
    pub(crate) flags: Option<String>,
    pub(crate) deleted_at: Option<String>,
    pub(crate) teams: Vec<TeamName>,
    pub(crate) keys: Vec<StoredKey>,
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

/// A user about to be stored: everything but the ids, which the state mints.
pub(crate) struct NewUser {
    pub(crate) name: String,
    pub(crate) username: Username,
    pub(crate) email: Email,
    pub(crate) admin: bool,
    pub(crate) flags: Option<String>,
    pub(crate) deleted_at: Option<String>,
    pub(crate) teams: Vec<TeamName>,
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
            id: mint::user_id(u64::try_from(index).map_or(u64::MAX, |n| n + 1)),
            name: stored.name.clone(),
            username: stored.username.clone(),
            email: Some(stored.email.clone()),
            admin: stored.admin,
            flags: stored.flags.clone(),
            entity: Some(stored.username.to_string()),
            deleted_at: stored.deleted_at.clone(),
            api_keys: Some(stored.keys.iter().map(StoredKey::meta).collect()),
            teams: Some(stored.teams.clone()),
        }
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
                reason: "the api key belongs to a deleted user".into(),
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
        self.emails
            .candidates(self.hash(&lower))
            .any(|index| self.user(index).email.eq_ignore_case(&lower))
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
        let email_hash = self.hash(new.email.as_str().to_ascii_lowercase());
        let username_hash = self.hash(new.username.as_str().to_ascii_lowercase());
        self.emails.insert(email_hash, place);
        self.usernames.insert(username_hash, place);
        self.search
            .insert(place, new.username.as_str(), new.email.as_str());
        self.users.push(StoredUser {
            name: new.name,
            username: new.username,
            email: new.email,
            admin: new.admin,
            flags: new.flags,
            deleted_at: new.deleted_at,
            teams: new.teams,
            keys: Vec::new(),
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
