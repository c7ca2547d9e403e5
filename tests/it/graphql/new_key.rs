//! A new key's secret never becomes its name: the listed name is read back,
//! else the key is named after its id, and the call never fails for it.

use serde_json::json;
use users_domain::{ExposeSecret, GeneratedApiKey, KeyRepository};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::mock::{answer_operation, client, received, user_with_key, viewer_data};
use crate::support::orphan::{NewKey, ORPHAN_ID, delete_answering, deleted};

const SECRET: &str = "n3wk3ys3cr3tn3wk3ys3cr3tn3wk3ys3cr3tn3wk";

/// Mounts `GenerateApiKey` answering key [`ORPHAN_ID`] named `secret`, and
/// `ViewerApiKeys` answering `viewer`, sent once; no key may be deleted.
async fn generate(secret: &str, viewer: ResponseTemplate) -> (MockServer, GeneratedApiKey) {
    let server = MockServer::start().await;
    let new_key = NewKey {
        id: ORPHAN_ID,
        name: secret.to_owned(),
    };
    answer_operation(&server, "GenerateApiKey", new_key, 1).await;
    answer_operation(&server, "ViewerApiKeys", viewer, 1).await;
    delete_answering(&server, deleted(), 0).await;
    let generated = client(&server)
        .generate_api_key(Some("ci".to_owned()))
        .await
        .unwrap();
    (server, generated)
}

/// Fails when the key's metadata shows six characters in a row of `secret`.
#[track_caller]
fn assert_name_hides(generated: &GeneratedApiKey, secret: &str) {
    let shown = [
        generated.key.name.reveal().to_owned(),
        format!("{:?}", generated.key),
    ];
    for window in secret.as_bytes().windows(6) {
        let window = std::str::from_utf8(window).unwrap();
        for text in &shown {
            assert!(!text.contains(window), "{window:?} of the secret in {text}");
        }
    }
}

fn listing(name: &str) -> ResponseTemplate {
    viewer_data(user_with_key(
        json!({ "id": ORPHAN_ID, "name": name, "description": "ci" }),
    ))
}

#[tokio::test]
async fn the_new_key_is_named_as_the_server_lists_it() {
    let (_server, generated) = generate(SECRET, listing("key-7c1d0e")).await;

    assert_eq!(generated.secret.expose_secret(), SECRET);
    assert_eq!(generated.key.name.reveal(), "key-7c1d0e");
    assert_name_hides(&generated, SECRET);
}

#[tokio::test]
async fn a_key_the_viewer_does_not_list_is_named_after_its_id() {
    let unrelated = user_with_key(json!({ "id": "QXBpS2V5Ojc=", "name": "other" }));
    let (_server, generated) = generate(SECRET, viewer_data(unrelated)).await;

    assert_eq!(generated.key.name.reveal(), format!("id:{ORPHAN_ID}"));
    assert_name_hides(&generated, SECRET);
}

#[tokio::test]
async fn a_failed_listing_still_hands_the_key_back_named_after_its_id() {
    let (server, generated) = generate(SECRET, ResponseTemplate::new(403)).await;

    assert_eq!(generated.secret.expose_secret(), SECRET);
    assert_eq!(generated.key.name.reveal(), format!("id:{ORPHAN_ID}"));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_legacy_listing_that_shows_the_secret_as_the_name_is_not_used() {
    let (_server, generated) = generate(SECRET, listing(SECRET)).await;

    assert_eq!(generated.key.name.reveal(), format!("id:{ORPHAN_ID}"));
    assert_name_hides(&generated, SECRET);
}

#[tokio::test]
async fn a_jwt_secret_over_1024_characters_is_handed_back_not_left_alive() {
    let jwt = format!(
        "eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJl",
        "eyJzdWIiOiJhZGEifQ".repeat(80)
    );
    assert!(jwt.len() > 1024);

    let (_server, generated) = generate(&jwt, listing("key-7c1d0e")).await;

    assert_eq!(generated.secret.expose_secret(), jwt);
    assert_eq!(generated.key.name.reveal(), "key-7c1d0e");
}
