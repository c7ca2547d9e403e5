//! What the unit tests that stand a wiremock server in for W&B share.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::body_partial_json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::{Environment, GraphqlUserRepository, RetryPolicy};

/// A well-formed key (40 characters): the client's own.
pub(crate) const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";

/// A client of `server` holding [`KEY`], retrying queries at once.
pub(crate) fn client(server: &MockServer) -> GraphqlUserRepository {
    GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some(server.uri()),
            api_key: Some(KEY.into()),
            ..Environment::default()
        })
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            deadline: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(3),
        })
        .build()
        .unwrap()
}

/// Mounts `answer` to the operation `name`, which must come `times` times.
pub(crate) async fn answer(
    server: &MockServer,
    name: &str,
    answer: impl Respond + 'static,
    times: u64,
) {
    Mock::given(body_partial_json(json!({ "operationName": name })))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

/// A 200 answer with this `data`.
pub(crate) fn data(value: Value) -> ResponseTemplate {
    let body: serde_json::Map<String, Value> = [("data".to_owned(), value)].into_iter().collect();
    ResponseTemplate::new(200).set_body_json(body)
}

/// A 200 answer with one GraphQL error of this code, and no data.
pub(crate) fn coded(message: &str, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "data": null,
        "errors": [{ "message": message, "path": ["result"], "extensions": { "code": code } }],
    }))
}

/// The bodies of the requests for operation `name`, in order.
pub(crate) async fn bodies_of(server: &MockServer, name: &str) -> Vec<Value> {
    let requests: Vec<Request> = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|request| serde_json::from_slice::<Value>(&request.body).unwrap())
        .filter(|body| body["operationName"] == name)
        .collect()
}
