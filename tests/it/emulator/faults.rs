//! Staged faults: a lost answer is a real transport failure after the
//! mutation ran; a hidden secret is a label where the secret belongs.

use std::{
    error::Error as _,
    io::{Read as _, Write as _},
    time::Duration,
};

use serde_json::{Value, json};
use users_emulator::{MutationKind, RunningEmulator};

use crate::support::emulator::{
    ADMIN_KEY, BOB_KEY, UNKNOWN_KEY, VIEWER_ID, create_user, delete_key, emails, generate_key,
    generated_secret, get_viewer, query, search_users, start, viewer_status,
};
use crate::support::{SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, basic};

/// hyper's words for a connection that closed before any response came.
const NO_RESPONSE: &str = "connection closed before message completed";

/// One GraphQL request on `client`, whose pooled connections a test may reuse.
async fn send(
    client: &reqwest::Client,
    emulator: &RunningEmulator,
    key: &str,
    query: &str,
    variables: Value,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{}/graphql", emulator.base_url()))
        .header("authorization", basic(key))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
}

/// Sends one GraphQL request and asserts that it went out and the connection
/// closed with no response to it.
async fn assert_answer_lost(
    client: &reqwest::Client,
    emulator: &RunningEmulator,
    key: &str,
    query: &str,
    variables: Value,
) {
    let error = match send(client, emulator, key, query, variables).await {
        Err(error) => error,
        Ok(response) => panic!("expected no answer, got HTTP {}", response.status()),
    };
    assert!(!error.is_connect(), "the connection was made: {error:?}");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.status().is_none(), "{error:?}");
    let text = chain(&error);
    assert!(text.contains(NO_RESPONSE), "{text}");
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

async fn emails_matching(emulator: &RunningEmulator, query: &str) -> Vec<String> {
    let (status, body) = search_users(emulator, ADMIN_KEY, json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    emails(&body)
}

/// The ids and names of the keys of the holder of `key`.
async fn own_keys(emulator: &RunningEmulator, key: &str) -> Vec<(String, String)> {
    let (status, body) = get_viewer(emulator, key).await;
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
    let lost = json!({ "email": "lost@example.com" });

    assert_answer_lost(&client, &emulator, ADMIN_KEY, SDK_CREATE_USER, lost).await;

    assert_eq!(
        emails_matching(&emulator, "lost@").await,
        ["lost@example.com"]
    );
}

#[tokio::test]
async fn a_lost_team_or_lifecycle_answer_fails_in_transport_yet_the_change_is_made() {
    use super::lifecycle::DELETE_USER;
    use super::teams::{CREATE_SERVICE_ACCOUNT, CREATE_TEAM, team, usernames};

    let emulator = start().await;
    let client = reqwest::Client::new();
    let (_, bob) = search_users(&emulator, ADMIN_KEY, json!({ "query": "bob" })).await;
    let bob_id = bob["data"]["users"]["edges"][0]["node"]["id"].clone();

    emulator.faults().lose_next_answer(MutationKind::CreateTeam);
    let new_team = json!({ "teamName": "ops" });
    assert_answer_lost(&client, &emulator, ADMIN_KEY, CREATE_TEAM, new_team).await;
    emulator
        .faults()
        .lose_next_answer(MutationKind::CreateServiceAccount);
    let account = json!({ "entity": "ops", "description": "CI bot" });
    assert_answer_lost(
        &client,
        &emulator,
        ADMIN_KEY,
        CREATE_SERVICE_ACCOUNT,
        account,
    )
    .await;
    emulator.faults().lose_next_answer(MutationKind::DeleteUser);
    let deactivate = json!({ "id": bob_id });
    assert_answer_lost(&client, &emulator, ADMIN_KEY, DELETE_USER, deactivate).await;

    let (_, ops) = team(&emulator, ADMIN_KEY, "ops").await;
    assert_eq!(usernames(&ops).len(), 2, "{ops}");
    assert_eq!(viewer_status(&emulator, BOB_KEY).await, 401);
}

#[tokio::test]
async fn a_lost_answer_is_lost_once_and_the_client_goes_on() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    // Warm a pooled connection, so the lost answer is on a reused one.
    let warm = send(&client, &emulator, ADMIN_KEY, VIEWER_ID, json!({}))
        .await
        .unwrap();
    assert_eq!(warm.status().as_u16(), 200);
    warm.bytes().await.unwrap();
    emulator.faults().lose_next_answer(MutationKind::CreateUser);
    let lost = json!({ "email": "first@example.com" });
    assert_answer_lost(&client, &emulator, ADMIN_KEY, SDK_CREATE_USER, lost).await;

    let second = json!({ "email": "second@example.com" });
    let answered = send(&client, &emulator, ADMIN_KEY, SDK_CREATE_USER, second)
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
    let client = reqwest::Client::new();
    let before = own_keys(&emulator, BOB_KEY).await;
    emulator
        .faults()
        .lose_next_answer(MutationKind::GenerateApiKey);
    let lost = json!({ "description": "lost" });

    assert_answer_lost(&client, &emulator, BOB_KEY, SDK_GENERATE, lost).await;

    assert_eq!(own_keys(&emulator, BOB_KEY).await.len(), before.len() + 1);
}

