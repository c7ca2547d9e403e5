//! Snapshot, export and apply against the fake server: every change made,
//! outcomes reported, lost answers settled, a killed run finished by
//! planning again.

mod admins;
mod members;
mod props;

use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::Arc;

use super::fake::{FakeServer, Faults};
use crate::{
    ApplyReport, Change, ChangeOutcome, DesiredMember, DesiredState, DesiredTeam, DesiredUser,
    Email, EmailKey, Error, Identity, InstanceSnapshot, Invitee, Located, Plan, PlanOptions,
    RoleName, SafetyLimits, TeamName, TeamRole, UserAdmin, check_safety, plan,
};

type Admin = UserAdmin<Arc<FakeServer>>;

fn run<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

fn key(email: &str) -> EmailKey {
    EmailKey::new(Email::parse(email).unwrap())
}

fn team(name: &str) -> TeamName {
    TeamName::parse(name).unwrap()
}

fn user(email: &str, admin: bool, deactivated: bool) -> Located<DesiredUser> {
    Located::new(DesiredUser {
        email: Email::parse(email).unwrap(),
        admin,
        deactivated,
        username: None,
    })
}

fn member(who: &str, role: &str) -> Located<DesiredMember> {
    Located::new(DesiredMember {
        who: Invitee::parse(who).unwrap(),
        role: TeamRole::parse(role).unwrap(),
    })
}

fn team_of(
    name: &str,
    members: Vec<Located<DesiredMember>>,
    accounts: &[&str],
) -> Located<DesiredTeam> {
    Located::new(DesiredTeam {
        name: team(name),
        members,
        service_accounts: accounts
            .iter()
            .map(|&a| Located::new(a.to_owned()))
            .collect(),
    })
}

/// root (the caller, an admin), ada, and bob, a deactivated admin; team ml
/// of root and ada (a viewer) with service account ci; team ops of bob.
fn seeded() -> (Arc<FakeServer>, Admin) {
    let server = Arc::new(FakeServer::new());
    {
        let mut world = server.world();
        let ada = world.add_user("ada@x.io", false, false);
        let bob = world.add_user("bob@x.io", true, true);
        world.add_team("ml", vec![(0, TeamRole::Admin), (ada, TeamRole::Viewer)]);
        world.add_service_account(0, "ci");
        world.add_team("ops", vec![(bob, TeamRole::Member)]);
    }
    let admin = UserAdmin::new(Arc::clone(&server));
    (server, admin)
}

fn snapshot(admin: &Admin) -> InstanceSnapshot {
    run(admin.snapshot()).unwrap()
}

fn plan_for(desired: &DesiredState, current: &InstanceSnapshot, prune: bool) -> Plan {
    let validated = desired.validate(current.state()).unwrap();
    plan(&validated, current, &PlanOptions { prune })
}

fn apply(admin: &Admin, plan: &Plan) -> ApplyReport {
    let limits = SafetyLimits {
        max_deactivate: Some(usize::MAX),
    };
    let checked = check_safety(plan, &snapshot(admin), &limits).unwrap();
    run(admin.apply(checked, NonZeroUsize::new(4).unwrap(), |_| {}))
}

fn outcomes(report: &ApplyReport) -> Vec<String> {
    report
        .results
        .iter()
        .map(|(change, outcome)| format!("{change}: {outcome}"))
        .collect()
}

#[test]
fn export_lists_people_by_email_and_service_accounts_under_their_team() {
    let (_, admin) = seeded();
    let state = run(admin.export_state()).unwrap();
    let users: Vec<(String, bool, bool)> = state
        .users
        .iter()
        .map(|(key, user)| (key.to_string(), user.admin, user.deactivated))
        .collect();
    assert_eq!(
        users,
        [
            ("ada@x.io".to_owned(), false, false),
            // bob's stale admin flag is not part of the state.
            ("bob@x.io".to_owned(), false, true),
            ("root@x.io".to_owned(), true, false),
        ]
    );
    let ml = &state.teams[&team("ml")];
    assert_eq!(
        ml.members
            .iter()
            .map(|(who, role)| format!("{who} {role}"))
            .collect::<Vec<_>>(),
        ["ada@x.io viewer", "root@x.io admin"]
    );
    assert_eq!(ml.service_accounts.iter().collect::<Vec<_>>(), ["ci"]);
    assert_eq!(state.teams.len(), 2);
    assert_eq!(
        run(admin.export_state()).unwrap(),
        state,
        "two exports are equal"
    );
}

#[test]
fn export_refuses_users_whose_teams_the_server_withholds() {
    let (server, admin) = seeded();
    server.world().faults.withhold_teams = true;
    let error = run(admin.export_state()).unwrap_err();
    assert!(matches!(error, Error::NotListed { .. }), "{error:?}");
}

#[test]
fn an_export_applied_to_the_instance_it_came_from_changes_nothing() {
    let (_, admin) = seeded();
    let current = snapshot(&admin);
    let desired = DesiredState::from(current.state());
    assert!(plan_for(&desired, &current, true).is_empty());
}

