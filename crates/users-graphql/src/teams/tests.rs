//! The team rules of `teams`, against a wiremock server: which failure is
//! which, the member found by id after a change, and keys kept secret.

use serde_json::{Value, json};
use users_domain::{
    AccountType, Error, ExposeSecret as _, Invitee, MemberId, TeamName, TeamRepository as _,
    TeamRole, Username,
};
use wiremock::{MockServer, ResponseTemplate};

use crate::test_support::{KEY, answer, bodies_of, client, coded, data};

/// A key the server reveals as a member's `apiKey`.
const REVEALED: &str = "svcKey_0123456789abcdefghijklmnopqrstuvwxyz";

fn ml() -> TeamName {
    TeamName::parse("ml").unwrap()
}

fn invitee(text: &str) -> Invitee {
    Invitee::parse(text).unwrap()
}

fn member(id: &str, username: &str, role: &str, account_type: &str) -> Value {
    json!({
        "id": id, "admin": role == "admin", "role": role, "pending": false,
        "email": format!("{username}@example.com"), "username": username, "name": username,
        "accountType": account_type,
    })
}

/// `TeamMembers`' answer: team ml with these members.
fn team_ml(members: &[Value]) -> ResponseTemplate {
    data(
        json!({ "entity": { "id": "RW50aXR5OjE=", "name": "ml", "isTeam": true, "members": members } }),
    )
}

fn no_entity() -> ResponseTemplate {
    data(json!({ "entity": null }))
}

#[tokio::test]
async fn a_team_is_read_with_its_members_roles_and_account_types() {
    let server = MockServer::start().await;
    let members = [
        member("VXNlcjox", "ada", "admin", "USER"),
        member("VXNlcjo5", "ci-bot", "member", "SERVICE"),
    ];
    answer(&server, "TeamMembers", team_ml(&members), 1).await;

    let team = client(&server).team(&ml()).await.unwrap();

    assert_eq!(
        bodies_of(&server, "TeamMembers").await[0]["variables"],
        json!({ "name": "ml" })
    );
    assert_eq!(team.id.as_str(), "RW50aXR5OjE=");
    let members = team.members.unwrap();
    assert_eq!(members[0].role, TeamRole::Admin);
    assert_eq!(members[1].account_type, Some(AccountType::Service));
}

#[tokio::test]
async fn no_entity_or_a_users_own_entity_is_no_team() {
    let users_own = data(
        json!({ "entity": { "id": "RW50aXR5OjI=", "name": "ml", "isTeam": false, "members": [] } }),
    );
    for answered in [no_entity(), users_own] {
        let server = MockServer::start().await;
        answer(&server, "TeamMembers", answered, 1).await;

        let error = client(&server).team(&ml()).await.unwrap_err();

        assert_eq!(
            error,
            Error::NotFound {
                what: "team ml".into()
            }
        );
    }
}

#[tokio::test]
async fn a_member_is_returned_as_the_team_lists_them_after_the_invite() {
    let server = MockServer::start().await;
    let invite = json!({ "result": { "invite": { "id": "SW52aXRlOjE=", "name": "", "email": null, "createdAt": "2024-01-02T03:04:05", "toUser": { "name": "Bob" } } } });
    answer(&server, "CreateInvite", data(invite), 1).await;
    let members = [
        member("VXNlcjox", "ada", "admin", "USER"),
        member("VXNlcjoy", "bob", "member", "USER"),
    ];
    answer(&server, "TeamMembers", team_ml(&members), 1).await;

    let bob = client(&server)
        .add_member(&ml(), &invitee("bob"), false)
        .await
        .unwrap();

    assert_eq!(bob.id.as_str(), "VXNlcjoy");
    assert_eq!(bob.role, TeamRole::Member);
}

#[tokio::test]
async fn a_refused_invite_says_whether_the_team_or_the_user_is_missing() {
    for (team_read, what) in [
        (team_ml(&[]), "user 'bob@example.com'"),
        (no_entity(), "team ml"),
    ] {
        let server = MockServer::start().await;
        answer(&server, "CreateInvite", coded("not found", "NOT_FOUND"), 1).await;
        answer(&server, "TeamMembers", team_read, 1).await;

        let error = client(&server)
            .add_member(&ml(), &invitee("bob@example.com"), true)
            .await
            .unwrap_err();

        assert_eq!(error, Error::NotFound { what: what.into() });
    }
}