#[tokio::test]
async fn a_lost_delete_answer_fails_in_transport_yet_the_key_is_deleted() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    let (ci, _) = own_keys(&emulator, BOB_KEY).await.remove(0);
    emulator
        .faults()
        .lose_next_answer(MutationKind::DeleteApiKey);
    let lost = json!({ "id": ci });

    assert_answer_lost(&client, &emulator, ADMIN_KEY, SDK_DELETE, lost).await;

    assert_eq!(viewer_status(&emulator, BOB_KEY).await, 401);
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
    let answered = json!({ "email": "answered@example.com" });
    let (status, body) = create_user(&emulator, ADMIN_KEY, answered).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = generate_key(&emulator, BOB_KEY, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = delete_key(&emulator, UNKNOWN_KEY, &json!(ci)).await;
    assert_eq!(status, 401);

    let client = reqwest::Client::new();
    let lost = json!({ "id": ci });
    assert_answer_lost(&client, &emulator, ADMIN_KEY, SDK_DELETE, lost).await;
}

#[tokio::test]
async fn a_refused_mutation_from_a_recognised_caller_loses_its_answer_too() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    emulator.faults().lose_next_answer(MutationKind::CreateUser);
    let refused = json!({ "email": "refused@example.com" });

    assert_answer_lost(&client, &emulator, BOB_KEY, SDK_CREATE_USER, refused).await;

    assert!(emails_matching(&emulator, "refused@").await.is_empty());
    let answered = json!({ "email": "answered@example.com" });
    let (status, body) = create_user(&emulator, ADMIN_KEY, answered).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn clear_disarms_a_staged_fault() {
    let emulator = start().await;
    let faults = emulator.faults();
    faults.lose_next_answer(MutationKind::CreateUser);
    faults.hide_next_secret();

    emulator.faults().clear();

    let kept = json!({ "email": "kept@example.com" });
    let (status, body) = create_user(&emulator, ADMIN_KEY, kept).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = generate_key(&emulator, BOB_KEY, json!({})).await;
    assert_eq!(viewer_status(&emulator, generated_secret(&body)).await, 200);
}

#[tokio::test]
async fn a_hidden_secret_answers_the_keys_label_once() {
    let emulator = start().await;
    emulator.faults().hide_next_secret();

    let (status, body) = generate_key(&emulator, BOB_KEY, json!({ "description": "hidden" })).await;

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
    assert_eq!(
        viewer_status(&emulator, label).await,
        401,
        "the label is no key"
    );

    let (_, body) = generate_key(&emulator, BOB_KEY, json!({})).await;
    let secret = generated_secret(&body);
    let (status, body) = query(&emulator, secret, "{ viewer { username } }").await;
    assert_eq!(
        (status, &body["data"]["viewer"]["username"]),
        (200, &json!("bob"))
    );
}
