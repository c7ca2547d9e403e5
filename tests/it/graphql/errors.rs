//! Every failure the server can answer maps to the domain error it means,
//! whatever shape its body has, and no message quotes the body.

use std::time::Duration;

use serde_json::json;
use users_domain::{Error, KeyRepository, UserRepository};
use users_graphql::RetryPolicy;
use wiremock::ResponseTemplate;

use crate::support::mock::{
    ada, client_at, cy_email, data, graphql_errors, listed_key_id, refusing_base_url,
    single_try_answering, user_json, viewer_data,
};
use crate::support::variant;

fn html(status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        "<html><body><h1>Bad Gateway</h1><p>upstream said hello</p></body></html>",
        "text/html",
    )
}

#[tokio::test]
async fn http_401_is_unauthenticated() {
    let (_server, repo) = single_try_answering(
        ResponseTemplate::new(401)
            .set_body_json(json!({"errors": [{"message": "relogin required"}]})),
    )
    .await;
    let error = repo.viewer().await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { .. }), "{error}");
    assert!(error.to_string().contains("relogin required"), "{error}");
}

#[tokio::test]
async fn a_null_viewer_is_unauthenticated() {
    let (_server, repo) = single_try_answering(data(json!({ "viewer": null }))).await;
    let error = repo.viewer().await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { .. }), "{error}");
}

#[tokio::test]
async fn http_403_is_permission_denied() {
    let (_server, repo) = single_try_answering(ResponseTemplate::new(403)).await;
    let error = repo.search_users("ada").await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }), "{error}");
    assert!(error.to_string().contains("403"), "{error}");
}

#[tokio::test]
async fn only_admins_message_is_permission_denied() {
    let (_server, repo) =
        single_try_answering(graphql_errors(200, &["only admins can use createUser()"])).await;
    let error = repo.create_user(&cy_email(), false).await.unwrap_err();
    assert_eq!(
        error,
        Error::PermissionDenied {
            reason: "createUser: only instance admins may create users (server said: only admins can use createUser())".to_owned()
        }
    );
}

