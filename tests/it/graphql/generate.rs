//! `generate_api_key` never leaves a live key that nobody holds.

use std::time::Duration;

use users_domain::{Error, KeyRepository};
use users_graphql::GraphqlUserRepository;
use wiremock::{MockServer, Respond, ResponseTemplate};

use crate::support::mock::{answer_operation, assert_ambiguous, builder, client, data};
use crate::support::orphan::{
    NewKey, ORPHAN_ID, SeenDescription, ViewerKeys, assert_revoked, delete_answering, deleted,
    generate_answering, generate_noting, generate_revoking,
};

/// A client whose requests time out after 750 ms, long before a slow answer.
fn timing_out(server: &MockServer) -> GraphqlUserRepository {
    builder(server)
        .timeout(Duration::from_millis(750))
        .build()
        .unwrap()
}

/// Mounts `GenerateApiKey` (sent exactly once) answering with a key whose
/// name is a label, not a secret.
async fn generate_answering_a_label(server: &MockServer) {
    let label = NewKey {
        id: ORPHAN_ID,
        name: "key-3fa2c9".to_owned(),
    };
    answer_operation(server, "GenerateApiKey", label, 1).await;
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

    let error = timing_out(&server)
        .generate_api_key(None)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn a_generate_answered_with_garbage_is_reconciled() {
    let garbage =
        ResponseTemplate::new(200).set_body_raw(r#"{"data":{"result":{"apiK"#, "application/json");

    let error = generate_revoking(garbage).await;

    assert_revoked(&error);
}

#[tokio::test]
async fn a_generate_answered_5xx_that_lists_no_key_is_ambiguous_naming_the_tag() {
    let server = MockServer::start().await;
    // The server may still be making the key: it is looked for three times.
    generate_answering(&server, ResponseTemplate::new(503), false, 3).await;
    delete_answering(&server, deleted(), 0).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    let reason = assert_ambiguous(&error, "generateApiKey");
    assert!(reason.contains("[wbusers:"), "{reason}");
    assert!(!reason.contains("no key was made"), "{reason}");
}

#[tokio::test]
async fn a_generate_lost_in_flight_looks_more_than_once_then_is_ambiguous() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(10));
    generate_answering(&server, slow, false, 3).await;

    let error = timing_out(&server)
        .generate_api_key(None)
        .await
        .unwrap_err();

    let reason = assert_ambiguous(&error, "generateApiKey");
    assert!(
        reason.contains("timed out") && reason.contains("[wbusers:"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_generate_answered_without_the_key_that_made_none_may_be_tried_again() {
    let server = MockServer::start().await;
    // The server answered, so its work was over: one look settles it.
    generate_answering(
        &server,
        data(serde_json::json!({ "result": null })),
        false,
        1,
    )
    .await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("no key was made"), "{error}");
}

/// Answers `ViewerApiKeys` as [`ViewerKeys`] does, but with every description
/// cut to its first `keep` bytes, as a server with a length limit would.
struct Truncating {
    keys: ViewerKeys,
    keep: usize,
}

impl Respond for Truncating {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let full = self.keys.seen.get().unwrap();
        let cut = SeenDescription::default();
        cut.set(&full[..self.keep]);
        ViewerKeys {
            seen: cut,
            tagged: true,
        }
        .respond(request)
    }
}

#[tokio::test]
async fn a_key_whose_description_the_server_truncated_is_still_found() {
    let server = MockServer::start().await;
    let seen = generate_noting(&server, ResponseTemplate::new(500)).await;
    let keys = ViewerKeys { seen, tagged: true };
    answer_operation(&server, "ViewerApiKeys", Truncating { keys, keep: 64 }, 1).await;
    delete_answering(&server, deleted(), 1).await;

    let long = "nightly export job for the forecasting team ".repeat(10);
    let error = client(&server)
        .generate_api_key(Some(long))
        .await
        .unwrap_err();

    assert_revoked(&error);
}

#[tokio::test]
async fn a_failed_check_leaves_the_outcome_ambiguous() {
    let server = MockServer::start().await;
    answer_operation(&server, "GenerateApiKey", ResponseTemplate::new(500), 1).await;
    answer_operation(&server, "ViewerApiKeys", ResponseTemplate::new(403), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    let reason = assert_ambiguous(&error, "generateApiKey");
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
    generate_answering_a_label(&server).await;
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
async fn a_label_whose_revocation_fails_is_ambiguous_and_says_so() {
    let server = MockServer::start().await;
    generate_answering_a_label(&server).await;
    delete_answering(&server, ResponseTemplate::new(503), 1).await;

    let error = client(&server).generate_api_key(None).await.unwrap_err();

    assert!(matches!(error, Error::Ambiguous { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("revoking key {ORPHAN_ID} failed")),
        "{message}"
    );
}
