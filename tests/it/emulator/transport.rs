//! HTTP: credentials, paths, bodies, lifecycle.

use std::sync::Arc;

use serde_json::json;
use users_emulator::{BOOTSTRAP_ADMIN_EMAIL, Emulator, EmulatorError, MAX_BODY_BYTES};
use users_memory::{InMemoryWorld, Seed, SeedUser};

use crate::support::emulator::{
    ADMIN_KEY, BOB_KEY, UNKNOWN_KEY, VIEWER_ID, admin_holding_the_key, admin_key_of, emails,
    first_error, get_viewer, post_raw, query, search_users, seed, start, start_with,
};
use crate::support::{
    SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, SDK_GET_VIEWER, SDK_SEARCH_USERS, basic, secret,
};

#[tokio::test]
async fn missing_credentials_get_401_with_a_challenge_and_a_graphql_error() {
    let emulator = start().await;

    let response = reqwest::Client::new()
        .post(format!("{}/graphql", emulator.base_url()))
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    let body: serde_json::Value = response.json().await.unwrap();
    let (message, code) = first_error(&body);
    assert_eq!(code, "UNAUTHENTICATED");
    assert!(message.contains("Authorization"), "{message}");
}

#[tokio::test]
async fn an_unknown_or_malformed_key_gets_401() {
    let emulator = start().await;

    for key in [UNKNOWN_KEY, "short"] {
        let (status, body) = query(&emulator, key, VIEWER_ID).await;

        assert_eq!(status, 401, "{body}");
        assert_eq!(first_error(&body).1, "UNAUTHENTICATED");
        assert!(!body.to_string().contains(key), "{body}");
    }
}

#[tokio::test]
async fn every_operation_without_usable_credentials_gets_401_and_changes_nothing() {
    const GONE_KEY: &str = "gonegonegonegonegonegonegonegonegone0004";
    let seed = seed().user(
        SeedUser::new("gone@example.com")
            .deleted_at("2024-01-01T00:00:00Z")
            .key(users_memory::SeedKey::new(GONE_KEY)),
    );
    let emulator = start_with(seed).await.unwrap();
    let (_, viewer) = get_viewer(&emulator, BOB_KEY).await;
    let bob_key_id = viewer["data"]["viewer"]["apiKeys"]["edges"][0]["node"]["id"].clone();
    let operations = [
        (SDK_GET_VIEWER, json!({})),
        (SDK_SEARCH_USERS, json!({ "query": "" })),
        (SDK_CREATE_USER, json!({ "email": "eve@example.com" })),
        (SDK_GENERATE, json!({ "description": "eve" })),
        (SDK_DELETE, json!({ "id": bob_key_id })),
    ];
    let client = reqwest::Client::new();

    for key in [None, Some(UNKNOWN_KEY), Some(GONE_KEY)] {
        for (query, variables) in &operations {
            let mut request = client
                .post(format!("{}/graphql", emulator.base_url()))
                .json(&json!({ "query": query, "variables": variables }));
            if let Some(key) = key {
                request = request.header("authorization", basic(key));
            }
            let response = request.send().await.unwrap();

            let status = response.status().as_u16();
            let challenged = response.headers().contains_key("www-authenticate");
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!((status, challenged), (401, true), "{key:?} {query}: {body}");
            assert_eq!(first_error(&body).1, "UNAUTHENTICATED", "{body}");
            if let Some(key) = key {
                assert!(!body.to_string().contains(key), "{body}");
            }
        }
    }

    let (_, found) = search_users(&emulator, ADMIN_KEY, json!({ "query": "" })).await;
    assert!(
        !emails(&found).contains(&"eve@example.com".to_owned()),
        "{found}"
    );
    let (status, viewer) = get_viewer(&emulator, BOB_KEY).await;
    assert_eq!(status, 200, "{viewer}");
    let keys = viewer["data"]["viewer"]["apiKeys"]["edges"]
        .as_array()
        .unwrap();
    assert_eq!(keys.len(), 1, "{viewer}");
}

#[tokio::test]
async fn credentials_other_than_basic_api_are_refused() {
    let emulator = start().await;

    for header in [
        format!("Bearer {ADMIN_KEY}"),
        basic(ADMIN_KEY).replace("Basic ", "Basic x"),
        format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("user:{ADMIN_KEY}")
            )
        ),
    ] {
        let response = reqwest::Client::new()
            .post(format!("{}/graphql", emulator.base_url()))
            .header("authorization", header)
            .json(&json!({ "query": "{ viewer { id } }" }))
            .send()
            .await
            .unwrap();

        assert_eq!(response.status().as_u16(), 401);
    }
}

#[tokio::test]
async fn an_unknown_path_gets_404_naming_the_endpoint() {
    let emulator = start().await;

    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/graphql?key=x", emulator.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    // Not a GraphQL error: "no endpoint here" must not read as "no such user".
    let message = response.text().await.unwrap();
    assert!(message.starts_with("no such endpoint"), "{message}");
    assert!(message.contains("POST /graphql"), "{message}");
    assert!(!message.contains("key=x"), "{message}");
}