#[tokio::test]
async fn http_404_without_graphql_errors_points_at_the_base_url() {
    let (server, repo) = single_try_answering(html(404)).await;
    let error = repo.viewer().await.unwrap_err();
    // No GraphQL endpoint there: the server said nothing about a user or key.
    assert!(matches!(error, Error::Protocol { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("/graphql") && message.contains("base url"),
        "{message}"
    );
    assert!(!message.contains("<html"), "{message}");
    assert_eq!(
        error,
        Error::Protocol {
            reason: format!(
                "no GraphQL endpoint at {}/graphql (HTTP 404 Not Found, an HTML page); check the base url",
                server.uri()
            )
        }
    );
}

#[tokio::test]
async fn http_404_with_an_empty_body_on_a_mutation_is_a_protocol_error() {
    let (server, repo) = single_try_answering(ResponseTemplate::new(404)).await;
    let error = repo.create_user(&cy_email(), false).await.unwrap_err();
    assert_eq!(
        error,
        Error::Protocol {
            reason: format!(
                "no GraphQL endpoint at {}/graphql (HTTP 404 Not Found); check the base url",
                server.uri()
            )
        }
    );
}

#[tokio::test]
async fn http_404_with_graphql_errors_is_not_found() {
    let (_server, repo) = single_try_answering(graphql_errors(404, &["no such key"])).await;
    let error = repo.delete_api_key(&listed_key_id()).await.unwrap_err();
    assert_eq!(
        error,
        Error::NotFound {
            what: "api key QXBpS2V5OjE=".to_owned()
        }
    );
}

/// A GraphQL error's message and, where given, its `extensions.code`.
type Coded<'a> = (&'a str, Option<&'a str>);

/// GraphQL errors, each with its message and, where given, `extensions.code`.
fn coded_errors(status: u16, errors: &[Coded<'_>]) -> ResponseTemplate {
    let errors: Vec<serde_json::Value> = errors
        .iter()
        .map(|(message, code)| match code {
            Some(code) => json!({ "message": message, "extensions": { "code": code } }),
            None => json!({ "message": message }),
        })
        .collect();
    ResponseTemplate::new(status).set_body_json(json!({ "data": null, "errors": errors }))
}

#[tokio::test]
async fn a_known_code_decides_whatever_the_messages_say() {
    let cases: [(u16, &[Coded<'_>], &str); 8] = [
        (
            400,
            &[("invalid api key id: QXBp", Some("INVALID_INPUT"))],
            "InvalidInput",
        ),
        (
            200,
            &[("invalid api key id: QXBp", Some("BAD_USER_INPUT"))],
            "InvalidInput",
        ),
        (
            200,
            &[("no permission? no: user not found", Some("NOT_FOUND"))],
            "NotFound",
        ),
        (
            200,
            &[("not allowed: email already taken", Some("ALREADY_EXISTS"))],
            "AlreadyExists",
        ),
        (
            200,
            &[("not found: who you are", Some("UNAUTHENTICATED"))],
            "Unauthenticated",
        ),
        (
            200,
            &[(
                "unauthenticated callers get fewer calls",
                Some("RATE_LIMITED"),
            )],
            "RateLimited",
        ),
        (
            200,
            &[("not authenticated as an admin", Some("FORBIDDEN"))],
            "PermissionDenied",
        ),
        // A code on any error beats the words of another's message.
        (
            200,
            &[("only admins may see this", None), ("x", Some("NOT_FOUND"))],
            "NotFound",
        ),
    ];
    for (status, errors, expected) in cases {
        let (_server, repo) = single_try_answering(coded_errors(status, errors)).await;
        let error = repo.search_users("a").await.unwrap_err();
        assert_eq!(variant(&error), expected, "{errors:?}: {error}");
    }
}

#[tokio::test]
async fn a_server_fault_code_is_not_read_from_its_message() {
    let (_server, repo) = single_try_answering(coded_errors(
        503,
        &[("user not found", Some("UNAVAILABLE"))],
    ))
    .await;
    let error = repo.search_users("a").await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
}

#[tokio::test]
async fn without_a_known_code_the_messages_words_decide() {
    let (_server, repo) =
        single_try_answering(coded_errors(200, &[("user not found", Some("E_LOOKUP"))])).await;
    let error = repo.search_users("a").await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
}

#[tokio::test]
async fn not_found_messages_are_not_found() {
    let (_server, repo) =
        single_try_answering(graphql_errors(200, &["Could not find api key"])).await;
    let error = repo.delete_api_key(&listed_key_id()).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("QXBpS2V5OjE="), "{error}");
}

#[tokio::test]
async fn http_409_with_an_error_string_is_already_exists() {
    let body = json!({ "error": "resource already exists" });
    let (_server, repo) =
        single_try_answering(ResponseTemplate::new(409).set_body_json(body)).await;
    let error = repo.create_user(&cy_email(), false).await.unwrap_err();
    assert_eq!(
        error,
        Error::AlreadyExists {
            what: "user cy@example.com".to_owned()
        }
    );
}

#[tokio::test]
async fn already_exists_message_is_already_exists() {
    let (_server, repo) =
        single_try_answering(graphql_errors(200, &["user with email already exists"])).await;
    let error = repo.create_user(&cy_email(), false).await.unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error}");
}

#[tokio::test]
async fn an_error_object_shape_is_read() {
    let body = json!({ "error": { "message": "only admins may search users" } });
    let (_server, repo) =
        single_try_answering(ResponseTemplate::new(400).set_body_json(body)).await;
    let error = repo.search_users("a").await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }), "{error}");
    assert!(
        error.to_string().contains("only admins may search users"),
        "{error}"
    );
}

#[tokio::test]
async fn http_429_is_rate_limited_with_retry_after() {
    let template = ResponseTemplate::new(429).insert_header("Retry-After", "7");
    let (_server, repo) = single_try_answering(template).await;
    let error = repo.viewer().await.unwrap_err();
    assert_eq!(
        error,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(7))
        }
    );
}

#[tokio::test]
async fn http_5xx_on_a_query_is_unavailable() {
    for status in [500, 503, 504] {
        let (_server, repo) = single_try_answering(ResponseTemplate::new(status)).await;
        let error = repo.viewer().await.unwrap_err();
        assert!(
            matches!(error, Error::Unavailable { .. }),
            "{status}: {error}"
        );
        assert!(error.to_string().contains(&status.to_string()), "{error}");
    }
}

#[tokio::test]
async fn an_html_502_page_is_unavailable_and_not_quoted() {
    let (_server, repo) = single_try_answering(html(502)).await;
    let error = repo.search_users("a").await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("502") && message.contains("HTML"),
        "{message}"
    );
    assert!(!message.contains("hello"), "{message}");
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let repo = client_at(&refusing_base_url().await, RetryPolicy::never());
    let error = repo.viewer().await.unwrap_err();
    assert!(matches!(error, Error::Unavailable { .. }), "{error}");
    assert!(error.to_string().contains("could not connect"), "{error}");
}

