//! A key never appears in an error, a `Debug` output or a TRACE log.

use serde_json::json;
use users_domain::{ApiKeyId, ApiKeySecret, Backend, Email, KeyRepository, UserRepository};
use users_graphql::{Environment, GraphqlUserRepository, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::mock::{env_holding, graphql_errors, operation, quick};
use crate::support::orphan::NewKey;
use crate::support::{basic, trace};

const SENTINEL: &str = "z9x8c7v6b5n4m3l2k1j0h9g8f7d6s5a4p3o2i1u0";

/// Fails when `text` holds six characters in a row of the key or of its
/// `Authorization` encoding.
#[track_caller]
fn assert_hidden(text: &str) {
    let encoded = basic(SENTINEL);
    for secret in [SENTINEL, &encoded["Basic ".len()..]] {
        for window in secret.as_bytes().windows(6) {
            let window = std::str::from_utf8(window).unwrap();
            assert!(
                !text.contains(window),
                "{window:?} of the key leaked: {text}"
            );
        }
    }
}

#[tokio::test]
async fn the_key_shows_in_no_error_debug_output_or_trace_log() {
    let log = trace::capture();
    let server = MockServer::start().await;
    // A server that echoes the key back in its messages, and fails every way it can.
    let echo = format!("invalid api key {SENTINEL}");
    Mock::given(operation("GetViewer"))
        .respond_with(graphql_errors(401, &[&echo]))
        .mount(&server)
        .await;
    Mock::given(operation("SearchUsers"))
        .respond_with(graphql_errors(200, &[&echo, "and more"]))
        .mount(&server)
        .await;
    Mock::given(operation("CreateUserFromAdmin"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_raw(format!("<html>{SENTINEL}</html>"), "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(operation("GenerateApiKey"))
        .respond_with(NewKey {
            id: "QXBpS2V5OjI=",
            name: "label".to_owned(),
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "data": { "result": { "success": SENTINEL } } })),
        )
        .mount(&server)
        .await;
    let builder = GraphqlUserRepository::builder()
        .environment(env_holding(&server.uri(), SENTINEL))
        .retry_policy(quick());
    let builder_debug = format!("{builder:?}");
    let repo = builder.build().unwrap();
    let other = repo.act_as(ApiKeySecret::parse(SENTINEL).unwrap());

    let errors = [
        repo.viewer().await.unwrap_err(),
        repo.search_users("a").await.unwrap_err(),
        repo.create_user(&Email::parse("a@b.io").unwrap(), false)
            .await
            .unwrap_err(),
        repo.generate_api_key(None).await.unwrap_err(),
        other
            .delete_api_key(&ApiKeyId::parse("QXBpS2V5OjE=").unwrap())
            .await
            .unwrap_err(),
    ];

    for error in &errors {
        assert_hidden(&error.to_string());
        assert_hidden(&format!("{error:?}"));
    }
    assert!(
        errors[0].to_string().contains("invalid api key [redacted]"),
        "{}",
        errors[0]
    );
    assert_hidden(&builder_debug);
    assert_hidden(&format!("{repo:?}"));
    let env = Environment {
        api_key: Some(SENTINEL.into()),
        ..Environment::default()
    };
    assert_hidden(&format!("{env:?}"));
    let logged = log.logged();
    assert!(
        logged.contains("graphql attempt"),
        "the log captured nothing"
    );
    assert_hidden(&logged);
}

#[tokio::test]
async fn the_authorization_token_a_server_echoes_is_blotted_out_too() {
    let log = trace::capture();
    let server = MockServer::start().await;
    let token = basic(SENTINEL)["Basic ".len()..].to_owned();
    let echo = format!("bad credentials: Basic {token}");
    Mock::given(operation("GetViewer"))
        .respond_with(graphql_errors(401, &[&echo]))
        .mount(&server)
        .await;
    // Partial data with an error below the root is kept, and the error logged.
    let unpadded = format!("no teams for {}", token.trim_end_matches('='));
    let body = json!({
        "data": { "users": { "edges": [] } },
        "errors": [{ "message": unpadded, "path": ["users", "edges"] }],
    });
    Mock::given(operation("SearchUsers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let repo = GraphqlUserRepository::builder()
        .environment(env_holding(&server.uri(), SENTINEL))
        .retry_policy(quick())
        .build()
        .unwrap();

    let error = repo.viewer().await.unwrap_err();
    let users = repo.search_users("a").await.unwrap();

    assert!(users.is_empty());
    assert!(error.to_string().contains("Basic [redacted]"), "{error}");
    assert_hidden(&error.to_string());
    assert_hidden(&format!("{error:?}"));
    let logged = log.logged();
    assert!(logged.contains("no teams for [redacted]"), "{logged}");
    assert_hidden(&logged);
}

#[test]
fn a_malformed_key_is_not_quoted_in_the_config_error() {
    let malformed = format!("{SENTINEL}!");
    let error = GraphqlUserRepository::builder()
        .environment(Environment {
            api_key: Some(malformed.into()),
            ..Environment::default()
        })
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap_err();
    assert_hidden(&error.to_string());
    assert_hidden(&format!("{error:?}"));
}
