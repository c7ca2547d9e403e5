//! The five operations as the official SDK sends them, and the shapes of their
//! answers. Everything here is private to the adapter: domain values are parsed
//! while decoding, so a bad value fails with the path of the field it came from.

use std::fmt::Display;
use std::sync::OnceLock;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, de::Error as _};
use serde_json::Value;
use users_domain::{
    ApiKey, ApiKeyId, ApiKeyName, Email, TeamName, Unreadable, User, UserId, Username,
    without_quoted_text,
};

use crate::generate::tag::strip_tag;

/// One GraphQL operation: its document and what to call it in messages.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The request body up to its variables, serialized once: every call
    /// of the operation sends the same document.
    body_head: OnceLock<Box<[u8]>>,
    /// The `operationName` sent with the document.
    pub(crate) name: &'static str,
    /// The root field, as errors name it (`generateApiKey`).
    pub(crate) field: &'static str,
    pub(crate) document: &'static str,
    /// Mutations are never re-sent once they may have reached the server.
    pub(crate) mutation: bool,
    /// What a refusal of it means, for `PermissionDenied` messages.
    pub(crate) denied: &'static str,
}

pub(crate) static GET_VIEWER: Operation = Operation {
    body_head: OnceLock::new(),
    name: "GetViewer",
    field: "viewer",
    document: include_str!("operations/GetViewer.graphql"),
    mutation: false,
    denied: "the server would not show the caller's own user",
};
pub(crate) static SEARCH_USERS: Operation = Operation {
    body_head: OnceLock::new(),
    name: "SearchUsers",
    field: "users",
    document: include_str!("operations/SearchUsers.graphql"),
    mutation: false,
    denied: "only instance admins may search users",
};
pub(crate) static CREATE_USER: Operation = Operation {
    body_head: OnceLock::new(),
    name: "CreateUserFromAdmin",
    field: "createUser",
    document: include_str!("operations/CreateUserFromAdmin.graphql"),
    mutation: true,
    denied: "only instance admins may create users",
};
pub(crate) static GENERATE_API_KEY: Operation = Operation {
    body_head: OnceLock::new(),
    name: "GenerateApiKey",
    field: "generateApiKey",
    document: include_str!("operations/GenerateApiKey.graphql"),
    mutation: true,
    denied: "the server would not let the caller make an api key",
};
pub(crate) static LIST_USERS: Operation = Operation {
    body_head: OnceLock::new(),
    name: "ListUsers",
    field: "users",
    document: concat!(
        include_str!("operations/ListUsers.graphql"),
        include_str!("operations/fragments/ApiKeyPage.graphql")
    ),
    mutation: false,
    denied: "only instance admins may list users",
};
pub(crate) static USER_API_KEYS: Operation = Operation {
    body_head: OnceLock::new(),
    name: "UserApiKeys",
    field: "users",
    document: concat!(
        include_str!("operations/UserApiKeys.graphql"),
        include_str!("operations/fragments/ApiKeyPage.graphql")
    ),
    mutation: false,
    denied: "only instance admins may list other users' keys",
};
pub(crate) static VIEWER_API_KEYS: Operation = Operation {
    body_head: OnceLock::new(),
    name: "ViewerApiKeys",
    field: "viewer",
    document: concat!(
        include_str!("operations/ViewerApiKeys.graphql"),
        include_str!("operations/fragments/ApiKeyPage.graphql")
    ),
    mutation: false,
    denied: "the server would not list the caller's own keys",
};
pub(crate) static DELETE_API_KEY: Operation = Operation {
    body_head: OnceLock::new(),
    name: "DeleteApiKey",
    field: "deleteApiKey",
    document: include_str!("operations/DeleteApiKey.graphql"),
    mutation: true,
    denied: "only the key's owner or an instance admin may delete it",
};

impl Operation {
    /// The request body: `{"query", "operationName", "variables"}`, the first
    /// two written once for the life of the process.
    pub(crate) fn body(&self, variables: &Value) -> Vec<u8> {
        let head = self.body_head.get_or_init(|| {
            let text = format!(
                "{{\"query\":{},\"operationName\":{},\"variables\":",
                Value::from(self.document),
                Value::from(self.name),
            );
            text.into_bytes().into_boxed_slice()
        });
        let mut body = Vec::with_capacity(head.len() + 64);
        body.extend_from_slice(head);
        // A `Value` always serializes.
        if serde_json::to_writer(&mut body, variables).is_err() {
            body.extend_from_slice(b"{}");
        }
        body.push(b'}');
        body
    }
}

/// `GetViewer`'s answer, read as the whole user or as [`ViewerKeys`].
#[derive(Deserialize)]
pub(crate) struct ViewerData<T> {
    pub(crate) viewer: Option<T>,
}