#[tokio::test]
async fn inviting_a_member_again_already_exists() {
    let server = MockServer::start().await;
    let repeated = coded("ada is already a member of team ml", "ALREADY_EXISTS");
    answer(&server, "CreateInvite", repeated, 1).await;
    answer(&server, "TeamMembers", team_ml(&[]), 0).await;

    let error = client(&server)
        .add_member(&ml(), &invitee("ada"), false)
        .await
        .unwrap_err();

    assert_eq!(
        error,
        Error::AlreadyExists {
            what: "member 'ada' of team ml".into()
        }
    );
}

#[tokio::test]
async fn a_change_whose_result_cannot_be_read_back_is_ambiguous() {
    let server = MockServer::start().await;
    let made = json!({ "result": { "user": { "id": "VXNlcjo5" } } });
    answer(&server, "CreateServiceAccount", data(made), 1).await;
    // Retried as a query is, and failing each time.
    answer(&server, "TeamMembers", ResponseTemplate::new(503), 3).await;

    let error = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap_err();

    match error {
        Error::Ambiguous { operation, reason } => {
            assert_eq!(operation, "createServiceAccount");
            assert!(reason.contains("reading team ml back failed"), "{reason}");
        }
        other => panic!("expected ambiguous, got {other:?}"),
    }
}

#[tokio::test]
async fn a_new_service_account_is_found_by_its_id_not_by_its_place() {
    let server = MockServer::start().await;
    let made = json!({ "result": { "user": { "id": "VXNlcjo5" } } });
    answer(&server, "CreateServiceAccount", data(made), 1).await;
    // Someone else's service account was made meanwhile and is listed last.
    let members = [
        member("VXNlcjox", "ada", "admin", "USER"),
        member("VXNlcjo5", "ci-bot", "member", "SERVICE"),
        member("VXNlcjoxMA==", "other-bot", "member", "SERVICE"),
    ];
    answer(&server, "TeamMembers", team_ml(&members), 1).await;

    let account = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap();

    assert_eq!(account.id.as_str(), "VXNlcjo5");
    assert_eq!(
        bodies_of(&server, "CreateServiceAccount").await[0]["variables"],
        json!({ "entity": "ml", "description": "ci bot" })
    );
}

#[tokio::test]
async fn a_new_service_account_the_team_does_not_list_yet_is_ambiguous() {
    let server = MockServer::start().await;
    let made = json!({ "result": { "user": { "id": "VXNlcjo5" } } });
    answer(&server, "CreateServiceAccount", data(made), 1).await;
    let members = [member("VXNlcjoxMA==", "other-bot", "member", "SERVICE")];
    answer(&server, "TeamMembers", team_ml(&members), 1).await;

    let error = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap_err();

    let reason = ambiguous_reason(error, "createServiceAccount");
    assert!(
        reason.contains("made user VXNlcjo5 but team ml does not list it yet"),
        "{reason}"
    );
}

#[tokio::test]
async fn removing_one_who_is_not_a_member_is_not_found() {
    let deleted = |success: bool| data(json!({ "result": { "success": success } }));
    for (team_read, what) in [
        (team_ml(&[]), "member VXNlcjoy of team ml"),
        (no_entity(), "team ml"),
    ] {
        let server = MockServer::start().await;
        answer(&server, "DeleteInvite", deleted(false), 1).await;
        answer(&server, "TeamMembers", team_read, 1).await;

        let error = client(&server)
            .remove_member(&ml(), &MemberId::parse("VXNlcjoy").unwrap())
            .await
            .unwrap_err();

        assert_eq!(error, Error::NotFound { what: what.into() });
    }
}

fn ambiguous_reason(error: Error, expected: &str) -> String {
    match error {
        Error::Ambiguous { operation, reason } => {
            assert_eq!(operation, expected, "{reason}");
            reason
        }
        other => panic!("expected {expected} to be ambiguous, got {other:?}"),
    }
}

