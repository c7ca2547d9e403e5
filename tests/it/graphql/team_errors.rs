//! Every failure of a team operation maps to the error the port promises:
//! typed where the SDK answers `False`, never re-sent once a change may have
//! reached the server, and the team read (a query, retried) where it must
//! say which thing is missing.

use serde_json::json;
use users_domain::{Error, Result, TeamRepository as _, TeamRole, Username};
use users_graphql::GraphqlUserRepository;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use super::fixtures::{
    ada_member, coded, invited, invitee, member, member_id, ml, no_entity, requests_for,
    service_account_made, team_made, team_ml,
};
use crate::support::mock::{
    KEY, answer_operation, assert_ambiguous, client, client_at, data, graphql_errors,
    hanging_up_server, operation, quick, received,
};
use crate::support::variant;

/// Each change a team operation sends.
#[derive(Debug, Clone, Copy)]
enum Change {
    CreateTeam,
    AddMember,
    RemoveMember,
    SetRole,
    CreateServiceAccount,
}

impl Change {
    const ALL: [Self; 5] = [
        Self::CreateTeam,
        Self::AddMember,
        Self::RemoveMember,
        Self::SetRole,
        Self::CreateServiceAccount,
    ];

    fn operation(self) -> &'static str {
        match self {
            Self::CreateTeam => "CreateTeam",
            Self::AddMember => "CreateInvite",
            Self::RemoveMember => "DeleteInvite",
            Self::SetRole => "UpdateMember",
            Self::CreateServiceAccount => "CreateServiceAccount",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Self::CreateTeam => "createTeam",
            Self::AddMember => "createInvite",
            Self::RemoveMember => "deleteInvite",
            Self::SetRole => "updateMember",
            Self::CreateServiceAccount => "createServiceAccount",
        }
    }

    /// An answer that resolved the root but holds no result.
    fn empty_result(self) -> ResponseTemplate {
        let inner = match self {
            Self::CreateTeam => json!({ "entity": null }),
            Self::AddMember => json!({ "invite": null }),
            Self::RemoveMember => json!({ "success": null }),
            Self::SetRole => json!({ "member": null }),
            Self::CreateServiceAccount => json!({ "user": null }),
        };
        data(json!({ "result": inner }))
    }

    async fn run(self, repo: &GraphqlUserRepository) -> Result<()> {
        match self {
            Self::CreateTeam => repo.create_team(&ml(), None).await.map(drop),
            Self::AddMember => repo
                .add_member(&ml(), &invitee("bob"), false)
                .await
                .map(drop),
            Self::RemoveMember => repo.remove_member(&ml(), &member_id("VXNlcjoy")).await,
            Self::SetRole => {
                repo.set_member_role(&ml(), &member_id("VXNlcjoy"), &TeamRole::Viewer)
                    .await
            }
            Self::CreateServiceAccount => {
                repo.create_service_account(&ml(), "ci bot").await.map(drop)
            }
        }
    }
}

/// A server answering `change` with `answer` (exactly once) and refusing to
/// be asked for the team at all.
async fn answering_once(change: Change, answer: impl Respond + 'static) -> MockServer {
    let server = MockServer::start().await;
    answer_operation(&server, change.operation(), answer, 1).await;
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member()]), 0).await;
    server
}

/// Answers `first` to operation `name` `times` times, then `then`.
async fn answering_then(
    server: &MockServer,
    name: &str,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(operation(name))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .expect(times)
        .mount(server)
        .await;
    answer_operation(server, name, then, 1).await;
}

#[tokio::test]
async fn a_team_change_answered_408_or_5xx_is_ambiguous_and_sent_once() {
    for change in Change::ALL {
        for status in [408, 500, 502, 503, 504] {
            let server = answering_once(change, ResponseTemplate::new(status)).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            assert_ambiguous(&error, change.field());
        }
    }
}

#[tokio::test]
async fn a_team_change_whose_answer_is_lost_is_ambiguous_and_sent_once() {
    for change in Change::ALL {
        let (base_url, connections) = hanging_up_server().await;

        let error = change
            .run(&client_at(&base_url, quick()))
            .await
            .unwrap_err();

        assert_ambiguous(&error, change.field());
        assert_eq!(
            connections.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{change:?}"
        );
    }
}

