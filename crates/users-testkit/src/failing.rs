//! An adapter that fails one chosen mutation once, carrying nothing out:
//! the step in the middle of a use case that a behaviour needs to fail on
//! any world, with or without a transport to break.

use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use users_domain::{
    ApiKeyId, ApiKeySecret, Backend, Email, Error, GeneratedApiKey, Invitee, KeyRepository, Member,
    MemberId, PageRequest, Result, Team, TeamName, TeamRepository, TeamRole, User, UserId,
    UserPage, UserRepository, Username,
};

use crate::Mutation;

/// `inner`, except that the first call of `mutation` fails `Unavailable`
/// without reaching it. Reads always pass through; so does
/// [`act_as`](Backend::act_as), to the unwrapped adapter.
pub(crate) struct FailOnce {
    inner: Box<dyn Backend>,
    mutation: Mutation,
    armed: AtomicBool,
}

impl FailOnce {
    pub(crate) fn new(inner: Box<dyn Backend>, mutation: Mutation) -> Self {
        Self {
            inner,
            mutation,
            armed: AtomicBool::new(true),
        }
    }

    fn pass(&self, mutation: Mutation) -> Result<()> {
        if mutation == self.mutation && self.armed.swap(false, Ordering::SeqCst) {
            Err(Error::Unavailable {
                reason: format!(
                    "{} failed before reaching the server (staged by the contract suite)",
                    mutation.wire_name()
                ),
            })
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl UserRepository for FailOnce {
    async fn viewer(&self) -> Result<User> {
        self.inner.viewer().await
    }
    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        self.inner.search_users(query).await
    }
    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        self.inner.list_users(query, page).await
    }
    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        self.inner.user_by_id(id).await
    }
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.pass(Mutation::CreateUser)?;
        self.inner.create_user(email, admin).await
    }
    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.pass(Mutation::DeactivateUser)?;
        self.inner.deactivate_user(id).await
    }
    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.pass(Mutation::ReactivateUser)?;
        self.inner.reactivate_user(id).await
    }
    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.pass(Mutation::SetInstanceAdmin)?;
        self.inner.set_instance_admin(id, admin).await
    }
}

#[async_trait]
impl KeyRepository for FailOnce {
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.pass(Mutation::GenerateApiKey)?;
        self.inner.generate_api_key(description).await
    }
    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        self.pass(Mutation::DeleteApiKey)?;
        self.inner.delete_api_key(id).await
    }
}

#[async_trait]
impl TeamRepository for FailOnce {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        self.inner.team(name).await
    }
    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        self.pass(Mutation::CreateTeam)?;
        self.inner.create_team(name, admin).await
    }
    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        self.pass(Mutation::AddMember)?;
        self.inner.add_member(team, invitee, admin).await
    }
    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        self.pass(Mutation::RemoveMember)?;
        self.inner.remove_member(team, member).await
    }
    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        self.pass(Mutation::SetMemberRole)?;
        self.inner.set_member_role(team, member, role).await
    }
    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        self.pass(Mutation::CreateServiceAccount)?;
        self.inner.create_service_account(team, description).await
    }
    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        self.inner.service_account_secret(team, member).await
    }
}

impl Backend for FailOnce {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        self.inner.act_as(secret)
    }
}
