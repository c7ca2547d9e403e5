//! The round trip, for generated states: a rendered state parses back to
//! the state's own declaration (`DesiredState::from`), every entry located;
//! and validated against the state, to the state itself, which renders to
//! the same bytes.

use proptest::prelude::*;
use proptest::sample::Index;
use users_domain::{
    DesiredState, Email, EmailKey, Identity, InstanceState, RoleName, TeamName, TeamRole,
    TeamState, UserState, Username,
};

use super::{every_origin_is_known, read, unlocated};
use crate::state_file::{Format, render};

/// Visible ASCII but `@` (which would make a name an email), and a few
/// letters beyond it: quotes and backslashes among them.
const NAME: &str = "[!-?A-~é☃]{1,12}";

fn email() -> impl Strategy<Value = EmailKey> {
    (NAME, "[a-zA-Z0-9ü]{1,8}", "(com|io|例え)").prop_map(|(local, domain, top)| {
        EmailKey::new(Email::parse(format!("{local}@{domain}.{top}")).unwrap())
    })
}

fn username() -> impl Strategy<Value = Username> {
    NAME.prop_map(|name| Username::parse(name).unwrap())
}

/// A custom role: never the name of a built-in one, which reads back as it.
fn role() -> impl Strategy<Value = RoleName> {
    "[a-zA-Z]{3,8}"
        .prop_filter("a built-in role", |name| {
            TeamRole::parse(name).is_ok_and(|role| matches!(role, TeamRole::Custom(_)))
        })
        .prop_map(|name| RoleName::parse(name).unwrap())
}

/// A team before the users are known: its name, its members as picks of
/// a user and of a role (built-in or custom), members known only by
/// username, and its service accounts.
type TeamDraft = (TeamName, Vec<(Index, Index)>, Vec<Username>, Vec<String>);

/// A team whose service accounts are named by `account`.
fn team(account: impl Strategy<Value = String>) -> impl Strategy<Value = TeamDraft> {
    (
        "[!-~é]{1,10}".prop_map(|name| TeamName::parse(name).unwrap()),
        prop::collection::vec((any::<Index>(), any::<Index>()), 0..6),
        prop::collection::vec(username(), 0..2),
        prop::collection::vec(account, 0..3),
    )
}

/// An instance whose service accounts are named by `account`.
fn instance(
    account: impl Strategy<Value = String> + Clone,
) -> impl Strategy<Value = InstanceState> {
    (
        prop::collection::btree_set(role(), 0..3),
        prop::collection::vec(
            (
                email(),
                any::<bool>(),
                any::<bool>(),
                prop::option::of(username()),
            ),
            0..8,
        ),
        prop::collection::vec(team(account), 0..4),
    )
        .prop_map(|(roles, users, teams)| {
            let mut state = InstanceState {
                roles,
                ..InstanceState::default()
            };
            let mut taken = std::collections::BTreeSet::new();
            for (email, admin, deactivated, username) in users {
                // As an export has it: a deactivated user is no admin, and
                // a username is one user's.
                let admin = admin && !deactivated;
                let username = username.filter(|name| taken.insert(name.clone()));
                let user = UserState {
                    admin,
                    deactivated,
                    username,
                };
                state.users.insert(email, user);
            }
            let keys: Vec<EmailKey> = state.users.keys().cloned().collect();
            let mut roles = vec![TeamRole::Admin, TeamRole::Member, TeamRole::Viewer];
            roles.extend(state.roles.iter().cloned().map(TeamRole::Custom));
            let usernames: Vec<&Username> = state
                .users
                .values()
                .filter_map(|u| u.username.as_ref())
                .collect();
            let mut built = Vec::new();
            for (name, picks, unkeyed, accounts) in teams {
                let mut team = TeamState::default();
                for (who, role) in picks.into_iter().filter(|_| !keys.is_empty()) {
                    let who = Identity::Email(who.get(&keys).clone());
                    team.members.insert(who, role.get(&roles).clone());
                }
                // Known only by username: nobody the instance knows by email.
                for name in unkeyed
                    .into_iter()
                    .filter(|name| !usernames.contains(&name))
                {
                    team.members
                        .insert(Identity::Username(name), TeamRole::Member);
                }
                team.service_accounts.extend(accounts);
                built.push((name, team));
            }
            state.teams.extend(built);
            state
        })
}

/// A service account's name as an export has it: trimmed, not empty.
fn trimmed_account() -> impl Strategy<Value = String> + Clone {
    "[!-~é🦀][ -~\t\u{1b}\u{202e}]{0,8}[!-~]"
}

const FORMATS: [Format; 2] = [Format::Toml, Format::Json];

proptest! {
    #[test]
    fn a_rendered_state_parses_to_its_declaration_every_entry_located(
        state in instance(any::<String>()),
    ) {
        for format in FORMATS {
            let text = render(&state, format);

            let parsed = read(&text, format);

            let parsed = parsed.map_err(|errors| TestCaseError::fail(format!("{errors:#?}\n{text}")))?;
            prop_assert_eq!(unlocated(&parsed), DesiredState::from(&state), "{}", text);
            prop_assert!(every_origin_is_known(&parsed));
        }
    }

    #[test]
    fn a_rendered_state_validated_against_itself_is_itself_and_renders_alike(
        state in instance(trimmed_account()),
    ) {
        for format in FORMATS {
            let text = render(&state, format);

            let validated = read(&text, format)
                .map_err(|errors| TestCaseError::fail(format!("{errors:#?}")))?
                .validate(&state)
                .map_err(|errors| TestCaseError::fail(format!("{errors:#?}\n{text}")))?;

            prop_assert_eq!(validated.state(), &state);
            prop_assert_eq!(render(validated.state(), format), text);
        }
    }
}
