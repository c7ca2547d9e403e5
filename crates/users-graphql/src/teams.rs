//! Teams: read with our `TeamMembers`, changed with the SDK's mutations (and
//! `updateMember` for roles), each change's result read from the team
//! afterwards.
//!
//! - A definite success of `createInvite` or `createServiceAccount` is
//!   followed by a read of the team (a query, retried as usual): the member
//!   returned is the one listed there, the new service account found by the
//!   id `createServiceAccount` answered, never by its place in the list. A
//!   read that fails, or does not list the member (yet), leaves the caller
//!   not knowing the member: `Ambiguous`, which the service settles by
//!   reading the team again.
//! - A `NotFound` from a member's change, or `deleteInvite` answering
//!   `success: false`, may mean the team or the member (or the user
//!   invited): the team is read to say which. The member's `NotFound` only
//!   when the team read lacks them: offboarding takes it as "already done".
//! - Only `service_account_secret` asks for members' keys, and holds them
//!   as secrets from the moment they are decoded.

use secrecy::ExposeSecret as _;
use serde_json::json;
use users_domain::{
    ApiKeySecret, Error, Invitee, Member, MemberId, Result, Team, TeamName, TeamRole, Username,
};

use crate::GraphqlUserRepository;
use crate::outcome::Noted;
use crate::wire::{
    CREATE_INVITE, CREATE_SERVICE_ACCOUNT, CREATE_TEAM, CreatedTeam, DELETE_INVITE, Deleted,
    EntityData, Invited, MemberKeys, MutationData, NewServiceAccount, Operation, RoleChanged,
    TEAM_MEMBER_KEYS, TEAM_MEMBERS, UPDATE_MEMBER, WireTeam,
};

#[cfg(test)]
mod tests;

impl GraphqlUserRepository {
    pub(crate) async fn read_team(&self, name: &TeamName) -> Result<Team> {
        let data: EntityData<WireTeam> = self
            .call(
                &TEAM_MEMBERS,
                json!({ "name": name.as_str() }),
                &team_subject(name),
            )
            .await?;
        match data.entity {
            Some(entity) if entity.is_team() => Ok(Team::from(entity)),
            Some(_) => {
                tracing::debug!(%name, "the entity is a user's own, not a team");
                Err(no_team(name))
            }
            None => Err(no_team(name)),
        }
    }

    pub(crate) async fn new_team(&self, name: &TeamName, admin: Option<&Username>) -> Result<Team> {
        let variables = json!({
            "teamName": name.as_str(),
            "teamAdminUserName": admin.map(Username::as_str),
        });
        let subject = format!("a team or user named {name}");
        let data: MutationData<CreatedTeam> =
            match (self.call(&CREATE_TEAM, variables, &subject).await, admin) {
                // The team is not there yet: only its admin can be missing.
                (Err(Error::NotFound { .. }), Some(admin)) => {
                    return Err(Error::NotFound {
                        what: format!("user '{admin}'"),
                    });
                }
                (other, _) => other?,
            };
        let Some(created) = data.result.and_then(|result| result.entity) else {
            return Err(ambiguous(
                &CREATE_TEAM,
                format!(
                    "the server answered without the new team; check whether team {name} exists"
                ),
            ));
        };
        // The team was made: a failed read only leaves its members unknown.
        match self.read_team(&created.name).await {
            Ok(team) => Ok(team),
            Err(error) => {
                tracing::warn!(team = %created.name, %error, "created the team, then could not read it back");
                Ok(Team {
                    id: created.id,
                    name: created.name,
                    members: None,
                })
            }
        }
    }

    pub(crate) async fn invite(
        &self,
        team: &TeamName,
        invitee: &Invitee,
        admin: bool,
    ) -> Result<Member> {
        // As the SDK does: `email` for an address, else `username`.
        let variables = match invitee {
            Invitee::Username(name) => {
                json!({ "entity": team.as_str(), "admin": admin, "username": name.as_str() })
            }
            Invitee::Email(email) => {
                json!({ "entity": team.as_str(), "admin": admin, "email": email.as_str() })
            }
        };
        let subject = member_named(invitee, team);
        let data: MutationData<Invited> = match self.call(&CREATE_INVITE, variables, &subject).await
        {
            Err(Error::NotFound { .. }) => {
                return Err(self.missing_invitee(team, invitee).await);
            }
            other => other?,
        };
        let Some(invite) = data.result.and_then(|result| result.invite) else {
            return Err(ambiguous(
                &CREATE_INVITE,
                format!(
                    "the server answered without the invite; check whether {invitee} is in team {team}"
                ),
            ));
        };
        let read = self
            .read_team(team)
            .await
            .map_err(|error| unread(&CREATE_INVITE, team, &error))?;
        // The invite took effect: a listing that does not show the member
        // (yet) leaves them unknown, not the invite failed.
        let user_name = invite.to_user.and_then(|user| user.name);
        invited_member(&read, invitee, invite.id.as_deref(), user_name.as_deref()).ok_or_else(|| {
            ambiguous(
                &CREATE_INVITE,
                format!(
                    "the server accepted the invite but the team does not list the member yet; check whether {invitee} is in team {team}"
                ),
            )
        })
    }

