//! One user the client cannot read does not hide the others from a search;
//! an unreadable viewer is still an error.

use serde_json::{Value, json};
use users_domain::{Error, UserRepository};
use wiremock::MockServer;

use crate::support::mock::{ada, answer_operation, client, user_json, users_data, viewer_data};
use crate::support::trace;

async fn search_answering(nodes: Vec<Value>) -> Vec<String> {
    let server = MockServer::start().await;
    answer_operation(&server, "SearchUsers", users_data(nodes), 1).await;
    let users = client(&server).search_users("").await.unwrap();
    users
        .into_iter()
        .map(|user| user.username.to_string())
        .collect()
}

#[tokio::test]
async fn users_the_rules_reject_are_left_out_and_the_rest_returned() {
    let mut no_username = user_json("VXNlcjoy", "x", "bea@example.com");
    no_username["username"] = Value::Null;
    let bad_email = user_json("VXNlcjoz", "cy", "not-an-email");
    let mut bad_team = user_json("VXNlcjo0", "dee", "dee@example.com");
    bad_team["teams"]["edges"][0]["node"]["name"] = json!("two words");

    let log = trace::capture();

    let found = search_answering(vec![
        ada(),
        no_username,
        bad_email,
        bad_team,
        user_json("VXNlcjo1", "eve", "eve@example.com"),
    ])
    .await;

    assert_eq!(found, ["ada", "eve"]);
    let logged = log.logged();
    for (id, field) in [
        ("VXNlcjoy", "data.users.edges[1].node.username"),
        ("VXNlcjoz", "data.users.edges[2].node.email"),
        (
            "VXNlcjo0",
            "data.users.edges[3].node.teams.edges[0].node.name",
        ),
    ] {
        assert!(
            logged.lines().any(|line| line.contains("left out a user")
                && line.contains(id)
                && line.contains(field)),
            "no warning for {id} at {field}: {logged}"
        );
    }
    assert!(
        !logged.contains("not-an-email") && !logged.contains("two words"),
        "{logged}"
    );
}

#[tokio::test]
async fn an_unreadable_viewer_is_still_a_protocol_error() {
    let server = MockServer::start().await;
    let mut viewer = ada();
    viewer["username"] = Value::Null;
    answer_operation(&server, "GetViewer", viewer_data(viewer), 1).await;

    let error = client(&server).viewer().await.unwrap_err();

    let Error::Protocol { reason } = error else {
        panic!("expected a protocol error, got {error:?}");
    };
    assert!(reason.contains("data.viewer.username"), "{reason}");
}
