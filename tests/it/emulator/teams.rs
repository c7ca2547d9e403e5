//! Teams over HTTP, as the SDK's `Team` and `Member` call them: the SDK's
//! documents verbatim (the copies the GraphQL adapter sends), their answers
//! and their failures.

use serde_json::{Value, json};
use users_emulator::RunningEmulator;

use crate::support::emulator::{
    ADMIN_KEY, BOB_KEY, call, decoded_id, first_error, query, search_users, start,
};

pub(crate) const GET_TEAM_ENTITY: &str =
    include_str!("../../../crates/users-graphql/src/operations/GetTeamEntity.graphql");
pub(crate) const CREATE_TEAM: &str =
    include_str!("../../../crates/users-graphql/src/operations/CreateTeam.graphql");
pub(crate) const CREATE_INVITE: &str =
    include_str!("../../../crates/users-graphql/src/operations/CreateInvite.graphql");
pub(crate) const DELETE_INVITE: &str =
    include_str!("../../../crates/users-graphql/src/operations/DeleteInvite.graphql");
pub(crate) const CREATE_SERVICE_ACCOUNT: &str =
    include_str!("../../../crates/users-graphql/src/operations/CreateServiceAccount.graphql");
const UPDATE_MEMBER: &str =
    "mutation UpdateMember($entityName: String!, $user: ID!, $role: String, $admin: Boolean) {
  result: updateMember(input: {entityName: $entityName, user: $user, role: $role, admin: $admin}) {
    member { id admin role name username }
  }
}";

/// Every field of `entity` the SDK's `GetTeamEntity` model rejects as `null`.
const REQUIRED_ENTITY_FIELDS: [&str; 8] = [
    "id",
    "name",
    "readOnlyAdmin",
    "isTeam",
    "privateOnly",
    "storageBytes",
    "codeSavingEnabled",
    "defaultAccess",
];

