//! `user_by_id` over the wire: our `UserById` document with the one id, the
//! user read as the listing reads them, and what an answer without them means.

use serde_json::json;
use users_domain::{Error, UserId, UserRepository as _};
use wiremock::{MockServer, ResponseTemplate};

use super::fixtures::{API_KEY_PAGE, LISTED_USER, USER_BY_ID, assert_request, coded};
use crate::support::mock::{
    ada, answer_operation, client, data, graphql_errors, received, user_json, users_data,
};
use crate::support::variant;

fn ada_id() -> UserId {
    UserId::parse("VXNlcjox").unwrap()
}

/// `UserById`'s answer: `nodes` as its edges, with the listing's fields.
fn listed(nodes: Vec<serde_json::Value>) -> ResponseTemplate {
    let nodes = nodes
        .into_iter()
        .map(|mut node| {
            node["accountType"] = json!("USER");
            node["createdAt"] = json!("2024-01-02T03:04:05Z");
            node
        })
        .collect();
    users_data(nodes)
}

#[tokio::test]
async fn user_by_id_sends_the_id_alone_and_reads_the_user_as_listed() {
    let server = MockServer::start().await;
    answer_operation(&server, "UserById", listed(vec![ada()]), 1).await;

    let user = client(&server).user_by_id(&ada_id()).await.unwrap();

    let document = format!("{USER_BY_ID}{LISTED_USER}{API_KEY_PAGE}");
    let variables = json!({ "ids": ["VXNlcjox"] });
    assert_request(
        &received(&server).await[0],
        "UserById",
        &document,
        &variables,
    );
    assert_eq!(user.id, ada_id());
    assert_eq!(user.username.as_str(), "ada");
    assert_eq!(user.account_type, Some(users_domain::AccountType::User));
    assert_eq!(
        user.created_at.map(|at| at.to_string()).as_deref(),
        Some("2024-01-02T03:04:05Z")
    );
    assert_eq!(user.api_keys.map(|keys| keys.len()), Some(1));
}

#[tokio::test]
async fn user_by_id_answered_with_nobody_is_not_found() {
    for nobody in [
        users_data(Vec::new()),
        data(json!({ "users": null })),
        data(json!({ "users": { "edges": [] } })),
    ] {
        let server = MockServer::start().await;
        answer_operation(&server, "UserById", nobody, 1).await;

        let error = client(&server).user_by_id(&ada_id()).await.unwrap_err();

        assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
        assert!(error.to_string().contains("VXNlcjox"), "{error}");
    }
}

#[tokio::test]
async fn user_by_id_answered_with_someone_else_is_protocol() {
    let server = MockServer::start().await;
    let bob = user_json("VXNlcjoy", "bob", "bob@example.com");
    answer_operation(&server, "UserById", listed(vec![bob]), 1).await;

    let error = client(&server).user_by_id(&ada_id()).await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    assert!(error.to_string().contains("VXNlcjoy"), "{error}");
}

#[tokio::test]
async fn user_by_id_answered_with_an_unreadable_user_is_protocol_naming_the_field() {
    let server = MockServer::start().await;
    let mut broken = ada();
    broken["email"] = json!("not an email");
    answer_operation(&server, "UserById", listed(vec![broken]), 1).await;

    let error = client(&server).user_by_id(&ada_id()).await.unwrap_err();

    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("data.users.edges[0].node.email"),
        "{message}"
    );
    assert!(!message.contains("not an email"), "{message}");
}

#[tokio::test]
async fn user_by_id_refused_is_permission_denied() {
    for refusal in [
        coded("nope", "PERMISSION_DENIED"),
        ResponseTemplate::new(403),
        graphql_errors(200, &["only admins can use this"]),
    ] {
        let server = MockServer::start().await;
        answer_operation(&server, "UserById", refusal, 1).await;

        let error = client(&server).user_by_id(&ada_id()).await.unwrap_err();

        assert_eq!(variant(&error), "PermissionDenied", "{error}");
        assert!(error.to_string().contains("look users up"), "{error}");
    }
}

#[tokio::test]
async fn user_by_id_is_retried_as_a_query() {
    let server = MockServer::start().await;
    wiremock::Mock::given(crate::support::mock::operation("UserById"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    answer_operation(&server, "UserById", listed(vec![ada()]), 1).await;

    let user = client(&server).user_by_id(&ada_id()).await.unwrap();

    assert_eq!(user.id, ada_id());
    assert_eq!(received(&server).await.len(), 2);
}
