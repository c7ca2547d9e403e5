//! The lifecycle mutations against a wiremock server: each answer checked
//! against what was asked.

use serde_json::{Value, json};
use users_domain::{Error, UserId, UserRepository as _};
use wiremock::{MockServer, ResponseTemplate};

use crate::test_support::{answer, bodies_of, client, coded, data};

fn ada() -> UserId {
    UserId::parse("VXNlcjox").unwrap()
}

/// `root`'s answer: the user with these fields.
fn changed(root: &str, user: &Value) -> ResponseTemplate {
    data(json!({ root: { "user": user } }))
}

#[tokio::test]
async fn deactivation_and_reactivation_send_the_id_and_check_the_user_changed() {
    let server = MockServer::start().await;
    let gone = json!({ "id": "VXNlcjox", "deletedAt": "2024-01-02T03:04:05Z" });
    let back = json!({ "id": "VXNlcjox", "deletedAt": null });
    answer(&server, "DeleteUser", changed("deleteUser", &gone), 1).await;
    answer(&server, "UndeleteUser", changed("undeleteUser", &back), 1).await;
    let repo = client(&server);

    repo.deactivate_user(&ada()).await.unwrap();
    repo.reactivate_user(&ada()).await.unwrap();

    for name in ["DeleteUser", "UndeleteUser"] {
        assert_eq!(
            bodies_of(&server, name).await[0]["variables"],
            json!({ "id": "VXNlcjox" })
        );
    }
}

#[tokio::test]
async fn the_admin_flag_is_set_for_the_user_named_never_the_caller() {
    let server = MockServer::start().await;
    let promoted = json!({ "id": "VXNlcjox", "admin": true });
    answer(&server, "UpdateUser", changed("updateUser", &promoted), 1).await;

    client(&server)
        .set_instance_admin(&ada(), true)
        .await
        .unwrap();

    assert_eq!(
        bodies_of(&server, "UpdateUser").await[0]["variables"],
        json!({ "id": "VXNlcjox", "admin": true })
    );
}

#[tokio::test]
async fn an_answer_that_leaves_the_user_as_they_were_is_a_protocol_error() {
    let cases = [
        (
            "DeleteUser",
            changed(
                "deleteUser",
                &json!({ "id": "VXNlcjox", "deletedAt": null }),
            ),
            "deleteUser answered that user VXNlcjox is still active",
        ),
        (
            "UpdateUser",
            changed("updateUser", &json!({ "id": "VXNlcjox", "admin": false })),
            "updateUser answered that user VXNlcjox is still not an instance admin",
        ),
        (
            "DeleteUser",
            changed(
                "deleteUser",
                &json!({ "id": "VXNlcjoy", "deletedAt": "2024-01-02T03:04:05Z" }),
            ),
            "deleteUser of user VXNlcjox answered with user VXNlcjoy",
        ),
    ];
    for (name, answered, reason) in cases {
        let server = MockServer::start().await;
        answer(&server, name, answered, 1).await;
        let repo = client(&server);

        let error = if name == "DeleteUser" {
            repo.deactivate_user(&ada()).await
        } else {
            repo.set_instance_admin(&ada(), true).await
        }
        .unwrap_err();

        assert_eq!(
            error,
            Error::Protocol {
                reason: reason.into()
            }
        );
    }
}

#[tokio::test]
async fn an_answer_without_the_user_is_ambiguous() {
    let server = MockServer::start().await;
    answer(
        &server,
        "UndeleteUser",
        data(json!({ "undeleteUser": null })),
        1,
    )
    .await;

    let error = client(&server).reactivate_user(&ada()).await.unwrap_err();

    assert!(
        matches!(&error, Error::Ambiguous { operation, .. } if operation == "undeleteUser"),
        "{error:?}"
    );
}

#[tokio::test]
async fn refusals_are_typed_and_a_lost_answer_is_never_resent() {
    let cases = [
        (coded("user not found", "NOT_FOUND"), "NotFound"),
        (coded("nope", "PERMISSION_DENIED"), "PermissionDenied"),
        (ResponseTemplate::new(502), "Ambiguous"),
    ];
    for (answered, kind) in cases {
        let server = MockServer::start().await;
        answer(&server, "DeleteUser", answered, 1).await;

        let error = client(&server).deactivate_user(&ada()).await.unwrap_err();

        let matched = match &error {
            Error::NotFound { what } => what == "user VXNlcjox",
            Error::PermissionDenied { reason } => {
                reason.starts_with("deleteUser: only instance admins may deactivate users")
            }
            Error::Ambiguous { operation, .. } => operation == "deleteUser",
            _ => false,
        };
        assert!(matched, "{kind}: {error:?}");
    }
}
