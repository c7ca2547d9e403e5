//! The wire types, named as on W&B so that `__typename` and fragments
//! (`... on User`) read as the SDK expects.

use async_graphql::{ID, InputObject, SimpleObject};
use users_domain::{ApiKey, TeamName, User};

#[derive(SimpleObject)]
#[graphql(name = "User")]
pub(crate) struct GqlUser {
    id: ID,
    name: String,
    username: Option<String>,
    email: Option<String>,
    admin: Option<bool>,
    /// Feature flags as JSON text.
    flags: Option<String>,
    entity: Option<String>,
    deleted_at: Option<String>,
    /// `null` when the repository did not load the keys: unknown, not none.
    api_keys: Option<ApiKeyConnection>,
    teams: Option<EntityConnection>,
}

impl From<User> for GqlUser {
    fn from(user: User) -> Self {
        Self {
            id: ID(user.id.to_string()),
            name: user.name,
            username: Some(user.username.to_string()),
            email: user.email.map(|email| email.to_string()),
            admin: Some(user.admin),
            flags: user.flags,
            entity: user.entity,
            deleted_at: user.deleted_at,
            api_keys: user.api_keys.map(|keys| ApiKeyConnection {
                edges: keys
                    .into_iter()
                    .map(|key| ApiKeyEdge {
                        node: Some(key.into()),
                    })
                    .collect(),
            }),
            teams: user.teams.map(|teams| EntityConnection {
                edges: teams
                    .into_iter()
                    .map(|team| EntityEdge {
                        node: Some(team.into()),
                    })
                    .collect(),
            }),
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "ApiKey")]
pub(crate) struct GqlApiKey {
    id: ID,
    /// In listings a label. Only in the `generateApiKey` response is it the
    /// secret itself, because that is where the official SDK reads a new key.
    name: String,
    description: Option<String>,
}

impl GqlApiKey {
    /// The one place a secret goes on the wire: the answer to the caller who
    /// just generated it.
    pub(crate) fn revealing(key: ApiKey, secret: &str) -> Self {
        Self {
            id: ID(key.id.to_string()),
            name: secret.to_owned(),
            description: key.description,
        }
    }
}

impl From<ApiKey> for GqlApiKey {
    fn from(key: ApiKey) -> Self {
        Self {
            id: ID(key.id.to_string()),
            // `reveal`, not `Display`: the wire carries the name as stored.
            name: key.name.reveal().to_owned(),
            description: key.description,
        }
    }
}

#[derive(SimpleObject)]
pub(crate) struct ApiKeyConnection {
    edges: Vec<ApiKeyEdge>,
}

#[derive(SimpleObject)]
pub(crate) struct ApiKeyEdge {
    node: Option<GqlApiKey>,
}

/// A team, as the `teams` connection of a user lists it.
#[derive(SimpleObject)]
pub(crate) struct Entity {
    name: String,
}

impl From<TeamName> for Entity {
    fn from(team: TeamName) -> Self {
        Self {
            name: team.to_string(),
        }
    }
}

#[derive(SimpleObject)]
pub(crate) struct EntityConnection {
    edges: Vec<EntityEdge>,
}

#[derive(SimpleObject)]
pub(crate) struct EntityEdge {
    node: Option<Entity>,
}

#[derive(SimpleObject)]
pub(crate) struct UserConnection {
    edges: Vec<UserEdge>,
}

impl From<Vec<User>> for UserConnection {
    fn from(users: Vec<User>) -> Self {
        Self {
            edges: users
                .into_iter()
                .map(|user| UserEdge {
                    node: Some(user.into()),
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject)]
pub(crate) struct UserEdge {
    node: Option<GqlUser>,
}

#[derive(InputObject)]
pub(crate) struct CreateUserInput {
    pub(crate) email: String,
    pub(crate) admin: Option<bool>,
    pub(crate) client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct CreateUserPayload {
    pub(crate) user: Option<GqlUser>,
    pub(crate) client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct GenerateApiKeyInput {
    pub(crate) description: Option<String>,
    pub(crate) client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct GenerateApiKeyPayload {
    pub(crate) api_key: Option<GqlApiKey>,
    pub(crate) client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct DeleteApiKeyInput {
    pub(crate) id: String,
    pub(crate) client_mutation_id: Option<String>,
}

#[derive(SimpleObject)]
pub(crate) struct DeleteApiKeyPayload {
    pub(crate) success: bool,
    pub(crate) client_mutation_id: Option<String>,
}
