//! Validation of a declared state against the instance, before anything is
//! sent: every problem found, each with the origin of the entry at fault.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::{
    Change, DesiredState, EmailKey, Identity, InstanceState, Invitee, Origin, StateError,
    StateErrorKind, TeamName, TeamRole, TeamState, UserState, Username,
};

/// A desired state that passed [`DesiredState::validate`]: keyed, every
/// member resolved to one person, every role known. What [`plan`](crate::plan)
/// takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedState {
    state: InstanceState,
    origins: Origins,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Origins {
    users: BTreeMap<EmailKey, Origin>,
    teams: BTreeMap<TeamName, Origin>,
    members: BTreeMap<(TeamName, Identity), Origin>,
    service_accounts: BTreeMap<(TeamName, String), Origin>,
}

impl ValidatedState {
    /// The state declared.
    pub fn state(&self) -> &InstanceState {
        &self.state
    }

    /// Where the entry that calls for `change` was declared: the user's,
    /// the member's or the service account's line; the team's for a team
    /// created or a member removed; `None` for a user deactivated because
    /// the file does not list them (pruned), or a state built in code.
    pub fn origin_of(&self, change: &Change) -> Option<Origin> {
        let origins = &self.origins;
        match change {
            Change::CreateUser { email: user, .. }
            | Change::Reactivate { user }
            | Change::SetAdmin { user, .. }
            | Change::Deactivate { user } => origins.users.get(user).copied(),
            Change::CreateTeam { name: team } | Change::RemoveMember { team, .. } => {
                origins.teams.get(team).copied()
            }
            Change::AddMember { team, who, .. } | Change::ChangeRole { team, who, .. } => {
                origins.members.get(&(team.clone(), who.clone())).copied()
            }
            Change::CreateServiceAccount { team, name } => origins
                .service_accounts
                .get(&(team.clone(), name.clone()))
                .copied(),
        }
    }
}

impl DesiredState {
    /// Checks the declaration against `current` (the instance as read) and
    /// keys it, resolving each member to one person: a member named by
    /// username is the user of the instance, else of the file, with that
    /// username, keyed by their email; one named by email is that user, or
    /// someone the team has a pending invite for on the instance (an
    /// export lists them so).
    ///
    /// A member who is deactivated (in the file or on the instance) is
    /// allowed: deactivation does not take anyone out of a team, so an
    /// export lists deactivated members, and its file must validate.
    ///
    /// Team and custom role names are compared ignoring ASCII case, as the
    /// server compares them, and keyed as the instance spells them where it
    /// holds them: a file that writes `ML` for the team `ml` plans changes
    /// to that team, not a team the server would refuse to create, and a
    /// role written `Auditor` for the server's `auditor` is not changed
    /// again on every run.
    ///
    /// # Errors
    ///
    /// Every problem found, in the order of the file's lines (those without
    /// an origin last): see [`StateErrorKind`]. Nothing is keyed from an
    /// entry at fault but what lets later checks go on (the first of two
    /// duplicates stands).
    pub fn validate(&self, current: &InstanceState) -> Result<ValidatedState, Vec<StateError>> {
        let mut check = Check::default();
        check.roles(self, current);
        check.users(self, current);
        let people = People::new(current, self);
        for team in &self.teams {
            check.team(team, &people);
        }
        let Check {
            mut errors,
            state,
            origins,
        } = check;
        if errors.is_empty() {
            return Ok(ValidatedState { state, origins });
        }
        errors.sort_by_key(|error| error.origin.map_or(u32::MAX, |origin| origin.line));
        Err(errors)
    }
}

/// Who a member may name: the users of the instance and of the file.
struct People<'s> {
    current: &'s InstanceState,
    by_username: HashMap<&'s Username, EmailKey>,
    /// Members the instance knows only by username.
    unkeyed: HashSet<&'s Username>,
}

