use async_trait::async_trait;
use users_domain::{
    ApiKeySecret, Error, Invitee, Member, MemberId, Result, Team, TeamName, TeamRepository,
    TeamRole, Username, echo_safe,
};

use super::InMemoryUserRepository;
use crate::state::{NewUser, Role, State, TeamPlace};
use crate::{Mutation, mint};

/// The team named `name`.
fn find(state: &State, name: &TeamName) -> Result<TeamPlace> {
    state
        .team_named(name.as_str())
        .ok_or_else(|| Error::NotFound {
            what: format!("team {name}"),
        })
}

/// The team named `name`, once the user at `me` is known to be allowed to
/// manage it: an instance admin, or an admin of that team.
fn managed(state: &State, me: usize, name: &TeamName) -> Result<TeamPlace> {
    let team = find(state, name)?;
    if state.users()[me].admin || state.role_in(me, team) == Some(Role::ADMIN) {
        Ok(team)
    } else {
        Err(Error::PermissionDenied {
            reason: format!(
                "only instance admins and admins of team {name} can change its members; use such a user's api key"
            ),
        })
    }
}

/// The place of the user `member` names, if they are in `team`.
fn member_of(state: &State, team: TeamPlace, member: &MemberId) -> Result<usize> {
    state
        .user_with_id(member.as_str())
        .filter(|&user| state.role_in(user, team).is_some())
        .ok_or_else(|| Error::NotFound {
            what: format!("member {member} of team {}", state.team(team).name),
        })
}

#[async_trait]
impl TeamRepository for InMemoryUserRepository {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        let (state, _) = self.caller_state()?;
        let team = find(&state, name)?;
        Ok(state.to_team(team))
    }

    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        self.mutate(Mutation::CreateTeam, |state, me| {
            if state.entity_taken(name.as_str()) {
                return Err(Error::AlreadyExists {
                    what: format!("a team or user named {name}"),
                });
            }
            let admin = match &admin {
                Some(username) => {
                    state
                        .user_named(username.as_str())
                        .ok_or_else(|| Error::NotFound {
                            what: format!("user '{}'", echo_safe(username.as_str())),
                        })?
                }
                None => me,
            };
            let team = state.create_team(name.clone());
            state.join(admin, team, Role::ADMIN);
            Ok(state.to_team(team))
        })
    }

    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        self.mutate(Mutation::AddMember, |state, me| {
            let place = managed(state, me, team)?;
            let user = match invitee {
                Invitee::Username(username) => state.user_named(username.as_str()),
                Invitee::Email(email) => state.user_with_email(email.as_str()),
            }
            .ok_or_else(|| Error::NotFound {
                what: format!("user '{}'", echo_safe(&invitee.to_string())),
            })?;
            let role = if admin { Role::ADMIN } else { Role::MEMBER };
            if !state.join(user, place, role) {
                return Err(Error::AlreadyExists {
                    what: format!("{} as a member of team {team}", state.users()[user].label()),
                });
            }
            Ok(state.to_member(user, place))
        })
    }

    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        self.mutate(Mutation::RemoveMember, |state, me| {
            let place = managed(state, me, team)?;
            let user = member_of(state, place, member)?;
            state.leave(user, place);
            Ok(())
        })
    }

    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        self.mutate(Mutation::SetMemberRole, |state, me| {
            let place = managed(state, me, team)?;
            let user = member_of(state, place, member)?;
            let known = state.role_for(role).ok_or_else(|| Error::InvalidInput {
                reason: format!(
                    "this server knows no team role '{}': use one of {}",
                    echo_safe(role.as_str()),
                    state.known_roles()
                ),
            })?;
            state.set_role(user, place, known);
            Ok(())
        })
    }

    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        self.mutate(Mutation::CreateServiceAccount, |state, me| {
            let place = managed(state, me, team)?;
            let description = description.trim();
            if description.is_empty() {
                return Err(Error::InvalidInput {
                    reason: "a service account needs a description; got an empty one".into(),
                });
            }
            let base = mint::service_username_base(description);
            let username = mint::unique_username(&base, |name| state.entity_taken(name));
            let username = Username::parse(username).map_err(|e| Error::InvalidInput {
                reason: format!("cannot make a username from the description: {e}"),
            })?;
            let account = state.insert(NewUser {
                name: description.to_owned(),
                username,
                email: None,
                admin: false,
                service: true,
                flags: None,
                deleted_at: None,
                keys: Vec::new(),
            });
            state.join(account, place, Role::MEMBER);
            Ok(state.to_member(account, place))
        })
    }

    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        let (state, _) = self.caller_state()?;
        let place = find(&state, team)?;
        member_of(&state, place, member)?;
        // Where W&B shows a service account's key, it shows it in its web
        // app; this world, like the GraphQL API, never hands a secret out here.
        Ok(None)
    }
}
