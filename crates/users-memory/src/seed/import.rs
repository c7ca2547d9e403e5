//! Turns a [`SeedUser`] into a stored user, parsing every field through the
//! domain's types and refusing what the server itself would never hold.

use secrecy::ExposeSecret as _;
use users_domain::{ApiKeyName, ApiKeySecret, Email, TeamName, Username};

use crate::SeedError;
use crate::mint;
use crate::seed::{SeedKey, SeedUser};
use crate::state::{NewKey, NewUser, State};

/// Checks `seed` against the users already in `state`, then stores it.
/// Nothing is stored when any field is wrong.
pub(crate) fn insert(state: &mut State, seed: SeedUser) -> Result<usize, SeedError> {
    let new = parse(state, seed)?;
    Ok(state.insert(new))
}

fn parse(state: &State, seed: SeedUser) -> Result<NewUser, SeedError> {
    let index = state.user_count();
    let raw_email = seed.email;
    let wrong = |field: &str, reason: &dyn ToString| {
        SeedError::invalid(index, &raw_email, field, reason.to_string())
    };

    let email = Email::parse(raw_email.as_str()).map_err(|e| wrong("email", &e))?;
    if state.email_taken(email.as_str()) {
        return Err(SeedError::EmailTaken {
            index,
            email: users_domain::echo_safe(&raw_email),
        });
    }
    let username = if let Some(given) = seed.username {
        let username = Username::parse(given).map_err(|e| wrong("username", &e))?;
        if state.username_taken(username.as_str()) {
            return Err(SeedError::UsernameTaken {
                index,
                email: users_domain::echo_safe(&raw_email),
                username: users_domain::echo_safe(username.as_str()),
            });
        }
        username
    } else {
        let base = mint::username_base(&email);
        let unique = mint::unique_username(&base, |name| state.username_taken(name));
        Username::parse(unique).map_err(|e| wrong("username", &e))?
    };
    let mut teams: Vec<TeamName> = Vec::with_capacity(seed.teams.len());
    for (i, team) in seed.teams.into_iter().enumerate() {
        let field = format!("teams[{i}]");
        let team = TeamName::parse(team).map_err(|e| wrong(&field, &e))?;
        if teams.contains(&team) {
            return Err(wrong(&field, &"this team is listed twice; list it once"));
        }
        teams.push(team);
    }
    if let Some(timestamp) = &seed.deleted_at {
        if timestamp.trim().is_empty() {
            return Err(wrong(
                "deleted_at",
                &"is empty; give a timestamp such as 2024-01-31T12:00:00Z, or leave it out for a live user",
            ));
        }
    }
    if let Some(flags) = &seed.flags {
        serde_json::from_str::<serde_json::Value>(flags).map_err(|e| {
            wrong(
                "flags",
                &format!("is not JSON text ({e}); give a JSON object such as {{}}"),
            )
        })?;
    }
    let mut keys: Vec<NewKey> = Vec::with_capacity(seed.keys.len());
    for (i, key) in seed.keys.into_iter().enumerate() {
        let key = parse_key(key)
            .map_err(|(field, reason)| wrong(&format!("keys[{i}].{field}"), &reason))?;
        let secret = key.secret.expose_secret();
        let reused = state.holder_of(secret).is_some()
            || keys
                .iter()
                .any(|other| other.secret.expose_secret() == secret);
        if reused {
            return Err(wrong(
                &format!("keys[{i}].secret"),
                &"is already the secret of another key; give every key its own secret",
            ));
        }
        keys.push(key);
    }
    Ok(NewUser {
        name: seed.name.unwrap_or_default(),
        username,
        email,
        admin: seed.admin,
        flags: seed.flags,
        deleted_at: seed.deleted_at,
        teams,
        keys,
    })
}

/// A key, or the field that is wrong and why (never quoting the secret).
fn parse_key(key: SeedKey) -> Result<NewKey, (&'static str, String)> {
    let SeedKey {
        secret,
        name,
        description,
    } = key;
    let secret = ApiKeySecret::parse(secret).map_err(|e| ("secret", e.to_string()))?;
    let name = match name {
        Some(name) => ApiKeyName::parse(name).map_err(|e| ("name", e.to_string()))?,
        None => mint::key_label(),
    };
    Ok(NewKey {
        secret,
        name,
        description,
    })
}
