//! Staged faults: a lost answer is a real transport failure after the
//! mutation ran; a hidden secret is a label where the secret belongs.

use std::{
    error::Error as _,
    io::{Read as _, Write as _},
    time::Duration,
};

use serde_json::{Value, json};
use users_emulator::{MutationKind, RunningEmulator};

use crate::{
    ADMIN_KEY, BOB_KEY, SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, SDK_GET_VIEWER,
    SDK_SEARCH_USERS as SEARCH, basic, call, start,
};

const UNKNOWN_KEY: &str = "unknownunknownunknownunknownunknown00003";

/// hyper's words for a connection that closed before any response came.
const NO_RESPONSE: &str = "connection closed before message completed";

/// Sends one GraphQL request that must fail in transport; the error.
async fn send_unanswered(
    client: &reqwest::Client,
    emulator: &RunningEmulator,
    key: &str,
    query: &str,
    variables: Value,
) -> reqwest::Error {
    let outcome = client
        .post(format!("{}/graphql", emulator.base_url()))
        .header("authorization", basic(key))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await;
    match outcome {
        Err(error) => error,
        Ok(response) => panic!("expected no answer, got HTTP {}", response.status()),
    }
}

/// The error and all its sources, for the message to match.
fn chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// The request went out and the connection closed with no response to it.
fn assert_lost_after_sending(error: &reqwest::Error) {
    assert!(!error.is_connect(), "the connection was made: {error:?}");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.status().is_none(), "{error:?}");
    let text = chain(error);
    assert!(text.contains(NO_RESPONSE), "{text}");
}