/// `GetTeamEntity` of `name` as the holder of `key`: its status and `entity`.
pub(crate) async fn team(emulator: &RunningEmulator, key: &str, name: &str) -> (u16, Value) {
    let (status, body) = call(
        emulator,
        Some(key),
        GET_TEAM_ENTITY,
        json!({ "name": name }),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
    (status, body["data"]["entity"].clone())
}

/// The members' usernames, in the team's order.
pub(crate) fn usernames(entity: &Value) -> Vec<String> {
    entity["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member["username"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The member named `username` in `entity`.
fn member<'a>(entity: &'a Value, username: &str) -> &'a Value {
    entity["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["username"] == username)
        .unwrap_or_else(|| panic!("no member {username} in {entity}"))
}

pub(crate) async fn create_team(
    emulator: &RunningEmulator,
    key: &str,
    name: &str,
    admin: Option<&str>,
) -> (u16, Value) {
    let variables = json!({ "teamName": name, "teamAdminUserName": admin });
    call(emulator, Some(key), CREATE_TEAM, variables).await
}

pub(crate) async fn invite(
    emulator: &RunningEmulator,
    key: &str,
    team: &str,
    who: &str,
    admin: bool,
) -> (u16, Value) {
    // The SDK's rule: a value with an `@` is an email.
    let field = if who.contains('@') {
        "email"
    } else {
        "username"
    };
    let mut variables = json!({ "entity": team, "admin": admin });
    variables[field] = json!(who);
    call(emulator, Some(key), CREATE_INVITE, variables).await
}

async fn delete_invite(emulator: &RunningEmulator, id: &Value, team: &str) -> (u16, Value) {
    let variables = json!({ "id": id, "entity": team });
    call(emulator, Some(ADMIN_KEY), DELETE_INVITE, variables).await
}

async fn update_member(
    emulator: &RunningEmulator,
    team: &str,
    user: &Value,
    role: Value,
    admin: Value,
) -> (u16, Value) {
    let variables = json!({ "entityName": team, "user": user, "role": role, "admin": admin });
    call(emulator, Some(ADMIN_KEY), UPDATE_MEMBER, variables).await
}

/// A new team `ops` made by the admin, who is its first member.
async fn with_ops() -> RunningEmulator {
    let emulator = start().await;
    let (status, body) = create_team(&emulator, ADMIN_KEY, "ops", None).await;
    assert_eq!(status, 200, "{body}");
    emulator
}

/// Bob's user id, as his team memberships list it.
async fn bob_id(emulator: &RunningEmulator) -> Value {
    let (_, body) = search_users(emulator, ADMIN_KEY, json!({ "query": "bob" })).await;
    body["data"]["users"]["edges"][0]["node"]["id"].clone()
}

#[tokio::test]
async fn a_seeded_team_answers_every_field_the_sdk_requires_and_no_secret() {
    let emulator = start().await;

    let (status, entity) = team(&emulator, ADMIN_KEY, "ml").await;

    assert_eq!(status, 200);
    for field in REQUIRED_ENTITY_FIELDS {
        assert!(!entity[field].is_null(), "{field} is null in {entity}");
    }
    assert_eq!(entity["name"], "ml");
    assert_eq!(entity["isTeam"], true);
    let members = entity["members"].as_array().unwrap();
    assert!(usernames(&entity).contains(&"bob".to_owned()), "{entity}");
    for member in members {
        assert!(member["name"].is_string(), "{member}");
        assert!(member["apiKey"].is_null(), "{member}");
        assert!(member["id"].is_string(), "{member}");
    }
}

#[tokio::test]
async fn an_unknown_team_or_a_username_is_a_null_entity_not_an_error() {
    let emulator = start().await;

    for name in ["no-such-team", "bob", "not a name"] {
        let (status, entity) = team(&emulator, ADMIN_KEY, name).await;

        assert_eq!(status, 200, "{name}");
        assert!(entity.is_null(), "{name}: {entity}");
    }
}

#[tokio::test]
async fn create_team_answers_the_entity_and_makes_the_caller_its_admin() {
    let emulator = start().await;

    let (status, body) = create_team(&emulator, ADMIN_KEY, "ops", None).await;

    assert_eq!(status, 200, "{body}");
    let created = &body["data"]["result"]["entity"];
    assert_eq!(created["name"], "ops");
    assert!(created["id"].is_string(), "{created}");
    assert_eq!(created["available"], false);
    let (_, entity) = team(&emulator, ADMIN_KEY, "ops").await;
    assert_eq!(entity["id"], created["id"]);
    assert_eq!(usernames(&entity), ["admin"]);
    assert_eq!(member(&entity, "admin")["admin"], true);
    assert_eq!(member(&entity, "admin")["accountType"], "USER");
}

#[tokio::test]
async fn create_team_makes_the_named_user_its_admin() {
    let emulator = start().await;

    let (status, body) = create_team(&emulator, ADMIN_KEY, "ops", Some("bob")).await;

    assert_eq!(status, 200, "{body}");
    let (_, entity) = team(&emulator, ADMIN_KEY, "ops").await;
    assert_eq!(usernames(&entity), ["bob"]);
    assert_eq!(member(&entity, "bob")["admin"], true);
}

#[tokio::test]
async fn a_team_name_taken_by_a_team_or_a_user_is_409() {
    let emulator = start().await;

    for name in ["ml", "bob"] {
        let (status, body) = create_team(&emulator, ADMIN_KEY, name, None).await;

        assert_eq!(status, 409, "{name}: {body}");
        let (message, code) = first_error(&body);
        assert_eq!(code, "ALREADY_EXISTS");
        assert!(message.contains("already exists"), "{message}");
    }
}

#[tokio::test]
async fn create_team_with_an_unknown_admin_is_404_and_a_bad_name_400() {
    let emulator = start().await;

    let (unknown, unknown_body) = create_team(&emulator, ADMIN_KEY, "ops", Some("nobody")).await;
    let (bad, bad_body) = create_team(&emulator, ADMIN_KEY, "two words", None).await;

    assert_eq!(unknown, 404, "{unknown_body}");
    assert_eq!(first_error(&unknown_body).1, "NOT_FOUND");
    assert_eq!(bad, 400, "{bad_body}");
    assert_eq!(
        first_error(&bad_body),
        (
            "invalid teamName: team name contains white space or a control character",
            "INVALID_INPUT"
        )
    );
    assert!(team(&emulator, ADMIN_KEY, "ops").await.1.is_null());
}

#[tokio::test]
async fn an_invite_by_username_or_email_adds_the_member_at_once() {
    let emulator = with_ops().await;
    emulator_has_user(&emulator, "ada@example.com").await;

    let (by_name, name_body) = invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;
    let (by_email, email_body) = invite(&emulator, ADMIN_KEY, "ops", "ADA@example.com", true).await;

    assert_eq!(by_name, 200, "{name_body}");
    assert_eq!(by_email, 200, "{email_body}");
    let bob_invite = &name_body["data"]["result"]["invite"];
    assert_eq!(bob_invite["id"], bob_id(&emulator).await);
    assert_eq!(bob_invite["email"], "bob@example.com");
    assert!(bob_invite["createdAt"].is_string(), "{bob_invite}");
    assert!(bob_invite["toUser"]["name"].is_string(), "{bob_invite}");
    let (_, entity) = team(&emulator, ADMIN_KEY, "ops").await;
    assert_eq!(usernames(&entity), ["admin", "bob", "ada"]);
    assert_eq!(member(&entity, "bob")["admin"], false);
    assert_eq!(member(&entity, "bob")["pending"], false);
    assert_eq!(member(&entity, "ada")["admin"], true);
}

async fn emulator_has_user(emulator: &RunningEmulator, email: &str) {
    let (status, body) =
        crate::support::emulator::create_user(emulator, ADMIN_KEY, json!({ "email": email })).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_repeat_invite_is_409_and_nobody_404() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;

    let (again, again_body) = invite(&emulator, ADMIN_KEY, "ops", "bob@example.com", false).await;
    let (nobody, nobody_body) = invite(&emulator, ADMIN_KEY, "ops", "nobody", false).await;
    let (no_team, no_team_body) = invite(&emulator, ADMIN_KEY, "no-such-team", "bob", false).await;

    assert_eq!(again, 409, "{again_body}");
    assert!(
        first_error(&again_body).0.contains("already exists"),
        "{again_body}"
    );
    assert_eq!(nobody, 404, "{nobody_body}");
    assert!(
        first_error(&nobody_body).0.contains("not found"),
        "{nobody_body}"
    );
    assert_eq!(no_team, 404, "{no_team_body}");
    assert_eq!(first_error(&no_team_body).1, "NOT_FOUND");
}

#[tokio::test]
async fn an_invite_names_exactly_one_of_email_and_username() {
    let emulator = with_ops().await;

    for variables in [
        json!({ "entity": "ops" }),
        json!({ "entity": "ops", "email": "bob@example.com", "username": "bob" }),
    ] {
        let (status, body) = call(&emulator, Some(ADMIN_KEY), CREATE_INVITE, variables).await;

        assert_eq!(status, 400, "{body}");
        assert_eq!(
            first_error(&body),
            (
                "give the invitee's email or username, exactly one of them",
                "INVALID_INPUT"
            )
        );
    }
}

#[tokio::test]
async fn someone_who_does_not_manage_the_team_may_not_invite_to_it() {
    let emulator = with_ops().await;

    let (status, body) = invite(&emulator, BOB_KEY, "ops", "bob", false).await;

    assert_eq!(status, 403, "{body}");
    assert_eq!(first_error(&body).1, "PERMISSION_DENIED");
    assert_eq!(
        usernames(&team(&emulator, ADMIN_KEY, "ops").await.1),
        ["admin"]
    );
}

#[tokio::test]
async fn a_service_account_is_listed_last_as_service_with_no_key_shown() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;
    let variables = json!({ "entity": "ops", "description": "CI bot" });

    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        CREATE_SERVICE_ACCOUNT,
        variables,
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let id = &body["data"]["result"]["user"]["id"];
    assert!(decoded_id(id).starts_with("User:"), "{body}");
    let (_, entity) = team(&emulator, ADMIN_KEY, "ops").await;
    let members = entity["members"].as_array().unwrap();
    let last = members.last().unwrap();
    assert_eq!(members.len(), 3, "{entity}");
    assert_eq!(&last["id"], id);
    assert_eq!(last["accountType"], "SERVICE");
    assert_eq!(last["name"], "CI bot");
    assert!(last["apiKey"].is_null(), "{last}");
    let (_, listed) = query(
        &emulator,
        ADMIN_KEY,
        &format!(
            "{{ users(query: {}) {{ edges {{ node {{ id accountType teams {{ edges {{ node {{ name }} }} }} }} }} }} }}",
            json!(last["username"].as_str().unwrap())
        ),
    )
    .await;
    let node = &listed["data"]["users"]["edges"][0]["node"];
    assert_eq!(&node["id"], id, "{listed}");
    assert_eq!(node["accountType"], "SERVICE");
    assert_eq!(node["teams"]["edges"][0]["node"]["name"], "ops");
}

#[tokio::test]
async fn a_service_account_needs_a_team_and_a_description() {
    let emulator = with_ops().await;

    let (no_team, no_team_body) = call(
        &emulator,
        Some(ADMIN_KEY),
        CREATE_SERVICE_ACCOUNT,
        json!({ "entity": "no-such-team", "description": "CI bot" }),
    )
    .await;
    let (blank, blank_body) = call(
        &emulator,
        Some(ADMIN_KEY),
        CREATE_SERVICE_ACCOUNT,
        json!({ "entity": "ops", "description": " " }),
    )
    .await;

    assert_eq!(no_team, 404, "{no_team_body}");
    assert_eq!(blank, 400, "{blank_body}");
    assert_eq!(
        first_error(&blank_body),
        ("give the service account a description", "INVALID_INPUT")
    );
}

#[tokio::test]
async fn delete_invite_removes_a_member_then_answers_success_false() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;
    let bob = bob_id(&emulator).await;

    let (first, first_body) = delete_invite(&emulator, &bob, "ops").await;
    let (again, again_body) = delete_invite(&emulator, &bob, "ops").await;

    assert_eq!(first, 200, "{first_body}");
    assert_eq!(first_body["data"]["result"]["success"], true);
    assert_eq!(again, 200, "{again_body}");
    assert_eq!(again_body["data"]["result"]["success"], false);
    assert!(again_body.get("errors").is_none(), "{again_body}");
    assert_eq!(
        usernames(&team(&emulator, ADMIN_KEY, "ops").await.1),
        ["admin"]
    );
}

