//! The five operations as the official SDK sends them, and their failures.

use serde_json::{Value, json};
use users_domain::ApiKeySecret;

use crate::support::USER_FIELDS;
use crate::support::emulator::{
    ADMIN_KEY, BOB_KEY, create_user, decoded_id, delete_key, emails, first_error, generate_key,
    generated_secret, get_viewer, query, search_users, start, viewer_status,
};

/// What wandb-core sends on `Api()` to check the credentials.
const CORE_VIEWER: &str = "\nquery Viewer {\n\tviewer {\n\t\tid\n\t\tentity\n\t\tusername\n\t\temail\n\t\tflags\n\t\tteams {\n\t\t\tedges {\n\t\t\t\tnode {\n\t\t\t\t\tname\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}\n";

async fn bob_keys(emulator: &users_emulator::RunningEmulator) -> Vec<Value> {
    let (_, body) = search_users(emulator, ADMIN_KEY, json!({ "query": "bob" })).await;
    body["data"]["users"]["edges"][0]["node"]["apiKeys"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

#[tokio::test]
async fn the_start_up_viewer_query_of_wandb_core_is_answered() {
    let emulator = start().await;

    let (status, body) = query(&emulator, BOB_KEY, CORE_VIEWER).await;

    assert_eq!(status, 200, "{body}");
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["username"], "bob");
    assert_eq!(viewer["entity"], "bob");
    assert_eq!(viewer["teams"]["edges"][0]["node"]["name"], "ml");
}

#[tokio::test]
async fn the_sdk_viewer_selection_comes_back_in_full_through_fragments() {
    let emulator = start().await;

    let (status, body) = get_viewer(&emulator, BOB_KEY).await;

    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    let viewer = &body["data"]["viewer"];
    for path in USER_FIELDS {
        let field = path.split('.').next().unwrap();
        assert!(viewer.get(field).is_some(), "{field} missing from {viewer}");
    }
    assert_eq!(decoded_id(&viewer["id"]).split(':').next(), Some("User"));
    let key = &viewer["apiKeys"]["edges"][0]["node"];
    assert_eq!(key["name"], "ci");
    assert_eq!(key["description"], "ci runner");
    assert!(decoded_id(&key["id"]).starts_with("ApiKey:"));
}

#[tokio::test]
async fn aliases_and_typename_are_honoured() {
    let emulator = start().await;

    let (_, body) = query(&emulator, ADMIN_KEY, "query { me: viewer { __typename handle: username apiKeys { __typename edges { node { __typename } } } } }")
    .await;

    assert_eq!(body["data"]["me"]["__typename"], "User", "{body}");
    assert_eq!(body["data"]["me"]["handle"], "admin");
    assert_eq!(
        body["data"]["me"]["apiKeys"]["__typename"],
        "ApiKeyConnection"
    );
}

#[tokio::test]
async fn create_user_answers_under_the_result_alias_with_a_user_id() {
    let emulator = start().await;

    let (status, body) = create_user(
        &emulator,
        ADMIN_KEY,
        json!({ "email": "Ada.Lovelace@Example.com", "admin": false }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let user = &body["data"]["result"]["user"];
    assert_eq!(user["email"], "Ada.Lovelace@Example.com");
    assert_eq!(user["username"], "ada.lovelace");
    assert_eq!(user["admin"], false);
    assert_eq!(user["name"], "");
    assert_eq!(decoded_id(&user["id"]), "User:3");
}

#[tokio::test]
async fn a_duplicate_email_is_409_already_exists() {
    let emulator = start().await;

    let (status, body) =
        create_user(&emulator, ADMIN_KEY, json!({ "email": "BOB@example.com" })).await;

    assert_eq!(status, 409, "{body}");
    let (message, code) = first_error(&body);
    assert_eq!(code, "ALREADY_EXISTS");
    assert!(message.contains("already exists"), "{message}");
    assert_eq!(body["errors"][0]["path"], json!(["result"]));
}

#[tokio::test]
async fn an_invalid_email_is_400() {
    let emulator = start().await;

    let (status, body) = create_user(&emulator, ADMIN_KEY, json!({ "email": "nobody" })).await;

    assert_eq!(status, 400, "{body}");
    assert!(first_error(&body).0.starts_with("invalid email"), "{body}");
}

#[tokio::test]
async fn a_non_admin_gets_the_w_and_b_message_for_create_user_and_403() {
    let emulator = start().await;

    let (status, body) =
        create_user(&emulator, BOB_KEY, json!({ "email": "eve@example.com" })).await;

    assert_eq!(status, 403, "{body}");
    assert_eq!(
        first_error(&body),
        ("only admins can use createUser()", "PERMISSION_DENIED")
    );
}

#[tokio::test]
async fn a_non_admin_cannot_search_users() {
    let emulator = start().await;

    let (status, body) = search_users(&emulator, BOB_KEY, json!({ "query": "" })).await;

    assert_eq!(status, 403, "{body}");
    assert_eq!(first_error(&body).1, "PERMISSION_DENIED");
}

#[tokio::test]
async fn search_matches_prefix_or_suffix_and_an_absent_query_lists_everyone() {
    let emulator = start().await;

    let (_, by_suffix) =
        search_users(&emulator, ADMIN_KEY, json!({ "query": "EXAMPLE.com" })).await;
    let (_, everyone) = search_users(&emulator, ADMIN_KEY, json!({})).await;
    let (_, nobody) = search_users(&emulator, ADMIN_KEY, json!({ "query": "zzz" })).await;

    assert_eq!(emails(&by_suffix), ["bob@example.com"]);
    assert_eq!(emails(&everyone), ["bob@example.com", "admin@localhost"]);
    assert!(emails(&nobody).is_empty());
}

#[tokio::test]
async fn a_generated_secret_is_shown_once_and_listings_show_a_label() {
    let emulator = start().await;

    let (status, body) = generate_key(&emulator, BOB_KEY, json!({ "description": "laptop" })).await;

    assert_eq!(status, 200, "{body}");
    let generated = &body["data"]["result"]["apiKey"];
    let secret = generated_secret(&body).to_owned();
    assert!(
        ApiKeySecret::parse(secret.clone()).is_ok(),
        "not a usable key"
    );
    assert_eq!(generated["description"], "laptop");
    // The new key works, and no later answer shows its secret again.
    let (status, viewer) = get_viewer(&emulator, &secret).await;
    assert_eq!(status, 200);
    assert!(!viewer.to_string().contains(&secret));
    let keys = bob_keys(&emulator).await;
    assert_eq!(keys.len(), 2);
    let listed = keys
        .iter()
        .find(|key| key["id"] == generated["id"])
        .unwrap();
    assert_ne!(listed["name"], secret.as_str());
    assert!(!ApiKeySecret::is_key_shaped(
        listed["name"].as_str().unwrap()
    ));
    assert_eq!(listed["description"], "laptop");
}

#[tokio::test]
async fn deleting_a_key_revokes_it() {
    let emulator = start().await;
    let id = bob_keys(&emulator).await[0]["id"].clone();

    let (status, body) = delete_key(&emulator, BOB_KEY, &id).await;
    let after = viewer_status(&emulator, BOB_KEY).await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["result"]["success"], true);
    assert_eq!(after, 401);
}

#[tokio::test]
async fn deleting_an_unknown_key_is_404() {
    let emulator = start().await;

    let (status, body) = delete_key(&emulator, ADMIN_KEY, &json!("QXBpS2V5Ojk5OQ==")).await;

    assert_eq!(status, 404, "{body}");
    assert_eq!(first_error(&body).1, "NOT_FOUND");
}

#[tokio::test]
async fn a_non_admin_cannot_delete_another_users_key() {
    let emulator = start().await;
    let (_, admin) = get_viewer(&emulator, ADMIN_KEY).await;
    let admin_key_id = admin["data"]["viewer"]["apiKeys"]["edges"][0]["node"]["id"].clone();

    let (status, body) = delete_key(&emulator, BOB_KEY, &admin_key_id).await;

    assert_eq!(status, 403, "{body}");
    assert_eq!(first_error(&body).1, "PERMISSION_DENIED");
}

#[tokio::test]
async fn an_admin_may_delete_another_users_key() {
    let emulator = start().await;
    let id = bob_keys(&emulator).await[0]["id"].clone();

    let (status, body) = delete_key(&emulator, ADMIN_KEY, &id).await;

    assert_eq!(status, 200, "{body}");
    assert!(bob_keys(&emulator).await.is_empty());
}

#[tokio::test]
async fn cursors_that_do_not_go_with_the_page_size_are_refused() {
    let emulator = crate::support::emulator::start().await;
    for arguments in [
        "first: 2, before: \"x\"",
        "last: 2, after: \"x\"",
        "after: \"x\"",
        "first: 0",
        "first: 2, last: 2",
    ] {
        let query = format!("{{ users({arguments}) {{ edges {{ cursor }} }} }}");

        let (status, body) = crate::support::emulator::call(
            &emulator,
            Some(crate::support::emulator::ADMIN_KEY),
            &query,
            serde_json::json!({}),
        )
        .await;

        assert_eq!(status, 400, "{arguments}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INVALID_INPUT",
            "{arguments}"
        );
    }
}