#[tokio::test]
async fn several_messages_are_joined_like_the_sdk() {
    let (_server, repo) =
        single_try_answering(graphql_errors(200, &["first problem", "second problem"])).await;
    let error = repo.search_users("a").await.unwrap_err();
    assert_eq!(
        error,
        Error::Unavailable {
            reason: "users failed: [first problem; second problem]".to_owned()
        }
    );
}

#[tokio::test]
async fn http_400_and_422_are_invalid_input() {
    for status in [400, 422] {
        let (_server, repo) =
            single_try_answering(graphql_errors(status, &["email is malformed"])).await;
        let error = repo.create_user(&cy_email(), false).await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput { .. }),
            "{status}: {error}"
        );
    }
}

#[tokio::test]
async fn success_false_from_delete_is_an_error() {
    let (_server, repo) =
        single_try_answering(data(json!({ "result": { "success": false } }))).await;
    let error = repo.delete_api_key(&listed_key_id()).await.unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("QXBpS2V5OjE="), "{error}");
}

#[tokio::test]
async fn partial_data_below_the_root_is_kept() {
    let mut user = ada();
    user["apiKeys"] = serde_json::Value::Null;
    let body = json!({
        "data": { "viewer": user },
        "errors": [{ "message": "permission denied for apiKeys", "path": ["viewer", "apiKeys"] }],
    });
    let (_server, repo) =
        single_try_answering(ResponseTemplate::new(200).set_body_json(body)).await;
    let user = repo.viewer().await.unwrap();
    assert_eq!(user.api_keys, None);
    assert_eq!(user.username.as_str(), "ada");
}

async fn protocol_reason(template: ResponseTemplate) -> String {
    let (_server, repo) = single_try_answering(template).await;
    match repo.viewer().await.unwrap_err() {
        Error::Protocol { reason } => reason,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn truncated_json_is_a_protocol_error_without_the_body() {
    let body = r#"{"data":{"viewer":{"id":"VXNlcjox","name":"Ada Lovelace","user"#;
    let reason =
        protocol_reason(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    assert!(reason.contains("cut short"), "{reason}");
    assert!(!reason.contains("Lovelace"), "{reason}");
}

#[tokio::test]
async fn an_html_page_with_200_is_a_protocol_error() {
    let reason = protocol_reason(html(200)).await;
    assert!(reason.contains("HTML"), "{reason}");
    assert!(!reason.contains("hello"), "{reason}");
}

#[tokio::test]
async fn an_empty_body_and_missing_data_are_protocol_errors() {
    let reason = protocol_reason(ResponseTemplate::new(200)).await;
    assert!(reason.contains("empty"), "{reason}");
    let reason =
        protocol_reason(ResponseTemplate::new(200).set_body_json(json!({ "data": null }))).await;
    assert!(reason.contains("neither data nor errors"), "{reason}");
    let reason = protocol_reason(data(json!({}))).await;
    assert!(reason.contains("data.viewer: missing field"), "{reason}");
    let reason = protocol_reason(ResponseTemplate::new(200).set_body_json(json!(["x"]))).await;
    assert!(reason.contains("not an object"), "{reason}");
}

#[tokio::test]
async fn a_wrong_field_names_its_path_but_not_its_value() {
    let mut user = ada();
    user["apiKeys"]["edges"][0]["node"]["id"] = json!(5);
    let reason = protocol_reason(viewer_data(user.clone())).await;
    assert!(
        reason.contains("data.viewer.apiKeys.edges[0].node.id"),
        "{reason}"
    );

    user["apiKeys"]["edges"][0]["node"]["id"] = json!("QXBp");
    user["admin"] = json!("Lovelace");
    let reason = protocol_reason(viewer_data(user)).await;
    assert!(reason.contains("data.viewer.admin"), "{reason}");
    assert!(!reason.contains("Lovelace"), "{reason}");
}

#[tokio::test]
async fn an_invalid_value_names_its_path_and_the_rule_it_breaks() {
    let user = user_json("VXNlcjox", "ada", "not-an-email");
    let reason = protocol_reason(viewer_data(user)).await;
    assert!(reason.contains("data.viewer.email"), "{reason}");
    assert!(reason.contains("exactly one '@'"), "{reason}");
}
