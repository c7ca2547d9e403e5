//! A mutation answered 408 or 5xx, whatever the body says, or answered with a
//! resolved result that cannot be read, may have run: its outcome is unknown,
//! and a generate's possible key is looked for as after a timeout.

use serde_json::{Value, json};
use users_domain::{Error, KeyRepository, UserRepository};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::mock::{answer_operation, assert_ambiguous, client, cy_email, operation};
use crate::support::orphan::{
    ViewerKeys, assert_revoked, delete_answering, deleted, generate_noting, generate_revoking,
};

/// Creates cy where `CreateUserFromAdmin` (sent exactly once) is answered
/// `answer`; the error.
async fn failed_create(server: &MockServer, answer: ResponseTemplate) -> Error {
    answer_operation(server, "CreateUserFromAdmin", answer, 1).await;
    client(server)
        .create_user(&cy_email(), false)
        .await
        .unwrap_err()
}

/// `{"data": data, "errors": [{"message": message, "path": ["result"]}]}`.
fn data_and_error(data: &Value, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({ "data": data, "errors": [{ "message": message, "path": ["result"] }] }),
    )
}

#[tokio::test]
async fn a_generate_answered_408_or_5xx_keeps_looking_for_a_key_made_late() {
    for status in [408, 502, 503, 504] {
        let server = MockServer::start().await;
        let seen = generate_noting(&server, ResponseTemplate::new(status)).await;
        // The key shows only from the second look on.
        let empty = ViewerKeys {
            seen: seen.clone(),
            tagged: false,
        };
        Mock::given(operation("ViewerApiKeys"))
            .respond_with(empty)
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
        answer_operation(
            &server,
            "ViewerApiKeys",
            ViewerKeys { seen, tagged: true },
            1,
        )
        .await;
        delete_answering(&server, deleted(), 1).await;

        let error = client(&server).generate_api_key(None).await.unwrap_err();

        assert!(
            matches!(error, Error::Unavailable { .. }),
            "{status}: {error}"
        );
        assert!(error.to_string().contains("revoked"), "{status}: {error}");
    }
}

#[tokio::test]
async fn a_5xx_to_a_mutation_is_ambiguous_whatever_its_message_says() {
    let server = MockServer::start().await;
    let exists = ResponseTemplate::new(500)
        .set_body_json(json!({ "errors": [{ "message": "user already exists" }] }));

    let error = failed_create(&server, exists).await;

    assert_ambiguous(&error, "createUser");
}

#[tokio::test]
async fn a_generate_answered_5xx_with_a_refusal_is_still_reconciled() {
    let refusal = ResponseTemplate::new(503)
        .set_body_json(json!({ "errors": [{ "message": "permission denied" }] }));

    let error = generate_revoking(refusal).await;

    assert_revoked(&error);
}

#[tokio::test]
async fn a_resolved_result_that_cannot_be_read_leaves_a_mutation_ambiguous() {
    let server = MockServer::start().await;
    let odd = json!({ "result": { "user": { "id": 7 } } });

    let error = failed_create(&server, data_and_error(&odd, "email is malformed")).await;

    let reason = assert_ambiguous(&error, "createUser");
    assert!(reason.contains("data.result.user"), "{reason}");
}

#[tokio::test]
async fn a_generate_with_a_resolved_result_that_cannot_be_read_is_reconciled() {
    let odd = json!({ "result": { "apiKey": { "id": 7 } } });

    let error = generate_revoking(data_and_error(&odd, "something broke")).await;

    assert_revoked(&error);
}
