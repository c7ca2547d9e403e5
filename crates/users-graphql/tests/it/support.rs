//! Helpers shared by the test modules.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt as _;
use tokio::net::TcpListener;
use users_graphql::{Environment, GraphqlUserRepository, RetryPolicy};
use wiremock::matchers::{BodyPartialJsonMatcher, body_partial_json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A well-formed key (40 characters).
pub(crate) const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";
/// Another well-formed key, for `act_as` and precedence tests.
pub(crate) const OTHER_KEY: &str = "local-zyxwvutsrqponmlkjihgfedcba9876543210zyxw";

/// The `Authorization` header value for `key`.
pub(crate) fn basic(key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("api:{key}"));
    format!("Basic {encoded}")
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
    Environment {
        base_url: Some(base_url.to_owned()),
        api_key: Some(KEY.into()),
        ..Environment::empty()
    }
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

/// [`user_json`]'s user, with `key` listed after its own.
pub(crate) fn user_with_key(key: Value) -> Value {
    let mut user = user_json("VXNlcjox", "ada", "ada@example.com");
    user["apiKeys"]["edges"]
        .as_array_mut()
        .unwrap()
        .push(object("node", key));
    user
}

pub(crate) fn viewer_data(user: Value) -> ResponseTemplate {
    data(object("viewer", user))
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

/// The description of the last `GenerateApiKey` request a responder saw.
#[derive(Clone, Default)]
pub(crate) struct SeenDescription(Arc<Mutex<Option<String>>>);

impl SeenDescription {
    pub(crate) fn get(&self) -> Option<String> {
        self.0.lock().unwrap().clone()
    }

    pub(crate) fn set(&self, description: &str) {
        *self.0.lock().unwrap() = Some(description.to_owned());
    }

    fn note(&self, request: &Request) {
        let description = body_of(request)["variables"]["description"]
            .as_str()
            .map(str::to_owned);
        *self.0.lock().unwrap() = description;
    }
}

/// Notes the request's description, then answers `then`.
pub(crate) struct NoteDescription {
    pub(crate) seen: SeenDescription,
    pub(crate) then: ResponseTemplate,
}

impl Respond for NoteDescription {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.seen.note(request);
        self.then.clone()
    }
}

/// Answers `GenerateApiKey` with a key named `name` whose description is the one sent.
pub(crate) struct NewKey {
    pub(crate) id: &'static str,
    pub(crate) name: String,
}

impl Respond for NewKey {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let description = body_of(request)["variables"]["description"].clone();
        data(json!({ "result": { "apiKey": {
            "id": self.id, "name": self.name, "description": description,
        } } }))
    }
}

/// The id of the key [`ViewerKeys`] shows carrying the request's tag.
pub(crate) const ORPHAN_ID: &str = "QXBpS2V5Ojk5";

/// Answers `GetViewer` with an unrelated key and, when `tagged`, the key the
/// noted request made (id [`ORPHAN_ID`]).
pub(crate) struct ViewerKeys {
    pub(crate) seen: SeenDescription,
    pub(crate) tagged: bool,
}

impl Respond for ViewerKeys {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        if !self.tagged {
            return viewer_data(user_json("VXNlcjox", "ada", "ada@example.com"));
        }
        let orphan =
            json!({ "id": ORPHAN_ID, "name": "key-orphan", "description": self.seen.get() });
        viewer_data(user_with_key(orphan))
    }
}

/// Mounts `GenerateApiKey` (sent exactly once) answering `answer`, and
/// `GetViewer` listing the key it made when `tagged`; returns what was seen.
pub(crate) async fn generate_answering(
    server: &MockServer,
    answer: ResponseTemplate,
    tagged: bool,
    checks: u64,
) {
    let seen = SeenDescription::default();
    Mock::given(operation("GenerateApiKey"))
        .respond_with(NoteDescription {
            seen: seen.clone(),
            then: answer,
        })
        .expect(1)
        .mount(server)
        .await;
    Mock::given(operation("GetViewer"))
        .respond_with(ViewerKeys { seen, tagged })
        .expect(checks)
        .mount(server)
        .await;
}

/// Mounts `DeleteApiKey` of the orphan, expected `times` times.
pub(crate) async fn delete_answering(server: &MockServer, answer: ResponseTemplate, times: u64) {
    let orphan = json!({ "operationName": "DeleteApiKey", "variables": { "id": ORPHAN_ID } });
    Mock::given(body_partial_json(orphan))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

pub(crate) fn deleted() -> ResponseTemplate {
    data(json!({ "result": { "success": true } }))
}
