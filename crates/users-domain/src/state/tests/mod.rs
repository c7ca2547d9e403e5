//! Tests of the pure core: the diff, validation and the rails, over states
//! written as short tables.

mod diff;
mod rails;
mod validate;

use crate::{
    DesiredMember, DesiredState, DesiredTeam, DesiredUser, Email, EmailKey, Identity,
    InstanceSnapshot, InstanceState, Invitee, Located, Plan, PlanOptions, RoleName, TeamName,
    TeamRole, TeamState, UserState, Username, ValidatedState, plan,
};

/// The caller of every snapshot here.
pub(super) const ROOT: &str = "root@x.io";

pub(super) fn key(email: &str) -> EmailKey {
    EmailKey::new(Email::parse(email).unwrap())
}

pub(super) fn person(email: &str) -> Identity {
    Identity::Email(key(email))
}

pub(super) fn team(name: &str) -> TeamName {
    TeamName::parse(name).unwrap()
}

pub(super) fn role(name: &str) -> TeamRole {
    TeamRole::parse(name).unwrap()
}

/// A user's flags in a table: `admin`, `user` (active, not admin) or `off`
/// (deactivated).
fn user_state(email: &str, flags: &str) -> UserState {
    UserState {
        admin: flags == "admin",
        deactivated: flags == "off",
        username: Some(Username::parse(email.split('@').next().unwrap()).unwrap()),
    }
}

/// An instance with these users (root, an admin, always among them) and no teams.
pub(super) fn instance(users: &[(&str, &str)]) -> InstanceState {
    let mut state = InstanceState::default();
    state.users.insert(key(ROOT), user_state(ROOT, "admin"));
    for (email, flags) in users {
        state.users.insert(key(email), user_state(email, flags));
    }
    state
}

/// `state` with a team of these members (`(email, role)`) and service accounts.
pub(super) fn with_team(
    mut state: InstanceState,
    name: &str,
    members: &[(&str, &str)],
    accounts: &[&str],
) -> InstanceState {
    let team_state = TeamState {
        members: members
            .iter()
            .map(|(email, name)| (person(email), role(name)))
            .collect(),
        service_accounts: accounts.iter().map(|&name| name.to_owned()).collect(),
    };
    for (_, name) in members {
        if let TeamRole::Custom(custom) = role(name) {
            state.roles.insert(custom);
        }
    }
    state.teams.insert(team(name), team_state);
    state
}

pub(super) fn snapshot(state: InstanceState) -> InstanceSnapshot {
    InstanceSnapshot::new(state, person(ROOT))
}

/// A declared user at `line`; flags as in [`instance`], or `admin+off`.
pub(super) fn declare_user(email: &str, flags: &str, line: u32) -> Located<DesiredUser> {
    Located::at(
        DesiredUser {
            email: Email::parse(email).unwrap(),
            admin: flags.contains("admin"),
            deactivated: flags.contains("off"),
            username: None,
        },
        line,
    )
}

/// `desired` with the user of `email` declared anew (or added) at `line`.
pub(super) fn redeclare(desired: &mut DesiredState, email: &str, flags: &str, line: u32) {
    let entry = declare_user(email, flags, line);
    match desired
        .users
        .iter_mut()
        .find(|user| user.value.email.eq_ignore_case(email))
    {
        Some(user) => *user = entry,
        None => desired.users.push(entry),
    }
}

/// A declared member at `line`: by username when `who` has no `@`.
pub(super) fn declare_member(who: &str, role_name: &str, line: u32) -> Located<DesiredMember> {
    Located::at(
        DesiredMember {
            who: Invitee::parse(who).unwrap(),
            role: role(role_name),
        },
        line,
    )
}

pub(super) fn declare_team(
    name: &str,
    members: Vec<Located<DesiredMember>>,
    accounts: &[(&str, u32)],
    line: u32,
) -> Located<DesiredTeam> {
    Located::at(
        DesiredTeam {
            name: team(name),
            members,
            service_accounts: accounts
                .iter()
                .map(|&(name, line)| Located::at(name.to_owned(), line))
                .collect(),
        },
        line,
    )
}

pub(super) fn declare_role(name: &str, line: u32) -> Located<RoleName> {
    Located::at(RoleName::parse(name).unwrap(), line)
}

/// The declaration of `state`, as a file rendered from its export declares it.
pub(super) fn declared(state: &InstanceState) -> DesiredState {
    DesiredState::from(state)
}

pub(super) fn valid(desired: &DesiredState, current: &InstanceState) -> ValidatedState {
    desired
        .validate(current)
        .unwrap_or_else(|errors| panic!("{errors:#?}"))
}

/// The plan from `current` to the state `desired` declares.
pub(super) fn plan_of(desired: &DesiredState, current: &InstanceState, prune: bool) -> Plan {
    let validated = valid(desired, current);
    plan(
        &validated,
        &snapshot(current.clone()),
        &PlanOptions { prune },
    )
}