/// A mutation's answer: the SDK's documents alias each root field `result`.
#[derive(Deserialize)]
pub(crate) struct MutationData<T> {
    pub(crate) result: Option<T>,
}

#[derive(Deserialize)]
pub(crate) struct UsersData {
    /// Each node is decoded on its own: see [`UsersData::into_users`].
    users: Option<Connection<Value>>,
}

/// One listed node: its edge's cursor and the user, read.
pub(crate) type ListedRow = (Option<String>, WireUser);

impl UsersData {
    /// The users listed; no connection at all means none, as the SDK reads it.
    ///
    /// A user this client cannot read (a null username, an email or a team
    /// name the domain's rules reject) is left out with a warning that names
    /// its place in the list, its id and the failing field path, never a
    /// value: one odd user must not hide every other. (`search_users` returns
    /// a plain list, as the SDK's call does, so the warning is the only trace
    /// of it; `list_users` reports each in its page.) The viewer is
    /// different: an unreadable viewer stays a `Protocol` error.
    pub(crate) fn into_users(self) -> Vec<User> {
        let (rows, unreadable, _) = self.into_rows();
        for Unreadable { id, reason } in &unreadable {
            let id = id.as_deref().unwrap_or("(unreadable)");
            tracing::warn!(%id, field = %reason, "left out a user this client cannot read");
        }
        rows.into_iter().map(|(_, user)| User::from(user)).collect()
    }

    /// The rows that could be read, those that could not, and the page's info.
    pub(crate) fn into_rows(self) -> (Vec<ListedRow>, Vec<Unreadable>, Option<WirePageInfo>) {
        let Some(users) = self.users else {
            return (Vec::new(), Vec::new(), None);
        };
        let mut rows = Vec::with_capacity(users.edges.len());
        let mut unreadable = Vec::new();
        for (index, edge) in users.edges.into_iter().enumerate() {
            // A null node is a user the server could not resolve (an error
            // below the root says why): reported, never left out silently.
            let Some(node) = edge.node else {
                unreadable.push(Unreadable {
                    id: None,
                    reason: format!(
                        "data.users.edges[{index}].node: null (the server could not resolve this user)"
                    ),
                });
                continue;
            };
            // Only the id is kept aside for the report: the node is decoded
            // by value, its strings moved rather than copied.
            let raw_id = node.get("id").cloned();
            match serde_path_to_error::deserialize::<_, WireUser>(node) {
                Ok(user) => rows.push((edge.cursor, user)),
                Err(error) => {
                    let id = raw_id
                        .as_ref()
                        .and_then(Value::as_str)
                        .and_then(|id| UserId::parse(id).ok())
                        .map(|id| id.to_string());
                    let field = match error.path().to_string().as_str() {
                        "." => format!("data.users.edges[{index}].node"),
                        path => format!("data.users.edges[{index}].node.{path}"),
                    };
                    let rule = without_quoted_text(&error.inner().to_string());
                    unreadable.push(Unreadable {
                        id,
                        reason: format!("{field}: {rule}"),
                    });
                }
            }
        }
        (rows, unreadable, users.page_info)
    }
}

#[derive(Deserialize)]
pub(crate) struct CreatedUser {
    pub(crate) user: Option<WireUser>,
}

#[derive(Deserialize)]
pub(crate) struct GeneratedKey {
    #[serde(rename = "apiKey")]
    pub(crate) api_key: Option<NewKey>,
}

/// The key `generateApiKey` returns: its `name` may be the secret, so it is
/// held as one from the moment it is decoded.
#[derive(Deserialize)]
pub(crate) struct NewKey {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: ApiKeyId,
    #[serde(deserialize_with = "secret")]
    pub(crate) name: SecretString,
    pub(crate) description: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Deleted {
    pub(crate) success: Option<bool>,
}

/// Only the viewer's key ids, names and raw descriptions: to find an orphaned
/// key, and to name a new one.
#[derive(Deserialize)]
pub(crate) struct ViewerKeys {
    #[serde(rename = "apiKeys")]
    pub(crate) api_keys: Option<Connection<KeyDescription>>,
}

#[derive(Deserialize)]
pub(crate) struct KeyDescription {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: ApiKeyId,
    /// Held as a secret: a legacy server lists the secret as the name.
    #[serde(default, deserialize_with = "secret_option")]
    pub(crate) name: Option<SecretString>,
    pub(crate) description: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct Connection<T> {
    pub(crate) edges: Vec<Edge<T>>,
    /// Absent from the SDK's documents, and from servers that do not page:
    /// then the edges are the whole list.
    #[serde(default, rename = "pageInfo")]
    pub(crate) page_info: Option<WirePageInfo>,
}

#[derive(Deserialize)]
pub(crate) struct Edge<T> {
    pub(crate) node: Option<T>,
    #[serde(default)]
    pub(crate) cursor: Option<String>,
}

/// Relay's `PageInfo`; a field left out reads as "no".
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WirePageInfo {
    #[serde(default)]
    pub(crate) start_cursor: Option<String>,
    #[serde(default)]
    pub(crate) end_cursor: Option<String>,
    #[serde(default)]
    pub(crate) has_next_page: bool,
    #[serde(default)]
    pub(crate) has_previous_page: bool,
}

impl<T> Connection<T> {
    /// The nodes; a null node (one the server could not resolve, with an
    /// error of its own) is left out.
    pub(crate) fn into_nodes(self) -> impl Iterator<Item = T> {
        self.edges.into_iter().filter_map(|edge| edge.node)
    }

