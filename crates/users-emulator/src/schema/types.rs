//! The wire types, named as on W&B so that `__typename` and fragments
//! (`... on User`) read as the SDK expects.

use async_graphql::{
    ComplexObject, Enum, ID, InputObject, InputValueError, InputValueResult, Scalar, ScalarType,
    SimpleObject, Value,
};
use users_domain::{AccountType, ApiKey, Member, PageSize, Timestamp, User};

use super::entity::Entity;
use super::{ErrorCode, coded};

/// W&B's `DateTime`: RFC 3339 in UTC on the way out; RFC 3339, or without an
/// offset (taken as UTC), on the way in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateTime(pub(crate) Timestamp);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => Timestamp::parse(text)
                .map(Self)
                .map_err(|error| InputValueError::custom(error.to_string())),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// W&B's `UserAccountType`.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "UserAccountType")]
pub(crate) enum UserAccountType {
    User,
    Service,
    Viewer,
    Anonymous,
}

impl From<AccountType> for UserAccountType {
    fn from(kind: AccountType) -> Self {
        match kind {
            AccountType::User => Self::User,
            AccountType::Service => Self::Service,
            AccountType::Viewer => Self::Viewer,
            AccountType::Anonymous => Self::Anonymous,
        }
    }
}

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
    account_type: Option<UserAccountType>,
    created_at: Option<DateTime>,
    logged_in_at: Option<DateTime>,
    deleted_at: Option<DateTime>,
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
            account_type: user.account_type.map(UserAccountType::from),
            created_at: user.created_at.map(DateTime),
            logged_in_at: user.logged_in_at.map(DateTime),
            deleted_at: user.deleted_at.map(DateTime),
            keys: user.api_keys,
            teams: user.teams.map(|teams| EntityConnection {
                edges: teams
                    .into_iter()
                    .map(|team| EntityEdge {
                        node: Some(Entity::named(team)),
                    })
                    .collect(),
            }),
        }
    }
}

impl From<&Member> for GqlUser {
    /// The user a team member is, with what a member listing tells of them
    /// (the rest unknown): what `createServiceAccount` and an invite's
    /// `toUser` answer.
    fn from(member: &Member) -> Self {
        Self {
            id: ID(member.id.to_string()),
            name: member.name.clone(),
            username: member.username.as_ref().map(ToString::to_string),
            email: member.email.as_ref().map(ToString::to_string),
            admin: None,
            flags: None,
            entity: None,
            account_type: member.account_type.map(UserAccountType::from),
            created_at: None,
            logged_in_at: None,
            deleted_at: None,
            keys: None,
            teams: None,
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

/// The teams a user is in: edges only, as in W&B's schema.
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
