//! The GraphQL adapter against a wiremock server standing in for W&B: one
//! server per test, real HTTP on 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpListener;
use users_domain::{ApiKeyId, Email, Error};
use users_graphql::{Environment, GraphqlClientBuilder, GraphqlUserRepository, RetryPolicy};
use wiremock::matchers::{BodyPartialJsonMatcher, body_partial_json, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, Times};

/// A well-formed key (40 characters).
pub(crate) const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";
/// Another well-formed key, for `act_as` and precedence tests.
pub(crate) const OTHER_KEY: &str = "local-zyxwvutsrqponmlkjihgfedcba9876543210zyxw";

/// `cy@example.com`: the user the mutation tests create.
pub(crate) fn cy_email() -> Email {
    Email::parse("cy@example.com").unwrap()
}

/// Asserts that `error` is an `Ambiguous` outcome of `operation`; its reason.
#[track_caller]
pub(crate) fn assert_ambiguous<'e>(error: &'e Error, operation: &str) -> &'e str {
    match error {
        Error::Ambiguous {
            operation: named,
            reason,
        } if named == operation => reason,
        other => panic!("expected an ambiguous {operation}, got {other:?}"),
    }
}

/// Retries that wait milliseconds, under a generous deadline.
pub(crate) fn quick() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        deadline: Duration::from_secs(30),
        max_retry_after: Duration::from_secs(3),
    }
}

/// An environment pointing at `base_url` with [`KEY`], and nothing else.
pub(crate) fn env_at(base_url: &str) -> Environment {
    env_holding(base_url, KEY)
}

/// An environment pointing at `base_url` with `key`, and nothing else.
pub(crate) fn env_holding(base_url: &str, key: &str) -> Environment {
    Environment {
        base_url: Some(base_url.to_owned()),
        api_key: Some(key.into()),
        ..Environment::default()
    }
}

/// A builder for a client of `server` holding [`KEY`], with [`quick`] retries.
pub(crate) fn builder(server: &MockServer) -> GraphqlClientBuilder {
    GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .retry_policy(quick())
}

pub(crate) fn client(server: &MockServer) -> GraphqlUserRepository {
    client_with(server, quick())
}

pub(crate) fn client_with(server: &MockServer, policy: RetryPolicy) -> GraphqlUserRepository {
    client_at(&server.uri(), policy)
}

pub(crate) fn client_at(base_url: &str, policy: RetryPolicy) -> GraphqlUserRepository {
    GraphqlUserRepository::builder()
        .environment(env_at(base_url))
        .retry_policy(policy)
        .build()
        .unwrap()
}

/// A server giving every request `answer`.
pub(crate) async fn serving(answer: impl Respond + 'static) -> MockServer {
    serving_exactly(answer, ..).await
}

/// A server giving every request `answer`, which must come `times` times
/// (checked when the server drops).
pub(crate) async fn serving_exactly(
    answer: impl Respond + 'static,
    times: impl Into<Times>,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(answer)
        .expect(times)
        .mount(&server)
        .await;
    server
}

/// A server answering every request with `template`, and a client that tries
/// once, so each test sees one answer.
pub(crate) async fn single_try_answering(
    template: ResponseTemplate,
) -> (MockServer, GraphqlUserRepository) {
    let server = serving(template).await;
    let repo = client_with(&server, RetryPolicy::never());
    (server, repo)
}

/// Mounts `answer` to the operation `name`, which must come `times` times.
pub(crate) async fn answer_operation(
    server: &MockServer,
    name: &str,
    answer: impl Respond + 'static,
    times: u64,
) {
    Mock::given(operation(name))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

/// Matches requests for one operation.
pub(crate) fn operation(name: &str) -> BodyPartialJsonMatcher {
    body_partial_json(json!({ "operationName": name }))
}

/// A 200 answer with this `data`.
pub(crate) fn data(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(object("data", value))
}

/// `{ key: value }`, taking the value.
fn object(key: &str, value: Value) -> Value {
    Value::Object([(key.to_owned(), value)].into_iter().collect())
}

/// An answer with GraphQL errors (and `data: null`).
pub(crate) fn graphql_errors(status: u16, messages: &[&str]) -> ResponseTemplate {
    let errors: Vec<Value> = messages
        .iter()
        .map(|message| json!({ "message": message, "path": ["result"] }))
        .collect();
    ResponseTemplate::new(status).set_body_json(json!({ "data": null, "errors": errors }))
}

/// A user as the `UserFragment` selection returns it.
pub(crate) fn user_json(id: &str, username: &str, email: &str) -> Value {
    json!({
        "id": id,
        "name": "Ada Lovelace",
        "username": username,
        "email": email,
        "admin": true,
        "flags": "{\"beta\":true}",
        "entity": username,
        "deletedAt": null,
        "apiKeys": { "edges": [
            { "node": { "id": "QXBpS2V5OjE=", "name": "ci-runner", "description": "ci" } },
        ] },
        "teams": { "edges": [ { "node": { "name": "ml" } } ] },
    })
}

/// Ada, the user most tests are answered: [`user_json`] of `VXNlcjox`.
pub(crate) fn ada() -> Value {
    user_json("VXNlcjox", "ada", "ada@example.com")
}

/// The id of the key [`user_json`] lists.
pub(crate) fn listed_key_id() -> ApiKeyId {
    ApiKeyId::parse("QXBpS2V5OjE=").unwrap()
}

/// [`ada`], with `key` listed after her own.
pub(crate) fn user_with_key(key: Value) -> Value {
    let mut user = ada();
    user["apiKeys"]["edges"]
        .as_array_mut()
        .unwrap()
        .push(object("node", key));
    user
}

/// The answer to `GetViewer`: `user`.
pub(crate) fn viewer_data(user: Value) -> ResponseTemplate {
    data(object("viewer", user))
}

/// The answer to `SearchUsers`: one edge per node.
pub(crate) fn users_data(nodes: Vec<Value>) -> ResponseTemplate {
    let edges: Vec<Value> = nodes.into_iter().map(|node| object("node", node)).collect();
    data(json!({ "users": { "edges": edges } }))
}

/// The answer to `CreateUserFromAdmin` of [`cy_email`].
pub(crate) fn created_cy() -> ResponseTemplate {
    let info = json!({ "id": "VXNlcjoz", "name": "", "username": "cy", "email": "cy@example.com", "admin": false });
    data(json!({ "result": { "user": info } }))
}

pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

pub(crate) fn body_of(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

pub(crate) fn header_of<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// A base URL on which nothing listens: connections are refused.
pub(crate) async fn refusing_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

/// A server that reads each request and hangs up without answering; counts
/// the connections it took.
pub(crate) async fn hanging_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        }
    });
    (format!("http://{address}"), count)
}
