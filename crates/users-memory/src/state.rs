//! The server's records and the lookups every operation shares. No permission
//! rule lives here: see `repository.rs` for those.

use secrecy::ExposeSecret as _;
use users_domain::{
    ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Email, Error, Result, TeamName, User, UserId,
    Username,
};

use crate::mint;

/// Every user ever created, in creation order (soft-deleted ones included).
#[derive(Default)]
pub(crate) struct State {
    users: Vec<StoredUser>,
    /// Keys minted so far, deleted ones included, so that ids are never reused.
    keys_minted: u64,
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
        self.users.iter().map(|user| user.keys.len()).sum()
    }

    pub(crate) fn users(&self) -> &[StoredUser] {
        &self.users
    }

    pub(crate) fn user_mut(&mut self, index: usize) -> &mut StoredUser {
        &mut self.users[index]
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
        self.users.iter().position(|user| {
            user.keys
                .iter()
                .any(|key| key.secret.expose_secret() == secret)
        })
    }

    pub(crate) fn email_taken(&self, email: &str) -> bool {
        self.users
            .iter()
            .any(|user| user.email.eq_ignore_case(email))
    }

    pub(crate) fn username_taken(&self, username: &str) -> bool {
        self.users
            .iter()
            .any(|user| user.username.as_str().eq_ignore_ascii_case(username))
    }

    /// The user and key positions of the live key with this id.
    pub(crate) fn key_position(&self, id: &ApiKeyId) -> Option<(usize, usize)> {
        self.users.iter().enumerate().find_map(|(u, user)| {
            let k = user.keys.iter().position(|key| key.meta.id == *id)?;
            Some((u, k))
        })
    }

    /// Stores a user, minting its id and its keys' ids; returns its index.
    pub(crate) fn insert(&mut self, new: NewUser) -> usize {
        let index = self.users.len();
        let serial = u64::try_from(index).map_or(u64::MAX, |n| n + 1);
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

    /// Gives the user at `index` a new key and returns its metadata.
    pub(crate) fn add_key(&mut self, index: usize, key: NewKey) -> ApiKey {
        self.keys_minted += 1;
        let meta = ApiKey {
            id: mint::key_id(self.keys_minted),
            name: key.name,
            description: key.description,
        };
        self.users[index].keys.push(StoredKey {
            meta: meta.clone(),
            secret: key.secret,
        });
        meta
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
