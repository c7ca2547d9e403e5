use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use users_domain::{
    ApiKeyId, ApiKeySecret, Backend, Email, Error, GeneratedApiKey, Invitee, KeyRepository, Member,
    MemberId, PageRequest, Result, Team, TeamName, TeamRepository, TeamRole, User, UserId,
    UserPage, UserRepository, Username,
};

use crate::authorization::Authorization;
use crate::outcome::{self, Context, Exchange, Noted};
use crate::transport::Transport;
use crate::wire::{
    CREATE_USER, CreatedUser, DELETE_API_KEY, Deleted, GET_VIEWER, MutationData, Operation,
    SEARCH_USERS, UsersData, ViewerData, WireUser,
};
use crate::{GraphqlClientBuilder, KeySource};

/// A W&B server over its GraphQL API: its users and their lifecycle
/// ([`UserRepository`]), keys ([`KeyRepository`]) and teams
/// ([`TeamRepository`]), a whole [`Backend`].
///
/// Cheap to clone: clones, and the repositories [`act_as`](Backend::act_as)
/// makes, share one connection pool.
#[derive(Clone)]
pub struct GraphqlUserRepository {
    pub(crate) transport: Arc<Transport>,
    authorization: Arc<Authorization>,
}

impl GraphqlUserRepository {
    /// Starts configuring a client; see [`GraphqlClientBuilder`].
    pub fn builder() -> GraphqlClientBuilder {
        GraphqlClientBuilder::default()
    }

    pub(crate) fn new(transport: Transport, secret: ApiKeySecret, source: KeySource) -> Self {
        Self {
            transport: Arc::new(transport),
            authorization: Arc::new(Authorization::new(secret, source)),
        }
    }

    /// The server's base URL, without a trailing slash (for messages).
    pub fn base_url(&self) -> &str {
        &self.transport.base_url
    }

    /// Where the API key came from: the place to fix when the server refuses it.
    pub fn key_source(&self) -> &KeySource {
        &self.authorization.source
    }

    /// Sends one operation and decodes its data, or says what its failure
    /// means (see [`crate::outcome`]).
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        op: &Operation,
        variables: Value,
        subject: &str,
    ) -> Result<T> {
        let exchange = self.send(op, variables).await;
        self.interpret(op, exchange, subject)
    }

    /// As [`call`](Self::call), keeping what errors beside a resolved result
    /// said (see [`outcome::Noted`]).
    pub(crate) async fn call_noted<T: DeserializeOwned>(
        &self,
        op: &Operation,
        variables: Value,
        subject: &str,
    ) -> Result<Noted<T>> {
        let exchange = self.send(op, variables).await;
        outcome::interpret_noted(exchange, &self.context(op, subject))
    }

    /// Sends one operation; what happened, undecided.
    pub(crate) async fn send(&self, op: &Operation, variables: Value) -> Exchange {
        self.transport
            .execute(&self.authorization.header, op, variables)
            .await
    }

    /// The data of `exchange`, or the domain error it means.
    pub(crate) fn interpret<T: DeserializeOwned>(
        &self,
        op: &Operation,
        exchange: Exchange,
        subject: &str,
    ) -> Result<T> {
        outcome::interpret(exchange, &self.context(op, subject))
    }

    fn context<'a>(&'a self, op: &'a Operation, subject: &'a str) -> Context<'a> {
        Context {
            op,
            subject,
            endpoint: self.transport.endpoint.as_str(),
            authorization: &self.authorization,
        }
    }

    pub(crate) async fn delete(&self, id: &ApiKeyId) -> Result<()> {
        let data: MutationData<Deleted> = self
            .call(
                &DELETE_API_KEY,
                json!({ "id": id.as_str() }),
                &format!("api key {id}"),
            )
            .await?;
        match data.result.and_then(|result| result.success) {
            Some(true) => Ok(()),
            Some(false) => {
                // The key does not exist, or is not the caller's to delete.
                tracing::debug!(key = %id, "deleteApiKey answered success: false");
                Err(Error::NotFound {
                    what: format!("api key {id}"),
                })
            }
            None => Err(Error::Ambiguous {
                operation: DELETE_API_KEY.field.to_owned(),
                reason: format!(
                    "the server answered without saying whether it worked; check whether key {id} still exists"
                ),
            }),
        }
    }
}

#[async_trait]
impl UserRepository for GraphqlUserRepository {
    async fn viewer(&self) -> Result<User> {
        let data: ViewerData<WireUser> = self.call(&GET_VIEWER, json!({}), "the viewer").await?;
        data.viewer
            .map(User::from)
            .ok_or_else(|| Error::Unauthenticated {
                reason: "the server does not recognise the api key (it returned no viewer)"
                    .to_owned(),
            })
    }

    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        let data: UsersData = self
            .call(
                &SEARCH_USERS,
                json!({ "query": query }),
                &format!("users matching '{}'", users_domain::echo_safe(query)),
            )
            .await?;
        Ok(data.into_users())
    }

    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
        self.list(query, page).await
    }

    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        self.with_id(id).await
    }

    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        let data: MutationData<CreatedUser> = self
            .call(
                &CREATE_USER,
                json!({ "email": email.as_str(), "admin": admin }),
                &format!("user {email}"),
            )
            .await?;
        data.result
            .and_then(|result| result.user)
            .map(User::from)
            .ok_or_else(|| Error::Ambiguous {
                operation: CREATE_USER.field.to_owned(),
                reason: format!(
                    "the server answered without the new user; check whether {email} exists"
                ),
            })
    }

    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.deactivate(id).await
    }

    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.reactivate(id).await
    }

    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.set_admin(id, admin).await
    }
}

#[async_trait]
impl KeyRepository for GraphqlUserRepository {
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.generate(description).await
    }

    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        self.delete(id).await
    }
}

#[async_trait]
impl TeamRepository for GraphqlUserRepository {
    async fn team(&self, name: &TeamName) -> Result<Team> {
        self.read_team(name).await
    }

    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team> {
        self.new_team(name, admin.as_ref()).await
    }

    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member> {
        self.invite(team, invitee, admin).await
    }

    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()> {
        self.uninvite(team, member).await
    }

    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()> {
        self.change_role(team, member, role).await
    }

    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member> {
        self.new_service_account(team, description).await
    }

    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>> {
        self.member_secret(team, member).await
    }
}

impl Backend for GraphqlUserRepository {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        Box::new(Self {
            transport: Arc::clone(&self.transport),
            authorization: Arc::new(Authorization::new(secret, KeySource::Builder)),
        })
    }
}

impl fmt::Debug for GraphqlUserRepository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphqlUserRepository")
            .field("base_url", &self.transport.base_url)
            .field("user_agent", &self.transport.user_agent)
            .field("api_key", &"[redacted]")
            .field("key_source", &self.authorization.source)
            .finish_non_exhaustive()
    }
}
