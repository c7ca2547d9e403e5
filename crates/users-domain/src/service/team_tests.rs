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
    repo.expect_team().returning(|_| Ok(team("ml", Vec::new())));
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
    let mut reads = vec![
        team("ml", vec![member_of(&ada, TeamRole::Admin)]),
        team("ml", Vec::new()),
    ];
    let mut repo = MockBackend::new();
    repo.expect_add_member()
        .withf(|_, _, admin| *admin)
        .times(1)
        .returning(|_, _, _| Err(lost("createInvite")));
    repo.expect_team()
        .times(2)
        .returning(move |_| Ok(reads.pop().unwrap()));
    repo.expect_set_member_role().never();
    let ml = TeamName::parse("ml").unwrap();
    let member = UserAdmin::new(repo)
        .add_member(&ml, &invitee, &TeamRole::Admin)
        .await
        .unwrap();
    assert_eq!(member.username.as_ref(), Some(&ada.username));
}

#[tokio::test]
async fn adding_somebody_already_in_the_team_is_already_exists_and_changes_no_role() {
    let ada = person("ada", false);
    let listed = team("ml", vec![member_of(&ada, TeamRole::Admin)]);
    let mut repo = MockBackend::new();
    repo.expect_team().returning(move |_| Ok(listed.clone()));
    repo.expect_add_member().never();
    repo.expect_set_member_role().never();
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .add_member(
            &ml,
            &Invitee::Username(ada.username.clone()),
            &TeamRole::Viewer,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error:?}");
}

#[tokio::test]
async fn a_lost_invite_is_not_settled_to_a_member_who_was_there_before() {
    // ada is an admin of ml already, her email hidden when first read: the
    // invite by email does not name her, and its answer is lost. Read back
    // she shows with her email, but she was there before: not the one
    // invited, and her role is not touched.
    let ada = person("ada", false);
    let mut hidden = member_of(&ada, TeamRole::Admin);
    hidden.email = None;
    let mut reads = vec![
        team("ml", vec![member_of(&ada, TeamRole::Admin)]),
        team("ml", vec![hidden]),
    ];
    let mut repo = MockBackend::new();
    repo.expect_team()
        .times(2)
        .returning(move |_| Ok(reads.pop().unwrap()));
    repo.expect_add_member()
        .times(1)
        .returning(|_, _, _| Err(lost("createInvite")));
    repo.expect_set_member_role().never();
    let ml = TeamName::parse("ml").unwrap();
    let by_email = Invitee::Email(ada.email.clone().unwrap());
    let error = UserAdmin::new(repo)
        .add_member(&ml, &by_email, &TeamRole::Viewer)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Ambiguous { .. }), "{error:?}");
}

#[tokio::test]
async fn a_lost_invite_settled_to_nobody_new_stays_ambiguous_and_changes_no_role() {
    let ada = person("ada", false);
    let bob = person("bob", false);
    let mut reads = vec![
        team("ml", vec![member_of(&bob, TeamRole::Member)]),
        team("ml", vec![member_of(&bob, TeamRole::Member)]),
    ];
    let mut repo = MockBackend::new();
    repo.expect_team()
        .times(2)
        .returning(move |_| Ok(reads.pop().unwrap()));
    repo.expect_add_member()
        .times(1)
        .returning(|_, _, _| Err(lost("createInvite")));
    repo.expect_set_member_role().never();
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .add_member(&ml, &Invitee::Username(ada.username), &TeamRole::Viewer)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Ambiguous { .. }), "{error:?}");
}

#[tokio::test]
async fn creating_a_team_that_exists_is_already_exists_and_sends_nothing() {
    let root = person("root", true);
    let listed = team("ml", vec![member_of(&root, TeamRole::Admin)]);
    let mut repo = MockBackend::new();
    repo.expect_team().returning(move |_| Ok(listed.clone()));
    repo.expect_create_team().never();
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .create_team(&ml, None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error:?}");
    assert!(error.to_string().contains("team ml"), "{error}");
}

#[tokio::test]
async fn a_lost_create_of_a_team_not_there_before_is_settled_by_reading_it_back() {
    let root = person("root", true);
    let made = team("ml", vec![member_of(&root, TeamRole::Admin)]);
    let mut reads = vec![Ok(made.clone()), Err(Error::not_found("team ml"))];
    let mut repo = MockBackend::new();
    repo.expect_team()
        .times(2)
        .returning(move |_| reads.pop().unwrap());
    repo.expect_create_team()
        .times(1)
        .returning(|_, _| Err(lost("createTeam")));
    let ml = TeamName::parse("ml").unwrap();
    assert_eq!(UserAdmin::new(repo).create_team(&ml, None).await, Ok(made));
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
            OffboardStep::Demote => "demote",
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

fn laptop_key() -> ApiKey {
    ApiKey {
        id: ApiKeyId::parse("k1").unwrap(),
        name: ApiKeyName::parse("laptop").unwrap(),
        description: None,
    }
}

fn kinds(plan: &OffboardPlan) -> Vec<&'static str> {
    plan.steps
        .iter()
        .map(|step| match step {
            OffboardStep::RevokeKey(_) => "revoke",
            OffboardStep::LeaveTeam { .. } => "leave",
            OffboardStep::Demote => "demote",
            OffboardStep::Deactivate => "deactivate",
        })
        .collect()
}

