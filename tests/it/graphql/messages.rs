//! Errors read as one plain sentence through the domain's own wording: no
//! phrase twice, the server's message quoted once where it adds something.

use serde_json::json;
use users_domain::{Error, KeyRepository, UserRepository};
use wiremock::ResponseTemplate;

use crate::support::mock::{cy_email, graphql_errors, listed_key_id, single_try_answering};

#[tokio::test]
async fn a_refused_delete_says_who_may_delete_and_quotes_the_server_once() {
    let (_server, repo) = single_try_answering(graphql_errors(
        403,
        &["Permission denied: you may not delete this key"],
    ))
    .await;

    let error = repo.delete_api_key(&listed_key_id()).await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "permission denied: deleteApiKey: only the key's owner or an instance admin may delete it (server said: you may not delete this key)"
    );
}

#[tokio::test]
async fn a_bare_403_names_the_status() {
    let (_server, repo) = single_try_answering(ResponseTemplate::new(403)).await;

    let error = repo.search_users("a").await.unwrap_err();

    assert_eq!(
        error.to_string(),
        "permission denied: users: only instance admins may search users (HTTP 403 Forbidden)"
    );
}

#[tokio::test]
async fn a_taken_email_reads_as_that_user_already_exists() {
    let (_server, repo) = single_try_answering(graphql_errors(
        200,
        &["a user with email cy@example.com already exists"],
    ))
    .await;

    let error = repo.create_user(&cy_email(), false).await.unwrap_err();

    assert_eq!(error.to_string(), "user cy@example.com already exists");
}

#[tokio::test]
async fn an_unknown_key_reads_as_that_key_not_found() {
    for body in [
        graphql_errors(200, &["Could not find api key"]),
        ResponseTemplate::new(200)
            .set_body_json(json!({ "data": { "result": { "success": false } } })),
    ] {
        let (_server, repo) = single_try_answering(body).await;

        let error = repo.delete_api_key(&listed_key_id()).await.unwrap_err();

        assert_eq!(error.to_string(), "api key QXBpS2V5OjE= not found");
    }
}

#[tokio::test]
async fn a_rejected_key_does_not_say_unauthenticated_twice() {
    let (_server, repo) =
        single_try_answering(graphql_errors(401, &["Unauthenticated: relogin required"])).await;

    let error = repo.viewer().await.unwrap_err();

    assert!(matches!(error, Error::Unauthenticated { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "not authenticated: the server did not accept the api key (server said: relogin required)"
    );
}
