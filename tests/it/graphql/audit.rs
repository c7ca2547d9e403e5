//! The audit's findings on the adapter (issue 9), each pinned by a test that
//! failed before its fix.

use std::time::{Duration, Instant};

use serde_json::json;
use users_domain::{Error, UserRepository as _};
use users_graphql::{GraphqlUserRepository, RetryPolicy};
use wiremock::ResponseTemplate;

use crate::support::mock::{
    assert_ambiguous, client_with, cy_email, env_at, quick, serving_exactly,
};

/// `data: {result: null}` and one error with this `extensions.code` (none if `None`).
fn failed_with(code: Option<&str>) -> ResponseTemplate {
    let mut error = json!({ "message": "something broke", "path": ["result"] });
    if let Some(code) = code {
        error["extensions"] = json!({ "code": code });
    }
    ResponseTemplate::new(200)
        .set_body_json(json!({ "data": { "result": null }, "errors": [error] }))
}

#[tokio::test]
async fn a_mutation_failing_with_a_server_fault_has_an_unknown_outcome() {
    for code in [
        Some("INTERNAL"),
        Some("INTERNAL_SERVER_ERROR"),
        Some("UNAVAILABLE"),
        None,
    ] {
        // Sent once: a mutation that may have run is never repeated.
        let server = serving_exactly(failed_with(code), 1).await;
        let repo = client_with(&server, quick());

        let error = repo.create_user(&cy_email(), false).await.unwrap_err();

        assert_ambiguous(&error, "createUser");
    }
}

#[tokio::test]
async fn a_query_failing_with_a_server_fault_is_retried() {
    let server = serving_exactly(
        ResponseTemplate::new(200).set_body_json(json!({
            "data": { "viewer": null },
            "errors": [{ "message": "db down", "extensions": { "code": "INTERNAL" } }],
        })),
        3,
    )
    .await;
    let repo = client_with(&server, quick());

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.is_transient(), "{error}");
}

#[tokio::test]
async fn a_known_code_still_decides_a_failed_mutation() {
    let server = serving_exactly(failed_with(Some("ALREADY_EXISTS")), 1).await;

    let error = client_with(&server, quick())
        .create_user(&cy_email(), false)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::AlreadyExists { .. }), "{error}");
}

#[tokio::test]
async fn a_redirect_target_is_shown_without_its_query() {
    let server = serving_exactly(
        ResponseTemplate::new(302).insert_header(
            "Location",
            "https://sso.example.com/login?token=s3cr3t#frag",
        ),
        1,
    )
    .await;

    let error = client_with(&server, RetryPolicy::never())
        .viewer()
        .await
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains("https://sso.example.com/login?…"),
        "{message}"
    );
    assert!(
        !message.contains("s3cr3t") && !message.contains("frag"),
        "{message}"
    );
}

#[tokio::test]
async fn retry_after_zero_still_waits_between_attempts() {
    let server = serving_exactly(
        ResponseTemplate::new(503).insert_header("Retry-After", "0"),
        3,
    )
    .await;
    let repo = GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(200),
            ..quick()
        })
        .build()
        .unwrap();
    let started = Instant::now();

    let error = repo.viewer().await.unwrap_err();

    // Two waits of at least half the base delay: a lower bound, never flaky.
    assert!(started.elapsed() >= Duration::from_millis(200), "{error}");
}

#[tokio::test]
async fn a_mutation_is_not_sent_again_with_too_little_time_left() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    // Were it sent again, it would time out: a lost answer, `Ambiguous`.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .expect(0)
        .mount(&server)
        .await;
    let repo = client_with(
        &server,
        RetryPolicy {
            deadline: Duration::from_millis(1200),
            max_retry_after: Duration::from_secs(5),
            ..quick()
        },
    );

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert_eq!(
        error,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(1))
        }
    );
}

#[tokio::test]
async fn nothing_is_sent_once_the_client_s_deadline_has_passed() {
    let server = serving_exactly(ResponseTemplate::new(200), 0).await;
    let repo = GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .deadline_at(Instant::now())
        .build()
        .unwrap();

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(
        error.to_string().contains("time allowed ran out"),
        "{error}"
    );
}

#[tokio::test]
async fn a_rate_limit_pause_that_would_leave_no_time_fails_at_once_unsent() {
    let server = wiremock::MockServer::start().await;
    // One answer, which says no request remains for 1.8 s.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "data": { "users": { "edges": [] } } }))
                .insert_header("RateLimit-Remaining", "0")
                .insert_header("RateLimit-Reset", "1.8"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let repo = client_with(
        &server,
        RetryPolicy {
            deadline: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
            ..quick()
        },
    );
    repo.search_users("ada").await.unwrap();

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert!(matches!(error, Error::RateLimited { .. }), "{error}");
}

#[tokio::test]
async fn a_501_is_definite_for_a_mutation_and_not_retried_for_a_query() {
    let server = serving_exactly(ResponseTemplate::new(501), 2).await;
    let repo = client_with(&server, quick());

    let query = repo.viewer().await.unwrap_err();
    let mutation = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert!(matches!(query, Error::Protocol { .. }), "{query}");
    assert!(!matches!(mutation, Error::Ambiguous { .. }), "{mutation}");
}