#[tokio::test]
async fn a_team_change_answered_without_its_result_is_ambiguous() {
    for change in Change::ALL {
        let server = answering_once(change, change.empty_result()).await;

        let error = change.run(&client(&server)).await.unwrap_err();

        assert_ambiguous(&error, change.field());
    }
}

#[tokio::test]
async fn a_team_change_the_caller_may_not_make_is_permission_denied() {
    let refusals = || {
        [
            coded("permission denied", "PERMISSION_DENIED"),
            ResponseTemplate::new(403),
            graphql_errors(200, &["only team admins can manage this team"]),
        ]
    };
    for change in Change::ALL {
        for refusal in refusals() {
            let server = answering_once(change, refusal).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            match &error {
                Error::PermissionDenied { reason } => assert!(
                    reason.starts_with(&format!("{}: ", change.field())),
                    "{reason}"
                ),
                other => panic!("{change:?}: expected permission denied, got {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn no_team_by_that_name_is_not_found() {
    let answers = [
        no_entity(),
        graphql_errors(404, &["entity not found"]),
        coded("team ml not found", "NOT_FOUND"),
    ];
    for answered in answers {
        let server = MockServer::start().await;
        answer_operation(&server, "TeamMembers", answered, 1).await;

        let error = client(&server).team(&ml()).await.unwrap_err();

        assert_eq!(error.to_string(), "team ml not found");
    }
}

#[tokio::test]
async fn reading_a_team_is_retried_on_5xx() {
    let server = MockServer::start().await;
    answering_then(
        &server,
        "TeamMembers",
        ResponseTemplate::new(503),
        2,
        team_ml(&[ada_member()]),
    )
    .await;

    let team = client(&server).team(&ml()).await.unwrap();

    assert_eq!(team.members.unwrap().len(), 1);
}

#[tokio::test]
async fn the_read_after_a_change_is_retried_and_the_change_is_not() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateInvite", invited(), 1).await;
    let bob = super::fixtures::member("VXNlcjoy", "bob", "member", "USER");
    answering_then(
        &server,
        "TeamMembers",
        ResponseTemplate::new(502),
        1,
        team_ml(&[ada_member(), bob]),
    )
    .await;

    let added = client(&server)
        .add_member(&ml(), &invitee("bob"), false)
        .await
        .unwrap();

    assert_eq!(added.id.as_str(), "VXNlcjoy");
}

#[tokio::test]
async fn a_change_whose_member_cannot_be_read_back_is_ambiguous() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateInvite", invited(), 1).await;
    answer_operation(&server, "TeamMembers", ResponseTemplate::new(503), 3).await;

    let error = client(&server)
        .add_member(&ml(), &invitee("bob"), false)
        .await
        .unwrap_err();

    let reason = assert_ambiguous(&error, "createInvite");
    assert!(reason.contains("reading team ml back failed"), "{reason}");
}

#[tokio::test]
async fn an_invite_the_team_does_not_list_afterwards_is_ambiguous_not_failed() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateInvite", invited(), 1).await;
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member()]), 1).await;

    let error = client(&server)
        .add_member(&ml(), &invitee("bob@example.com"), false)
        .await
        .unwrap_err();

    let reason = assert_ambiguous(&error, "createInvite");
    assert!(
        reason.contains("the server accepted the invite but the team does not list the member yet"),
        "{reason}"
    );
}

#[tokio::test]
async fn an_invitee_the_team_lists_without_their_email_is_found_by_the_invite() {
    let server = MockServer::start().await;
    // `invited()`: invite SW52aXRlOjc= for the user named Bob.
    answer_operation(&server, "CreateInvite", invited(), 1).await;
    let mut bob = member("VXNlcjoy", "bob", "member", "USER");
    bob["email"] = json!(null);
    bob["name"] = json!("Bob");
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member(), bob]), 1).await;

    let added = client(&server)
        .add_member(&ml(), &invitee("bob@example.com"), false)
        .await
        .unwrap();

    assert_eq!(added.id.as_str(), "VXNlcjoy");
}