#[test]
fn apply_makes_every_kind_of_change_and_then_there_is_nothing_left_to_do() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired
        .roles
        .push(Located::new(RoleName::parse("auditor").unwrap()));
    desired.users = vec![
        user("root@x.io", true, false),
        user("ada@x.io", true, false),
        user("bob@x.io", false, false),
        user("cy@x.io", false, false),
        user("dee@x.io", false, true),
    ];
    desired.teams = vec![
        team_of(
            "ml",
            vec![member("root", "admin"), member("cy@x.io", "auditor")],
            &["etl"],
        ),
        team_of("new", vec![member("bob", "member")], &["deploy"]),
    ];
    let current = snapshot(&admin);
    let plan = plan_for(&desired, &current, false);
    let report = apply(&admin, &plan);
    assert_eq!(
        outcomes(&report),
        [
            // bob comes back without his stale admin flag, taken away first.
            "take instance admin away from bob@x.io while still deactivated: done",
            "create user cy@x.io: done",
            "create user dee@x.io: done",
            "create team new: done",
            "reactivate bob@x.io: done",
            "make ada@x.io an instance admin: done",
            "add cy@x.io to team ml as auditor: done",
            "add bob@x.io to team new as member: done",
            "remove ada@x.io from team ml: done",
            "remove root@x.io from team new: done",
            "create service account 'etl' in team ml: done",
            "create service account 'deploy' in team new: done",
            "deactivate dee@x.io: done",
        ]
    );
    assert!(report.is_complete());
    let after = snapshot(&admin);
    assert!(plan_for(&desired, &after, false).is_empty());
    assert_eq!(server.world().redundant, 0);
    let ml = &after.state().teams[&team("ml")];
    assert_eq!(ml.service_accounts.len(), 2, "ci stays, etl is made");
}

#[test]
fn apply_walks_no_user_listing_however_many_users_it_changes() {
    let (server, admin) = seeded();
    for i in 0..30 {
        server
            .world()
            .add_user(&format!("u{i}@x.io"), i % 3 == 0, false);
    }
    let current = snapshot(&admin);
    let mut desired = DesiredState::from(current.state());
    for entry in &mut desired.users {
        if entry.value.email.as_str().starts_with('u') {
            entry.value.admin = false;
            entry.value.deactivated = entry.value.email.as_str() < "u2";
        }
    }
    let plan = plan_for(&desired, &current, false);
    assert!(plan.len() >= 10, "{}", plan.summary());
    let checked = check_safety(&plan, &current, &SafetyLimits::default()).unwrap();
    let listings = server.world().listings;
    let report = run(admin.apply(checked, NonZeroUsize::MIN, |_| {}));
    assert!(report.is_complete(), "{:?}", outcomes(&report));
    assert_eq!(server.world().listings, listings);
}

#[test]
fn changes_that_need_a_team_that_could_not_be_made_are_not_attempted() {
    let (server, admin) = seeded();
    server.world().faults.refuse_team = Some("new".into());
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired
        .teams
        .push(team_of("new", vec![member("ada", "member")], &["ci"]));
    let plan = plan_for(&desired, &snapshot(&admin), false);
    let report = apply(&admin, &plan);
    let create = Change::CreateTeam { name: team("new") };
    assert!(matches!(
        &report.results[0],
        (change, ChangeOutcome::Failed(Error::PermissionDenied { .. })) if *change == create
    ));
    for (_, outcome) in &report.results[1..] {
        assert_eq!(
            outcome,
            &ChangeOutcome::NotAttempted {
                needs: create.clone()
            }
        );
    }
    assert_eq!(
        outcomes(&report)[1],
        "add ada@x.io to team new as member: not attempted: it needs 'create team new', which did not succeed"
    );
    let counts = report.counts();
    assert_eq!(
        (counts.done, counts.failed, counts.not_attempted),
        (0, 1, 3)
    );
    assert!(!report.is_complete());
}

#[test]
fn lost_answers_are_settled_by_reading_back() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired.users.push(user("cy@x.io", false, true));
    // ada, first by email, becomes an admin.
    desired.users[0].value.admin = true;
    desired
        .teams
        .push(team_of("new", vec![member("cy@x.io", "viewer")], &["bot"]));
    let plan = plan_for(&desired, &snapshot(&admin), false);
    server.world().faults.lost = (0..50).collect();
    let report = apply(&admin, &plan);
    assert!(report.is_complete(), "{:?}", outcomes(&report));
    server.world().faults = Faults::default();
    assert!(plan_for(&desired, &snapshot(&admin), false).is_empty());
    assert_eq!(server.world().redundant, 0);
}

