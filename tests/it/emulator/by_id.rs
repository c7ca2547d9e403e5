//! `users(ids:)`: each user an id names, looked up by that id, as our
//! `UserById` and `UserApiKeys` documents ask for them.

use serde_json::{Value, json};
use users_emulator::RunningEmulator;

use crate::support::emulator::{ADMIN_KEY, BOB_KEY, call, first_error, generate_key, query, start};

const USER_BY_ID: &str = concat!(
    include_str!("../../../crates/users-graphql/src/operations/UserById.graphql"),
    include_str!("../../../crates/users-graphql/src/operations/fragments/ListedUser.graphql"),
    include_str!("../../../crates/users-graphql/src/operations/fragments/ApiKeyPage.graphql"),
);
const USER_API_KEYS: &str = concat!(
    include_str!("../../../crates/users-graphql/src/operations/UserApiKeys.graphql"),
    include_str!("../../../crates/users-graphql/src/operations/fragments/ApiKeyPage.graphql"),
);

async fn id_of(emulator: &RunningEmulator, key: &str) -> Value {
    let (_, body) = query(emulator, key, "{ viewer { id } }").await;
    body["data"]["viewer"]["id"].clone()
}

fn usernames(body: &Value) -> Vec<&str> {
    body["data"]["users"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges in {body}"))
        .iter()
        .map(|edge| edge["node"]["username"].as_str().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn users_by_ids_answers_each_user_named_in_order_and_leaves_out_the_rest() {
    let emulator = start().await;
    let bob = id_of(&emulator, BOB_KEY).await;
    let admin = id_of(&emulator, ADMIN_KEY).await;
    // Nobody's (`User:999999`), not an id at all, a key's id.
    let nobody = ["VXNlcjo5OTk5OTk=", "", "QXBpS2V5OjE="];
    let ids = json!([bob, nobody[0], nobody[1], admin, nobody[2]]);

    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        USER_BY_ID,
        json!({ "ids": ids }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(usernames(&body), ["bob", "admin"]);
    let bob_node = &body["data"]["users"]["edges"][0]["node"];
    assert_eq!(bob_node["accountType"], "USER");
    assert_eq!(bob_node["teams"]["edges"][0]["node"]["name"], "ml");
    assert_eq!(bob_node["apiKeys"]["edges"][0]["node"]["name"], "ci");
}

#[tokio::test]
async fn users_by_ids_of_nobody_is_no_edge() {
    let emulator = start().await;

    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        USER_BY_ID,
        json!({ "ids": ["VXNlcjo5OTk5OTk="] }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["users"]["edges"], json!([]));
}

#[tokio::test]
async fn users_by_ids_is_for_instance_admins_even_of_themself() {
    let emulator = start().await;
    let bob = id_of(&emulator, BOB_KEY).await;

    let (status, body) = call(
        &emulator,
        Some(BOB_KEY),
        USER_BY_ID,
        json!({ "ids": [bob] }),
    )
    .await;

    assert_eq!(status, 403, "{body}");
    assert_eq!(first_error(&body).1, "PERMISSION_DENIED");
}

#[tokio::test]
async fn users_by_ids_with_a_query_or_a_cursor_is_invalid_input() {
    let emulator = start().await;
    let bob = id_of(&emulator, BOB_KEY).await;

    for arguments in ["query: \"bob\"", "first: 1, after: \"x\"", "last: 1"] {
        let document = format!(
            "query($ids: [ID!]) {{ users(ids: $ids, {arguments}) {{ edges {{ node {{ id }} }} }} }}"
        );

        let (status, body) = call(
            &emulator,
            Some(ADMIN_KEY),
            &document,
            json!({ "ids": [bob] }),
        )
        .await;

        assert_eq!(status, 400, "{arguments}: {body}");
        assert_eq!(first_error(&body).1, "INVALID_INPUT", "{arguments}");
    }
}

#[tokio::test]
async fn users_by_ids_answers_at_most_first_users() {
    let emulator = start().await;
    let ids = json!([
        id_of(&emulator, BOB_KEY).await,
        id_of(&emulator, ADMIN_KEY).await
    ]);

    let (status, body) = query(
        &emulator,
        ADMIN_KEY,
        &format!("{{ users(ids: {ids}, first: 1) {{ edges {{ node {{ username }} }} }} }}"),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(usernames(&body), ["bob"]);
}

#[tokio::test]
async fn user_api_keys_pages_one_users_keys_by_id() {
    let emulator = start().await;
    generate_key(&emulator, BOB_KEY, json!({ "description": "second" })).await;
    let bob = id_of(&emulator, BOB_KEY).await;

    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        USER_API_KEYS,
        json!({ "id": bob, "first": 1 }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let node = &body["data"]["users"]["edges"][0]["node"];
    assert_eq!(node["id"], bob);
    assert_eq!(node["apiKeys"]["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(node["apiKeys"]["pageInfo"]["hasNextPage"], true, "{body}");
}