    pub(crate) async fn uninvite(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        let variables = json!({ "id": member.as_str(), "entity": team.as_str() });
        let subject = member_id(member, team);
        let noted: Noted<MutationData<Deleted>> =
            match self.call_noted(&DELETE_INVITE, variables, &subject).await {
                Err(Error::NotFound { .. }) => {
                    let refusal = Refusal::new(&DELETE_INVITE, "not found");
                    return Err(self.refused(team, member, refusal).await);
                }
                other => other?,
            };
        match noted.data.result.and_then(|result| result.success) {
            Some(true) => Ok(()),
            Some(false) => {
                let refusal = Refusal {
                    said: noted.said,
                    ..Refusal::new(&DELETE_INVITE, "success: false")
                };
                Err(self.refused(team, member, refusal).await)
            }
            None => Err(ambiguous(
                &DELETE_INVITE,
                format!(
                    "the server answered without saying whether it worked; check whether {subject} is still there"
                ),
            )),
        }
    }

    pub(crate) async fn change_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        let variables = json!({
            "entityName": team.as_str(),
            "user": member.as_str(),
            "role": role.as_str(),
        });
        let subject = member_id(member, team);
        let data: MutationData<RoleChanged> =
            match self.call(&UPDATE_MEMBER, variables, &subject).await {
                Err(Error::NotFound { .. }) => {
                    let refusal = Refusal::new(&UPDATE_MEMBER, "not found");
                    return Err(self.refused(team, member, refusal).await);
                }
                other => other?,
            };
        if data.result.and_then(|result| result.member).is_none() {
            return Err(ambiguous(
                &UPDATE_MEMBER,
                format!("the server answered without the member; check the role of {subject}"),
            ));
        }
        Ok(())
    }

    pub(crate) async fn new_service_account(
        &self,
        team: &TeamName,
        description: &str,
    ) -> Result<Member> {
        let variables = json!({ "entity": team.as_str(), "description": description });
        let data: MutationData<NewServiceAccount> = self
            .call(&CREATE_SERVICE_ACCOUNT, variables, &team_subject(team))
            .await?;
        let Some(account) = data.result.and_then(|result| result.user) else {
            return Err(ambiguous(
                &CREATE_SERVICE_ACCOUNT,
                format!(
                    "the server answered without the new account; check team {team}'s service accounts"
                ),
            ));
        };
        let read = self
            .read_team(team)
            .await
            .map_err(|error| unread(&CREATE_SERVICE_ACCOUNT, team, &error))?;
        // Made for certain: a listing that lags leaves the member unknown,
        // which the service settles, not the account unmade.
        read.members
            .into_iter()
            .flatten()
            .find(|member| member.is_user(&account.id))
            .ok_or_else(|| {
                ambiguous(
                    &CREATE_SERVICE_ACCOUNT,
                    format!(
                        "the server made user {} but team {team} does not list it yet; check team {team}'s service accounts",
                        account.id
                    ),
                )
            })
    }

    pub(crate) async fn member_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        let data: EntityData<MemberKeys> = self
            .call(
                &TEAM_MEMBER_KEYS,
                json!({ "name": team.as_str() }),
                &team_subject(team),
            )
            .await?;
        let entity = data
            .entity
            .filter(MemberKeys::is_team)
            .ok_or_else(|| no_team(team))?;
        // Every other member's key is dropped here, zeroed.
        let found = entity
            .members
            .into_iter()
            .find(|key| key.id.as_deref() == Some(member.as_str()))
            .ok_or_else(|| Error::NotFound {
                what: member_id(member, team),
            })?;
        let Some(secret) = found.api_key.filter(|key| !key.expose_secret().is_empty()) else {
            return Ok(None);
        };
        match ApiKeySecret::parse(secret) {
            Ok(secret) => Ok(Some(secret)),
            Err(why) => {
                // A masked key (`abcd…`, `****`) reveals nothing: not an error.
                tracing::warn!(%member, reason = %why, "the server's apiKey for this member is not a usable key; taking it as not revealed");
                Ok(None)
            }
        }
    }

    /// The `NotFound` a refused invite means: the team's own when the team
    /// is not there, else the invitee's.
    async fn missing_invitee(&self, team: &TeamName, invitee: &Invitee) -> Error {
        match self.read_team(team).await {
            Err(error @ Error::NotFound { .. }) => error,
            _ => Error::NotFound {
                what: user_named(invitee),
            },
        }
    }

    /// What a refused change of `member` means, by the team read just after.
    /// These are decisions on what the answer says, not on how the call
    /// went (that is `outcome`'s table): a refusal of a member the team
    /// still lists is not "not a member", which offboarding would report as
    /// already done.
    async fn refused(&self, team: &TeamName, member: &MemberId, refusal: Refusal) -> Error {
        let op = refusal.op;
        match self.read_team(team).await {
            Err(error @ Error::NotFound { .. }) => error,
            Err(error) => ambiguous(
                op,
                format!(
                    "{} answered {}, and reading team {team} back failed ({error}); check whether member {member} is still there",
                    op.field, refusal.answered
                ),
            ),
            Ok(read) if read.members.iter().flatten().any(|m| m.id == *member) => {
                match refusal.said {
                    Some(denied @ Error::PermissionDenied { .. }) => denied,
                    _ => Error::Protocol {
                        reason: format!(
                            "{} answered {} but member {member} is still in team {team}",
                            op.field, refusal.answered
                        ),
                    },
                }
            }
            Ok(_) => Error::NotFound {
                what: member_id(member, team),
            },
        }
    }
}

