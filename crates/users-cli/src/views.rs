//! The JSON shapes of users and keys (documented in `docs/json.md`) and their
//! text renderings; teams and members in [`teams`], offboarding plans and
//! reports in [`offboard`], the rows of multi-row commands in [`rows`], a
//! desired state's plan in [`plan`] and its carrying out in [`apply`]. Key
//! names go out masked; no view here holds a secret.

pub(crate) mod apply;
pub(crate) mod offboard;
pub(crate) mod plan;
pub(crate) mod rows;
pub(crate) mod teams;

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use users_domain::{AccountType, ApiKey, Email, TeamName, Timestamp, User};

use crate::output::{fields, table, timestamp, yes_no};

/// A user as `--json` shows it. Borrows the user: a listing writes one per
/// user, and copying each string first would be most of the work.
#[derive(Debug, Serialize)]
pub(crate) struct UserView<'u> {
    pub(crate) id: &'u str,
    pub(crate) username: &'u str,
    pub(crate) email: Option<&'u str>,
    pub(crate) name: &'u str,
    pub(crate) admin: bool,
    pub(crate) account_type: Option<&'static str>,
    pub(crate) created_at: Option<At>,
    pub(crate) logged_in_at: Option<At>,
    pub(crate) entity: Option<&'u str>,
    pub(crate) deleted_at: Option<At>,
    pub(crate) teams: Option<Each<'u, TeamName>>,
    pub(crate) api_keys: Option<Each<'u, ApiKey>>,
    pub(crate) flags: Option<&'u str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct KeyView<'k> {
    pub(crate) id: &'k str,
    /// Masked when it is a legacy secret-shaped name.
    pub(crate) name: Cow<'k, str>,
    pub(crate) description: Option<&'k str>,
}

/// A timestamp as JSON shows it: RFC 3339 in UTC (`2024-01-02T03:04:05Z`),
/// written straight into the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At(pub(crate) Timestamp);

impl Serialize for At {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// An account type as JSON and tables show it: `user`, `service`, ...
pub(crate) fn account_word(kind: Option<AccountType>) -> Option<&'static str> {
    kind.map(AccountType::as_word)
}

/// A list serialized as a JSON array of its items' views, without
/// collecting the views first.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Each<'a, T>(pub(crate) &'a [T]);

impl Serialize for Each<'_, ApiKey> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(KeyView::from))
    }
}

impl Serialize for Each<'_, TeamName> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(TeamName::as_str))
    }
}

impl<'u> From<&'u User> for UserView<'u> {
    fn from(user: &'u User) -> Self {
        Self {
            id: user.id.as_str(),
            username: user.username.as_str(),
            email: user.email.as_ref().map(Email::as_str),
            name: &user.name,
            admin: user.admin,
            account_type: account_word(user.account_type),
            created_at: user.created_at.map(At),
            logged_in_at: user.logged_in_at.map(At),
            entity: user.entity.as_deref(),
            deleted_at: user.deleted_at.map(At),
            teams: user.teams.as_deref().map(Each),
            api_keys: user.api_keys.as_deref().map(Each),
            flags: user.flags.as_deref(),
        }
    }
}

impl<'k> From<&'k ApiKey> for KeyView<'k> {
    fn from(key: &'k ApiKey) -> Self {
        Self {
            id: key.id.as_str(),
            name: shown_name(key),
            description: key.description.as_deref(),
        }
    }
}

/// A key's name as it may be shown: in full, or masked when it is a secret
/// (copied only then).
fn shown_name(key: &ApiKey) -> Cow<'_, str> {
    if key.name.is_secret() {
        Cow::Owned(key.name.masked())
    } else {
        Cow::Borrowed(key.name.reveal())
    }
}

pub(crate) const NOT_LOADED: &str = "(not listed by the server)";

