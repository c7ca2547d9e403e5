//! Each operation sends exactly the SDK's request and decodes the answer.

use serde_json::{Value, json};
use users_domain::{ApiKeyId, Backend, ExposeSecret, KeyRepository, UserRepository};
use users_graphql::{GraphqlClientBuilder, GraphqlUserRepository, SDK_USER_AGENT};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request};

use super::fixtures::assert_request;
use crate::support::mock::{
    KEY, OTHER_KEY, ada, answer_operation, body_of, builder, client, created_cy, cy_email, data,
    env_at, header_of, received, serving, serving_exactly, user_json, user_with_key, users_data,
    viewer_data,
};
use crate::support::orphan::{NewKey, deleted};
use crate::support::{
    SDK_CREATE_USER, SDK_DELETE, SDK_GENERATE, SDK_GET_VIEWER, SDK_SEARCH_USERS, basic,
};

async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

/// The request for the viewer that a client built with `configure` sends.
async fn viewer_request(
    configure: impl FnOnce(GraphqlClientBuilder) -> GraphqlClientBuilder,
) -> Request {
    let server = serving_exactly(viewer_data(ada()), 1).await;
    let repo = configure(builder(&server)).build().unwrap();
    repo.viewer().await.unwrap();
    only_request(&server).await
}

#[tokio::test]
async fn viewer_sends_the_sdk_request_and_decodes_every_field() {
    let server = serving_exactly(viewer_data(ada()), 1).await;

    let user = client(&server).viewer().await.unwrap();

    assert_request(
        &only_request(&server).await,
        "GetViewer",
        SDK_GET_VIEWER,
        &json!({}),
    );
    assert_eq!(user.id.as_str(), "VXNlcjox");
    assert_eq!(user.name, "Ada Lovelace");
    assert_eq!(user.username.as_str(), "ada");
    assert_eq!(user.email.unwrap().as_str(), "ada@example.com");
    assert!(user.admin);
    assert_eq!(user.flags.as_deref(), Some("{\"beta\":true}"));
    assert_eq!(user.entity.as_deref(), Some("ada"));
    assert_eq!(user.deleted_at, None);
    let keys = user.api_keys.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].id.as_str(), "QXBpS2V5OjE=");
    assert_eq!(keys[0].name.reveal(), "ci-runner");
    assert_eq!(keys[0].description.as_deref(), Some("ci"));
    let teams: Vec<String> = user
        .teams
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(teams, ["ml"]);
}

#[tokio::test]
async fn search_users_sends_the_query_and_returns_every_user() {
    let mut gone = user_json("VXNlcjoy", "bob", "bob@example.com");
    gone["deletedAt"] = json!("2024-01-02T03:04:05Z");
    let server = serving_exactly(users_data(vec![ada(), Value::Null, gone]), 1).await;

    let users = client(&server).search_users("example.com").await.unwrap();

    let variables = json!({ "query": "example.com" });
    assert_request(
        &only_request(&server).await,
        "SearchUsers",
        SDK_SEARCH_USERS,
        &variables,
    );
    let names: Vec<&str> = users.iter().map(|user| user.username.as_str()).collect();
    assert_eq!(names, ["ada", "bob"]);
    assert_eq!(
        users[1].deleted_at.map(|at| at.to_string()).as_deref(),
        Some("2024-01-02T03:04:05Z")
    );
    // The SDK's document selects no account type nor times: unknown.
    assert_eq!(users[0].account_type, None);
    assert_eq!(users[0].created_at, None);
}

#[tokio::test]
async fn search_users_with_no_connection_finds_nobody() {
    let server = serving(data(json!({ "users": null }))).await;

    let users = client(&server).search_users("").await.unwrap();

    assert!(users.is_empty());
    assert_eq!(
        body_of(&only_request(&server).await)["variables"],
        json!({ "query": "" })
    );
}

#[tokio::test]
async fn create_user_sends_email_and_admin_and_reads_the_user_info() {
    let server = serving_exactly(created_cy(), 1).await;

    let user = client(&server)
        .create_user(&cy_email(), true)
        .await
        .unwrap();

    let variables = json!({ "email": "cy@example.com", "admin": true });
    assert_request(
        &only_request(&server).await,
        "CreateUserFromAdmin",
        SDK_CREATE_USER,
        &variables,
    );
    assert_eq!(user.username.as_str(), "cy");
    assert!(!user.admin);
    // Not selected by the SDK's mutation, so not loaded: unknown, not empty.
    assert_eq!(user.api_keys, None);
    assert_eq!(user.teams, None);
}

