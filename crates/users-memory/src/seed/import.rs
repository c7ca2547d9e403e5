//! Turns the parts of a seed into stored roles, teams and users, parsing
//! every field through the domain's types and refusing what the server
//! itself would never hold.

use secrecy::ExposeSecret as _;
use users_domain::{
    AccountType, ApiKeyName, ApiKeySecret, Email, RoleName, TeamName, TeamRole, Timestamp,
    Username, echo_safe,
};

use crate::SeedError;
use crate::mint;
use crate::seed::{SeedKey, SeedMembership, SeedUser};
use crate::state::{NewKey, NewUser, Role, State, TeamPlace};

/// Adds custom role `index` of the seed's `roles`.
pub(crate) fn role(state: &mut State, index: usize, name: String) -> Result<(), SeedError> {
    let field = format!("roles[{index}]");
    let name = RoleName::parse(name).map_err(|e| SeedError::entry(field.clone(), e.to_string()))?;
    if !matches!(TeamRole::parse(name.as_str()), Ok(TeamRole::Custom(_))) {
        return Err(SeedError::entry(
            field,
            "admin, member and viewer are built in; list only custom roles",
        ));
    }
    if !state.add_role(name) {
        return Err(SeedError::entry(
            field,
            "this role is listed twice (ignoring case); list it once",
        ));
    }
    Ok(())
}

/// Makes team `index` of the seed's `teams`.
pub(crate) fn team(state: &mut State, index: usize, name: String) -> Result<(), SeedError> {
    let field = format!("teams[{index}]");
    let name = TeamName::parse(name).map_err(|e| SeedError::entry(field.clone(), e.to_string()))?;
    if state.entity_taken(name.as_str()) {
        return Err(SeedError::entry(
            field,
            "a user or an earlier team already has this name (ignoring case); list each team once, under a name no user has",
        ));
    }
    state.create_team(name);
    Ok(())
}

/// Checks `seed` against the users already in `state`, then stores it and
/// makes the teams it names that do not exist yet. Nothing is stored when
/// any field is wrong.
pub(crate) fn insert(state: &mut State, seed: SeedUser) -> Result<usize, SeedError> {
    let (new, teams) = parse(state, seed)?;
    let index = state.insert(new);
    for (name, existing, role) in teams {
        let team = existing.unwrap_or_else(|| state.create_team(name));
        state.join(index, team, role);
    }
    Ok(index)
}

/// A team to join: its name, its place if it exists already, and the role.
type Joining = (TeamName, Option<TeamPlace>, Role);

fn parse(state: &State, seed: SeedUser) -> Result<(NewUser, Vec<Joining>), SeedError> {
    let index = state.user_count();
    let label = seed
        .email
        .clone()
        .or_else(|| seed.username.clone())
        .or_else(|| seed.name.clone())
        .unwrap_or_default();
    let wrong = |field: &str, reason: &dyn ToString| {
        SeedError::invalid(index, &label, field, reason.to_string())
    };

    let service = match seed.account_type.as_deref().map(AccountType::parse) {
        None | Some(Ok(AccountType::User)) => false,
        Some(Ok(AccountType::Service)) => true,
        Some(Ok(other)) => {
            return Err(wrong(
                "account_type",
                &format!("the in-memory world holds no {other} accounts: use user or service"),
            ));
        }
        Some(Err(e)) => return Err(wrong("account_type", &format!("{e}; use user or service"))),
    };
    let email = match seed.email.as_deref() {
        Some(text) => {
            let email = Email::parse(text).map_err(|e| wrong("email", &e))?;
            if state.email_taken(email.as_str()) {
                return Err(SeedError::EmailTaken {
                    index,
                    email: echo_safe(&label),
                });
            }
            Some(email)
        }
        None if service => None,
        None => {
            return Err(wrong(
                "email",
                &"is missing: every person needs one (only a service account, \"account_type\": \"service\", may leave it out)",
            ));
        }
    };
    let username = username(state, &seed, email.as_ref(), index, &label)?;
    let teams = memberships(state, seed.teams, &username, &wrong)?;
    if service && teams.is_empty() {
        return Err(wrong(
            "teams",
            &"a service account belongs to the team it was made in: list that team",
        ));
    }
    let deleted_at = match seed.deleted_at.as_deref() {
        Some(text) => Some(Timestamp::parse(text).map_err(|_| {
            wrong(
                "deleted_at",
                &"is not a timestamp: give one such as 2024-01-31T12:00:00Z, or leave it out for an active user",
            )
        })?),
        None => None,
    };
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
    let new = NewUser {
        name: seed.name.unwrap_or_default(),
        username,
        email,
        admin: seed.admin,
        service,
        flags: seed.flags,
        deleted_at,
        keys,
    };
    Ok((new, teams))
}

