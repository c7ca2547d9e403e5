//! Teams, their members and service accounts: the operations of the SDK's
//! `Team` and `Member` (`GetTeamEntity`, `CreateTeam`, `CreateInvite`,
//! `DeleteInvite`, `CreateServiceAccount`), and `updateMember` for roles.
//!
//! Who may do what is the repository's rule; resolvers parse the input into
//! the domain's types and translate the outcome.

use std::time::{SystemTime, UNIX_EPOCH};

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use users_domain::{
    Email, Error, Invitee, Member, MemberId, TeamName, TeamRole, Timestamp, Username,
};

use super::entity::{Entity, GqlMember};
use super::mutation::take_lost_answer;
use super::types::{DateTime, GqlUser};
use super::{Caller, ErrorCode, coded, domain_error};
use crate::faults::MutationKind;

pub(crate) struct TeamQuery;

#[Object]
impl TeamQuery {
    /// The team named `name`; `null` when there is none (or the caller may
    /// not see it). Users' own entities are not served.
    async fn entity(&self, ctx: &Context<'_>, name: String) -> Result<Option<Entity>> {
        let caller = ctx.data::<Caller>()?;
        let Ok(name) = TeamName::parse(name) else {
            return Ok(None);
        };
        match caller.0.team(&name).await {
            Ok(team) => Ok(Some(Entity::loaded(team))),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(domain_error(&error)),
        }
    }
}

pub(crate) struct TeamMutation;

