//! The JSON shapes of users and keys (documented in `docs/json.md`) and their
//! text renderings. Key names go out masked; no view here holds a secret.

use serde::Serialize;
use users_domain::{ApiKey, User};

use crate::output::{fields, table, timestamp, yes_no};

#[derive(Debug, Serialize)]
pub(crate) struct UserView {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) email: Option<String>,
    pub(crate) name: String,
    pub(crate) admin: bool,
    pub(crate) entity: Option<String>,
    pub(crate) deleted_at: Option<String>,
    pub(crate) teams: Option<Vec<String>>,
    pub(crate) api_keys: Option<Vec<KeyView>>,
    pub(crate) flags: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct KeyView {
    pub(crate) id: String,
    /// Masked when it is a legacy secret-shaped name.
    pub(crate) name: String,
    pub(crate) description: Option<String>,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            username: user.username.to_string(),
            email: user.email.as_ref().map(ToString::to_string),
            name: user.name.clone(),
            admin: user.admin,
            entity: user.entity.clone(),
            deleted_at: user.deleted_at.clone(),
            teams: user
                .teams
                .as_ref()
                .map(|teams| teams.iter().map(ToString::to_string).collect()),
            api_keys: user
                .api_keys
                .as_ref()
                .map(|keys| keys.iter().map(KeyView::from).collect()),
            flags: user.flags.clone(),
        }
    }
}

impl From<&ApiKey> for KeyView {
    fn from(key: &ApiKey) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.to_string(),
            description: key.description.clone(),
        }
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

/// Users as a table.
pub(crate) fn users_table(users: &[User]) -> String {
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|user| {
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
        })
        .collect();
    table(
        &["USERNAME", "EMAIL", "ADMIN", "KEYS", "TEAMS", "STATUS"],
        &rows,
    )
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
