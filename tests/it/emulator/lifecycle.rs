//! A user's lifecycle over HTTP: W&B's `deleteUser` (deactivation),
//! `undeleteUser` and `updateUser(admin)`, in the documents the GraphQL
//! adapter sends, and what a deactivated user's keys can still do.

use serde_json::{Value, json};
use users_domain::Timestamp;
use users_emulator::RunningEmulator;

use crate::support::emulator::{
    ADMIN_KEY, BOB_KEY, call, first_error, query, search_users, start, viewer_status,
};

pub(crate) const DELETE_USER: &str =
    include_str!("../../../crates/users-graphql/src/operations/DeleteUser.graphql");
pub(crate) const UNDELETE_USER: &str =
    include_str!("../../../crates/users-graphql/src/operations/UndeleteUser.graphql");
pub(crate) const UPDATE_USER: &str =
    include_str!("../../../crates/users-graphql/src/operations/UpdateUser.graphql");

/// Bob as the admin's search lists him.
async fn bob(emulator: &RunningEmulator) -> Value {
    let (status, body) = search_users(emulator, ADMIN_KEY, json!({ "query": "bob" })).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["users"]["edges"][0]["node"].clone()
}

async fn mutate(
    emulator: &RunningEmulator,
    key: &str,
    document: &str,
    variables: Value,
) -> (u16, Value) {
    call(emulator, Some(key), document, variables).await
}

#[tokio::test]
async fn delete_user_deactivates_stops_the_keys_and_keeps_the_user_listed() {
    let emulator = start().await;
    let id = bob(&emulator).await["id"].clone();

    let (status, body) = mutate(&emulator, ADMIN_KEY, DELETE_USER, json!({ "id": id })).await;

    assert_eq!(status, 200, "{body}");
    let user = &body["data"]["deleteUser"]["user"];
    assert_eq!(user["id"], id);
    let deleted_at = user["deletedAt"].as_str().expect("deletedAt is set");
    assert!(Timestamp::parse(deleted_at).is_ok(), "{deleted_at}");
    assert_eq!(bob(&emulator).await["deletedAt"], deleted_at);
    assert_eq!(viewer_status(&emulator, BOB_KEY).await, 401);
}

#[tokio::test]
async fn undelete_user_reactivates_and_the_keys_work_again() {
    let emulator = start().await;
    let id = bob(&emulator).await["id"].clone();
    mutate(&emulator, ADMIN_KEY, DELETE_USER, json!({ "id": id })).await;

    let (again, again_body) = mutate(&emulator, ADMIN_KEY, DELETE_USER, json!({ "id": id })).await;
    let (status, body) = mutate(&emulator, ADMIN_KEY, UNDELETE_USER, json!({ "id": id })).await;
    let (twice, twice_body) =
        mutate(&emulator, ADMIN_KEY, UNDELETE_USER, json!({ "id": id })).await;

    assert_eq!(again, 200, "deactivating twice is fine: {again_body}");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["undeleteUser"]["user"]["id"], id);
    assert!(
        body["data"]["undeleteUser"]["user"]["deletedAt"].is_null(),
        "{body}"
    );
    assert_eq!(
        twice, 200,
        "reactivating an active user is fine: {twice_body}"
    );
    assert!(bob(&emulator).await["deletedAt"].is_null());
    assert_eq!(viewer_status(&emulator, BOB_KEY).await, 200);
}

#[tokio::test]
async fn update_user_sets_and_clears_the_admin_flag() {
    let emulator = start().await;
    let id = bob(&emulator).await["id"].clone();

    let (promoted, promoted_body) = mutate(
        &emulator,
        ADMIN_KEY,
        UPDATE_USER,
        json!({ "id": id, "admin": true }),
    )
    .await;
    let can_search = search_users(&emulator, BOB_KEY, json!({ "query": "" }))
        .await
        .0;
    let (demoted, demoted_body) = mutate(
        &emulator,
        ADMIN_KEY,
        UPDATE_USER,
        json!({ "id": id, "admin": false }),
    )
    .await;

    assert_eq!(promoted, 200, "{promoted_body}");
    assert_eq!(
        promoted_body["data"]["updateUser"]["user"],
        json!({ "id": id, "admin": true })
    );
    assert_eq!(can_search, 200);
    assert_eq!(demoted, 200, "{demoted_body}");
    assert_eq!(demoted_body["data"]["updateUser"]["user"]["admin"], false);
    assert_eq!(bob(&emulator).await["admin"], false);
}

