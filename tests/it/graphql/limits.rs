//! Body cap, timeouts and redirects.

use std::time::Duration;

use serde_json::json;
use users_domain::{Error, UserRepository};
use users_graphql::{GraphqlClientBuilder, RetryPolicy};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::mock::{
    ada, assert_ambiguous, builder, cy_email, serving, serving_exactly, viewer_data,
};

/// A builder for a client of `server` that tries once.
fn trying_once(server: &MockServer) -> GraphqlClientBuilder {
    builder(server).retry_policy(RetryPolicy::never())
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_protocol_error() {
    let mut user = ada();
    user["name"] = json!("x".repeat(4096));
    let server = serving(viewer_data(user)).await;
    let repo = trying_once(&server)
        .max_response_bytes(1024)
        .build()
        .unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    assert!(
        error.to_string().contains("larger than 1024 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_under_the_cap_is_read() {
    let server = serving(viewer_data(ada())).await;
    let repo = trying_once(&server)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();

    assert!(repo.viewer().await.is_ok());
}

#[tokio::test]
async fn a_slow_query_times_out_as_unavailable() {
    let slow = viewer_data(json!(null)).set_delay(Duration::from_secs(10));
    let server = serving_exactly(slow, 1).await;
    let repo = trying_once(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_slow_mutation_is_ambiguous() {
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(10));
    let server = serving_exactly(slow, 1).await;
    let repo = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    let reason = assert_ambiguous(&error, "createUser");
    assert!(reason.contains("timed out"), "{reason}");
}

#[tokio::test]
async fn a_redirect_is_refused_and_not_followed() {
    let elsewhere = serving_exactly(ResponseTemplate::new(200), 0).await;
    for status in [301, 302, 307, 308] {
        let target = format!("{}/graphql", elsewhere.uri());
        let redirect = ResponseTemplate::new(status).insert_header("Location", target.as_str());
        let server = serving_exactly(redirect, 1).await;
        let repo = trying_once(&server).build().unwrap();

        let error = repo.viewer().await.unwrap_err();

        assert!(matches!(error, Error::Protocol { .. }), "{error}");
        let message = error.to_string();
        assert!(
            message.contains(&status.to_string()) && message.contains("redirect"),
            "{message}"
        );
    }
}
