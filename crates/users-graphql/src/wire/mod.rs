//! The operations this adapter sends, and the shapes of their answers.
//! Everything here is private to the adapter: domain values are parsed while
//! decoding, so a bad value fails with the path of the field it came from.
//!
//! The documents are in `src/operations/*.graphql`: the official SDK's
//! (0.31) verbatim, the lifecycle mutations as the spec writes them, and a
//! few of our own, each saying below why the SDK's would not do.

use std::fmt::Display;
use std::sync::OnceLock;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer, de::Error as _};
use serde_json::Value;
use users_domain::{AccountType, Timestamp};

mod team;
mod user;

pub(crate) use team::{
    CreatedTeam, EntityData, Invited, MemberKeys, NewServiceAccount, RoleChanged, WireTeam,
};
pub(crate) use user::{
    ChangedUser, CreatedUser, GeneratedKey, KeyDescription, KeysOfUser, LifecycleData, NewKey,
    UsersData, ViewerData, ViewerKeys, WireApiKey, WireUser,
};

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
    /// The key of the root field in `data`: the field itself, or `result`
    /// where the document aliases it so (as the SDK's mutations do).
    pub(crate) root: &'static str,
    pub(crate) document: &'static str,
    /// Mutations are never re-sent once they may have reached the server.
    pub(crate) mutation: bool,
    /// What a refusal of it means, for `PermissionDenied` messages.
    pub(crate) denied: &'static str,
}

impl Operation {
    const fn new(
        name: &'static str,
        field: &'static str,
        root: &'static str,
        document: &'static str,
        mutation: bool,
        denied: &'static str,
    ) -> Self {
        Self {
            body_head: OnceLock::new(),
            name,
            field,
            root,
            document,
            mutation,
            denied,
        }
    }

    const fn query(
        name: &'static str,
        field: &'static str,
        document: &'static str,
        denied: &'static str,
    ) -> Self {
        Self::new(name, field, field, document, false, denied)
    }

    /// A mutation whose document aliases its root field `result`.
    const fn aliased_mutation(
        name: &'static str,
        field: &'static str,
        document: &'static str,
        denied: &'static str,
    ) -> Self {
        Self::new(name, field, "result", document, true, denied)
    }

    /// A mutation answered under its root field's own name.
    const fn mutation(
        name: &'static str,
        field: &'static str,
        document: &'static str,
        denied: &'static str,
    ) -> Self {
        Self::new(name, field, field, document, true, denied)
    }
}

pub(crate) static GET_VIEWER: Operation = Operation::query(
    "GetViewer",
    "viewer",
    include_str!("../operations/GetViewer.graphql"),
    "the server would not show the caller's own user",
);
pub(crate) static SEARCH_USERS: Operation = Operation::query(
    "SearchUsers",
    "users",
    include_str!("../operations/SearchUsers.graphql"),
    "only instance admins may search users",
);
pub(crate) static CREATE_USER: Operation = Operation::aliased_mutation(
    "CreateUserFromAdmin",
    "createUser",
    include_str!("../operations/CreateUserFromAdmin.graphql"),
    "only instance admins may create users",
);
pub(crate) static GENERATE_API_KEY: Operation = Operation::aliased_mutation(
    "GenerateApiKey",
    "generateApiKey",
    include_str!("../operations/GenerateApiKey.graphql"),
    "the server would not let the caller make an api key",
);
/// Ours: the SDK never pages, and its `SearchUsers` selects neither the
/// account type nor when the user was made or last logged in.
pub(crate) static LIST_USERS: Operation = Operation::query(
    "ListUsers",
    "users",
    concat!(
        include_str!("../operations/ListUsers.graphql"),
        include_str!("../operations/fragments/ListedUser.graphql"),
        include_str!("../operations/fragments/ApiKeyPage.graphql")
    ),
    "only instance admins may list users",
);
/// Ours: the SDK has no read of one user by id (its `SearchUsers` matches
/// names, a walk of the listing costs a page per hundred users), and the
/// schema's `users(ids:)` is the exact read; it selects what `ListUsers`
/// does, so a user read either way is the same.
pub(crate) static USER_BY_ID: Operation = Operation::query(
    "UserById",
    "users",
    concat!(
        include_str!("../operations/UserById.graphql"),
        include_str!("../operations/fragments/ListedUser.graphql"),
        include_str!("../operations/fragments/ApiKeyPage.graphql")
    ),
    "only instance admins may look users up",
);
/// Ours: the rest of one user's keys, when the server paged them.
pub(crate) static USER_API_KEYS: Operation = Operation::query(
    "UserApiKeys",
    "users",
    concat!(
        include_str!("../operations/UserApiKeys.graphql"),
        include_str!("../operations/fragments/ApiKeyPage.graphql")
    ),
    "only instance admins may list other users' keys",
);
/// Ours: the caller's keys, page by page.
pub(crate) static VIEWER_API_KEYS: Operation = Operation::query(
    "ViewerApiKeys",
    "viewer",
    concat!(
        include_str!("../operations/ViewerApiKeys.graphql"),
        include_str!("../operations/fragments/ApiKeyPage.graphql")
    ),
    "the server would not list the caller's own keys",
);
pub(crate) static DELETE_API_KEY: Operation = Operation::aliased_mutation(
    "DeleteApiKey",
    "deleteApiKey",
    include_str!("../operations/DeleteApiKey.graphql"),
    "only the key's owner or an instance admin may delete it",
);

