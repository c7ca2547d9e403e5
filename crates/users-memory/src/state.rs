//! The server's records and the lookups every operation shares. No permission
//! rule lives here: see `repository.rs` for those.
//!
//! Besides the users, the state keeps indexes so that no lookup scans every
//! user: the holder of each secret, the owner of each key id, and every email
//! and username taken. Only the methods here change users or keys, which is
//! what keeps the indexes true.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use secrecy::ExposeSecret as _;
use secrecy::zeroize::Zeroize as _;
use users_domain::{
    ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Email, Error, Result, TeamName, User, UserId,
    Username,
};

use crate::mint;

mod search;

pub(crate) use search::Index;
use search::SearchIndex;

/// Every user ever created, in creation order (soft-deleted ones included).
///
/// No `Debug`: it holds secrets ([`SecretText`] has no `Debug`, so a derive
/// would not compile).
#[derive(Default)]
pub(crate) struct State {
    users: Vec<StoredUser>,
    /// Keys minted so far, deleted ones included, so that ids are never reused.
    keys_minted: u64,
    /// The index of the user holding each live key, by the key's secret.
    holders: HashMap<SecretText, usize>,
    /// The index of the user holding each live key, by the key's id.
    owners: HashMap<ApiKeyId, usize>,
    /// Every email stored, ASCII-lower-cased: the server compares emails
    /// ignoring ASCII case, and a soft-deleted user's email stays taken.
    emails: HashSet<String>,
    /// Every username stored, ASCII-lower-cased, as for `emails`.
    usernames: HashSet<String>,
    /// The search rule's indexes.
    search: SearchIndex,
}

/// A secret as a map key: it never leaves the state, has no `Debug` or
/// `Display`, and is wiped when dropped, as the `SecretString` it copies is.
#[derive(PartialEq, Eq, Hash)]
struct SecretText(String);

impl Borrow<str> for SecretText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretText {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// A user as the server stores it.
pub(crate) struct StoredUser {
    pub(crate) id: UserId,
    pub(crate) name: String,
    pub(crate) username: Username,
    pub(crate) email: Email,
    pub(crate) admin: bool,
    pub(crate) flags: Option<String>,
    pub(crate) deleted_at: Option<String>,
    pub(crate) teams: Vec<TeamName>,
    pub(crate) keys: Vec<StoredKey>,
}

/// A live key: what the server lists, and the secret it checks.
pub(crate) struct StoredKey {
    pub(crate) meta: ApiKey,
    pub(crate) secret: ApiKeySecret,
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

impl State {
    pub(crate) fn user_count(&self) -> usize {
        self.users.len()
    }

    pub(crate) fn key_count(&self) -> usize {
        self.owners.len()
    }

    pub(crate) fn users(&self) -> &[StoredUser] {
        &self.users
    }

    /// The user at `index`, which the caller got from this state.
    pub(crate) fn user(&self, index: Index) -> &StoredUser {
        &self.users[usize::try_from(index).unwrap_or(usize::MAX)]
    }

    /// The indexes of the users the search rule matches with `query` (not
    /// empty), in creation order.
    pub(crate) fn matching(&mut self, query: &str) -> Arc<Vec<Index>> {
        self.search.matching(query)
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
        self.holders.get(secret).copied()
    }

    /// Whether a user (soft-deleted or not) has this email, ignoring ASCII case.
    pub(crate) fn email_taken(&self, email: &str) -> bool {
        self.emails.contains(&email.to_ascii_lowercase())
    }

    /// Whether a user (soft-deleted or not) has this username, ignoring ASCII case.
    pub(crate) fn username_taken(&self, username: &str) -> bool {
        self.usernames.contains(&username.to_ascii_lowercase())
    }

    /// The index of the user holding the live key with this id.
    pub(crate) fn key_owner(&self, id: &ApiKeyId) -> Option<usize> {
        self.owners.get(id).copied()
    }

    /// Stores a user, minting its id and its keys' ids; returns its index.
    /// The caller has checked that its email, username and secrets are free.
    pub(crate) fn insert(&mut self, new: NewUser) -> usize {
        let index = self.users.len();
        let serial = u64::try_from(index).map_or(u64::MAX, |n| n + 1);
        let email_was_free = self.emails.insert(new.email.as_str().to_ascii_lowercase());
        let username_was_free = self
            .usernames
            .insert(new.username.as_str().to_ascii_lowercase());
        debug_assert!(email_was_free && username_was_free, "a taken name stored");
        self.search.insert(
            Index::try_from(index).unwrap_or(Index::MAX),
            new.username.as_str(),
            new.email.as_str(),
        );
        self.users.push(StoredUser {
            id: mint::user_id(serial),
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
            self.add_key(index, key);
        }
        index
    }

    /// Gives the user at `index` a new key and returns its metadata. The
    /// caller has checked that no live key has its secret.
    pub(crate) fn add_key(&mut self, index: usize, key: NewKey) -> ApiKey {
        self.keys_minted += 1;
        let meta = ApiKey {
            id: mint::key_id(self.keys_minted),
            name: key.name,
            description: key.description,
        };
        let secret = SecretText(key.secret.expose_secret().to_owned());
        let clash = self.holders.insert(secret, index);
        debug_assert!(clash.is_none(), "a secret held twice");
        self.owners.insert(meta.id.clone(), index);
        self.users[index].keys.push(StoredKey {
            meta: meta.clone(),
            secret: key.secret,
        });
        meta
    }

    /// Deletes the live key with this id; false when there is none.
    pub(crate) fn remove_key(&mut self, id: &ApiKeyId) -> bool {
        let Some(owner) = self.owners.remove(id) else {
            return false;
        };
        let keys = &mut self.users[owner].keys;
        let Some(position) = keys.iter().position(|key| key.meta.id == *id) else {
            return false;
        };
        let key = keys.remove(position);
        self.holders.remove(key.secret.expose_secret());
        true
    }
}

impl StoredUser {
    /// The user as the port describes it: keys and teams always loaded.
    pub(crate) fn to_user(&self) -> User {
        User {
            id: self.id.clone(),
            name: self.name.clone(),
            username: self.username.clone(),
            email: Some(self.email.clone()),
            admin: self.admin,
            flags: self.flags.clone(),
            entity: Some(self.username.to_string()),
            deleted_at: self.deleted_at.clone(),
            api_keys: Some(self.keys.iter().map(|key| key.meta.clone()).collect()),
            teams: Some(self.teams.clone()),
        }
    }
}

#[cfg(test)]
mod tests;