/// Bob as a server lists him that hides a joined member's email.
fn bob_without_email() -> Value {
    let mut bob = member("VXNlcjoy", "bob", "member", "USER");
    bob["email"] = Value::Null;
    bob["name"] = json!("Bob");
    bob
}

/// `CreateInvite`'s answer: invite `id`, for the user named `to_user`.
fn invited(id: &str, to_user: Option<&str>) -> ResponseTemplate {
    let to_user = to_user.map(|name| json!({ "name": name }));
    data(json!({ "result": { "invite": {
        "id": id, "name": "", "email": null, "createdAt": "2024-01-02T03:04:05", "toUser": to_user,
    } } }))
}

#[tokio::test]
async fn an_invitee_whose_email_the_team_hides_is_found_by_the_invites_user_or_username() {
    for named in ["bob@example.com", "bob"] {
        let server = MockServer::start().await;
        answer(
            &server,
            "CreateInvite",
            invited("SW52aXRlOjE=", Some("Bob")),
            1,
        )
        .await;
        let members = [
            member("VXNlcjox", "ada", "admin", "USER"),
            bob_without_email(),
        ];
        answer(&server, "TeamMembers", team_ml(&members), 1).await;

        let bob = client(&server)
            .add_member(&ml(), &invitee(named), false)
            .await
            .unwrap();

        assert_eq!(bob.id.as_str(), "VXNlcjoy", "{named}");
    }
}

#[tokio::test]
async fn a_pending_invite_whose_email_is_hidden_is_found_by_the_invites_id() {
    let server = MockServer::start().await;
    answer(&server, "CreateInvite", invited("SW52aXRlOjE=", None), 1).await;
    let pending = json!({ "id": "SW52aXRlOjE=", "name": "", "username": null, "email": null, "pending": true });
    answer(&server, "TeamMembers", team_ml(&[pending]), 1).await;

    let invite = client(&server)
        .add_member(&ml(), &invitee("cy@example.com"), false)
        .await
        .unwrap();

    assert_eq!(invite.id.as_str(), "SW52aXRlOjE=");
    assert!(invite.pending);
}

#[tokio::test]
async fn an_accepted_invite_the_team_does_not_list_yet_is_ambiguous() {
    let mut other_bob = bob_without_email();
    other_bob["id"] = json!("VXNlcjoz");
    // Not listed at all; or only a name two hidden members share, not guessed.
    for members in [
        vec![member("VXNlcjox", "ada", "admin", "USER")],
        vec![bob_without_email(), other_bob],
    ] {
        let server = MockServer::start().await;
        answer(
            &server,
            "CreateInvite",
            invited("SW52aXRlOjE=", Some("Bob")),
            1,
        )
        .await;
        answer(&server, "TeamMembers", team_ml(&members), 1).await;

        let error = client(&server)
            .add_member(&ml(), &invitee("bob@example.com"), false)
            .await
            .unwrap_err();

        let reason = ambiguous_reason(error, "createInvite");
        assert!(
            reason.contains(
                "the server accepted the invite but the team does not list the member yet"
            ),
            "{reason}"
        );
    }
}

#[tokio::test]
async fn a_name_shown_with_another_email_is_someone_else() {
    let server = MockServer::start().await;
    answer(
        &server,
        "CreateInvite",
        invited("SW52aXRlOjE=", Some("Bob")),
        1,
    )
    .await;
    let mut other_bob = member("VXNlcjoz", "bobby", "member", "USER");
    other_bob["name"] = json!("Bob");
    answer(&server, "TeamMembers", team_ml(&[other_bob]), 1).await;

    let error = client(&server)
        .add_member(&ml(), &invitee("bob@example.com"), false)
        .await
        .unwrap_err();

    ambiguous_reason(error, "createInvite");
}

/// `DeleteInvite`'s answer `success: false`.
fn not_deleted() -> ResponseTemplate {
    data(json!({ "result": { "success": false } }))
}

