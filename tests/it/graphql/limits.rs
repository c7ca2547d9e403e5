//! Body cap, timeouts and redirects.

use std::time::Duration;

use serde_json::json;
use users_domain::{Error, UserRepository};
use users_graphql::{GraphqlUserRepository, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{assert_ambiguous, cy_email, env_at, user_json, viewer_data};

fn builder(server: &MockServer) -> users_graphql::GraphqlClientBuilder {
    GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .retry_policy(RetryPolicy::never())
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_protocol_error() {
    let server = MockServer::start().await;
    let mut user = user_json("VXNlcjox", "ada", "ada@example.com");
    user["name"] = json!("x".repeat(4096));
    Mock::given(method("POST"))
        .respond_with(viewer_data(user))
        .mount(&server)
        .await;
    let repo = builder(&server).max_response_bytes(1024).build().unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(
        error.to_string().contains("larger than 1024 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_under_the_cap_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(viewer_data(user_json("VXNlcjox", "ada", "ada@example.com")))
        .mount(&server)
        .await;
    let repo = builder(&server)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();

    assert!(repo.viewer().await.is_ok());
}

#[tokio::test]
async fn a_slow_query_times_out_as_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(viewer_data(json!(null)).set_delay(Duration::from_secs(10)))
        .expect(1)
        .mount(&server)
        .await;
    let repo = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_slow_mutation_is_ambiguous() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .expect(1)
        .mount(&server)
        .await;
    let repo = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_policy(crate::support::quick())
        .build()
        .unwrap();

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    let reason = assert_ambiguous(&error, "createUser");
    assert!(reason.contains("timed out"), "{reason}");
}

#[tokio::test]
async fn a_redirect_is_refused_and_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    for status in [301, 302, 307, 308] {
        let server = MockServer::start().await;
        let target = format!("{}/graphql", elsewhere.uri());
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .expect(1)
            .mount(&server)
            .await;
        let repo = builder(&server).build().unwrap();

        let error = repo.viewer().await.unwrap_err();

        assert!(matches!(error, Error::Protocol { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains(&status.to_string()) && message.contains("redirect"),
            "{message}"
        );
    }
}