/// One user as label/value lines.
pub(crate) fn user_text(user: &User) -> String {
    let mut pairs = vec![
        ("username", user.username.to_string()),
        (
            "email",
            user.email
                .as_ref()
                .map_or_else(|| "(hidden)".to_owned(), ToString::to_string),
        ),
        ("name", or_dash(&user.name)),
        ("id", user.id.to_string()),
        ("admin", yes_no(user.admin)),
        (
            "entity",
            or_dash(user.entity.as_deref().unwrap_or_default()),
        ),
        ("teams", teams_text(user)),
        ("api keys", keys_summary(user)),
    ];
    if let Some(kind) = user.account_type {
        pairs.insert(5, ("type", kind.to_string()));
    }
    if let Some(at) = user.created_at {
        pairs.push(("created", timestamp(at)));
    }
    if let Some(at) = user.logged_in_at {
        pairs.push(("last login", timestamp(at)));
    }
    if let Some(at) = user.deleted_at {
        pairs.push(("deactivated", timestamp(at)));
    }
    fields(&pairs)
}

/// A new user, as the create mutation describes it (without keys or teams).
pub(crate) fn created_text(user: &User) -> String {
    fields(&[
        ("created", user.label()),
        ("username", user.username.to_string()),
        ("id", user.id.to_string()),
        ("admin", yes_no(user.admin)),
    ])
}

pub(crate) fn or_dash(text: &str) -> String {
    if text.is_empty() { "-" } else { text }.to_owned()
}

/// The columns of a table of users.
pub(crate) const USER_COLUMNS: &[&str] = &[
    "USERNAME", "EMAIL", "ADMIN", "TYPE", "KEYS", "TEAMS", "STATUS",
];

/// Users as a table (the demo's; the listing commands print theirs a page
/// at a time).
#[cfg(feature = "demo")]
pub(crate) fn users_table(users: &[User]) -> String {
    let rows: Vec<Vec<String>> = users.iter().map(user_row).collect();
    table(USER_COLUMNS, &rows)
}

/// A user as a row of [`USER_COLUMNS`].
pub(crate) fn user_row(user: &User) -> Vec<String> {
    vec![
        user.username.to_string(),
        user.email
            .as_ref()
            .map_or_else(|| "-".to_owned(), ToString::to_string),
        yes_no(user.admin),
        account_text(user.account_type),
        user.api_keys
            .as_ref()
            .map_or_else(|| "?".to_owned(), |keys| keys.len().to_string()),
        teams_text(user),
        status_text(user),
    ]
}

/// `active`, or `deactivated` and when.
pub(crate) fn status_text(user: &User) -> String {
    user.deleted_at.map_or_else(
        || "active".to_owned(),
        |at| format!("deactivated {}", timestamp(at)),
    )
}

/// An account type in a table: its word, or `?` where the server did not say.
pub(crate) fn account_text(kind: Option<AccountType>) -> String {
    account_word(kind).unwrap_or("?").to_owned()
}

/// Keys as a table.
pub(crate) fn keys_table(keys: &[ApiKey]) -> String {
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|key| {
            vec![
                key.name.to_string(),
                key.id.to_string(),
                key.description.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["NAME", "ID", "DESCRIPTION"], &rows)
}

/// How a key is named in a sentence: `ci-runner (id QXBp…)`, or by id alone
/// when its name is a secret (a legacy server lists keys by their secrets).
pub(crate) fn key_label(key: &ApiKey) -> String {
    if key.name.is_secret() {
        format!("id {}", key.id)
    } else {
        format!("{} (id {})", key.name, key.id)
    }
}

fn teams_text(user: &User) -> String {
    match user.teams.as_deref() {
        None => NOT_LOADED.to_owned(),
        Some([]) => "-".to_owned(),
        Some(teams) => teams
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn keys_summary(user: &User) -> String {
    match user.api_keys.as_deref() {
        None => NOT_LOADED.to_owned(),
        Some([]) => "-".to_owned(),
        Some(keys) => keys
            .iter()
            .map(|key| key.name.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}
