//! Each team operation sends exactly its document (the SDK's where it has
//! one) with the SDK's variables, and reads the answer into the domain's
//! team and members.

use serde_json::json;
use users_domain::{
    AccountType, ExposeSecret as _, RoleName, TeamRepository as _, TeamRole, Username,
};
use wiremock::MockServer;

use super::fixtures::{
    SDK_CREATE_INVITE, SDK_CREATE_SERVICE_ACCOUNT, SDK_CREATE_TEAM, SDK_DELETE_INVITE,
    TEAM_MEMBER_KEYS, TEAM_MEMBERS, UPDATE_MEMBER, ada_member, assert_request, invited, invitee,
    member, member_id, ml, requests_for, role_changed, service_account_made, success, team_made,
    team_ml,
};
use crate::support::mock::{answer_operation, client, data, received};
use crate::support::trace;

#[tokio::test]
async fn team_sends_team_members_and_reads_every_member() {
    let server = MockServer::start().await;
    let mut invite = member("SW52aXRlOjc=", "cy", "member", "USER");
    invite["username"] = json!(null);
    invite["pending"] = json!(true);
    let members = [
        ada_member(),
        member("VXNlcjoy", "bob", "viewer", "USER"),
        member("VXNlcjoz", "eve", "auditor", "VIEWER"),
        member("VXNlcjo5", "ci-bot", "member", "SERVICE"),
        invite,
    ];
    answer_operation(&server, "TeamMembers", team_ml(&members), 1).await;

    let team = client(&server).team(&ml()).await.unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "TeamMembers",
        TEAM_MEMBERS,
        &json!({ "name": "ml" }),
    );
    assert_eq!(team.id.as_str(), "RW50aXR5OjE=");
    assert_eq!(team.name.as_str(), "ml");
    let members = team.members.unwrap();
    let roles: Vec<TeamRole> = members.iter().map(|member| member.role.clone()).collect();
    let auditor = TeamRole::Custom(RoleName::parse("auditor").unwrap());
    assert_eq!(
        roles,
        [
            TeamRole::Admin,
            TeamRole::Viewer,
            auditor,
            TeamRole::Member,
            TeamRole::Member
        ]
    );
    assert_eq!(members[3].account_type, Some(AccountType::Service));
    assert_eq!(members[3].name, "ci-bot");
    assert_eq!(
        members[1].email.as_ref().unwrap().as_str(),
        "bob@example.com"
    );
    assert!(members[4].pending);
    assert_eq!(members[4].username, None);
    assert_eq!(members[4].id.as_str(), "SW52aXRlOjc=");
}

#[tokio::test]
async fn create_team_sends_the_sdks_document_then_reads_the_team() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateTeam", team_made(), 1).await;
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member()]), 1).await;

    let team = client(&server)
        .create_team(&ml(), Some(Username::parse("ada").unwrap()))
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "CreateTeam",
        SDK_CREATE_TEAM,
        &json!({ "teamName": "ml", "teamAdminUserName": "ada" }),
    );
    assert_request(
        &requests[1],
        "TeamMembers",
        TEAM_MEMBERS,
        &json!({ "name": "ml" }),
    );
    let members = team.members.unwrap();
    assert_eq!(members[0].username.as_ref().unwrap().as_str(), "ada");
    assert_eq!(members[0].role, TeamRole::Admin);
}

#[tokio::test]
async fn a_team_made_by_the_caller_sends_no_admin() {
    let server = MockServer::start().await;
    answer_operation(&server, "CreateTeam", team_made(), 1).await;
    answer_operation(&server, "TeamMembers", team_ml(&[ada_member()]), 1).await;

    client(&server).create_team(&ml(), None).await.unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "CreateTeam",
        SDK_CREATE_TEAM,
        &json!({ "teamName": "ml", "teamAdminUserName": null }),
    );
}

#[tokio::test]
async fn add_member_sends_a_username_or_an_email_as_the_sdk_does() {
    let bob = member("VXNlcjoy", "bob", "member", "USER");
    let cases = [
        (
            "bob",
            false,
            json!({ "entity": "ml", "admin": false, "username": "bob" }),
        ),
        (
            "Bob@Example.com",
            true,
            json!({ "entity": "ml", "admin": true, "email": "Bob@Example.com" }),
        ),
    ];
    for (named, admin, variables) in cases {
        let server = MockServer::start().await;
        answer_operation(&server, "CreateInvite", invited(), 1).await;
        answer_operation(
            &server,
            "TeamMembers",
            team_ml(&[ada_member(), bob.clone()]),
            1,
        )
        .await;

        let added = client(&server)
            .add_member(&ml(), &invitee(named), admin)
            .await
            .unwrap();

        let requests = received(&server).await;
        assert_request(&requests[0], "CreateInvite", SDK_CREATE_INVITE, &variables);
        assert_request(
            &requests[1],
            "TeamMembers",
            TEAM_MEMBERS,
            &json!({ "name": "ml" }),
        );
        // As listed afterwards: the user's id, not the invite's.
        assert_eq!(added.id.as_str(), "VXNlcjoy", "{named}");
        assert_eq!(added.username.as_ref().unwrap().as_str(), "bob");
    }
}