impl<'s> People<'s> {
    fn new(current: &'s InstanceState, desired: &'s DesiredState) -> Self {
        let mut by_username: HashMap<&Username, EmailKey> = current
            .users
            .iter()
            .filter_map(|(key, user)| Some((user.username.as_ref()?, key.clone())))
            .collect();
        // The file's usernames only fill gaps: the instance knows best.
        for user in &desired.users {
            if let Some(name) = &user.value.username {
                by_username
                    .entry(name)
                    .or_insert_with(|| EmailKey::new(user.value.email.clone()));
            }
        }
        let unkeyed = current
            .teams
            .values()
            .flat_map(|team| team.members.keys())
            .filter_map(|who| match who {
                Identity::Username(name) => Some(name),
                Identity::Email(_) => None,
            })
            .collect();
        Self {
            current,
            by_username,
            unkeyed,
        }
    }

    /// The one person `who` names in `team`, if the file or the instance
    /// knows them: a user, or someone `team` has a (pending) invite for on
    /// the instance, as an export lists them.
    fn resolve(
        &self,
        who: &Invitee,
        declared: &InstanceState,
        team: &TeamName,
    ) -> Option<Identity> {
        match who {
            Invitee::Email(email) => {
                // The user's own key, so that the member shows as the user does.
                let key = EmailKey::new(email.clone());
                if let Some((known, _)) = declared
                    .users
                    .get_key_value(&key)
                    .or_else(|| self.current.users.get_key_value(&key))
                {
                    return Some(Identity::Email(known.clone()));
                }
                let invited = Identity::Email(key);
                let (known, _) = self
                    .current
                    .teams
                    .get(team)?
                    .members
                    .get_key_value(&invited)?;
                Some(known.clone())
            }
            Invitee::Username(name) => {
                if let Some(key) = self.by_username.get(name) {
                    return Some(Identity::Email(key.clone()));
                }
                self.unkeyed
                    .contains(name)
                    .then(|| Identity::Username(name.clone()))
            }
        }
    }
}

/// The checks, gathering errors and the keyed state as they go.
#[derive(Default)]
struct Check {
    errors: Vec<StateError>,
    state: InstanceState,
    origins: Origins,
}

impl Check {
    fn fail(&mut self, origin: Option<Origin>, kind: StateErrorKind) {
        self.errors.push(StateError { origin, kind });
    }

    fn roles(&mut self, desired: &DesiredState, current: &InstanceState) {
        let mut seen: BTreeMap<String, Option<Origin>> = BTreeMap::new();
        for entry in &desired.roles {
            let folded = entry.value.as_str().to_ascii_lowercase();
            if let Some(&first) = seen.get(&folded) {
                let role = entry.value.clone();
                self.fail(entry.origin, StateErrorKind::DuplicateRole { role, first });
                continue;
            }
            seen.insert(folded, entry.origin);
            self.state
                .roles
                .insert(spelled_as(&entry.value, &current.roles));
        }
    }

    fn users(&mut self, desired: &DesiredState, current: &InstanceState) {
        let owners: HashMap<&Username, &EmailKey> = current
            .users
            .iter()
            .filter_map(|(key, user)| Some((user.username.as_ref()?, key)))
            .collect();
        let mut seen: BTreeMap<EmailKey, Option<Origin>> = BTreeMap::new();
        for entry in &desired.users {
            let user = &entry.value;
            let email = EmailKey::new(user.email.clone());
            if let Some(&first) = seen.get(&email) {
                self.fail(entry.origin, StateErrorKind::DuplicateUser { email, first });
                continue;
            }
            if user.admin && user.deactivated {
                self.fail(
                    entry.origin,
                    StateErrorKind::DeactivatedAdmin {
                        email: email.clone(),
                    },
                );
            }
            // A member named so would be the instance's user, not this one.
            let taken = user
                .username
                .as_ref()
                .and_then(|name| Some((name, *owners.get(name)?)))
                .filter(|&(_, owner)| *owner != email);
            if let Some((username, owner)) = taken {
                self.fail(
                    entry.origin,
                    StateErrorKind::UsernameTaken {
                        email: email.clone(),
                        username: username.clone(),
                        owner: owner.clone(),
                    },
                );
            }
            seen.insert(email.clone(), entry.origin);
            if let Some(origin) = entry.origin {
                self.origins.users.insert(email.clone(), origin);
            }
            self.state.users.insert(
                email,
                UserState {
                    admin: user.admin,
                    deactivated: user.deactivated,
                    username: user.username.clone(),
                },
            );
        }
    }