#[tokio::test]
async fn a_taken_team_name_already_exists_and_nothing_is_read() {
    let answers = [
        coded("entity ml already exists", "ALREADY_EXISTS"),
        graphql_errors(200, &["team name already taken"]),
        graphql_errors(409, &["conflict"]),
    ];
    for answered in answers {
        let server = answering_once(Change::CreateTeam, answered).await;

        let error = client(&server)
            .create_team(&ml(), Some(Username::parse("ada").unwrap()))
            .await
            .unwrap_err();

        assert_eq!(error.to_string(), "a team or user named ml already exists");
    }
}

#[tokio::test]
async fn a_new_team_needs_an_admin_who_exists() {
    let server = answering_once(
        Change::CreateTeam,
        coded("user nobody not found", "NOT_FOUND"),
    )
    .await;

    let error = client(&server)
        .create_team(&ml(), Some(Username::parse("nobody").unwrap()))
        .await
        .unwrap_err();

    assert_eq!(error.to_string(), "user 'nobody' not found");
}

#[tokio::test]
async fn inviting_a_member_again_already_exists() {
    let answers = [
        coded("ada is already a member", "ALREADY_EXISTS"),
        graphql_errors(200, &["ada is already a member of this team"]),
        graphql_errors(200, &["user already invited"]),
        graphql_errors(409, &["conflict"]),
    ];
    for answered in answers {
        let server = answering_once(Change::AddMember, answered).await;

        let error = client(&server)
            .add_member(&ml(), &invitee("ada"), false)
            .await
            .unwrap_err();

        assert_eq!(error.to_string(), "member 'ada' of team ml already exists");
    }
}

#[tokio::test]
async fn inviting_nobody_or_into_no_team_says_which_is_missing() {
    let refusals = || {
        [
            coded("not found", "NOT_FOUND"),
            graphql_errors(200, &["user does not exist"]),
            graphql_errors(404, &["not found"]),
        ]
    };
    for (team_read, message) in [
        (
            team_ml(&[ada_member()]),
            "user 'nobody@example.com' not found",
        ),
        (no_entity(), "team ml not found"),
    ] {
        for refusal in refusals() {
            let server = MockServer::start().await;
            answer_operation(&server, "CreateInvite", refusal, 1).await;
            answer_operation(&server, "TeamMembers", team_read.clone(), 1).await;

            let error = client(&server)
                .add_member(&ml(), &invitee("nobody@example.com"), false)
                .await
                .unwrap_err();

            assert_eq!(error.to_string(), message);
        }
    }
}

#[tokio::test]
async fn removing_or_changing_one_who_is_no_member_is_not_found() {
    let cases = [
        (
            Change::RemoveMember,
            data(json!({ "result": { "success": false } })),
        ),
        (Change::RemoveMember, coded("not a member", "NOT_FOUND")),
        (Change::SetRole, coded("member not found", "NOT_FOUND")),
    ];
    for (change, refusal) in cases {
        for (team_read, message) in [
            (
                team_ml(&[ada_member()]),
                "member VXNlcjoy of team ml not found",
            ),
            (no_entity(), "team ml not found"),
        ] {
            let server = MockServer::start().await;
            answer_operation(&server, change.operation(), refusal.clone(), 1).await;
            answer_operation(&server, "TeamMembers", team_read, 1).await;

            let error = change.run(&client(&server)).await.unwrap_err();

            assert_eq!(error.to_string(), message, "{change:?}");
        }
    }
}