    /// Where the list continues, when the server says it does.
    pub(crate) fn continues_after(&self) -> Option<&str> {
        self.page_info
            .as_ref()
            .filter(|info| info.has_next_page)
            .and_then(|info| info.end_cursor.as_deref())
    }

    /// Whether the server says more follows (with or without a cursor).
    pub(crate) fn has_more(&self) -> bool {
        self.page_info
            .as_ref()
            .is_some_and(|info| info.has_next_page)
    }
}

/// The `UserFragment` selection; `UserInfoFragment` is its first five fields,
/// so the others default to `None` ("not loaded") when absent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireUser {
    #[serde(deserialize_with = "parsed")]
    id: UserId,
    name: String,
    #[serde(deserialize_with = "parsed")]
    username: Username,
    #[serde(default, deserialize_with = "parsed_option")]
    email: Option<Email>,
    /// `null` (which the SDK's types allow) is read as "not an admin".
    #[serde(default)]
    admin: Option<bool>,
    #[serde(default)]
    flags: Option<String>,
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    deleted_at: Option<String>,
    #[serde(default)]
    api_keys: Option<Connection<WireApiKey>>,
    #[serde(default)]
    teams: Option<Connection<WireTeam>>,
}

impl WireUser {
    /// Where the user's key list continues, when the server paged it.
    pub(crate) fn keys_continue_after(&self) -> Option<String> {
        self.api_keys
            .as_ref()
            .and_then(Connection::continues_after)
            .map(str::to_owned)
    }

    /// Whether the server says the user's key list goes on.
    pub(crate) fn keys_have_more(&self) -> bool {
        self.api_keys.as_ref().is_some_and(Connection::has_more)
    }
}

/// One page of a user's keys (`UserApiKeys`).
#[derive(Deserialize)]
pub(crate) struct KeysOfUser {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: UserId,
    #[serde(rename = "apiKeys")]
    pub(crate) api_keys: Option<Connection<WireApiKey>>,
}

impl WireApiKey {
    pub(crate) fn into_api_key(self) -> ApiKey {
        ApiKey {
            id: self.id,
            name: self.name,
            description: self.description.as_deref().and_then(strip_tag),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct WireApiKey {
    #[serde(deserialize_with = "parsed")]
    id: ApiKeyId,
    #[serde(deserialize_with = "parsed")]
    name: ApiKeyName,
    description: Option<String>,
}

#[derive(Deserialize)]
struct WireTeam {
    #[serde(deserialize_with = "parsed")]
    name: TeamName,
}

impl From<WireUser> for User {
    fn from(wire: WireUser) -> Self {
        Self {
            id: wire.id,
            name: wire.name,
            username: wire.username,
            email: wire.email,
            admin: wire.admin.unwrap_or(false),
            flags: wire.flags,
            entity: wire.entity,
            deleted_at: wire.deleted_at,
            api_keys: wire
                .api_keys
                .map(|keys| keys.into_nodes().map(WireApiKey::into_api_key).collect()),
            teams: wire
                .teams
                .map(|teams| teams.into_nodes().map(|team| team.name).collect()),
        }
    }
}

/// Decodes a string and parses it into a domain value; the value's own parse
/// error (which never quotes a secret) becomes the decode error.
fn parsed<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<String>,
    T::Error: Display,
{
    let text = String::deserialize(deserializer)?;
    T::try_from(text).map_err(D::Error::custom)
}

fn parsed_option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<String>,
    T::Error: Display,
{
    Option::<String>::deserialize(deserializer)?
        .map(|text| T::try_from(text).map_err(D::Error::custom))
        .transpose()
}

fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
    String::deserialize(deserializer).map(SecretString::from)
}

fn secret_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|name| name.map(SecretString::from))
}