#[tokio::test]
async fn generate_api_key_sends_a_tagged_description_and_returns_the_secret() {
    let server = MockServer::start().await;
    let secret = "abcdefghij0123456789abcdefghij0123456789";
    let new_key = NewKey {
        id: "QXBpS2V5OjI=",
        name: secret.to_owned(),
    };
    answer_operation(&server, "GenerateApiKey", new_key, 1).await;
    let listed = json!({ "id": "QXBpS2V5OjI=", "name": "key-3fa2c9", "description": "ci runner" });
    answer_operation(
        &server,
        "ViewerApiKeys",
        viewer_data(user_with_key(listed)),
        1,
    )
    .await;

    let generated = client(&server)
        .generate_api_key(Some("ci runner".to_owned()))
        .await
        .unwrap();

    let request = received(&server).await.remove(0);
    let sent = body_of(&request)["variables"]["description"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_request(
        &request,
        "GenerateApiKey",
        SDK_GENERATE,
        &json!({ "description": sent }),
    );
    let tag = sent
        .strip_prefix("[wbusers:")
        .and_then(|rest| rest.strip_suffix("] ci runner"));
    assert!(
        tag.is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit())),
        "{sent}"
    );
    assert_eq!(generated.secret.expose_secret(), secret);
    assert_eq!(generated.key.id.as_str(), "QXBpS2V5OjI=");
    assert_eq!(generated.key.name.reveal(), "key-3fa2c9");
    assert_eq!(generated.key.description.as_deref(), Some("ci runner"));
}

#[tokio::test]
async fn delete_api_key_sends_the_id() {
    let server = serving_exactly(deleted(), 1).await;

    let id = ApiKeyId::parse("QXBpS2V5OjE4MzA=").unwrap();
    client(&server).delete_api_key(&id).await.unwrap();

    let variables = json!({ "id": "QXBpS2V5OjE4MzA=" });
    assert_request(
        &only_request(&server).await,
        "DeleteApiKey",
        SDK_DELETE,
        &variables,
    );
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(path("/wandb/graphql"))
        .respond_with(viewer_data(ada()))
        .expect(1)
        .mount(&server)
        .await;

    let repo = GraphqlUserRepository::builder()
        .environment(env_at(&format!("{}/wandb/", server.uri())))
        .build()
        .unwrap();

    assert_eq!(repo.base_url(), format!("{}/wandb", server.uri()));
    repo.viewer().await.unwrap();
}

#[tokio::test]
async fn user_agent_and_extra_headers_are_sent_as_configured() {
    let request = viewer_request(|builder| {
        builder
            .user_agent("wbusers-tests/1.0 (ci)")
            .header("X-Team", "ml")
    })
    .await;

    assert_eq!(
        header_of(&request, "user-agent"),
        Some("wbusers-tests/1.0 (ci)")
    );
    assert_eq!(header_of(&request, "x-team"), Some("ml"));
}

#[tokio::test]
async fn the_sdk_user_agent_is_the_official_clients() {
    let request = viewer_request(|builder| builder.user_agent(SDK_USER_AGENT)).await;

    assert_eq!(SDK_USER_AGENT, "W&B Public Client 0.31.0");
    assert_eq!(header_of(&request, "user-agent"), Some(SDK_USER_AGENT));
}

#[tokio::test]
async fn act_as_calls_with_the_other_key() {
    let server = serving(viewer_data(user_json("VXNlcjoy", "bob", "bob@example.com"))).await;
    let repo = client(&server);

    let bob = repo.act_as(users_domain::ApiKeySecret::parse(OTHER_KEY).unwrap());
    bob.viewer().await.unwrap();
    repo.viewer().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(
        header_of(&requests[0], "authorization"),
        Some(basic(OTHER_KEY).as_str())
    );
    assert_eq!(
        header_of(&requests[1], "authorization"),
        Some(basic(KEY).as_str())
    );
}

#[tokio::test]
async fn null_keys_and_teams_mean_not_loaded_and_legacy_names_are_masked() {
    let legacy = "abcd0123456789abcdefghij0123456789abwxyz";
    let mut user = ada();
    user["apiKeys"] = json!({ "edges": [ { "node": { "id": "QXBpS2V5OjE=", "name": legacy, "description": null } } ] });
    user["teams"] = Value::Null;
    user["admin"] = Value::Null;
    let server = serving(viewer_data(user)).await;

    let user = client(&server).viewer().await.unwrap();

    assert_eq!(user.teams, None);
    assert!(!user.admin);
    let key = &user.api_keys.unwrap()[0];
    assert!(key.name.is_secret());
    assert_eq!(key.name.to_string(), "abcd…wxyz");
    assert!(!format!("{key:?}").contains(&legacy[4..36]));
}
