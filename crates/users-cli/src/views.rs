//! The JSON shapes of users and keys (documented in `docs/json.md`) and their
//! text renderings. Key names go out masked; no view here holds a secret.

use std::borrow::Cow;

use serde::{Serialize, Serializer};
use users_domain::{ApiKey, Email, TeamName, User};

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
    pub(crate) entity: Option<&'u str>,
    pub(crate) deleted_at: Option<&'u str>,
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
            entity: user.entity.as_deref(),
            deleted_at: user.deleted_at.as_deref(),
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
    if let Some(deleted_at) = &user.deleted_at {
        pairs.push(("deleted", timestamp(deleted_at)));
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

fn or_dash(text: &str) -> String {
    if text.is_empty() { "-" } else { text }.to_owned()
}

/// The columns of a table of users.
pub(crate) const USER_COLUMNS: &[&str] = &["USERNAME", "EMAIL", "ADMIN", "KEYS", "TEAMS", "STATUS"];

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
        user.api_keys
            .as_ref()
            .map_or_else(|| "?".to_owned(), |keys| keys.len().to_string()),
        teams_text(user),
        user.deleted_at.as_deref().map_or_else(
            || "active".to_owned(),
            |at| format!("deleted {}", timestamp(at)),
        ),
    ]
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
