//! Offboarding over the port: planned from what the server shows, carried
//! out step by step, finished by a rerun after a failure in the middle.

use users_domain::{Error, OffboardPlan, OffboardStep, StepOutcome, User, UserAdmin};

use crate::setup::{Setup, expect_err, holder, keys, member, teams_of};
use crate::{Fault, Harness, Member, Mutation};

/// A short name for each step, to compare plans and reports.
fn step_names(
    steps: impl IntoIterator<Item = impl std::borrow::Borrow<OffboardStep>>,
) -> Vec<String> {
    steps
        .into_iter()
        .map(|step| match step.borrow() {
            OffboardStep::RevokeKey(key) => format!("revoke {}", key.name.reveal()),
            OffboardStep::LeaveTeam { team, .. } => format!("leave {team}"),
            OffboardStep::Demote => "demote".to_owned(),
            OffboardStep::Deactivate => "deactivate".to_owned(),
        })
        .collect()
}

/// `user` as the admin's service finds it now, and what offboarding them would do.
async fn plan(service: &UserAdmin<Box<dyn users_domain::Backend>>, user: &str) -> OffboardPlan {
    let found = service.user(user).await.expect("user");
    service.plan_offboarding(&found).await.expect("plan")
}

/// Checks what offboarding must leave: the user deactivated, in no team
/// (as they and each former team list it), none of `member`'s keys working.
async fn assert_offboarded(s: &Setup, leaver: &Member, former_teams: &[&str]) -> User {
    let user = s.user(leaver.username).await;
    assert!(!user.is_active(), "{user:?}");
    assert!(keys(&user).is_empty(), "{user:?}");
    assert!(teams_of(&user).is_empty(), "{user:?}");
    for team in former_teams {
        assert_eq!(member(&s.team(team).await, &user), None, "{team}");
    }
    for key in &leaver.keys {
        expect_err!(holder(s, &key.secret).await, Error::Unauthenticated { .. });
    }
    user
}

/// The plan revokes each key, leaves each team, then deactivates.
pub async fn offboarding_plans_every_key_every_team_then_deactivation(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let planned = plan(&s.service(&s.fx.root), "ada").await;

    assert_eq!(
        step_names(&planned.steps),
        [
            "revoke ada-main",
            "revoke ci",
            "leave ml",
            "leave research",
            "deactivate"
        ]
    );
    assert_eq!(planned.user.username.as_str(), "ada");
}

/// Offboarding leaves the user deactivated, in no team, holding no working
/// key (not even once reactivated), and a second plan finds nothing to do.
pub async fn offboarding_leaves_nothing_working_and_a_second_plan_is_empty(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);

    let report = service.offboard(plan(&service, "ada").await).await;

    assert!(report.is_complete(), "{:?}", report.steps);
    assert!(
        report
            .steps
            .iter()
            .all(|(_, outcome)| *outcome == StepOutcome::Done),
        "{:?}",
        report.steps
    );
    let ada = assert_offboarded(&s, &s.fx.ada, &["ml", "research"]).await;
    assert!(plan(&service, "ada").await.is_done());

    service.reactivate(&ada).await.expect("reactivate");
    for key in &s.fx.ada.keys {
        expect_err!(holder(&s, &key.secret).await, Error::Unauthenticated { .. });
    }
}

/// Offboarding a user deactivated already takes away what they still hold,
/// and does not deactivate them again.
pub async fn offboarding_a_deactivated_user_takes_what_is_left(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);

    let planned = plan(&service, "gone").await;
    assert_eq!(step_names(&planned.steps), ["revoke gone-main", "leave ml"]);
    let report = service.offboard(planned).await;

    assert!(report.is_complete(), "{:?}", report.steps);
    assert_offboarded(&s, &s.fx.gone, &["ml"]).await;
}

/// A step that fails in the middle is reported, the others are carried out
/// all the same, and a rerun's plan is exactly what is left: done, it
/// completes the offboarding.
pub async fn offboarding_rerun_after_a_failed_step_does_only_what_is_left(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let failing = s.admin_failing_once(Mutation::RemoveMember);

    let first = failing.offboard(plan(&failing, "ada").await).await;

    assert!(!first.is_complete());
    let failed: Vec<String> = step_names(
        first
            .steps
            .iter()
            .filter(|(_, outcome)| matches!(outcome, StepOutcome::Failed(_)))
            .map(|(step, _)| step),
    );
    assert_eq!(failed, ["leave ml"], "{:?}", first.steps);
    let ada = s.user("ada").await;
    assert!(!ada.is_active() && keys(&ada).is_empty(), "{ada:?}");
    assert_eq!(teams_of(&ada), ["ml"]);

    let rerun = plan(&failing, "ada").await;
    assert_eq!(step_names(&rerun.steps), ["leave ml"]);
    let second = failing.offboard(rerun).await;

    assert!(second.is_complete(), "{:?}", second.steps);
    assert_offboarded(&s, &s.fx.ada, &["ml", "research"]).await;
    assert!(plan(&failing, "ada").await.is_done());
}

/// Steps whose answers were lost are settled by reading back: the
/// offboarding completes, and nothing is left to do.
pub async fn offboarding_settles_lost_answers_and_completes(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let planned = plan(&service, "adam").await;
    s.world.stage(Fault::LoseAnswer(Mutation::RemoveMember));
    s.world.stage(Fault::LoseAnswer(Mutation::DeactivateUser));

    let report = service.offboard(planned).await;

    assert!(report.is_complete(), "{:?}", report.steps);
    assert_offboarded(&s, &s.fx.adam, &["ml"]).await;
    assert!(plan(&service, "adam").await.is_done());
}
