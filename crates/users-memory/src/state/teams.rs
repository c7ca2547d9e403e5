//! Teams, their members and the roles the world knows.
//!
//! A membership is kept twice, each side in the order it is read in: the
//! team lists its members' places in the order they joined (a new service
//! account last, as the SDK expects), and each user lists its teams with its
//! role, by team place (creation order, as `User.teams` lists them). So
//! checking a membership or a role reads the user's few teams, never a
//! team's members; a user in no team holds an empty list and nothing else.

use users_domain::{Member, RoleName, Team, TeamName, TeamRole};

use super::{HashIndex, Index, State, at, serial_of};
use crate::mint;

/// A team's place in creation order.
pub(crate) type TeamPlace = u32;

/// A role, by its place: the three built in, then the world's custom roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Role(u16);

impl Role {
    pub(crate) const ADMIN: Self = Self(0);
    pub(crate) const MEMBER: Self = Self(1);
    const VIEWER: Self = Self(2);
    const BUILT_IN: u16 = 3;
}

/// One team a user is in, and the user's role there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Membership {
    pub(crate) team: TeamPlace,
    pub(crate) role: Role,
}

pub(crate) struct StoredTeam {
    pub(crate) name: TeamName,
    /// The members' places, in the order they joined.
    pub(crate) members: Vec<Index>,
}

#[derive(Default)]
pub(super) struct Teams {
    all: Vec<StoredTeam>,
    /// Every team, by the hash of its ASCII-lower-cased name.
    by_name: HashIndex,
    /// The custom roles, beyond the three built in.
    roles: Vec<RoleName>,
}

impl Teams {
    pub(super) fn settle(&mut self) {
        self.all.shrink_to_fit();
        for team in &mut self.all {
            team.members.shrink_to_fit();
        }
    }
}

fn place(team: TeamPlace) -> usize {
    usize::try_from(team).unwrap_or(usize::MAX)
}

impl State {
    pub(crate) fn team_count(&self) -> usize {
        self.teams.all.len()
    }

    /// The team at `team`, which the caller got from this state.
    pub(crate) fn team(&self, team: TeamPlace) -> &StoredTeam {
        &self.teams.all[place(team)]
    }

    /// The place of the team with this name, ignoring ASCII case.
    pub(crate) fn team_named(&self, name: &str) -> Option<TeamPlace> {
        let lower = name.to_ascii_lowercase();
        self.teams
            .by_name
            .candidates(self.hash(&lower))
            .find(|&team| self.team(team).name.as_str().eq_ignore_ascii_case(&lower))
    }

    /// Whether a user or a team has this name, ignoring ASCII case: W&B's
    /// users and teams are entities of one namespace.
    pub(crate) fn entity_taken(&self, name: &str) -> bool {
        self.username_taken(name) || self.team_named(name).is_some()
    }

    /// Makes a team with no members. The caller has checked that its name is free.
    pub(crate) fn create_team(&mut self, name: TeamName) -> TeamPlace {
        let team = TeamPlace::try_from(self.teams.all.len()).unwrap_or(TeamPlace::MAX);
        let hash = self.hash(name.as_str().to_ascii_lowercase());
        self.teams.by_name.insert(hash, team);
        self.teams.all.push(StoredTeam {
            name,
            members: Vec::new(),
        });
        team
    }

    /// The role of the user at `user` in `team`, if they are a member.
    pub(crate) fn role_in(&self, user: usize, team: TeamPlace) -> Option<Role> {
        let teams = &self.users[user].teams;
        teams
            .binary_search_by_key(&team, |membership| membership.team)
            .ok()
            .map(|at| teams[at].role)
    }

    /// Adds the user at `user` to `team` with `role`, last; false when they
    /// are a member already.
    pub(crate) fn join(&mut self, user: usize, team: TeamPlace, role: Role) -> bool {
        let teams = &mut self.users[user].teams;
        let Err(at) = teams.binary_search_by_key(&team, |membership| membership.team) else {
            return false;
        };
        teams.insert(at, Membership { team, role });
        let index = Index::try_from(user).unwrap_or(Index::MAX);
        self.teams.all[place(team)].members.push(index);
        true
    }

    /// Takes the user at `user` out of `team`; false when they were not in it.
    pub(crate) fn leave(&mut self, user: usize, team: TeamPlace) -> bool {
        let teams = &mut self.users[user].teams;
        let Ok(at) = teams.binary_search_by_key(&team, |membership| membership.team) else {
            return false;
        };
        teams.remove(at);
        let index = Index::try_from(user).unwrap_or(Index::MAX);
        let members = &mut self.teams.all[place(team)].members;
        members.retain(|&member| member != index);
        true
    }

    /// Gives the user at `user` the role `role` in `team`; false when they
    /// are not a member.
    pub(crate) fn set_role(&mut self, user: usize, team: TeamPlace, role: Role) -> bool {
        let teams = &mut self.users[user].teams;
        match teams.binary_search_by_key(&team, |membership| membership.team) {
            Ok(at) => {
                teams[at].role = role;
                true
            }
            Err(_) => false,
        }
    }

    /// Adds a custom role; false when the world knows it already.
    pub(crate) fn add_role(&mut self, name: RoleName) -> bool {
        if self.role_for(&TeamRole::Custom(name.clone())).is_some() {
            return false;
        }
        self.teams.roles.push(name);
        true
    }

