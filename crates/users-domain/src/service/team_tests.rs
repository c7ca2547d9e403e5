//! The lifecycle, team and offboarding cases against `MockBackend`: what is
//! sent, what is refused without sending, and how a lost answer is settled.

use mockall::predicate::eq;

use super::*;
use crate::{
    AccountType, ApiKeyName, Invitee, Member, MemberId, MockBackend, Team, TeamId, TeamName,
    TeamRole, UserEdge, UserId, UserPage, Username,
};

fn person(username: &str, admin: bool) -> User {
    User {
        id: UserId::parse(format!("id-{username}")).unwrap(),
        name: String::new(),
        username: Username::parse(username).unwrap(),
        email: Some(Email::parse(format!("{username}@example.com")).unwrap()),
        admin,
        account_type: Some(AccountType::User),
        created_at: None,
        logged_in_at: None,
        flags: None,
        entity: None,
        deleted_at: None,
        api_keys: Some(Vec::new()),
        teams: Some(Vec::new()),
    }
}

fn deactivated(mut user: User) -> User {
    user.deleted_at = Some(crate::Timestamp::parse("2024-01-01T00:00:00Z").unwrap());
    user
}

fn member_of(user: &User, role: TeamRole) -> Member {
    Member {
        id: MemberId::parse(user.id.as_str()).unwrap(),
        name: user.name.clone(),
        username: Some(user.username.clone()),
        email: user.email.clone(),
        role,
        pending: false,
        account_type: user.account_type,
    }
}

fn team(name: &str, members: Vec<Member>) -> Team {
    Team {
        id: TeamId::parse(format!("team-{name}")).unwrap(),
        name: TeamName::parse(name).unwrap(),
        members: Some(members),
    }
}

fn lost(operation: &str) -> Error {
    Error::Ambiguous {
        operation: operation.into(),
        reason: "connection reset".into(),
    }
}

/// A server whose caller is `caller` and whose every user is `everyone`.
fn server(caller: User, everyone: Vec<User>) -> MockBackend {
    let mut repo = MockBackend::new();
    repo.expect_viewer().returning(move || Ok(caller.clone()));
    repo.expect_list_users().returning(move |_, _| {
        let edges = everyone
            .iter()
            .cloned()
            .map(|user| UserEdge { cursor: None, user })
            .collect();
        Ok(UserPage {
            edges,
            ..UserPage::default()
        })
    });
    repo
}

#[tokio::test]
async fn the_caller_is_neither_deactivated_nor_demoted_even_with_other_admins() {
    let root = person("root", true);
    let ada = person("ada", true);
    let everyone = vec![root.clone(), ada.clone(), deactivated(person("old", true))];
    let mut repo = server(root, everyone);
    repo.expect_deactivate_user().never();
    repo.expect_set_instance_admin().never();
    let admin = UserAdmin::new(repo);
    for error in [
        admin.demote(&person("root", true)).await.unwrap_err(),
        admin.deactivate(&person("root", true)).await.unwrap_err(),
    ] {
        assert!(matches!(error, Error::Refused { .. }), "{error:?}");
        assert!(error.to_string().contains("caller"), "{error}");
    }
}

#[tokio::test]
async fn an_admin_with_no_other_active_admin_is_refused() {
    let caller = person("ops", false);
    let ada = person("ada", true);
    let everyone = vec![
        caller.clone(),
        ada.clone(),
        deactivated(person("old", true)),
    ];
    let mut repo = server(caller, everyone);
    repo.expect_set_instance_admin().never();
    let error = UserAdmin::new(repo).demote(&ada).await.unwrap_err();
    assert!(matches!(error, Error::Refused { .. }), "{error:?}");
    assert!(
        error.to_string().contains("last active instance admin"),
        "{error}"
    );
}

#[tokio::test]
async fn demoting_one_of_two_admins_is_sent() {
    let root = person("root", true);
    let ada = person("ada", true);
    let mut repo = server(root.clone(), vec![root, ada.clone()]);
    repo.expect_set_instance_admin()
        .with(eq(ada.id.clone()), eq(false))
        .times(1)
        .returning(|_, _| Ok(()));
    assert_eq!(
        UserAdmin::new(repo).demote(&ada).await,
        Ok(Applied::Changed)
    );
}

#[tokio::test]
async fn a_change_already_in_place_sends_nothing() {
    let mut repo = MockBackend::new();
    repo.expect_viewer().never();
    repo.expect_reactivate_user().never();
    repo.expect_set_instance_admin().never();
    let admin = UserAdmin::new(repo);
    assert_eq!(
        admin.reactivate(&person("ada", false)).await,
        Ok(Applied::AlreadySo)
    );
    assert_eq!(
        admin.promote(&person("ada", true)).await,
        Ok(Applied::AlreadySo)
    );
    assert_eq!(
        admin.demote(&person("ada", false)).await,
        Ok(Applied::AlreadySo)
    );
}