/// The username as given, else made from the email (a person) or the
/// name (a service account), as the server makes them.
fn username(
    state: &State,
    seed: &SeedUser,
    email: Option<&Email>,
    index: usize,
    label: &str,
) -> Result<Username, SeedError> {
    let wrong = |reason: String| SeedError::invalid(index, label, "username", reason);
    if let Some(given) = &seed.username {
        let username = Username::parse(given.as_str()).map_err(|e| wrong(e.to_string()))?;
        let (email, shown) = (echo_safe(label), echo_safe(username.as_str()));
        if state.username_taken(username.as_str()) {
            return Err(SeedError::UsernameTaken {
                index,
                email,
                username: shown,
            });
        }
        if state.team_named(username.as_str()).is_some() {
            return Err(SeedError::TeamNameTaken {
                index,
                email,
                username: shown,
            });
        }
        return Ok(username);
    }
    let base = match (email, seed.name.as_deref()) {
        (Some(email), _) => mint::username_base(email),
        (None, Some(name)) if !name.trim().is_empty() => mint::service_username_base(name),
        (None, _) => {
            return Err(SeedError::invalid(
                index,
                label,
                "name",
                "a service account without a username needs its description as name".to_owned(),
            ));
        }
    };
    let unique = mint::unique_username(&base, |name| state.entity_taken(name));
    Username::parse(unique).map_err(|e| wrong(e.to_string()))
}

/// The teams to join, each with its place if it exists and the role.
fn memberships(
    state: &State,
    listed: Vec<SeedMembership>,
    username: &Username,
    wrong: &dyn Fn(&str, &dyn ToString) -> SeedError,
) -> Result<Vec<Joining>, SeedError> {
    let mut teams: Vec<Joining> = Vec::with_capacity(listed.len());
    for (i, membership) in listed.into_iter().enumerate() {
        let field = format!("teams[{i}]");
        let name = TeamName::parse(membership.team).map_err(|e| wrong(&field, &e))?;
        if teams
            .iter()
            .any(|(other, ..)| other.as_str().eq_ignore_ascii_case(name.as_str()))
        {
            return Err(wrong(&field, &"this team is listed twice; list it once"));
        }
        let existing = state.team_named(name.as_str());
        let clashes = name.as_str().eq_ignore_ascii_case(username.as_str())
            || (existing.is_none() && state.username_taken(name.as_str()));
        if clashes {
            return Err(wrong(
                &field,
                &"is a user's username, and users and teams share one namespace; pick another team name",
            ));
        }
        let role = match membership.role {
            None => Role::MEMBER,
            Some(text) => {
                let field = format!("{field}.role");
                let role = TeamRole::parse(&text).map_err(|e| wrong(&field, &e))?;
                state.role_for(&role).ok_or_else(|| {
                    wrong(
                        &field,
                        &format!(
                            "'{}' is not a role this world knows: use one of {}, or list it in the seed's roles",
                            echo_safe(&text),
                            state.known_roles()
                        ),
                    )
                })?
            }
        };
        teams.push((name, existing, role));
    }
    Ok(teams)
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