#[tokio::test]
async fn a_refused_change_of_a_member_still_listed_is_not_not_found() {
    let bob = || member("VXNlcjoy", "bob", "member", "USER");
    let cases = [
        (
            "DeleteInvite",
            not_deleted(),
            "deleteInvite answered success: false",
        ),
        (
            "DeleteInvite",
            coded("not found", "NOT_FOUND"),
            "deleteInvite answered not found",
        ),
        (
            "UpdateMember",
            coded("not found", "NOT_FOUND"),
            "updateMember answered not found",
        ),
    ];
    for (operation, refusal, answered) in cases {
        let server = MockServer::start().await;
        answer(&server, operation, refusal, 1).await;
        answer(&server, "TeamMembers", team_ml(&[bob()]), 1).await;
        let repo = client(&server);
        let id = MemberId::parse("VXNlcjoy").unwrap();

        let error = if operation == "DeleteInvite" {
            repo.remove_member(&ml(), &id).await
        } else {
            repo.set_member_role(&ml(), &id, &TeamRole::Viewer).await
        }
        .unwrap_err();

        assert_eq!(
            error,
            Error::Protocol {
                reason: format!("{answered} but member VXNlcjoy is still in team ml")
            }
        );
    }
}

#[tokio::test]
async fn success_false_said_to_be_denied_is_permission_denied_while_the_member_is_listed() {
    let server = MockServer::start().await;
    let denied = ResponseTemplate::new(200).set_body_json(json!({
        "data": { "result": { "success": false } },
        "errors": [{ "message": "not allowed", "path": ["result", "success"],
                     "extensions": { "code": "PERMISSION_DENIED" } }],
    }));
    answer(&server, "DeleteInvite", denied, 1).await;
    let bob = member("VXNlcjoy", "bob", "member", "USER");
    answer(&server, "TeamMembers", team_ml(&[bob]), 1).await;

    let error = client(&server)
        .remove_member(&ml(), &MemberId::parse("VXNlcjoy").unwrap())
        .await
        .unwrap_err();

    assert!(matches!(error, Error::PermissionDenied { .. }), "{error:?}");
}

#[tokio::test]
async fn a_refused_change_whose_team_cannot_be_read_is_ambiguous() {
    for (operation, refusal) in [
        ("DeleteInvite", not_deleted()),
        ("UpdateMember", coded("not found", "NOT_FOUND")),
    ] {
        let server = MockServer::start().await;
        answer(&server, operation, refusal, 1).await;
        answer(&server, "TeamMembers", ResponseTemplate::new(503), 3).await;
        let repo = client(&server);
        let id = MemberId::parse("VXNlcjoy").unwrap();

        let error = if operation == "DeleteInvite" {
            repo.remove_member(&ml(), &id).await
        } else {
            repo.set_member_role(&ml(), &id, &TeamRole::Viewer).await
        }
        .unwrap_err();

        let field = if operation == "DeleteInvite" {
            "deleteInvite"
        } else {
            "updateMember"
        };
        let reason = ambiguous_reason(error, field);
        assert!(reason.contains("reading team ml back failed"), "{reason}");
    }
}

#[tokio::test]
async fn a_new_team_whose_admin_is_unknown_names_the_admin() {
    let server = MockServer::start().await;
    answer(
        &server,
        "CreateTeam",
        coded("user not found", "NOT_FOUND"),
        1,
    )
    .await;

    let error = client(&server)
        .create_team(&ml(), Some(Username::parse("nobody").unwrap()))
        .await
        .unwrap_err();

    assert_eq!(
        error,
        Error::NotFound {
            what: "user 'nobody'".into()
        }
    );
}

#[tokio::test]
async fn a_new_team_is_read_back_and_without_the_read_has_no_members_listed() {
    let created = json!({ "result": { "entity": { "id": "RW50aXR5OjE=", "name": "ml", "available": false, "photoUrl": null, "limits": null } } });
    for (team_read, listed) in [
        (team_ml(&[member("VXNlcjox", "ada", "admin", "USER")]), true),
        (ResponseTemplate::new(503), false),
    ] {
        let server = MockServer::start().await;
        answer(&server, "CreateTeam", data(created.clone()), 1).await;
        answer(
            &server,
            "TeamMembers",
            team_read,
            if listed { 1 } else { 3 },
        )
        .await;

        let team = client(&server).create_team(&ml(), None).await.unwrap();

        assert_eq!(team.id.as_str(), "RW50aXR5OjE=");
        assert_eq!(team.members.is_some(), listed);
        assert_eq!(
            bodies_of(&server, "CreateTeam").await[0]["variables"],
            json!({ "teamName": "ml", "teamAdminUserName": null })
        );
    }
}