#[tokio::test]
async fn a_lost_deactivation_is_settled_by_reading_the_user_back() {
    let root = person("root", true);
    let ada = person("ada", false);
    let mut repo = server(root.clone(), vec![root, ada.clone()]);
    repo.expect_deactivate_user()
        .times(1)
        .returning(|_| Err(lost("deleteUser")));
    let now = deactivated(ada.clone());
    repo.expect_user_by_id()
        .with(eq(ada.id.clone()))
        .times(1)
        .returning(move |_| Ok(now.clone()));
    repo.expect_search_users().never();
    assert_eq!(
        UserAdmin::new(repo).deactivate(&ada).await,
        Ok(Applied::Changed)
    );
}

#[tokio::test]
async fn a_lost_deactivation_not_seen_afterwards_stays_ambiguous() {
    let root = person("root", true);
    let ada = person("ada", false);
    let mut repo = server(root.clone(), vec![root, ada.clone()]);
    repo.expect_deactivate_user()
        .times(1)
        .returning(|_| Err(lost("deleteUser")));
    let still = ada.clone();
    repo.expect_user_by_id()
        .returning(move |_| Ok(still.clone()));
    let error = UserAdmin::new(repo).deactivate(&ada).await.unwrap_err();
    assert!(matches!(error, Error::Ambiguous { .. }), "{error:?}");
}

#[tokio::test]
async fn a_lost_deactivation_that_cannot_be_read_back_stays_ambiguous() {
    let root = person("root", true);
    let ada = person("ada", false);
    let mut repo = server(root.clone(), vec![root, ada.clone()]);
    repo.expect_deactivate_user()
        .times(1)
        .returning(|_| Err(lost("deleteUser")));
    repo.expect_user_by_id().returning(|_| {
        Err(Error::Unavailable {
            reason: "gone".into(),
        })
    });
    let error = UserAdmin::new(repo).deactivate(&ada).await.unwrap_err();
    assert!(matches!(error, Error::Ambiguous { .. }), "{error:?}");
}

#[tokio::test]
async fn a_viewer_role_is_set_right_after_the_invite() {
    let ada = person("ada", false);
    let invitee = Invitee::Username(ada.username.clone());
    let joined = member_of(&ada, TeamRole::Member);
    let mut repo = MockBackend::new();
    repo.expect_add_member()
        .withf(|_, _, admin| !admin)
        .times(1)
        .returning(move |_, _, _| Ok(joined.clone()));
    repo.expect_set_member_role()
        .withf(|_, _, role| *role == TeamRole::Viewer)
        .times(1)
        .returning(|_, _, _| Ok(()));
    let ml = TeamName::parse("ml").unwrap();
    let member = UserAdmin::new(repo)
        .add_member(&ml, &invitee, &TeamRole::Viewer)
        .await
        .unwrap();
    assert_eq!(member.role, TeamRole::Viewer);
}

#[tokio::test]
async fn a_lost_invite_is_settled_by_reading_the_team_back() {
    let ada = person("ada", false);
    let invitee = Invitee::Email(ada.email.clone().unwrap());
    let listed = team("ml", vec![member_of(&ada, TeamRole::Admin)]);
    let mut repo = MockBackend::new();
    repo.expect_add_member()
        .withf(|_, _, admin| *admin)
        .times(1)
        .returning(|_, _, _| Err(lost("createInvite")));
    repo.expect_team().returning(move |_| Ok(listed.clone()));
    repo.expect_set_member_role().never();
    let ml = TeamName::parse("ml").unwrap();
    let member = UserAdmin::new(repo)
        .add_member(&ml, &invitee, &TeamRole::Admin)
        .await
        .unwrap();
    assert_eq!(member.username.as_ref(), Some(&ada.username));
}