/// A member's change the server turned down.
struct Refusal {
    op: &'static Operation,
    /// How, for messages: `not found`, `success: false`.
    answered: &'static str,
    /// What errors beside the answer said.
    said: Option<Error>,
}

impl Refusal {
    fn new(op: &'static Operation, answered: &'static str) -> Self {
        Self {
            op,
            answered,
            said: None,
        }
    }
}

/// The member an invite made, as `team` lists them: by the invitee's email
/// or username, else by the invite's id (a pending member's), else by the
/// name of the user it made a member (`toUser`), where the listing hides
/// what the invitee was named by and only one such member has that name.
fn invited_member(
    team: &Team,
    invitee: &Invitee,
    invite_id: Option<&str>,
    user_name: Option<&str>,
) -> Option<Member> {
    if let Some(found) = team.member_named(invitee) {
        return Some(found.clone());
    }
    let members = team.members.as_deref()?;
    if let Some(found) = invite_id.and_then(|id| members.iter().find(|m| m.id.as_str() == id)) {
        return Some(found.clone());
    }
    let name = user_name?;
    // A member shown with another email or username is someone else.
    let hidden = |member: &&Member| match invitee {
        Invitee::Email(_) => member.email.is_none(),
        Invitee::Username(_) => member.username.is_none(),
    };
    let mut named = members
        .iter()
        .filter(hidden)
        .filter(|member| member.name == name);
    match (named.next(), named.next()) {
        (Some(only), None) => Some(only.clone()),
        _ => None,
    }
}

/// `team ml`: what a team's messages call it.
fn team_subject(name: &TeamName) -> String {
    format!("team {name}")
}

fn no_team(name: &TeamName) -> Error {
    Error::NotFound {
        what: team_subject(name),
    }
}

fn user_named(invitee: &Invitee) -> String {
    format!("user '{invitee}'")
}

fn member_named(invitee: &Invitee, team: &TeamName) -> String {
    format!("member '{invitee}' of team {team}")
}

fn member_id(member: &MemberId, team: &TeamName) -> String {
    format!("member {member} of team {team}")
}

fn ambiguous(op: &Operation, reason: String) -> Error {
    Error::Ambiguous {
        operation: op.field.to_owned(),
        reason,
    }
}

/// `op` ran, but the team could not be read to find its result.
fn unread(op: &Operation, team: &TeamName, error: &Error) -> Error {
    ambiguous(
        op,
        format!(
            "the server accepted it, but reading team {team} back failed ({error}); check the team's members"
        ),
    )
}