#[tokio::test]
async fn update_user_without_an_id_is_the_caller() {
    let emulator = start().await;
    let (_, me) = query(&emulator, ADMIN_KEY, "{ viewer { id } }").await;

    let (status, body) = mutate(
        &emulator,
        ADMIN_KEY,
        UPDATE_USER,
        json!({ "id": null, "admin": true }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["updateUser"]["user"]["id"],
        me["data"]["viewer"]["id"]
    );
    assert_eq!(body["data"]["updateUser"]["user"]["admin"], true);
}

#[tokio::test]
async fn a_caller_who_demotes_themself_is_answered_as_they_are_now() {
    let emulator = start().await;
    let (_, me) = query(&emulator, ADMIN_KEY, "{ viewer { id } }").await;

    let (status, body) = mutate(
        &emulator,
        ADMIN_KEY,
        UPDATE_USER,
        json!({ "id": me["data"]["viewer"]["id"], "admin": false }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["updateUser"]["user"],
        json!({ "id": me["data"]["viewer"]["id"], "admin": false })
    );
}

#[tokio::test]
async fn only_instance_admins_change_a_users_lifecycle() {
    let emulator = start().await;
    let (_, me) = query(&emulator, ADMIN_KEY, "{ viewer { id } }").await;
    let admin_id = me["data"]["viewer"]["id"].clone();

    for (document, variables) in [
        (DELETE_USER, json!({ "id": admin_id })),
        (UNDELETE_USER, json!({ "id": admin_id })),
        (UPDATE_USER, json!({ "id": null, "admin": true })),
    ] {
        let (status, body) = mutate(&emulator, BOB_KEY, document, variables).await;

        assert_eq!(status, 403, "{body}");
        let (message, code) = first_error(&body);
        assert_eq!(code, "PERMISSION_DENIED");
        assert!(message.starts_with("permission denied"), "{message}");
    }
    assert_eq!(viewer_status(&emulator, ADMIN_KEY).await, 200);
}

#[tokio::test]
async fn an_unknown_user_is_404_and_a_malformed_id_400() {
    let emulator = start().await;

    let (unknown, unknown_body) = mutate(
        &emulator,
        ADMIN_KEY,
        DELETE_USER,
        json!({ "id": "VXNlcjo5OTk5OTk=" }),
    )
    .await;
    let (malformed, malformed_body) =
        mutate(&emulator, ADMIN_KEY, UNDELETE_USER, json!({ "id": "" })).await;

    assert_eq!(unknown, 404, "{unknown_body}");
    let (message, code) = first_error(&unknown_body);
    assert_eq!(code, "NOT_FOUND");
    assert!(message.ends_with("not found"), "{message}");
    assert_eq!(malformed, 400, "{malformed_body}");
    assert_eq!(
        first_error(&malformed_body),
        ("invalid user id: user id is empty", "INVALID_INPUT")
    );
}

#[tokio::test]
async fn a_user_answers_account_type_and_timestamps() {
    let emulator = start().await;

    let (status, body) = query(
        &emulator,
        BOB_KEY,
        "{ viewer { accountType createdAt loggedInAt deletedAt } }",
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["accountType"], "USER");
    assert!(viewer["deletedAt"].is_null());
    for field in ["createdAt", "loggedInAt"] {
        if let Some(text) = viewer[field].as_str() {
            assert!(Timestamp::parse(text).is_ok(), "{field}: {text}");
        }
    }
}
