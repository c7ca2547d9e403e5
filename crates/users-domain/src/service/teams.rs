//! Teams done right: typed errors where the SDK answers `False`, a new
//! service account found by its id, and a mutation whose answer was lost
//! settled by reading the team back.

use crate::value::echo_safe;
use crate::{
    Backend, Error, GeneratedApiKey, Invitee, Member, Result, Team, TeamName, TeamRepository,
    TeamRole, User, UserAdmin, UserRepository, Username,
};

impl<R: TeamRepository> UserAdmin<R> {
    /// The team named `name`, with its members.
    ///
    /// # Errors
    ///
    /// As [`TeamRepository::team`].
    pub async fn team(&self, name: &TeamName) -> Result<Team> {
        self.repo.team(name).await
    }

    /// Creates a team whose admin is `admin` (the caller when `None`).
    ///
    /// # Errors
    ///
    /// `AlreadyExists`, sending nothing, when the team is there already (so
    /// that a lost answer read back is this call's team); as
    /// [`TeamRepository::team`] while looking; as
    /// [`TeamRepository::create_team`], except that a lost answer is
    /// settled by reading the team back: found, it is the created team.
    pub async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        match self.repo.team(name).await {
            Ok(_) => {
                return Err(Error::AlreadyExists {
                    what: format!("team {name}"),
                });
            }
            Err(Error::NotFound { .. }) => {}
            Err(other) => return Err(other),
        }
        match self.repo.create_team(name, admin).await {
            Err(lost @ Error::Ambiguous { .. }) => self.repo.team(name).await.map_err(|_| lost),
            other => other,
        }
    }

    /// Adds `invitee` to the team with `role`. Admins are made in the one
    /// invite; a viewer or custom role is set right after it.
    ///
    /// # Errors
    ///
    /// `AlreadyExists`, sending nothing, when `invitee` is in the team
    /// already (a pending invite counts): their role is not changed. As
    /// [`TeamRepository::team`] while looking; as
    /// [`TeamRepository::add_member`], except that a lost answer is settled
    /// by reading the team back (a member named by `invitee` who was not
    /// there before is the one added); `AddedWithoutRole` when the invite
    /// was made but setting the role after it was not (the person is in
    /// the team, with the role the invite gave).
    pub async fn add_member(
        &self,
        team: &TeamName,
        invitee: &Invitee,
        role: &TeamRole,
    ) -> Result<Member> {
        let before = self.repo.team(team).await?;
        if before.member_named(invitee).is_some() {
            return Err(Error::AlreadyExists {
                what: format!(
                    "member '{}' of team {team}",
                    echo_safe(&invitee.to_string())
                ),
            });
        }
        let admin = *role == TeamRole::Admin;
        let member = match self.repo.add_member(team, invitee, admin).await {
            Err(lost @ Error::Ambiguous { .. }) => {
                let was_there = |member: &Member| {
                    before
                        .members
                        .iter()
                        .flatten()
                        .any(|old| old.id == member.id)
                };
                self.repo
                    .team(team)
                    .await
                    .ok()
                    .and_then(|after| after.member_named(invitee).cloned())
                    .filter(|member| !was_there(member))
                    .ok_or(lost)?
            }
            other => other?,
        };
        if member.role == *role {
            return Ok(member);
        }
        if let Err(cause) = self.set_role_of(team, &member, role).await {
            return Err(Error::AddedWithoutRole {
                team: team.clone(),
                who: invitee.clone(),
                held: member.role,
                role: role.clone(),
                cause: Box::new(cause),
            });
        }
        Ok(Member {
            role: role.clone(),
            ..member
        })
    }

    /// The member of `team` named by `invitee`.
    ///
    /// # Errors
    ///
    /// `NotFound` when they are not a member; as [`TeamRepository::team`].
    pub async fn member(&self, team: &TeamName, invitee: &Invitee) -> Result<Member> {
        self.repo
            .team(team)
            .await?
            .member_named(invitee)
            .cloned()
            .ok_or_else(|| not_a_member(invitee, team))
    }

    /// Takes `invitee` out of the team.
    ///
    /// # Errors
    ///
    /// `NotFound` when they are not a member; as
    /// [`TeamRepository::remove_member`], except that a lost answer is
    /// settled by reading the team back.
    pub async fn remove_member(&self, team: &TeamName, invitee: &Invitee) -> Result<Member> {
        let member = self.member(team, invitee).await?;
        self.remove(team, &member).await?;
        Ok(member)
    }

    /// Removes `member`, settling a lost answer by reading the team back.
    pub(super) async fn remove(&self, team: &TeamName, member: &Member) -> Result<()> {
        match self.repo.remove_member(team, &member.id).await {
            Err(lost @ Error::Ambiguous { .. }) => match self.repo.team(team).await {
                Ok(read) if !read.members.iter().flatten().any(|m| m.id == member.id) => Ok(()),
                _ => Err(lost),
            },
            other => other,
        }
    }

    /// Gives `invitee` the role `role` in the team.
    ///
    /// # Errors
    ///
    /// `NotFound` when they are not a member; as [`TeamRepository::set_member_role`].
    pub async fn set_role(
        &self,
        team: &TeamName,
        invitee: &Invitee,
        role: &TeamRole,
    ) -> Result<Member> {
        let member = self.member(team, invitee).await?;
        if member.role != *role {
            self.set_role_of(team, &member, role).await?;
        }
        Ok(Member {
            role: role.clone(),
            ..member
        })
    }

    /// Sets `member`'s role, settling a lost answer by reading the team back.
    pub(super) async fn set_role_of(
        &self,
        team: &TeamName,
        member: &Member,
        role: &TeamRole,
    ) -> Result<()> {
        match self.repo.set_member_role(team, &member.id, role).await {
            Err(lost @ Error::Ambiguous { .. }) => match self.repo.team(team).await {
                Ok(read)
                    if read
                        .members
                        .iter()
                        .flatten()
                        .any(|m| m.id == member.id && m.role == *role) =>
                {
                    Ok(())
                }
                _ => Err(lost),
            },
            other => other,
        }
    }

    /// Creates a service account in the team and returns it, found by its id.
    ///
    /// # Errors
    ///
    /// As [`TeamRepository::create_service_account`], except that a lost
    /// answer is settled by reading the team back: one new service account
    /// with this description, not there before, is the one created.
    pub async fn create_service_account(
        &self,
        team: &TeamName,
        description: &str,
    ) -> Result<Member> {
        let description = description.trim();
        if description.is_empty() {
            return Err(Error::invalid(
                "a service account needs a description; got an empty one",
            ));
        }
        let before = self.repo.team(team).await?;
        match self.repo.create_service_account(team, description).await {
            Err(lost @ Error::Ambiguous { .. }) => {
                let Ok(after) = self.repo.team(team).await else {
                    return Err(lost);
                };
                let mut new = after.members.into_iter().flatten().filter(|member| {
                    member.account_type == Some(crate::AccountType::Service)
                        && member.name == description
                        && !before
                            .members
                            .iter()
                            .flatten()
                            .any(|old| old.id == member.id)
                });
                match (new.next(), new.next()) {
                    (Some(only), None) => Ok(only),
                    _ => Err(lost),
                }
            }
            other => other,
        }
    }
}