#[Object]
impl TeamMutation {
    /// Creates a team whose first member and admin is `teamAdminUserName`,
    /// or the caller.
    async fn create_team(
        &self,
        ctx: &Context<'_>,
        input: CreateTeamInput,
    ) -> Result<Option<CreateTeamPayload>> {
        let caller = ctx.data::<Caller>()?;
        let name = team_name("teamName", input.team_name)?;
        let admin = input
            .team_admin_user_name
            .map(|name| {
                Username::parse(name).map_err(|e| {
                    coded(
                        format!("invalid teamAdminUserName: {e}"),
                        ErrorCode::InvalidInput,
                    )
                })
            })
            .transpose()?;
        let created = caller.0.create_team(&name, admin).await;
        take_lost_answer(ctx, MutationKind::CreateTeam, &created)?;
        let team = created.map_err(|e| domain_error(&e))?;
        Ok(Some(CreateTeamPayload {
            entity: Some(Entity::loaded(team)),
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Adds a user to a team by `email` or by `username` (exactly one), as a
    /// team admin when `admin` is set. An existing user joins at once.
    async fn create_invite(
        &self,
        ctx: &Context<'_>,
        input: CreateInviteInput,
    ) -> Result<Option<CreateInvitePayload>> {
        let caller = ctx.data::<Caller>()?;
        let team = team_name("entityName", input.entity_name)?;
        let invitee = match (input.email, input.username) {
            (Some(email), None) => Invitee::Email(
                Email::parse(email)
                    .map_err(|e| coded(format!("invalid email: {e}"), ErrorCode::InvalidInput))?,
            ),
            (None, Some(username)) => {
                Invitee::Username(Username::parse(username).map_err(|e| {
                    coded(format!("invalid username: {e}"), ErrorCode::InvalidInput)
                })?)
            }
            _ => {
                return Err(coded(
                    "give the invitee's email or username, exactly one of them",
                    ErrorCode::InvalidInput,
                ));
            }
        };
        let added = caller
            .0
            .add_member(&team, &invitee, input.admin.unwrap_or(false))
            .await;
        take_lost_answer(ctx, MutationKind::CreateInvite, &added)?;
        let member = added.map_err(|e| domain_error(&e))?;
        Ok(Some(CreateInvitePayload {
            invite: Some(Invite::of(&member)),
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Removes the member `id` from the team `entityName` (what the SDK's
    /// `Member.delete()` sends). `success` is false when the team has no
    /// such member, which is how the SDK learns of it; an unknown team is
    /// an error.
    async fn delete_invite(
        &self,
        ctx: &Context<'_>,
        input: DeleteInviteInput,
    ) -> Result<Option<DeleteInvitePayload>> {
        let caller = ctx.data::<Caller>()?;
        let (Some(id), Some(team)) = (input.id, input.entity_name) else {
            return Err(coded(
                "give the member's id and the team's entityName",
                ErrorCode::InvalidInput,
            ));
        };
        let team = team_name("entityName", team)?;
        let member = member_id(id)?;
        let removed = caller.0.remove_member(&team, &member).await;
        take_lost_answer(ctx, MutationKind::DeleteInvite, &removed)?;
        let success = match removed {
            Ok(()) => true,
            Err(Error::NotFound { .. }) => {
                // Not a member, or no such team: only the first is an answer.
                caller.0.team(&team).await.map_err(|e| domain_error(&e))?;
                false
            }
            Err(error) => return Err(domain_error(&error)),
        };
        Ok(Some(DeleteInvitePayload {
            success,
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Creates a service account in the team; it is listed last among the
    /// team's members right after.
    async fn create_service_account(
        &self,
        ctx: &Context<'_>,
        input: CreateServiceAccountInput,
    ) -> Result<Option<CreateServiceAccountPayload>> {
        let caller = ctx.data::<Caller>()?;
        let team = team_name("entityName", input.entity_name)?;
        if input.description.trim().is_empty() {
            return Err(coded(
                "give the service account a description",
                ErrorCode::InvalidInput,
            ));
        }
        let created = caller
            .0
            .create_service_account(&team, &input.description)
            .await;
        take_lost_answer(ctx, MutationKind::CreateServiceAccount, &created)?;
        let account = created.map_err(|e| domain_error(&e))?;
        Ok(Some(CreateServiceAccountPayload {
            user: Some(GqlUser::from(&account)),
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Changes a member's role: `role` (`admin`, `member`, `viewer` or a
    /// custom role's name), or `admin` alone (true: admin, false: member).
    async fn update_member(
        &self,
        ctx: &Context<'_>,
        input: UpdateMemberInput,
    ) -> Result<Option<UpdateMemberPayload>> {
        let caller = ctx.data::<Caller>()?;
        let team = team_name("entityName", input.entity_name)?;
        let member = member_id(input.user.0)?;
        let role = role_of(input.role.as_deref(), input.admin)?;
        let changed = caller.0.set_member_role(&team, &member, &role).await;
        take_lost_answer(ctx, MutationKind::UpdateMember, &changed)?;
        changed.map_err(|e| domain_error(&e))?;
        let team = caller.0.team(&team).await.map_err(|e| domain_error(&e))?;
        let updated = team
            .members
            .into_iter()
            .flatten()
            .find(|listed| listed.id == member);
        Ok(Some(UpdateMemberPayload {
            member: updated.as_ref().map(GqlMember::from),
            client_mutation_id: input.client_mutation_id,
        }))
    }
}

/// The team named in the input's `field`.
fn team_name(field: &str, text: String) -> Result<TeamName> {
    TeamName::parse(text)
        .map_err(|e| coded(format!("invalid {field}: {e}"), ErrorCode::InvalidInput))
}

fn member_id(text: String) -> Result<MemberId> {
    MemberId::parse(text)
        .map_err(|e| coded(format!("invalid member id: {e}"), ErrorCode::InvalidInput))
}

/// The role `updateMember` asks for; `admin` must agree with `role` when both
/// are given.
fn role_of(role: Option<&str>, admin: Option<bool>) -> Result<TeamRole> {
    let role = match (role, admin) {
        (Some(role), _) => TeamRole::parse(role)
            .map_err(|e| coded(format!("invalid role: {e}"), ErrorCode::InvalidInput))?,
        (None, Some(true)) => TeamRole::Admin,
        (None, Some(false)) => TeamRole::Member,
        (None, None) => {
            return Err(coded(
                "give the member's new role, or admin",
                ErrorCode::InvalidInput,
            ));
        }
    };
    match admin {
        Some(admin) if admin != (role == TeamRole::Admin) => Err(coded(
            format!("role {role} and admin {admin} disagree: give one of them"),
            ErrorCode::InvalidInput,
        )),
        _ => Ok(role),
    }
}

#[derive(InputObject)]
pub(crate) struct CreateTeamInput {
    team_name: String,
    team_admin_user_name: Option<String>,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct CreateTeamPayload {
    entity: Option<Entity>,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct CreateInviteInput {
    entity_name: String,
    email: Option<String>,
    username: Option<String>,
    admin: Option<bool>,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct CreateInvitePayload {
    invite: Option<Invite>,
    client_mutation_id: Option<String>,
}

/// An invitation to a team; the emulator's invitees join at once, so the
/// invite is the new membership.
#[derive(SimpleObject)]
pub(crate) struct Invite {
    /// The member's id (what `deleteInvite` takes).
    id: ID,
    name: Option<String>,
    email: Option<String>,
    created_at: Option<DateTime>,
    to_user: Option<GqlUser>,
}

impl Invite {
    fn of(member: &Member) -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|since| i64::try_from(since.as_secs()).ok())
            .and_then(|seconds| Timestamp::from_unix_seconds(seconds).ok());
        Self {
            id: ID(member.id.to_string()),
            name: Some(member.name.clone()),
            email: member.email.as_ref().map(ToString::to_string),
            created_at: now.map(DateTime),
            to_user: (!member.pending).then(|| GqlUser::from(member)),
        }
    }
}

#[derive(InputObject)]
pub(crate) struct DeleteInviteInput {
    id: Option<String>,
    entity_name: Option<String>,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct DeleteInvitePayload {
    success: bool,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct CreateServiceAccountInput {
    description: String,
    entity_name: String,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct CreateServiceAccountPayload {
    user: Option<GqlUser>,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct UpdateMemberInput {
    entity_name: String,
    user: ID,
    role: Option<String>,
    admin: Option<bool>,
    client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct UpdateMemberPayload {
    member: Option<GqlMember>,
    client_mutation_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_comes_from_role_or_admin_and_the_two_must_agree() {
        assert_eq!(role_of(Some("viewer"), None).unwrap(), TeamRole::Viewer);
        assert_eq!(role_of(None, Some(true)).unwrap(), TeamRole::Admin);
        assert_eq!(role_of(None, Some(false)).unwrap(), TeamRole::Member);
        assert_eq!(role_of(Some("ADMIN"), Some(true)).unwrap(), TeamRole::Admin);
        assert!(role_of(Some("member"), Some(true)).is_err());
        assert!(role_of(None, None).is_err());
        assert!(role_of(Some("two words"), None).is_err());
    }
}
