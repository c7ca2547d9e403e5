//! The shapes of the users' and keys' answers.

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;
use users_domain::{
    AccountType, ApiKey, ApiKeyId, ApiKeyName, Email, TeamName, Timestamp, Unreadable, User,
    UserId, Username, without_quoted_text,
};

use super::{
    Connection, WirePageInfo, account_type_option, parsed, parsed_option, secret, secret_option,
    timestamp_option,
};
use crate::generate::tag::strip_tag;

/// `GetViewer`'s answer, read as the whole user or as [`ViewerKeys`].
#[derive(Deserialize)]
pub(crate) struct ViewerData<T> {
    pub(crate) viewer: Option<T>,
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

/// The `UserFragment` selection; `UserInfoFragment` is its first five fields,
/// so the others default to `None` ("not loaded") when absent, as do the
/// account type and the times, which only our `ListUsers` selects.
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
    #[serde(default, deserialize_with = "account_type_option")]
    account_type: Option<AccountType>,
    #[serde(default, deserialize_with = "timestamp_option")]
    created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp_option")]
    logged_in_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "timestamp_option")]
    deleted_at: Option<Timestamp>,
    #[serde(default)]
    api_keys: Option<Connection<WireApiKey>>,
    #[serde(default)]
    teams: Option<Connection<TeamNode>>,
}

impl WireUser {
    pub(crate) fn id(&self) -> &UserId {
        &self.id
    }

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

/// One of `User.teams`.
#[derive(Deserialize)]
struct TeamNode {
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
            account_type: wire.account_type,
            created_at: wire.created_at,
            logged_in_at: wire.logged_in_at,
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

/// The answer to `DeleteUser`, `UndeleteUser` or `UpdateUser`: each is
/// answered under its own field's name (the spec's documents do not alias it).
#[derive(Deserialize)]
pub(crate) struct LifecycleData {
    #[serde(rename = "deleteUser", alias = "undeleteUser", alias = "updateUser")]
    pub(crate) payload: Option<LifecyclePayload>,
}

#[derive(Deserialize)]
pub(crate) struct LifecyclePayload {
    pub(crate) user: Option<ChangedUser>,
}

/// The user as a lifecycle mutation left them: `deletedAt` or `admin`,
/// whichever the document selects.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ChangedUser {
    #[serde(deserialize_with = "parsed")]
    pub(crate) id: UserId,
    #[serde(default, deserialize_with = "timestamp_option")]
    pub(crate) deleted_at: Option<Timestamp>,
    #[serde(default)]
    pub(crate) admin: Option<bool>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn user(extra: Value) -> Result<User, String> {
        let mut user = json!({ "id": "VXNlcjox", "name": "Ada", "username": "ada" });
        if let (Value::Object(user), Value::Object(extra)) = (&mut user, extra) {
            user.extend(extra);
        }
        serde_path_to_error::deserialize::<_, WireUser>(user)
            .map(User::from)
            .map_err(|error| format!("{}: {}", error.path(), error.inner()))
    }

    #[test]
    fn account_type_and_times_are_read_where_selected() {
        let read = user(json!({
            "accountType": "SERVICE",
            "createdAt": "2024-01-02T03:04:05",
            "loggedInAt": null,
            "deletedAt": "2024-02-03T04:05:06Z",
            "teams": { "edges": [ { "node": { "name": "ml" } }, { "node": { "name": "cv" } } ] },
        }))
        .unwrap();

        assert_eq!(read.account_type, Some(AccountType::Service));
        assert_eq!(
            read.created_at.map(|at| at.to_string()).as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(read.logged_in_at, None);
        assert!(!read.is_active());
        let teams: Vec<&str> = read.teams.iter().flatten().map(TeamName::as_str).collect();
        assert_eq!(teams, ["ml", "cv"]);
    }

    #[test]
    fn without_those_fields_the_user_says_nothing_of_them() {
        let read = user(json!({})).unwrap();

        assert_eq!(read.account_type, None);
        assert_eq!(read.created_at, None);
        assert_eq!(read.deleted_at, None);
        assert_eq!(read.teams, None);
    }

    #[test]
    fn a_bad_time_or_account_type_fails_naming_the_field_not_the_value() {
        for (extra, path) in [
            (json!({ "createdAt": "last tuesday" }), "createdAt"),
            (json!({ "deletedAt": "2024-13-01T00:00:00Z" }), "deletedAt"),
            (json!({ "loggedInAt": 17 }), "loggedInAt"),
            (json!({ "accountType": "ROBOT" }), "accountType"),
        ] {
            let error = user(extra).unwrap_err();
            assert!(error.starts_with(path), "{error}");
            assert!(!error.contains("tuesday"), "{error}");
        }
    }

    #[test]
    fn each_lifecycle_answer_is_read_under_its_own_field() {
        for root in ["deleteUser", "undeleteUser", "updateUser"] {
            let answer =
                json!({ root: { "user": { "id": "VXNlcjox", "deletedAt": null, "admin": true } } });
            let data: LifecycleData = serde_json::from_value(answer).unwrap();
            let user = data.payload.unwrap().user.unwrap();
            assert_eq!(user.id.as_str(), "VXNlcjox");
            assert_eq!(user.admin, Some(true));
        }
    }
}
