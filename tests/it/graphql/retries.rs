//! What is retried, how often, and what is never sent twice.

use std::sync::atomic::Ordering;
use std::time::Duration;

use users_domain::{Error, KeyRepository, UserRepository};
use users_graphql::RetryPolicy;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::mock::{
    ada, assert_ambiguous, client, client_at, client_with, created_cy, cy_email, hanging_up_server,
    listed_key_id, quick, received, refusing_base_url, serving, serving_exactly, viewer_data,
};

/// Answers `first` for the first `times` requests, then `then`.
async fn answering(
    server: &MockServer,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .respond_with(then)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_query_is_retried_on_5xx_until_it_succeeds() {
    let server = MockServer::start().await;
    let ok = viewer_data(ada());
    answering(&server, ResponseTemplate::new(503), 2, ok).await;

    let user = client(&server).viewer().await.unwrap();

    assert_eq!(user.username.as_str(), "ada");
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn a_query_gives_up_after_max_attempts() {
    let server = serving_exactly(ResponseTemplate::new(500), 3).await;

    let error = client(&server).search_users("a").await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn a_query_is_not_retried_on_statuses_that_cannot_heal() {
    for status in [400, 401, 403, 404, 409, 422, 501] {
        let server = serving_exactly(ResponseTemplate::new(status), 1).await;

        let error = client(&server).viewer().await.unwrap_err();

        assert!(
            !matches!(error, Error::Ambiguous { .. }),
            "{status}: {error}"
        );
        assert_eq!(received(&server).await.len(), 1, "{status}");
    }
}

#[tokio::test]
async fn a_query_is_retried_when_the_connection_drops() {
    let (base_url, connections) = hanging_up_server().await;

    let error = client_at(&base_url, quick()).viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_mutation_whose_answer_is_lost_is_ambiguous_and_not_resent() {
    let (base_url, connections) = hanging_up_server().await;

    let error = client_at(&base_url, quick())
        .create_user(&cy_email(), false)
        .await
        .unwrap_err();

    assert_ambiguous(&error, "createUser");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_mutation_answered_5xx_is_ambiguous_and_not_resent() {
    let server = serving_exactly(ResponseTemplate::new(502), 2).await;
    let repo = client(&server);

    let created = repo.create_user(&cy_email(), false).await.unwrap_err();
    let deleted = repo.delete_api_key(&listed_key_id()).await.unwrap_err();

    assert_ambiguous(&created, "createUser");
    assert_ambiguous(&deleted, "deleteApiKey");
}

#[tokio::test]
async fn a_mutation_refused_with_429_is_retried() {
    let server = MockServer::start().await;
    answering(&server, ResponseTemplate::new(429), 1, created_cy()).await;

    let user = client(&server)
        .create_user(&cy_email(), false)
        .await
        .unwrap();

    assert_eq!(user.username.as_str(), "cy");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_mutation_that_could_not_connect_is_unavailable_not_ambiguous() {
    let repo = client_at(&refusing_base_url().await, quick());

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let ok = viewer_data(ada());
    answering(&server, limited, 1, ok).await;

    assert!(client(&server).viewer().await.is_ok());
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_reported_not_waited_out() {
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "3600");
    let server = serving_exactly(limited, 1).await;

    let error = client(&server).viewer().await.unwrap_err();

    assert_eq!(
        error,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
}

#[tokio::test]
async fn the_deadline_stops_retries() {
    let server = serving(ResponseTemplate::new(500).set_delay(Duration::from_millis(100))).await;
    let policy = RetryPolicy {
        max_attempts: 1000,
        deadline: Duration::from_millis(350),
        ..quick()
    };

    let error = client_with(&server, policy).viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    let attempts = received(&server).await.len();
    assert!((1..=10).contains(&attempts), "{attempts} attempts");
}
