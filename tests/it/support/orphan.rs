//! A generate of unknown outcome, staged: the key it may have made, how the
//! server lists it, and its revocation.

use std::sync::{Arc, Mutex};

use serde_json::json;
use users_domain::{Error, KeyRepository};
use wiremock::matchers::body_partial_json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::mock::{ada, answer_operation, body_of, client, data, user_with_key, viewer_data};

/// Asserts that `error` reports a key of unknown fate that was found and revoked.
#[track_caller]
pub(crate) fn assert_revoked(error: &Error) {
    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("revoked"), "{error}");
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
struct NoteDescription {
    seen: SeenDescription,
    then: ResponseTemplate,
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

/// Answers `ViewerApiKeys` with an unrelated key and, when `tagged`, the key the
/// noted request made (id [`ORPHAN_ID`]).
pub(crate) struct ViewerKeys {
    pub(crate) seen: SeenDescription,
    pub(crate) tagged: bool,
}

impl Respond for ViewerKeys {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        if !self.tagged {
            return viewer_data(ada());
        }
        let orphan =
            json!({ "id": ORPHAN_ID, "name": "key-orphan", "description": self.seen.get() });
        viewer_data(user_with_key(orphan))
    }
}

/// Mounts `GenerateApiKey` (sent exactly once) answering `answer`; where the
/// description it is sent with will be noted.
pub(crate) async fn generate_noting(
    server: &MockServer,
    answer: ResponseTemplate,
) -> SeenDescription {
    let seen = SeenDescription::default();
    let noting = NoteDescription {
        seen: seen.clone(),
        then: answer,
    };
    answer_operation(server, "GenerateApiKey", noting, 1).await;
    seen
}

/// Mounts [`generate_noting`], and `ViewerApiKeys` (expected `checks` times)
/// listing the key it made when `tagged`.
pub(crate) async fn generate_answering(
    server: &MockServer,
    answer: ResponseTemplate,
    tagged: bool,
    checks: u64,
) {
    let seen = generate_noting(server, answer).await;
    answer_operation(server, "ViewerApiKeys", ViewerKeys { seen, tagged }, checks).await;
}

/// A generate answered `answer` after which the key it made is listed and
/// revoked once; the error it ends in.
pub(crate) async fn generate_revoking(answer: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    generate_answering(&server, answer, true, 1).await;
    delete_answering(&server, deleted(), 1).await;
    client(&server).generate_api_key(None).await.unwrap_err()
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