#[test]
fn a_lost_answer_that_cannot_be_read_back_is_unknown_and_its_dependants_wait() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired.users.push(user("cy@x.io", false, true));
    let plan = plan_for(&desired, &snapshot(&admin), false);
    let checked_against = snapshot(&admin);
    let checked = check_safety(&plan, &checked_against, &SafetyLimits::default()).unwrap();
    server.world().faults = Faults {
        lost: [0].into(),
        reads_fail: true,
        ..Faults::default()
    };
    let report = run(admin.apply(checked, NonZeroUsize::MIN, |_| {}));
    assert!(matches!(
        report.results[0].1,
        ChangeOutcome::Unknown(Error::Ambiguous { .. })
    ));
    assert_eq!(
        report.results[1].1,
        ChangeOutcome::NotAttempted {
            needs: Change::CreateUser {
                email: key("cy@x.io"),
                admin: false
            }
        }
    );
    // Planning again sees that the user was made, and deactivates them only.
    server.world().faults = Faults::default();
    let again = plan_for(&desired, &snapshot(&admin), false);
    assert_eq!(
        again.changes(),
        [Change::Deactivate {
            user: key("cy@x.io")
        }]
    );
}

#[test]
fn a_run_killed_midway_is_finished_by_planning_again_without_repeating_a_change() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    for i in 0..6 {
        desired
            .users
            .push(user(&format!("n{i}@x.io"), false, false));
    }
    desired
        .teams
        .push(team_of("new", vec![member("n1@x.io", "viewer")], &["bot"]));
    let first = plan_for(&desired, &snapshot(&admin), false);
    server.world().faults.down_from = Some(4);
    let report = apply(&admin, &first);
    assert!(!report.is_complete());
    server.world().faults = Faults::default();
    let second = plan_for(&desired, &snapshot(&admin), false);
    for (change, outcome) in &report.results {
        let replanned = second.changes().contains(change);
        assert_eq!(replanned, !outcome.is_done(), "{change}: {outcome}");
    }
    assert!(apply(&admin, &second).is_complete());
    assert!(plan_for(&desired, &snapshot(&admin), false).is_empty());
    let world = server.world();
    assert_eq!(world.redundant, 0);
    let mut log = world.log.clone();
    log.sort();
    log.dedup();
    assert_eq!(log.len(), world.log.len(), "a change was made twice");
}

#[test]
fn progress_is_reported_once_per_change_counting_up_to_the_total() {
    let (_, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    for i in 0..5 {
        desired
            .users
            .push(user(&format!("n{i}@x.io"), false, i == 0));
    }
    let current = snapshot(&admin);
    let plan = plan_for(&desired, &current, false);
    let checked = check_safety(&plan, &current, &SafetyLimits::default()).unwrap();
    let mut seen = Vec::new();
    let report = run(
        admin.apply(checked, NonZeroUsize::new(2).unwrap(), |progress| {
            assert!(progress.outcome.is_done());
            seen.push((progress.finished, progress.total, progress.change.clone()));
        }),
    );
    assert_eq!(seen.len(), plan.len());
    for (at, (finished, total, _)) in seen.iter().enumerate() {
        assert_eq!((*finished, *total), (at + 1, plan.len()));
    }
    let mut reported: Vec<Change> = seen.into_iter().map(|(_, _, change)| change).collect();
    reported.sort_by(|a, b| (a.phase(), a).cmp(&(b.phase(), b)));
    assert_eq!(reported, plan.changes());
    assert!(report.is_complete());
}

#[test]
fn a_stopped_run_finishes_what_it_started_starts_nothing_more_and_a_rerun_does_the_rest() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    for i in 0..6 {
        desired
            .users
            .push(user(&format!("n{i}@x.io"), false, false));
    }
    let current = snapshot(&admin);
    let plan = plan_for(&desired, &current, false);
    let checked = check_safety(&plan, &current, &SafetyLimits::default()).unwrap();
    let finished = std::cell::Cell::new(0);

    let report = run(admin.apply_until(
        checked,
        NonZeroUsize::MIN,
        || finished.get() >= 2,
        |_| finished.set(finished.get() + 1),
    ));

    assert_eq!(report.results.len(), 2, "{:?}", outcomes(&report));
    assert!(report.is_complete());
    let rest = plan_for(&desired, &snapshot(&admin), false);
    assert_eq!(rest.len(), plan.len() - 2);
    assert!(apply(&admin, &rest).is_complete());
    assert!(plan_for(&desired, &snapshot(&admin), false).is_empty());
    assert_eq!(server.world().redundant, 0);
}

#[test]
fn a_team_nobody_is_in_is_found_when_the_file_names_it() {
    let (server, admin) = seeded();
    server.world().add_team("empty", Vec::new());
    let mut desired = DesiredState::from(snapshot(&admin).state());
    assert!(!snapshot(&admin).state().teams.contains_key(&team("empty")));
    desired.teams.push(team_of("empty", vec![], &[]));
    let current = run(admin.snapshot_for(&desired)).unwrap();
    assert!(plan_for(&desired, &current, false).is_empty());
}

#[test]
fn the_caller_is_keyed_by_email() {
    let (_, admin) = seeded();
    assert_eq!(
        snapshot(&admin).caller(),
        &Identity::Email(key("ROOT@x.io"))
    );
}
