//! The wire types, named as on W&B so that `__typename` and fragments
//! (`... on User`) read as the SDK expects.

use async_graphql::{ComplexObject, ID, InputObject, SimpleObject};
use users_domain::{ApiKey, PageSize, TeamName, User};

use super::{ErrorCode, coded};

#[derive(SimpleObject)]
#[graphql(name = "User", complex)]
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
    /// `None` when the repository did not load the keys: unknown, not none.
    #[graphql(skip)]
    keys: Option<Vec<ApiKey>>,
    teams: Option<EntityConnection>,
}

#[ComplexObject]
impl GqlUser {
    /// The user's keys, all of them unless `first` asks for a page (after the
    /// key whose id is `after`); `null` when the repository did not load them.
    #[allow(
        clippy::unused_async,
        reason = "async-graphql resolves complex fields through async fns"
    )]
    async fn api_keys(
        &self,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Option<ApiKeyConnection>> {
        let Some(keys) = &self.keys else {
            return Ok(None);
        };
        let start = match after {
            Some(after) => {
                keys.iter()
                    .position(|key| key.id.as_str() == after)
                    .ok_or_else(|| {
                        coded(
                            "after is not a cursor of this key list",
                            ErrorCode::InvalidInput,
                        )
                    })?
                    + 1
            }
            None => 0,
        };
        let end = match first {
            Some(first) => start.saturating_add(page_size(first)?).min(keys.len()),
            None => keys.len(),
        };
        let page = &keys[start.min(end)..end];
        Ok(Some(ApiKeyConnection {
            edges: page
                .iter()
                .map(|key| ApiKeyEdge {
                    cursor: key.id.to_string(),
                    node: Some(key.clone().into()),
                })
                .collect(),
            page_info: PageInfo {
                start_cursor: page.first().map(|key| key.id.to_string()),
                end_cursor: page.last().map(|key| key.id.to_string()),
                has_next_page: end < keys.len(),
                has_previous_page: start > 0,
            },
        }))
    }
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
            keys: user.api_keys,
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

/// A `first` or `last` argument as a page size: 1 to [`PageSize::MAX`] (an
/// empty page would not move a walk on).
pub(crate) fn page_size(asked: i32) -> async_graphql::Result<usize> {
    let max = PageSize::MAX;
    u32::try_from(asked)
        .ok()
        .filter(|&size| (1..=max).contains(&size))
        .and_then(|size| usize::try_from(size).ok())
        .ok_or_else(|| {
            coded(
                format!("a page holds 1 to {max} items, not {asked}"),
                ErrorCode::InvalidInput,
            )
        })
}

/// Relay's `PageInfo`.
#[derive(SimpleObject, Default)]
pub(crate) struct PageInfo {
    pub(crate) start_cursor: Option<String>,
    pub(crate) end_cursor: Option<String>,
    pub(crate) has_next_page: bool,
    pub(crate) has_previous_page: bool,
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
    page_info: PageInfo,
}

#[derive(SimpleObject)]
pub(crate) struct ApiKeyEdge {
    cursor: String,
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
    pub(crate) edges: Vec<UserEdge>,
    pub(crate) page_info: PageInfo,
}

#[derive(SimpleObject)]
pub(crate) struct UserEdge {
    pub(crate) cursor: String,
    pub(crate) node: Option<GqlUser>,
}

impl From<users_domain::UserEdge> for UserEdge {
    fn from(edge: users_domain::UserEdge) -> Self {
        Self {
            cursor: edge
                .cursor
                .map(|cursor| cursor.to_string())
                .unwrap_or_default(),
            node: Some(edge.user.into()),
        }
    }
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