#[tokio::test]
async fn an_admin_offboarded_is_demoted_before_deactivation_so_reactivating_brings_no_admin_back() {
    let root = person("root", true);
    let ada = person("ada", true);
    let old = deactivated(person("old", true));
    let repo = server(root.clone(), vec![root, ada.clone(), old.clone()]);
    let admin = UserAdmin::new(repo);
    let active = admin.plan_offboarding(&ada).await.unwrap();
    assert_eq!(kinds(&active), ["demote", "deactivate"]);
    // Deactivated already, with the admin flag the server kept.
    let stale = admin.plan_offboarding(&old).await.unwrap();
    assert_eq!(kinds(&stale), ["demote"]);
}

#[tokio::test]
async fn the_demotion_of_an_offboarding_is_sent_before_the_deactivation() {
    let ada = person("ada", true);
    let plan = OffboardPlan {
        user: ada.clone(),
        steps: vec![OffboardStep::Demote, OffboardStep::Deactivate],
    };
    let mut order = mockall::Sequence::new();
    let mut repo = MockBackend::new();
    repo.expect_viewer().never();
    repo.expect_list_users().never();
    repo.expect_set_instance_admin()
        .with(eq(ada.id.clone()), eq(false))
        .times(1)
        .in_sequence(&mut order)
        .returning(|_, _| Ok(()));
    repo.expect_deactivate_user()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Ok(()));
    let report = UserAdmin::new(repo).offboard(plan).await;
    assert!(report.is_complete());
    assert!(
        report
            .steps
            .iter()
            .all(|(_, outcome)| *outcome == StepOutcome::Done)
    );
}

#[tokio::test]
async fn a_lost_key_revocation_is_settled_by_reading_the_users_keys_back() {
    let mut ada = person("ada", false);
    ada.api_keys = Some(vec![laptop_key()]);
    let plan = OffboardPlan {
        user: ada.clone(),
        steps: vec![OffboardStep::RevokeKey(laptop_key())],
    };
    let mut repo = MockBackend::new();
    repo.expect_delete_api_key()
        .times(1)
        .returning(|_| Err(lost("deleteApiKey")));
    let mut now = ada.clone();
    now.api_keys = Some(Vec::new());
    repo.expect_user_by_id()
        .with(eq(ada.id.clone()))
        .times(1)
        .returning(move |_| Ok(now.clone()));
    let report = UserAdmin::new(repo).offboard(plan).await;
    assert_eq!(report.steps[0].1, StepOutcome::Done);
    assert!(report.is_complete());
}

#[tokio::test]
async fn a_lost_step_that_reading_back_cannot_settle_is_unknown_not_failed() {
    let mut ada = person("ada", false);
    ada.api_keys = Some(vec![laptop_key()]);
    let plan = OffboardPlan {
        user: ada.clone(),
        steps: vec![
            OffboardStep::RevokeKey(laptop_key()),
            OffboardStep::Deactivate,
        ],
    };
    let mut repo = MockBackend::new();
    repo.expect_delete_api_key()
        .times(1)
        .returning(|_| Err(lost("deleteApiKey")));
    repo.expect_deactivate_user()
        .times(1)
        .returning(|_| Err(lost("deleteUser")));
    // Still listed with the key, and still active: neither is settled.
    let still = ada.clone();
    repo.expect_user_by_id()
        .returning(move |_| Ok(still.clone()));
    let report = UserAdmin::new(repo).offboard(plan).await;
    for (step, outcome) in &report.steps {
        assert!(
            matches!(outcome, StepOutcome::Unknown(Error::Ambiguous { .. })),
            "{step:?}: {outcome:?}"
        );
    }
    assert!(!report.is_complete());
}

#[tokio::test]
async fn a_role_that_cannot_be_set_after_the_invite_says_the_person_is_in_the_team() {
    let ada = person("ada", false);
    let invitee = Invitee::Username(ada.username.clone());
    let joined = member_of(&ada, TeamRole::Member);
    let mut repo = MockBackend::new();
    repo.expect_team().returning(|_| Ok(team("ml", Vec::new())));
    repo.expect_add_member()
        .times(1)
        .returning(move |_, _, _| Ok(joined.clone()));
    repo.expect_set_member_role().times(1).returning(|_, _, _| {
        Err(Error::Unavailable {
            reason: "503".into(),
        })
    });
    let ml = TeamName::parse("ml").unwrap();
    let error = UserAdmin::new(repo)
        .add_member(&ml, &invitee, &TeamRole::Viewer)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ada was added to team ml as member, but setting their role to viewer failed \
         (server unavailable: 503): set the role again to finish"
    );
    assert!(matches!(error, Error::AddedWithoutRole { .. }), "{error:?}");
}
