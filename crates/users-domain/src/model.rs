use crate::{
    AccountType, ApiKeyId, ApiKeyName, ApiKeySecret, Email, Error, Result, TeamName, Timestamp,
    UserId, Username,
};

/// A user of a W&B instance, as the server describes it.
///
/// `api_keys` and `teams` are `None` when the server did not load them (it may
/// withhold them, for instance from a client it does not recognise): that means
/// "unknown", never "none".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The server's opaque id for the user (a Relay global id such as
    /// `VXNlcjoy`, base64 of `User:2`).
    pub id: UserId,
    /// The display name; may be empty.
    pub name: String,
    /// The unique handle the user logs in and is searched by.
    pub username: Username,
    /// `None` where the server hides it from the caller.
    pub email: Option<Email>,
    /// Whether the user is an instance admin.
    pub admin: bool,
    /// A person, a service account or a viewer; `None` where the server did not say.
    pub account_type: Option<AccountType>,
    /// When the account was made, where the server says.
    pub created_at: Option<Timestamp>,
    /// When the user last logged in, where the server says (never, for many
    /// service accounts).
    pub logged_in_at: Option<Timestamp>,
    /// Feature flags as the JSON text the server sent, if any.
    pub flags: Option<String>,
    /// The user's default entity (where their runs go by default).
    pub entity: Option<String>,
    /// When the user was deactivated (soft-deleted); `None` for an active user.
    /// A deactivated user stays listed, and their keys stop working.
    pub deleted_at: Option<Timestamp>,
    /// The user's keys (metadata only, never secrets), or `None` when the
    /// server did not list them: read it through [`User::listed_keys`], which
    /// refuses to treat "not listed" as "no keys".
    pub api_keys: Option<Vec<ApiKey>>,
    /// The teams the user belongs to, or `None` when the server did not list them.
    pub teams: Option<Vec<TeamName>>,
}

impl User {
    /// Whether `username_or_email` names this user exactly (email ignoring case).
    pub fn is_named(&self, username_or_email: &str) -> bool {
        self.username.as_str() == username_or_email
            || self
                .email
                .as_ref()
                .is_some_and(|email| email.eq_ignore_case(username_or_email))
    }

    /// The user's keys, or `NotListed` when the server did not list them
    /// (unknown is not the same as none).
    ///
    /// # Errors
    ///
    /// `NotListed` when `api_keys` is `None`.
    pub fn listed_keys(&self) -> Result<&[ApiKey]> {
        self.api_keys.as_deref().ok_or_else(|| Error::NotListed {
            what: format!("the api keys of {}", self.label()),
        })
    }

    /// Whether the user is active: not deactivated.
    pub fn is_active(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// Whether the user is a service account.
    pub fn is_service_account(&self) -> bool {
        self.account_type == Some(AccountType::Service)
    }

    /// The teams the user is in, or `NotListed` when the server did not list them.
    ///
    /// # Errors
    ///
    /// `NotListed` when `teams` is `None`.
    pub fn listed_teams(&self) -> Result<&[TeamName]> {
        self.teams.as_deref().ok_or_else(|| Error::NotListed {
            what: format!("the teams of {}", self.label()),
        })
    }

    /// How to refer to this user in a message: the email if known, else the username.
    pub fn label(&self) -> String {
        self.email
            .as_ref()
            .map_or_else(|| self.username.to_string(), ToString::to_string)
    }
}

/// An API key's public metadata. The secret is never part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The server's id for the key: what [`KeyRepository::delete_api_key`](crate::KeyRepository::delete_api_key) takes.
    pub id: ApiKeyId,
    /// The key's listed name: a label on current servers, the secret itself
    /// on legacy ones, which is why it shows masked.
    pub name: ApiKeyName,
    /// The free-text description given when the key was made, if any.
    pub description: Option<String>,
}

/// A key just generated: its metadata and, this once, its secret.
#[derive(Debug, Clone)]
pub struct GeneratedApiKey {
    /// The new key's metadata, as it will be listed from now on.
    pub key: ApiKey,
    /// The new key's secret. The server reveals it only in this answer, so
    /// whoever receives it must hand it on or store it: it cannot be read again.
    pub secret: ApiKeySecret,
}