impl<R: UserRepository + TeamRepository> UserAdmin<R> {
    /// The teams `user` is a member of, loaded.
    ///
    /// # Errors
    ///
    /// `NotListed` when the server did not list the user's teams; as
    /// [`TeamRepository::team`] for each.
    pub async fn teams_of(&self, user: &User) -> Result<Vec<Team>> {
        let mut teams = Vec::new();
        for name in user.listed_teams()? {
            teams.push(self.repo.team(name).await?);
        }
        Ok(teams)
    }
}

impl<R: Backend> UserAdmin<R> {
    /// A new key for the service account `account` of `team`, made by acting
    /// as the account with the key the server reveals to team admins.
    ///
    /// # Errors
    ///
    /// `Unsupported` when the member is not a service account, or the server
    /// does not reveal its key (W&B makes keys only for the caller, so
    /// without the account's own key there is no way); as
    /// [`TeamRepository::service_account_secret`] and
    /// [`KeyRepository::generate_api_key`](crate::KeyRepository::generate_api_key).
    pub async fn service_account_key(
        &self,
        team: &TeamName,
        account: &Member,
        description: Option<&str>,
    ) -> Result<GeneratedApiKey> {
        let what = || format!("a new key for service account {}", account.label());
        if account.account_type != Some(crate::AccountType::Service) {
            return Err(Error::Unsupported {
                what: what(),
                reason: format!("{} is not a service account", echo_safe(&account.label())),
            });
        }
        let Some(secret) = self.repo.service_account_secret(team, &account.id).await? else {
            return Err(Error::Unsupported {
                what: what(),
                reason: format!(
                    "this server does not reveal a service account's key, and W&B makes keys only for their holder; copy the account's key from team {team}'s settings page in the W&B app"
                ),
            });
        };
        self.repo
            .act_as(secret)
            .generate_api_key(description.map(str::to_owned))
            .await
    }
}

fn not_a_member(invitee: &Invitee, team: &TeamName) -> Error {
    Error::not_found(format!(
        "member '{}' of team {team}",
        echo_safe(&invitee.to_string())
    ))
}