#[tokio::test]
async fn remove_member_sends_the_members_id_and_the_team_and_nothing_else() {
    let server = MockServer::start().await;
    answer_operation(&server, "DeleteInvite", success(true), 1).await;

    client(&server)
        .remove_member(&ml(), &member_id("VXNlcjoy"))
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_request(
        &requests[0],
        "DeleteInvite",
        SDK_DELETE_INVITE,
        &json!({ "id": "VXNlcjoy", "entity": "ml" }),
    );
}

#[tokio::test]
async fn set_member_role_sends_update_member_with_the_role_as_spelled() {
    let roles = [
        (TeamRole::Viewer, "viewer"),
        (TeamRole::Admin, "admin"),
        (TeamRole::parse("Auditor").unwrap(), "Auditor"),
    ];
    for (role, spelled) in roles {
        let server = MockServer::start().await;
        answer_operation(
            &server,
            "UpdateMember",
            role_changed("VXNlcjoy", spelled),
            1,
        )
        .await;

        client(&server)
            .set_member_role(&ml(), &member_id("VXNlcjoy"), &role)
            .await
            .unwrap();

        let requests = received(&server).await;
        assert_eq!(requests.len(), 1);
        assert_request(
            &requests[0],
            "UpdateMember",
            UPDATE_MEMBER,
            &json!({ "entityName": "ml", "user": "VXNlcjoy", "role": spelled }),
        );
    }
}

#[tokio::test]
async fn create_service_account_returns_the_account_by_its_id_not_the_last_member() {
    let server = MockServer::start().await;
    answer_operation(
        &server,
        "CreateServiceAccount",
        service_account_made("VXNlcjo5"),
        1,
    )
    .await;
    // Another account, made at the same moment, is listed last.
    let members = [
        ada_member(),
        member("VXNlcjo5", "ci-bot", "member", "SERVICE"),
        member("VXNlcjoxMA==", "nightly-bot", "member", "SERVICE"),
    ];
    answer_operation(&server, "TeamMembers", team_ml(&members), 1).await;

    let account = client(&server)
        .create_service_account(&ml(), "ci bot")
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "CreateServiceAccount",
        SDK_CREATE_SERVICE_ACCOUNT,
        &json!({ "entity": "ml", "description": "ci bot" }),
    );
    assert_eq!(requests_for(&requests, "TeamMembers").len(), 1);
    assert_eq!(account.id.as_str(), "VXNlcjo5");
    assert_eq!(account.name, "ci-bot");
    assert_eq!(account.account_type, Some(AccountType::Service));
}

/// A service account's key as a server reveals it to a team admin.
const REVEALED: &str = "svcKey_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZYXWVUTS";

#[tokio::test]
async fn service_account_secret_sends_team_member_keys_and_shows_the_key_nowhere_else() {
    let log = trace::capture();
    let server = MockServer::start().await;
    let keys = data(json!({ "entity": { "id": "RW50aXR5OjE=", "members": [
        { "id": "VXNlcjox", "apiKey": null },
        { "id": "VXNlcjo5", "apiKey": REVEALED },
    ] } }));
    answer_operation(&server, "TeamMemberKeys", keys, 2).await;
    let repo = client(&server);

    let secret = repo
        .service_account_secret(&ml(), &member_id("VXNlcjo5"))
        .await
        .unwrap()
        .unwrap();
    let none = repo
        .service_account_secret(&ml(), &member_id("VXNlcjox"))
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_request(
        &requests[0],
        "TeamMemberKeys",
        TEAM_MEMBER_KEYS,
        &json!({ "name": "ml" }),
    );
    assert_eq!(secret.expose_secret(), REVEALED);
    assert!(none.is_none());
    let shown = format!("{secret:?} {repo:?}");
    let logged = log.logged();
    for text in [shown, logged] {
        assert!(!text.contains(&REVEALED[7..30]), "{text}");
    }
}