// The lifecycle mutations, as the spec writes them (no SDK method sends them).
pub(crate) static DELETE_USER: Operation = Operation::mutation(
    "DeleteUser",
    "deleteUser",
    include_str!("../operations/DeleteUser.graphql"),
    "only instance admins may deactivate users",
);
pub(crate) static UNDELETE_USER: Operation = Operation::mutation(
    "UndeleteUser",
    "undeleteUser",
    include_str!("../operations/UndeleteUser.graphql"),
    "only instance admins may reactivate users",
);
pub(crate) static UPDATE_USER: Operation = Operation::mutation(
    "UpdateUser",
    "updateUser",
    include_str!("../operations/UpdateUser.graphql"),
    "only instance admins may make or unmake instance admins",
);

/// Ours, where the SDK reads `GetTeamEntity` (kept verbatim beside it, for
/// the emulator's tests): that document selects each member's `apiKey`,
/// which a server may fill with a secret, on every read of a team, and not
/// the member's `role`, without which a viewer or a custom role reads as a
/// plain member. Only [`TEAM_MEMBER_KEYS`] asks for keys.
pub(crate) static TEAM_MEMBERS: Operation = Operation::query(
    "TeamMembers",
    "entity",
    include_str!("../operations/TeamMembers.graphql"),
    "the server would not show this team",
);
/// Ours: the members' ids and `apiKey`s (and whether the entity is a team)
/// and nothing else, for
/// `service_account_secret` alone, so that no other read carries a secret.
pub(crate) static TEAM_MEMBER_KEYS: Operation = Operation::query(
    "TeamMemberKeys",
    "entity",
    include_str!("../operations/TeamMemberKeys.graphql"),
    "the server would not show this team's members' keys",
);
pub(crate) static CREATE_TEAM: Operation = Operation::aliased_mutation(
    "CreateTeam",
    "createTeam",
    include_str!("../operations/CreateTeam.graphql"),
    "the server would not let the caller create a team",
);
pub(crate) static CREATE_INVITE: Operation = Operation::aliased_mutation(
    "CreateInvite",
    "createInvite",
    include_str!("../operations/CreateInvite.graphql"),
    "only instance admins and the team's admins may add members",
);
pub(crate) static DELETE_INVITE: Operation = Operation::aliased_mutation(
    "DeleteInvite",
    "deleteInvite",
    include_str!("../operations/DeleteInvite.graphql"),
    "only instance admins and the team's admins may remove members",
);
/// Ours: the SDK has no way to change a member's role; the schema's
/// `updateMember` does.
pub(crate) static UPDATE_MEMBER: Operation = Operation::aliased_mutation(
    "UpdateMember",
    "updateMember",
    include_str!("../operations/UpdateMember.graphql"),
    "only instance admins and the team's admins may change members' roles",
);
pub(crate) static CREATE_SERVICE_ACCOUNT: Operation = Operation::aliased_mutation(
    "CreateServiceAccount",
    "createServiceAccount",
    include_str!("../operations/CreateServiceAccount.graphql"),
    "only instance admins and the team's admins may create service accounts",
);

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

/// A mutation's answer: the SDK's documents alias each root field `result`.
#[derive(Deserialize)]
pub(crate) struct MutationData<T> {
    pub(crate) result: Option<T>,
}

/// `deleteApiKey`'s and `deleteInvite`'s answer.
#[derive(Deserialize)]
pub(crate) struct Deleted {
    pub(crate) success: Option<bool>,
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

/// A `DateTime` the server may leave null.
fn timestamp_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Timestamp>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| Timestamp::parse(&text).map_err(D::Error::custom))
        .transpose()
}

/// A `UserAccountType` the server may leave null; one this client does not
/// know fails, rather than being taken for a person.
fn account_type_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<AccountType>, D::Error> {
    Option::<String>::deserialize(deserializer)?
        .map(|text| AccountType::parse(&text).map_err(D::Error::custom))
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