#[tokio::test]
async fn get_on_the_endpoint_is_405() {
    let emulator = start().await;

    let response = reqwest::get(format!("{}/graphql", emulator.base_url()))
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn a_malformed_body_gets_400_with_a_graphql_error() {
    let emulator = start().await;

    for body in [
        &b"{not json"[..],
        br#"{"variables": {}}"#,
        br#"{"query": "{ viewer { id } }", "variables": 3}"#,
    ] {
        let (status, answer) =
            post_raw(&emulator, "/graphql", Some(ADMIN_KEY), body.to_vec()).await;

        assert_eq!(status, 400, "{answer}");
        assert_eq!(first_error(&answer).1, "INVALID_INPUT");
    }
}

#[tokio::test]
async fn a_document_that_does_not_parse_or_validate_gets_400() {
    let emulator = start().await;

    for document in ["{ viewer { id ", "{ viewer { password } }"] {
        let (status, body) = query(&emulator, ADMIN_KEY, document).await;

        assert_eq!(status, 400, "{body}");
        assert!(body["errors"][0]["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn a_body_over_the_cap_gets_413() {
    let emulator = start().await;
    let padding = " ".repeat(MAX_BODY_BYTES + 1);
    let body = format!(r#"{{"query": "{{ viewer {{ id }} }}"{padding}}}"#);

    let (status, answer) =
        post_raw(&emulator, "/graphql", Some(ADMIN_KEY), body.into_bytes()).await;

    assert_eq!(status, 413, "{answer}");
    assert!(first_error(&answer).0.contains("larger than"));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emulator = start().await;
    let url = format!("{}/graphql", emulator.base_url());

    emulator.shutdown().await;

    assert!(reqwest::Client::new().post(url).send().await.is_err());
}

#[tokio::test]
async fn a_generated_admin_key_belongs_to_the_bootstrap_admin() {
    let emulator = Emulator::builder().start().await.unwrap();
    let key = admin_key_of(&emulator);

    let (status, body) = get_viewer(&emulator, &key).await;

    assert_eq!(status, 200, "{body}");
    let viewer = &body["data"]["viewer"];
    assert_eq!(viewer["email"], BOOTSTRAP_ADMIN_EMAIL);
    assert_eq!(viewer["username"], "admin");
    assert_eq!(viewer["admin"], true);
    assert_eq!(
        emulator.base_url(),
        format!("http://{}", emulator.local_addr())
    );
}

#[tokio::test]
async fn a_seeded_holder_of_the_admin_key_is_not_doubled() {
    let seed = Seed::new().user(admin_holding_the_key("root@example.com"));
    let emulator = start_with(seed).await.unwrap();

    let (_, body) = query(
        &emulator,
        ADMIN_KEY,
        "{ users(query: \"\") { edges { node { email } } } }",
    )
    .await;

    assert_eq!(
        body["data"]["users"]["edges"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    assert_eq!(
        body["data"]["users"]["edges"][0]["node"]["email"],
        "root@example.com"
    );
}

#[tokio::test]
async fn an_invalid_seed_is_refused_naming_the_user() {
    let seed = Seed::new().user(SeedUser::new("not-an-email"));

    let error = Emulator::builder().seed(seed).start().await.unwrap_err();

    assert!(matches!(error, EmulatorError::Seed(_)), "{error:?}");
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("not-an-email"), "{source}");
}

#[tokio::test]
async fn a_custom_repository_is_served_and_needs_an_admin_key() {
    let world = InMemoryWorld::new();
    world
        .seed_user(admin_holding_the_key("ops@example.com"))
        .unwrap();
    let root = Arc::new(world.connect(secret(ADMIN_KEY)));

    let missing = Emulator::builder()
        .repository(root.clone())
        .start()
        .await
        .unwrap_err();
    let seeded = Emulator::builder()
        .repository(root.clone())
        .admin_key(secret(ADMIN_KEY))
        .seed(Seed::new())
        .start()
        .await
        .unwrap_err();
    let emulator = Emulator::builder()
        .repository(root)
        .admin_key(secret(ADMIN_KEY))
        .start()
        .await
        .unwrap();
    let (status, body) = query(&emulator, ADMIN_KEY, "{ viewer { email } }").await;

    assert!(matches!(missing, EmulatorError::AdminKeyRequired));
    assert!(matches!(seeded, EmulatorError::SeedWithRepository));
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"]["email"], "ops@example.com");
}

#[tokio::test]
async fn binding_a_taken_port_fails_naming_the_address() {
    let emulator = start().await;

    let error = Emulator::builder()
        .listen(emulator.local_addr())
        .start()
        .await
        .unwrap_err();

    assert!(matches!(error, EmulatorError::Bind { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains(&emulator.local_addr().to_string())
    );
}