    fn team(&mut self, entry: &crate::Located<crate::DesiredTeam>, people: &People<'_>) {
        let team = &entry.value;
        let team_name = spelled_as(&team.name, people.current.teams.keys());
        if let Some(listed) = self
            .state
            .teams
            .keys()
            .find(|listed| same(*listed, &team_name))
        {
            let first = self.origins.teams.get(listed).copied();
            self.fail(
                entry.origin,
                StateErrorKind::DuplicateTeam {
                    team: team.name.clone(),
                    first,
                },
            );
            return;
        }
        if let Some(origin) = entry.origin {
            self.origins.teams.insert(team_name.clone(), origin);
        }
        let mut state = TeamState::default();
        let mut seen: BTreeMap<Identity, Option<Origin>> = BTreeMap::new();
        for member in &team.members {
            let Some(who) = people.resolve(&member.value.who, &self.state, &team_name) else {
                self.fail(
                    member.origin,
                    StateErrorKind::UnknownMember {
                        team: team.name.clone(),
                        who: member.value.who.clone(),
                    },
                );
                continue;
            };
            if let Some(&first) = seen.get(&who) {
                self.fail(
                    member.origin,
                    StateErrorKind::DuplicateMember {
                        team: team.name.clone(),
                        who,
                        first,
                    },
                );
                continue;
            }
            let mut role = member.value.role.clone();
            if let TeamRole::Custom(custom) = &member.value.role {
                match self.state.roles.iter().find(|known| same(*known, custom)) {
                    Some(known) => role = TeamRole::Custom(known.clone()),
                    None => self.fail(
                        member.origin,
                        StateErrorKind::UnknownRole {
                            team: team.name.clone(),
                            who: who.clone(),
                            role: custom.clone(),
                        },
                    ),
                }
            }
            seen.insert(who.clone(), member.origin);
            if let Some(origin) = member.origin {
                self.origins
                    .members
                    .insert((team_name.clone(), who.clone()), origin);
            }
            state.members.insert(who, role);
        }
        let mut seen: BTreeMap<String, Option<Origin>> = BTreeMap::new();
        for account in &team.service_accounts {
            let name = account.value.trim().to_owned();
            if name.is_empty() {
                self.fail(
                    account.origin,
                    StateErrorKind::BlankServiceAccount {
                        team: team.name.clone(),
                    },
                );
                continue;
            }
            if let Some(&first) = seen.get(&name) {
                self.fail(
                    account.origin,
                    StateErrorKind::DuplicateServiceAccount {
                        team: team.name.clone(),
                        name,
                        first,
                    },
                );
                continue;
            }
            seen.insert(name.clone(), account.origin);
            if let Some(origin) = account.origin {
                self.origins
                    .service_accounts
                    .insert((team_name.clone(), name.clone()), origin);
            }
            state.service_accounts.insert(name);
        }
        self.state.teams.insert(team_name, state);
    }
}

/// Whether two team or role names are one to the server: equal ignoring
/// ASCII case.
fn same(a: &impl AsRef<str>, b: &impl AsRef<str>) -> bool {
    a.as_ref().eq_ignore_ascii_case(b.as_ref())
}

/// `name` as the instance spells it, where it holds one that is the same
/// ignoring case; else as written.
fn spelled_as<'k, N: AsRef<str> + Clone + 'k>(
    name: &N,
    known: impl IntoIterator<Item = &'k N>,
) -> N {
    known
        .into_iter()
        .find(|known| same(*known, name))
        .unwrap_or(name)
        .clone()
}
