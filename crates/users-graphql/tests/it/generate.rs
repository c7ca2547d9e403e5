//! `generate_api_key` never leaves a live key that nobody holds.

use std::time::Duration;

use serde_json::json;
use users_domain::{Error, UserRepository};
use users_graphql::GraphqlUserRepository;
use wiremock::matchers::body_partial_json;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    NewKey, NoteDescription, ORPHAN_ID, SeenDescription, ViewerKeys, client, data, env_at,
    operation, quick,
};

/// Mounts `GenerateApiKey` (sent exactly once) answering `answer`, and
/// `GetViewer` listing the key it made when `tagged`; returns what was seen.
async fn generate_answering(
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
async fn delete_answering(server: &MockServer, answer: ResponseTemplate, times: u64) {
    let orphan = json!({ "operationName": "DeleteApiKey", "variables": { "id": ORPHAN_ID } });
    Mock::given(body_partial_json(orphan))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

fn deleted() -> ResponseTemplate {
    data(json!({ "result": { "success": true } }))
}

#[tokio::test]
async fn an_ambiguous_generate_revokes_the_key_it_made() {
    let server = MockServer::start().await;
    generate_answering(&server, ResponseTemplate::new(500), true, 1).await;
    delete_answering(&server, deleted(), 1).await;

    let error = client(&server)
        .generate_api_key(Some("ci".to_owned()))
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains(ORPHAN_ID) && message.contains("revoked"),
        "{message}"
    );
}

#[tokio::test]
async fn a_generate_that_timed_out_is_reconciled_too() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(10));
    generate_answering(&server, slow, true, 1).await;
    delete_answering(&server, deleted(), 1).await;
    let repo = GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .retry_policy(quick())
        .timeout(Duration::from_millis(750))
        .build()
        .unwrap();

    let error = repo.generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_generate_answered_with_garbage_is_reconciled() {
    let server = MockServer::start().await;
    let garbage =
        ResponseTemplate::new(200).set_body_raw(r#"{"data":{"result":{"apiK"#, "application/json");
    generate_answering(&server, garbage, true, 1).await;
    delete_answering(&server, deleted(), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("revoked"), "{error}");
}

#[tokio::test]
async fn an_ambiguous_generate_that_made_no_key_says_so() {
    let server = MockServer::start().await;
    generate_answering(&server, ResponseTemplate::new(503), false, 1).await;
    delete_answering(&server, deleted(), 0).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("no key was made"), "{error}");
}

#[tokio::test]
async fn a_generate_lost_in_flight_looks_more_than_once_before_saying_no_key_was_made() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(10));
    generate_answering(&server, slow, false, 3).await;
    let repo = GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .retry_policy(quick())
        .timeout(Duration::from_millis(750))
        .build()
        .unwrap();

    let error = repo.generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
}

#[tokio::test]
async fn a_failed_check_leaves_the_outcome_ambiguous() {
    let server = MockServer::start().await;
    Mock::given(operation("GenerateApiKey"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(operation("GetViewer"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    let Error::Ambiguous { operation, reason } = error else {
        panic!("expected an ambiguous outcome, got {error:?}");
    };
    assert_eq!(operation, "generateApiKey");
    assert!(reason.contains("[wbusers:"), "{reason}");
}

#[tokio::test]
async fn a_failed_revocation_leaves_the_outcome_ambiguous_naming_the_key() {
    let server = MockServer::start().await;
    generate_answering(&server, ResponseTemplate::new(500), true, 1).await;
    delete_answering(&server, ResponseTemplate::new(403), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Ambiguous { .. }), "{error}");
    assert!(error.to_string().contains(ORPHAN_ID), "{error}");
}

#[tokio::test]
async fn a_definite_failure_is_not_reconciled() {
    let server = MockServer::start().await;
    generate_answering(&server, ResponseTemplate::new(403), true, 0).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::PermissionDenied { .. }), "{error}");
}

#[tokio::test]
async fn a_label_instead_of_the_secret_is_revoked_and_reported() {
    let server = MockServer::start().await;
    Mock::given(operation("GenerateApiKey"))
        .respond_with(NewKey {
            id: ORPHAN_ID,
            name: "key-3fa2c9".to_owned(),
        })
        .expect(1)
        .mount(&server)
        .await;
    delete_answering(&server, deleted(), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("did not reveal") && message.contains("was revoked"),
        "{message}"
    );
}

#[tokio::test]
async fn a_label_whose_revocation_fails_says_so() {
    let server = MockServer::start().await;
    Mock::given(operation("GenerateApiKey"))
        .respond_with(NewKey {
            id: ORPHAN_ID,
            name: "key-3fa2c9".to_owned(),
        })
        .expect(1)
        .mount(&server)
        .await;
    delete_answering(&server, ResponseTemplate::new(503), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("revoking key {ORPHAN_ID} failed")),
        "{message}"
    );
}