#[tokio::test]
async fn removing_or_changing_one_the_team_still_lists_is_not_not_found() {
    let cases = [
        (
            Change::RemoveMember,
            data(json!({ "result": { "success": false } })),
            "deleteInvite answered success: false",
        ),
        (
            Change::RemoveMember,
            coded("not a member", "NOT_FOUND"),
            "deleteInvite answered not found",
        ),
        (
            Change::SetRole,
            coded("member not found", "NOT_FOUND"),
            "updateMember answered not found",
        ),
    ];
    for (change, refusal, answered) in cases {
        let server = MockServer::start().await;
        answer_operation(&server, change.operation(), refusal, 1).await;
        let bob = member("VXNlcjoy", "bob", "member", "USER");
        answer_operation(&server, "TeamMembers", team_ml(&[ada_member(), bob]), 1).await;

        let error = change.run(&client(&server)).await.unwrap_err();

        assert_eq!(
            error,
            Error::Protocol {
                reason: format!("{answered} but member VXNlcjoy is still in team ml")
            },
            "{change:?}"
        );
    }
}

#[tokio::test]
async fn a_refused_removal_whose_team_cannot_be_read_is_ambiguous() {
    let server = MockServer::start().await;
    let refused = data(json!({ "result": { "success": false } }));
    answer_operation(&server, "DeleteInvite", refused, 1).await;
    answer_operation(&server, "TeamMembers", ResponseTemplate::new(503), 3).await;

    let error = Change::RemoveMember
        .run(&client(&server))
        .await
        .unwrap_err();

    let reason = assert_ambiguous(&error, "deleteInvite");
    assert!(reason.contains("reading team ml back failed"), "{reason}");
}

#[tokio::test]
async fn a_role_the_server_does_not_know_is_invalid_input() {
    let answers = [
        coded("no such role: auditor", "INVALID_INPUT"),
        graphql_errors(200, &["unknown role 'auditor'"]),
        graphql_errors(400, &["invalid role"]),
    ];
    for answered in answers {
        let server = answering_once(Change::SetRole, answered).await;

        let error = client(&server)
            .set_member_role(
                &ml(),
                &member_id("VXNlcjoy"),
                &TeamRole::parse("auditor").unwrap(),
            )
            .await
            .unwrap_err();

        assert_eq!(variant(&error), "InvalidInput", "{error}");
    }
}

#[tokio::test]
async fn a_service_account_in_no_team_is_not_found_without_reading_it() {
    let server = answering_once(
        Change::CreateServiceAccount,
        coded("team not found", "NOT_FOUND"),
    )
    .await;

    let error = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap_err();

    assert_eq!(error.to_string(), "team ml not found");
}

#[tokio::test]
async fn a_new_service_account_missing_from_its_team_is_ambiguous_not_failed() {
    let server = MockServer::start().await;
    answer_operation(
        &server,
        "CreateServiceAccount",
        service_account_made("VXNlcjo5"),
        1,
    )
    .await;
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member()]), 1).await;

    let error = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap_err();

    let reason = assert_ambiguous(&error, "createServiceAccount");
    assert!(reason.contains("VXNlcjo5"), "{reason}");
}

#[tokio::test]
async fn a_new_team_that_cannot_be_read_back_is_still_made() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateTeam", team_made(), 1).await;
    answer_operation(&server, "TeamMembers", ResponseTemplate::new(503), 3).await;

    let team = client(&server).create_team(&ml(), None).await.unwrap();

    assert_eq!(team.id.as_str(), "RW50aXR5OjE=");
    assert_eq!(team.members, None);
    assert_eq!(
        requests_for(&received(&server).await, "CreateTeam").len(),
        1
    );
}

#[tokio::test]
async fn the_key_of_no_member_or_of_no_team_is_not_found_and_shows_no_key() {
    let keys = data(json!({ "entity": { "id": "RW50aXR5OjE=", "members": [
        { "id": "VXNlcjox", "apiKey": KEY },
    ] } }));
    for (answered, message) in [
        (keys, "member VXNlcjoy of team ml not found"),
        (no_entity(), "team ml not found"),
    ] {
        let server = MockServer::start().await;
        answer_operation(&server, "TeamMemberKeys", answered, 1).await;

        let result = client(&server)
            .service_account_secret(&ml(), &member_id("VXNlcjoy"))
            .await;

        let shown = format!("{result:?}");
        assert!(!shown.contains(&KEY[..16]), "{shown}");
        assert_eq!(result.unwrap_err().to_string(), message);
    }
}