#[tokio::test]
async fn a_role_the_server_does_not_know_is_invalid_input() {
    let server = MockServer::start().await;
    let unknown = coded("unknown role 'auditor'", "INVALID_INPUT");
    answer(&server, "UpdateMember", unknown, 1).await;
    let role = TeamRole::parse("auditor").unwrap();

    let error = client(&server)
        .set_member_role(&ml(), &MemberId::parse("VXNlcjoy").unwrap(), &role)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::InvalidInput { .. }), "{error}");
    assert_eq!(
        bodies_of(&server, "UpdateMember").await[0]["variables"],
        json!({ "entityName": "ml", "user": "VXNlcjoy", "role": "auditor" })
    );
}

/// `TeamMemberKeys`' answer: ada with `key`, and a bot holding [`REVEALED`].
fn keys_of_ml(ada_key: &Value) -> ResponseTemplate {
    data(json!({ "entity": { "id": "RW50aXR5OjE=", "members": [
        { "id": "VXNlcjox", "apiKey": ada_key },
        { "id": "VXNlcjo5", "apiKey": REVEALED },
    ] } }))
}

#[tokio::test]
async fn a_service_accounts_key_is_read_when_revealed() {
    let server = MockServer::start().await;
    answer(&server, "TeamMemberKeys", keys_of_ml(&Value::Null), 1).await;

    let secret = client(&server)
        .service_account_secret(&ml(), &MemberId::parse("VXNlcjo5").unwrap())
        .await
        .unwrap()
        .unwrap();

    assert_eq!(secret.expose_secret(), REVEALED);
    assert!(!format!("{secret:?}").contains(&REVEALED[..12]));
}

#[tokio::test]
async fn no_key_or_a_masked_one_is_none() {
    for shown in [
        Value::Null,
        json!(""),
        json!("svcK…wxyz"),
        json!("********"),
    ] {
        let server = MockServer::start().await;
        answer(&server, "TeamMemberKeys", keys_of_ml(&shown), 1).await;

        let secret = client(&server)
            .service_account_secret(&ml(), &MemberId::parse("VXNlcjox").unwrap())
            .await
            .unwrap();

        assert!(secret.is_none(), "{shown}");
    }
}

#[tokio::test]
async fn asking_the_key_of_no_member_shows_nobodys_key() {
    let server = MockServer::start().await;
    answer(&server, "TeamMemberKeys", keys_of_ml(&json!(KEY)), 1).await;

    let result = client(&server)
        .service_account_secret(&ml(), &MemberId::parse("VXNlcjoy").unwrap())
        .await;

    let shown = format!("{result:?} {}", result.as_ref().unwrap_err());
    assert_eq!(
        result.unwrap_err(),
        Error::NotFound {
            what: "member VXNlcjoy of team ml".into()
        }
    );
    for secret in [REVEALED, KEY] {
        assert!(!shown.contains(&secret[..12]), "{shown}");
    }
}

#[tokio::test]
async fn the_key_of_a_member_of_no_team_is_not_found() {
    let users_own = data(
        json!({ "entity": { "id": "RW50aXR5OjI=", "isTeam": false, "members": [
        { "id": "VXNlcjo5", "apiKey": REVEALED },
    ] } }),
    );
    for answered in [no_entity(), users_own] {
        let server = MockServer::start().await;
        answer(&server, "TeamMemberKeys", answered, 1).await;

        let result = client(&server)
            .service_account_secret(&ml(), &MemberId::parse("VXNlcjo5").unwrap())
            .await;

        assert!(!format!("{result:?}").contains(&REVEALED[..12]));
        assert_eq!(
            result.unwrap_err(),
            Error::NotFound {
                what: "team ml".into()
            }
        );
    }
}