#[tokio::test]
async fn delete_invite_of_an_unknown_team_is_404_and_without_an_id_400() {
    let emulator = with_ops().await;
    let bob = bob_id(&emulator).await;

    let (unknown, unknown_body) = delete_invite(&emulator, &bob, "no-such-team").await;
    let (missing, missing_body) = delete_invite(&emulator, &Value::Null, "ops").await;

    assert_eq!(unknown, 404, "{unknown_body}");
    assert_eq!(first_error(&unknown_body).1, "NOT_FOUND");
    assert_eq!(missing, 400, "{missing_body}");
    assert_eq!(
        first_error(&missing_body),
        (
            "give the member's id and the team's entityName",
            "INVALID_INPUT"
        )
    );
}

#[tokio::test]
async fn update_member_changes_a_role_and_answers_the_member() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;
    let bob = bob_id(&emulator).await;

    let (viewer, viewer_body) =
        update_member(&emulator, "ops", &bob, json!("viewer"), Value::Null).await;
    let (admin, admin_body) = update_member(&emulator, "ops", &bob, Value::Null, json!(true)).await;

    assert_eq!(viewer, 200, "{viewer_body}");
    assert_eq!(viewer_body["data"]["result"]["member"]["role"], "viewer");
    assert_eq!(viewer_body["data"]["result"]["member"]["admin"], false);
    assert_eq!(admin, 200, "{admin_body}");
    let answered = &admin_body["data"]["result"]["member"];
    assert_eq!(answered["role"], "admin");
    assert_eq!(&answered["id"], &bob);
    assert_eq!(
        member(&team(&emulator, ADMIN_KEY, "ops").await.1, "bob")["admin"],
        true
    );
}

