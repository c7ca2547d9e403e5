//! The state file's tests: reading ([`parse`]), every problem's message and
//! line ([`errors`]), writing ([`render`]), the round trip ([`round_trip`]),
//! and a large file ([`large`]).

mod errors;
mod large;
mod parse;
mod render;
mod round_trip;

use users_domain::{
    DesiredState, Email, EmailKey, Identity, InstanceState, Located, RoleName, TeamName, TeamRole,
    TeamState, UserState, Username,
};

use super::{Format, parse};

/// How the tests' files are named in messages.
const FILE: &str = "people.toml";

/// Every message for `text` read as `format`, or the state it declares.
fn read(text: &str, format: Format) -> Result<DesiredState, Vec<String>> {
    parse(text, FILE, format).map_err(|errors| errors.iter().map(ToString::to_string).collect())
}

/// The messages for `text`, which must not parse.
fn problems(text: &str, format: Format) -> Vec<String> {
    match read(text, format) {
        Ok(state) => panic!("parsed, to {state:?}"),
        Err(messages) => messages,
    }
}

/// The one message for the TOML `text`.
fn toml_problem(text: &str) -> String {
    let mut messages = problems(text, Format::Toml);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    messages.remove(0)
}

/// The one message for the JSON `text`.
fn json_problem(text: &str) -> String {
    let mut messages = problems(text, Format::Json);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    messages.remove(0)
}

/// `state` with no origins: how a parsed state is compared with the
/// declaration of an exported one (`DesiredState::from`), which has none.
fn unlocated(state: &DesiredState) -> DesiredState {
    fn bare<T: Clone>(entry: &Located<T>) -> Located<T> {
        Located::new(entry.value.clone())
    }
    DesiredState {
        roles: state.roles.iter().map(bare).collect(),
        users: state.users.iter().map(bare).collect(),
        teams: state
            .teams
            .iter()
            .map(|team| {
                let mut value = team.value.clone();
                value.members = value.members.iter().map(bare).collect();
                value.service_accounts = value.service_accounts.iter().map(bare).collect();
                Located::new(value)
            })
            .collect(),
    }
}

/// Whether every entry of `state`, nested ones too, has its line.
fn every_origin_is_known(state: &DesiredState) -> bool {
    state.roles.iter().all(|e| e.origin.is_some())
        && state.users.iter().all(|e| e.origin.is_some())
        && state.teams.iter().all(|team| {
            team.origin.is_some()
                && team.value.members.iter().all(|e| e.origin.is_some())
                && team
                    .value
                    .service_accounts
                    .iter()
                    .all(|e| e.origin.is_some())
        })
}

fn key(email: &str) -> EmailKey {
    EmailKey::new(Email::parse(email).unwrap())
}

fn team(name: &str) -> TeamName {
    TeamName::parse(name).unwrap()
}

/// A small instance: an admin, a user known by username in a team, a
/// deactivated one, a custom role, two teams (one empty), a service account.
fn sample() -> InstanceState {
    let mut state = InstanceState::default();
    let auditor = RoleName::parse("auditor").unwrap();
    state.roles.insert(auditor.clone());
    let user = |admin, deactivated, username: &str| UserState {
        admin,
        deactivated,
        username: Some(Username::parse(username).unwrap()),
    };
    state
        .users
        .insert(key("ada@example.com"), user(true, false, "ada"));
    state
        .users
        .insert(key("bob@example.com"), user(false, false, "bob"));
    state
        .users
        .insert(key("Cy@Example.com"), user(false, true, "cy"));
    let mut ml = TeamState::default();
    ml.members
        .insert(Identity::Email(key("ada@example.com")), TeamRole::Admin);
    ml.members.insert(
        Identity::Email(key("bob@example.com")),
        TeamRole::Custom(auditor),
    );
    ml.members
        .insert(Identity::Email(key("Cy@Example.com")), TeamRole::Viewer);
    ml.members.insert(
        Identity::Username(Username::parse("hidden").unwrap()),
        TeamRole::Member,
    );
    ml.service_accounts.insert("ci".to_owned());
    state.teams.insert(team("ml"), ml);
    state.teams.insert(team("empty"), TeamState::default());
    state
}