    /// The role `role` names, if the world knows it: the three built in, or
    /// a custom role it was seeded with (by name, ignoring ASCII case).
    pub(crate) fn role_for(&self, role: &TeamRole) -> Option<Role> {
        match role {
            TeamRole::Admin => Some(Role::ADMIN),
            TeamRole::Member => Some(Role::MEMBER),
            TeamRole::Viewer => Some(Role::VIEWER),
            TeamRole::Custom(name) => {
                let at = self
                    .teams
                    .roles
                    .iter()
                    .position(|known| known.as_str().eq_ignore_ascii_case(name.as_str()))?;
                let at = u16::try_from(at).ok()?;
                Some(Role(Role::BUILT_IN + at))
            }
        }
    }

    /// The roles the world knows, for a message: `admin, member, viewer` and the custom ones.
    pub(crate) fn known_roles(&self) -> String {
        ["admin", "member", "viewer"]
            .into_iter()
            .chain(self.teams.roles.iter().map(RoleName::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn team_role(&self, role: Role) -> TeamRole {
        match role {
            Role::ADMIN => TeamRole::Admin,
            Role::MEMBER => TeamRole::Member,
            Role::VIEWER => TeamRole::Viewer,
            Role(n) => self
                .teams
                .roles
                .get(usize::from(n - Role::BUILT_IN))
                .cloned()
                .map_or(TeamRole::Member, TeamRole::Custom),
        }
    }

    /// The user at `user` as a member of `team`, which they are in.
    pub(crate) fn to_member(&self, user: usize, team: TeamPlace) -> Member {
        let stored = &self.users[user];
        Member {
            id: mint::member_id(serial_of(user)),
            name: stored.name.clone(),
            username: Some(stored.username.clone()),
            email: stored.email.clone(),
            role: self.team_role(self.role_in(user, team).unwrap_or(Role::MEMBER)),
            pending: false,
            account_type: Some(stored.account_type()),
        }
    }

    /// The team at `team` as the port describes it, with its members loaded.
    pub(crate) fn to_team(&self, team: TeamPlace) -> Team {
        let stored = self.team(team);
        Team {
            id: mint::team_id(u64::from(team) + 1),
            name: stored.name.clone(),
            members: Some(
                stored
                    .members
                    .iter()
                    .map(|&user| self.to_member(at(user), team))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use users_domain::{Email, Username};

    use super::*;
    use crate::state::NewUser;

    fn person(state: &mut State, username: &str) -> usize {
        state.insert(NewUser {
            name: String::new(),
            username: Username::parse(username).unwrap(),
            email: Some(Email::parse(format!("{username}@example.com")).unwrap()),
            admin: false,
            service: false,
            flags: None,
            deleted_at: None,
            keys: Vec::new(),
        })
    }

    fn names(state: &State, user: usize) -> Vec<String> {
        let user = state.to_user(user);
        user.teams
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn both_sides_of_a_membership_follow_joins_leaves_and_roles() {
        let mut state = State::default();
        let ada = person(&mut state, "ada");
        let bob = person(&mut state, "bob");
        let ml = state.create_team(TeamName::parse("ml").unwrap());
        let ops = state.create_team(TeamName::parse("Ops").unwrap());

        assert!(state.join(ada, ops, Role::ADMIN));
        assert!(state.join(ada, ml, Role::MEMBER));
        assert!(!state.join(ada, ml, Role::ADMIN));
        assert!(state.join(bob, ml, Role::MEMBER));

        assert_eq!(names(&state, ada), ["ml", "Ops"], "creation order");
        assert_eq!(state.team(ml).members, [0, 1], "join order");
        assert_eq!(state.role_in(ada, ops), Some(Role::ADMIN));
        assert!(state.set_role(bob, ml, Role::ADMIN));
        assert!(!state.set_role(bob, ops, Role::ADMIN));
        assert_eq!(state.to_team(ml).members.unwrap()[1].role, TeamRole::Admin);

        assert!(state.leave(ada, ml));
        assert!(!state.leave(ada, ml));
        assert_eq!(names(&state, ada), ["Ops"]);
        assert_eq!(state.team(ml).members, [1]);
        assert_eq!(state.role_in(ada, ml), None);
    }

    #[test]
    fn team_names_share_the_users_namespace_ignoring_case() {
        let mut state = State::default();
        person(&mut state, "ada");
        let ops = state.create_team(TeamName::parse("Ops").unwrap());

        assert_eq!(state.team_named("OPS"), Some(ops));
        assert_eq!(state.team_named("ml"), None);
        assert!(state.entity_taken("ops"));
        assert!(state.entity_taken("ADA"));
        assert!(!state.entity_taken("bob"));
    }

    #[test]
    fn only_built_in_and_added_roles_are_known() {
        let mut state = State::default();
        let auditor = TeamRole::parse("auditor").unwrap();
        assert_eq!(state.role_for(&auditor), None);

        assert!(state.add_role(RoleName::parse("Auditor").unwrap()));
        assert!(!state.add_role(RoleName::parse("auditor").unwrap()));

        let role = state.role_for(&auditor).unwrap();
        assert_eq!(state.team_role(role).as_str(), "Auditor");
        assert_eq!(state.role_for(&TeamRole::Viewer), Some(Role::VIEWER));
        assert_eq!(state.known_roles(), "admin, member, viewer, Auditor");
    }
}
