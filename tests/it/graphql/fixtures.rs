//! What the team and lifecycle tests of the adapter share: the documents it
//! sends (the very files), the request every operation must be, and teams
//! as the server answers them.

use serde_json::{Value, json};
use users_domain::{Invitee, MemberId, TeamName};
use users_graphql::DEFAULT_USER_AGENT;
use wiremock::{Request, ResponseTemplate};

use crate::support::basic;
use crate::support::mock::{KEY, body_of, data, header_of};

macro_rules! operation_document {
    ($name:ident, $file:literal) => {
        pub(crate) const $name: &str = include_str!(concat!(
            "../../../crates/users-graphql/src/operations/",
            $file
        ));
    };
}

// The SDK 0.31's team documents, verbatim.
operation_document!(SDK_GET_TEAM_ENTITY, "GetTeamEntity.graphql");
operation_document!(SDK_CREATE_TEAM, "CreateTeam.graphql");
operation_document!(SDK_CREATE_INVITE, "CreateInvite.graphql");
operation_document!(SDK_DELETE_INVITE, "DeleteInvite.graphql");
operation_document!(SDK_CREATE_SERVICE_ACCOUNT, "CreateServiceAccount.graphql");
// The lifecycle mutations, as the spec writes them.
operation_document!(DELETE_USER, "DeleteUser.graphql");
operation_document!(UNDELETE_USER, "UndeleteUser.graphql");
operation_document!(UPDATE_USER, "UpdateUser.graphql");
// Ours.
operation_document!(TEAM_MEMBERS, "TeamMembers.graphql");
operation_document!(TEAM_MEMBER_KEYS, "TeamMemberKeys.graphql");
operation_document!(UPDATE_MEMBER, "UpdateMember.graphql");
operation_document!(LIST_USERS, "ListUsers.graphql");
operation_document!(USER_BY_ID, "UserById.graphql");
// The fragments ours share.
operation_document!(LISTED_USER, "fragments/ListedUser.graphql");
operation_document!(API_KEY_PAGE, "fragments/ApiKeyPage.graphql");

/// Method, path, headers and the whole body, as the SDK sends them: the
/// document is the file's text, byte for byte.
#[track_caller]
pub(crate) fn assert_request(
    request: &Request,
    operation: &str,
    document: &str,
    variables: &Value,
) {
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/graphql");
    assert_eq!(
        header_of(request, "authorization"),
        Some(basic(KEY).as_str())
    );
    assert_eq!(header_of(request, "use-admin-privileges"), Some("true"));
    assert_eq!(header_of(request, "user-agent"), Some(DEFAULT_USER_AGENT));
    assert!(
        header_of(request, "content-type").is_some_and(|kind| kind.starts_with("application/json"))
    );
    assert!(header_of(request, "accept-encoding").is_some_and(|codings| codings.contains("gzip")));
    let expected = json!({ "query": document, "variables": variables, "operationName": operation });
    assert_eq!(body_of(request), expected);
}

/// The requests for operation `name`, in the order they came.
pub(crate) fn requests_for<'r>(requests: &'r [Request], name: &str) -> Vec<&'r Request> {
    requests
        .iter()
        .filter(|request| body_of(request)["operationName"] == name)
        .collect()
}

/// `ml`, the team the tests change.
pub(crate) fn ml() -> TeamName {
    TeamName::parse("ml").unwrap()
}

pub(crate) fn invitee(text: &str) -> Invitee {
    Invitee::parse(text).unwrap()
}

pub(crate) fn member_id(text: &str) -> MemberId {
    MemberId::parse(text).unwrap()
}

/// A member as `TeamMembers` selects them.
pub(crate) fn member(id: &str, username: &str, role: &str, account_type: &str) -> Value {
    json!({
        "id": id,
        "admin": role == "admin",
        "role": role,
        "pending": false,
        "email": format!("{username}@example.com"),
        "username": username,
        "name": username,
        "accountType": account_type,
    })
}

/// Ada, who made team ml and is its admin.
pub(crate) fn ada_member() -> Value {
    member("VXNlcjox", "ada", "admin", "USER")
}

/// `TeamMembers`' answer: team ml with `members`.
pub(crate) fn team_ml(members: &[Value]) -> ResponseTemplate {
    data(json!({ "entity": {
        "id": "RW50aXR5OjE=", "name": "ml", "isTeam": true, "members": members,
    } }))
}

/// An `entity(name)` query's answer for a name nobody has.
pub(crate) fn no_entity() -> ResponseTemplate {
    data(json!({ "entity": null }))
}

/// `CreateInvite`'s answer, as the SDK's document selects it.
pub(crate) fn invited() -> ResponseTemplate {
    data(json!({ "result": { "invite": {
        "id": "SW52aXRlOjc=", "name": "bob", "email": "bob@example.com",
        "createdAt": "2024-01-02T03:04:05", "toUser": { "name": "Bob" },
    } } }))
}

/// `CreateServiceAccount`'s answer: the new account is user `id`.
pub(crate) fn service_account_made(id: &str) -> ResponseTemplate {
    data(json!({ "result": { "user": { "id": id } } }))
}

/// `CreateTeam`'s answer, as the SDK's document selects it.
pub(crate) fn team_made() -> ResponseTemplate {
    data(json!({ "result": { "entity": {
        "id": "RW50aXR5OjE=", "name": "ml", "available": false, "photoUrl": null,
        "limits": "{}",
    } } }))
}

/// `DeleteInvite`'s (or `DeleteApiKey`'s) answer.
pub(crate) fn success(success: bool) -> ResponseTemplate {
    data(json!({ "result": { "success": success } }))
}

/// `UpdateMember`'s answer.
pub(crate) fn role_changed(id: &str, role: &str) -> ResponseTemplate {
    data(json!({ "result": { "member": { "id": id, "role": role } } }))
}

/// A lifecycle mutation's answer under its own `field`: the user as left.
pub(crate) fn user_changed(field: &str, user: &Value) -> ResponseTemplate {
    let mut answer = serde_json::Map::new();
    answer.insert(field.to_owned(), json!({ "user": user }));
    data(Value::Object(answer))
}

/// A 200 answer with one GraphQL error carrying `extensions.code`.
pub(crate) fn coded(message: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": null,
        "errors": [{ "message": message, "path": ["result"], "extensions": { "code": code } }],
    }))
}