#[tokio::test]
async fn update_member_refuses_unknown_roles_disagreements_and_strangers() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;
    let bob = bob_id(&emulator).await;

    let (custom, custom_body) =
        update_member(&emulator, "ops", &bob, json!("auditor"), Value::Null).await;
    let (clash, clash_body) =
        update_member(&emulator, "ops", &bob, json!("member"), json!(true)).await;
    let (stranger, stranger_body) = update_member(
        &emulator,
        "ml",
        &json!("VXNlcjo5OTk="),
        json!("viewer"),
        Value::Null,
    )
    .await;

    assert_eq!(custom, 400, "{custom_body}");
    assert_eq!(first_error(&custom_body).1, "INVALID_INPUT");
    assert_eq!(clash, 400, "{clash_body}");
    assert_eq!(
        first_error(&clash_body),
        (
            "role member and admin true disagree: give one of them",
            "INVALID_INPUT"
        )
    );
    assert_eq!(stranger, 404, "{stranger_body}");
    assert_eq!(
        member(&team(&emulator, ADMIN_KEY, "ops").await.1, "bob")["admin"],
        false
    );
}

#[tokio::test]
async fn a_users_teams_are_listed_in_creation_order_and_each_can_be_looked_into() {
    let emulator = with_ops().await;
    invite(&emulator, ADMIN_KEY, "ops", "bob", false).await;

    let (status, body) = query(
        &emulator,
        BOB_KEY,
        "{ viewer { accountType teams { edges { node { name isTeam id members { username } } } } } }",
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["accountType"], "USER");
    let edges = viewer["teams"]["edges"].as_array().unwrap();
    let names: Vec<&str> = edges
        .iter()
        .map(|edge| edge["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ml", "ops"]);
    let ops = &edges[1]["node"];
    assert_eq!(ops["isTeam"], true);
    assert!(ops["id"].is_string(), "{ops}");
    assert!(usernames(ops).contains(&"bob".to_owned()), "{ops}");
}