async fn emails_matching(emulator: &RunningEmulator, query: &str) -> Vec<String> {
    let (status, body) = call(emulator, Some(ADMIN_KEY), SEARCH, json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["users"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"]["email"].as_str().unwrap().to_owned())
        .collect()
}

/// The ids and names of the keys of the holder of `key`.
async fn own_keys(emulator: &RunningEmulator, key: &str) -> Vec<(String, String)> {
    let (status, body) = call(emulator, Some(key), SDK_GET_VIEWER, json!({})).await;
    assert_eq!(status, 200, "{body}");
    body["data"]["viewer"]["apiKeys"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            (
                node["id"].as_str().unwrap().to_owned(),
                node["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_lost_create_answer_fails_in_transport_yet_the_user_is_created() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    emulator.faults().lose_next_answer(MutationKind::CreateUser);

    let error = send_unanswered(
        &client,
        &emulator,
        ADMIN_KEY,
        SDK_CREATE_USER,
        json!({ "email": "lost@example.com" }),
    )
    .await;

    assert_lost_after_sending(&error);
    assert_eq!(
        emails_matching(&emulator, "lost@").await,
        ["lost@example.com"]
    );
}

#[tokio::test]
async fn a_lost_answer_is_lost_once_and_the_client_goes_on() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    // Warm a pooled connection, so the lost answer is on a reused one.
    let warm = client
        .post(format!("{}/graphql", emulator.base_url()))
        .header("authorization", basic(ADMIN_KEY))
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status().as_u16(), 200);
    warm.bytes().await.unwrap();
    emulator.faults().lose_next_answer(MutationKind::CreateUser);
    let lost = json!({ "email": "first@example.com" });
    assert_lost_after_sending(
        &send_unanswered(&client, &emulator, ADMIN_KEY, SDK_CREATE_USER, lost).await,
    );

    let answered = client
        .post(format!("{}/graphql", emulator.base_url()))
        .header("authorization", basic(ADMIN_KEY))
        .json(&json!({ "query": SDK_CREATE_USER, "variables": { "email": "second@example.com" } }))
        .send()
        .await
        .unwrap();

    assert_eq!(answered.status().as_u16(), 200);
    let body: Value = answered.json().await.unwrap();
    assert_eq!(
        body["data"]["result"]["user"]["email"], "second@example.com",
        "{body}"
    );
}

#[tokio::test]
async fn a_lost_generate_answer_fails_in_transport_yet_the_key_is_made() {
    let emulator = start().await;
    let before = own_keys(&emulator, BOB_KEY).await;
    emulator
        .faults()
        .lose_next_answer(MutationKind::GenerateApiKey);

    let error = send_unanswered(
        &reqwest::Client::new(),
        &emulator,
        BOB_KEY,
        SDK_GENERATE,
        json!({ "description": "lost" }),
    )
    .await;

    assert_lost_after_sending(&error);
    assert_eq!(own_keys(&emulator, BOB_KEY).await.len(), before.len() + 1);
}

#[tokio::test]
async fn a_lost_delete_answer_fails_in_transport_yet_the_key_is_deleted() {
    let emulator = start().await;
    let (ci, _) = own_keys(&emulator, BOB_KEY).await.remove(0);
    emulator
        .faults()
        .lose_next_answer(MutationKind::DeleteApiKey);

    let error = send_unanswered(
        &reqwest::Client::new(),
        &emulator,
        ADMIN_KEY,
        SDK_DELETE,
        json!({ "id": ci }),
    )
    .await;

    assert_lost_after_sending(&error);
    let (status, _) = call(&emulator, Some(BOB_KEY), "{ viewer { id } }", json!({})).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_lost_answer_sends_not_one_byte_of_response() {
    let emulator = start().await;
    emulator.faults().lose_next_answer(MutationKind::CreateUser);
    let body = json!({ "query": SDK_CREATE_USER, "variables": { "email": "raw@example.com" } })
        .to_string();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nhost: {}\r\nauthorization: {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        emulator.local_addr(),
        basic(ADMIN_KEY),
        body.len()
    );
    let addr = emulator.local_addr();

    let received = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        // Only so that a server that never closes fails the test instead of hanging it.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut received = Vec::new();
        stream.read_to_end(&mut received).map(|_| received)
    })
    .await
    .unwrap();

    let received = received.unwrap();
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(
        emails_matching(&emulator, "raw@").await,
        ["raw@example.com"]
    );
}

#[tokio::test]
async fn a_lost_answer_waits_for_its_own_mutation_with_valid_credentials() {
    let emulator = start().await;
    emulator
        .faults()
        .lose_next_answer(MutationKind::DeleteApiKey);
    let (ci, _) = own_keys(&emulator, BOB_KEY).await.remove(0);

    // Other mutations, and a delete refused before it runs, are answered.
    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        SDK_CREATE_USER,
        json!({ "email": "answered@example.com" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&emulator, Some(BOB_KEY), SDK_GENERATE, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = call(
        &emulator,
        Some(UNKNOWN_KEY),
        SDK_DELETE,
        json!({ "id": ci }),
    )
    .await;
    assert_eq!(status, 401);

    let error = send_unanswered(
        &reqwest::Client::new(),
        &emulator,
        ADMIN_KEY,
        SDK_DELETE,
        json!({ "id": ci }),
    )
    .await;
    assert_lost_after_sending(&error);
}

#[tokio::test]
async fn clear_disarms_a_staged_fault() {
    let emulator = start().await;
    let faults = emulator.faults();
    faults.lose_next_answer(MutationKind::CreateUser);
    faults.hide_next_secret();

    emulator.faults().clear();

    let (status, body) = call(
        &emulator,
        Some(ADMIN_KEY),
        SDK_CREATE_USER,
        json!({ "email": "kept@example.com" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = call(&emulator, Some(BOB_KEY), SDK_GENERATE, json!({})).await;
    let secret = body["data"]["result"]["apiKey"]["name"].as_str().unwrap();
    let (status, _) = call(&emulator, Some(secret), "{ viewer { id } }", json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_hidden_secret_answers_the_keys_label_once() {
    let emulator = start().await;
    emulator.faults().hide_next_secret();

    let (status, body) = call(
        &emulator,
        Some(BOB_KEY),
        SDK_GENERATE,
        json!({ "description": "hidden" }),
    )
    .await;

    assert_eq!(status, 200, "{body}");
    let key = &body["data"]["result"]["apiKey"];
    let listed = own_keys(&emulator, BOB_KEY).await;
    let label = listed
        .iter()
        .find(|(id, _)| key["id"] == id.as_str())
        .map(|(_, name)| name.as_str())
        .expect("the key was made and is listed");
    assert_eq!(key["name"], label);
    assert_eq!(key["description"], "hidden");
    let (status, _) = call(&emulator, Some(label), "{ viewer { id } }", json!({})).await;
    assert_eq!(status, 401, "the label is no key");

    let (_, body) = call(&emulator, Some(BOB_KEY), SDK_GENERATE, json!({})).await;
    let secret = body["data"]["result"]["apiKey"]["name"].as_str().unwrap();
    let (status, body) = call(
        &emulator,
        Some(secret),
        "{ viewer { username } }",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, &body["data"]["viewer"]["username"]),
        (200, &json!("bob"))
    );
}