#[tokio::test]
async fn removing_somebody_not_in_the_team_is_not_found_and_sends_nothing() {
    let mut repo = MockBackend::new();
    repo.expect_team().returning(|_| Ok(team("ml", Vec::new())));
    repo.expect_remove_member().never();
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .remove_member(&ml, &Invitee::parse("ada").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert!(error.to_string().contains("team ml"), "{error}");
}

#[tokio::test]
async fn a_lost_service_account_is_the_one_new_account_with_its_description() {
    let mut bot = member_of(&person("ci-bot-1", false), TeamRole::Member);
    bot.name = "ci bot".into();
    bot.account_type = Some(AccountType::Service);
    let owner = member_of(&person("ada", false), TeamRole::Admin);
    let before = team("ml", vec![owner.clone()]);
    let after = team("ml", vec![owner, bot.clone()]);
    let mut reads = vec![after, before];
    let mut repo = MockBackend::new();
    repo.expect_team()
        .times(2)
        .returning(move |_| Ok(reads.pop().unwrap()));
    repo.expect_create_service_account()
        .times(1)
        .returning(|_, _| Err(lost("createServiceAccount")));
    let ml = TeamName::parse("ml").unwrap();
    let found = UserAdmin::new(repo)
        .create_service_account(&ml, " ci bot ")
        .await
        .unwrap();
    assert_eq!(found, bot);
}

#[tokio::test]
async fn a_service_account_key_without_a_revealed_secret_is_unsupported() {
    let mut bot = member_of(&person("ci-bot-1", false), TeamRole::Member);
    bot.account_type = Some(AccountType::Service);
    let mut repo = MockBackend::new();
    repo.expect_service_account_secret()
        .returning(|_, _| Ok(None));
    repo.expect_act_as().never();
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .service_account_key(&ml, &bot, None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert!(!error.to_string().contains('\n'));
}

#[tokio::test]
async fn offboarding_plans_keys_then_teams_then_deactivation() {
    let root = person("root", true);
    let mut ada = person("ada", false);
    ada.api_keys = Some(vec![ApiKey {
        id: ApiKeyId::parse("k1").unwrap(),
        name: ApiKeyName::parse("laptop").unwrap(),
        description: None,
    }]);
    ada.teams = Some(vec![
        TeamName::parse("ml").unwrap(),
        TeamName::parse("gone").unwrap(),
    ]);
    let ml = team("ml", vec![member_of(&ada, TeamRole::Member)]);
    let mut repo = server(root.clone(), vec![root, ada.clone()]);
    repo.expect_team().returning(move |name| {
        if name.as_str() == "ml" {
            Ok(ml.clone())
        } else {
            Err(Error::not_found(format!("team {name}")))
        }
    });
    let plan = UserAdmin::new(repo).plan_offboarding(&ada).await.unwrap();
    let kinds: Vec<&str> = plan
        .steps
        .iter()
        .map(|step| match step {
            OffboardStep::RevokeKey(_) => "revoke",
            OffboardStep::LeaveTeam { .. } => "leave",
            OffboardStep::Deactivate => "deactivate",
        })
        .collect();
    assert_eq!(kinds, ["revoke", "leave", "deactivate"]);
}

#[tokio::test]
async fn offboarding_goes_on_past_a_failed_step_and_reports_each() {
    let ada = person("ada", false);
    let key = ApiKey {
        id: ApiKeyId::parse("k1").unwrap(),
        name: ApiKeyName::parse("laptop").unwrap(),
        description: None,
    };
    let plan = OffboardPlan {
        user: ada.clone(),
        steps: vec![
            OffboardStep::RevokeKey(key.clone()),
            OffboardStep::LeaveTeam {
                team: TeamName::parse("ml").unwrap(),
                member: member_of(&ada, TeamRole::Member),
            },
            OffboardStep::Deactivate,
        ],
    };
    let mut repo = MockBackend::new();
    repo.expect_delete_api_key()
        .times(1)
        .returning(|_| Err(Error::not_found("api key k1")));
    repo.expect_remove_member().times(1).returning(|_, _| {
        Err(Error::Unavailable {
            reason: "503".into(),
        })
    });
    repo.expect_deactivate_user().times(1).returning(|_| Ok(()));
    let report = UserAdmin::new(repo).offboard(plan).await;
    let outcomes: Vec<&StepOutcome> = report.steps.iter().map(|(_, outcome)| outcome).collect();
    assert_eq!(outcomes[0], &StepOutcome::AlreadyDone);
    assert!(matches!(
        outcomes[1],
        StepOutcome::Failed(Error::Unavailable { .. })
    ));
    assert_eq!(outcomes[2], &StepOutcome::Done);
    assert!(!report.is_complete());
}

#[tokio::test]
async fn a_user_with_unlisted_keys_is_not_planned_as_keyless() {
    let root = person("root", true);
    let mut ada = person("ada", false);
    ada.api_keys = None;
    let repo = server(root.clone(), vec![root, ada.clone()]);
    let error = UserAdmin::new(repo)
        .plan_offboarding(&ada)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotListed { .. }), "{error:?}");
}
