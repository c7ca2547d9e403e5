//! Deactivation, reactivation and the instance-admin flag: the spec's
//! documents, sent once, their answers checked against what was asked.

use serde_json::json;
use users_domain::{Error, Result, UserId, UserRepository as _};
use users_graphql::GraphqlUserRepository;
use wiremock::{MockServer, ResponseTemplate};

use super::fixtures::{
    DELETE_USER, UNDELETE_USER, UPDATE_USER, assert_request, coded, user_changed,
};
use crate::support::mock::{
    answer_operation, assert_ambiguous, client, client_at, data, graphql_errors, hanging_up_server,
    quick, received,
};
use crate::support::variant;

fn bob() -> UserId {
    UserId::parse("VXNlcjoy").unwrap()
}

/// Each lifecycle change, as the port names it.
#[derive(Debug, Clone, Copy)]
enum Change {
    Deactivate,
    Reactivate,
    Demote,
}

impl Change {
    const ALL: [Self; 3] = [Self::Deactivate, Self::Reactivate, Self::Demote];

    fn operation(self) -> &'static str {
        match self {
            Self::Deactivate => "DeleteUser",
            Self::Reactivate => "UndeleteUser",
            Self::Demote => "UpdateUser",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::Deactivate => "deleteUser",
            Self::Reactivate => "undeleteUser",
            Self::Demote => "updateUser",
        }
    }

    async fn run(self, repo: &GraphqlUserRepository) -> Result<()> {
        match self {
            Self::Deactivate => repo.deactivate_user(&bob()).await,
            Self::Reactivate => repo.reactivate_user(&bob()).await,
            Self::Demote => repo.set_instance_admin(&bob(), false).await,
        }
    }

    /// What the server answers when the change was made.
    fn done(self) -> ResponseTemplate {
        let user = match self {
            Self::Deactivate => json!({ "id": "VXNlcjoy", "deletedAt": "2024-05-06T07:08:09Z" }),
            Self::Reactivate => json!({ "id": "VXNlcjoy", "deletedAt": null }),
            Self::Demote => json!({ "id": "VXNlcjoy", "admin": false }),
        };
        user_changed(self.field(), &user)
    }
}

#[tokio::test]
async fn each_change_sends_the_specs_document_with_the_users_id() {
    let cases = [
        (Change::Deactivate, DELETE_USER, json!({ "id": "VXNlcjoy" })),
        (
            Change::Reactivate,
            UNDELETE_USER,
            json!({ "id": "VXNlcjoy" }),
        ),
        (
            Change::Demote,
            UPDATE_USER,
            json!({ "id": "VXNlcjoy", "admin": false }),
        ),
    ];
    for (change, document, variables) in cases {
        let server = MockServer::start().await;
        answer_operation(&server, change.operation(), change.done(), 1).await;

        change.run(&client(&server)).await.unwrap();

        let requests = received(&server).await;
        assert_request(&requests[0], change.operation(), document, &variables);
    }
}

#[tokio::test]
async fn promotion_sends_admin_true() {
    let server = MockServer::start().await;
    let promoted = user_changed("updateUser", &json!({ "id": "VXNlcjoy", "admin": true }));
    answer_operation(&server, "UpdateUser", promoted, 1).await;

    client(&server)
        .set_instance_admin(&bob(), true)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "UpdateUser",
        UPDATE_USER,
        &json!({ "id": "VXNlcjoy", "admin": true }),
    );
}

#[tokio::test]
async fn an_unknown_user_is_not_found() {
    for change in Change::ALL {
        for refusal in [
            coded("user not found", "NOT_FOUND"),
            graphql_errors(404, &["no such user"]),
        ] {
            let server = MockServer::start().await;
            answer_operation(&server, change.operation(), refusal, 1).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            assert_eq!(error.to_string(), "user VXNlcjoy not found", "{change:?}");
        }
    }
}

#[tokio::test]
async fn a_caller_who_is_no_instance_admin_is_refused() {
    for change in Change::ALL {
        for refusal in [
            coded("nope", "PERMISSION_DENIED"),
            ResponseTemplate::new(403),
            graphql_errors(200, &["only admins can use this"]),
        ] {
            let server = MockServer::start().await;
            answer_operation(&server, change.operation(), refusal, 1).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            assert_eq!(variant(&error), "PermissionDenied", "{change:?}: {error}");
            assert!(
                error.to_string().contains("only instance admins may"),
                "{error}"
            );
        }
    }
}

#[tokio::test]
async fn a_change_that_may_have_run_is_ambiguous_and_sent_once() {
    for change in Change::ALL {
        for answered in [
            ResponseTemplate::new(500),
            ResponseTemplate::new(504),
            // Resolved, but not readable: it ran.
            data(json!({ change.field(): { "user": { "id": 7 } } })),
            // No user in the answer.
            data(json!({ change.field(): null })),
        ] {
            let server = MockServer::start().await;
            answer_operation(&server, change.operation(), answered, 1).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            assert_ambiguous(&error, change.field());
        }
        let (base_url, connections) = hanging_up_server().await;

        let error = change
            .run(&client_at(&base_url, quick()))
            .await
            .unwrap_err();

        assert_ambiguous(&error, change.field());
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn an_answer_under_another_name_is_not_taken_for_the_change() {
    let server = MockServer::start().await;
    // `result:` is the SDK's alias, which the spec's documents do not use.
    let aliased = data(
        json!({ "result": { "user": { "id": "VXNlcjoy", "deletedAt": "2024-05-06T07:08:09Z" } } }),
    );
    answer_operation(&server, "DeleteUser", aliased, 1).await;

    let error = client(&server).deactivate_user(&bob()).await.unwrap_err();

    let reason = assert_ambiguous(&error, "deleteUser");
    assert!(reason.contains("data.deleteUser"), "{reason}");
}

#[tokio::test]
async fn an_answer_that_shows_no_change_is_a_protocol_error() {
    let cases = [
        (
            Change::Deactivate,
            json!({ "id": "VXNlcjoy", "deletedAt": null }),
        ),
        (
            Change::Reactivate,
            json!({ "id": "VXNlcjoy", "deletedAt": "2024-05-06T07:08:09Z" }),
        ),
        (Change::Demote, json!({ "id": "VXNlcjoy", "admin": true })),
        (
            Change::Deactivate,
            json!({ "id": "VXNlcjox", "deletedAt": "2024-05-06T07:08:09Z" }),
        ),
    ];
    for (change, user) in cases {
        let server = MockServer::start().await;
        answer_operation(
            &server,
            change.operation(),
            user_changed(change.field(), &user),
            1,
        )
        .await;

        let error = change.run(&client(&server)).await.unwrap_err();

        assert!(
            matches!(error, Error::Protocol { .. }),
            "{change:?}: {error}"
        );
    }
}
