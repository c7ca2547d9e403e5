//! The diff: every kind of change, and none.

use super::*;
use crate::{Change, ChangeKind, Phase};

fn changes(plan: &Plan) -> Vec<String> {
    plan.changes().iter().map(ToString::to_string).collect()
}

#[test]
fn a_state_planned_against_itself_changes_nothing() {
    let current = with_team(
        instance(&[("ada@x.io", "admin"), ("bob@x.io", "off")]),
        "ml",
        &[(ROOT, "admin"), ("bob@x.io", "auditor")],
        &["ci"],
    );
    let plan = plan_of(&declared(&current), &current, true);
    assert!(plan.is_empty(), "{:?}", changes(&plan));
    assert_eq!(plan.summary().to_string(), "no changes");
}

#[test]
fn a_new_admin_is_created_admin_in_one_change() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("ada@x.io", "admin", 3));
    desired.users.push(declare_user("bob@x.io", "user", 4));
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        plan.changes(),
        [
            Change::CreateUser {
                email: key("ada@x.io"),
                admin: true
            },
            Change::CreateUser {
                email: key("bob@x.io"),
                admin: false
            },
        ]
    );
}

#[test]
fn a_new_user_declared_deactivated_is_created_then_deactivated() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("ada@x.io", "off", 3));
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        changes(&plan),
        ["create user ada@x.io", "deactivate ada@x.io"]
    );
    assert_eq!(plan.changes()[1].phase(), Phase::Revoke);
}

#[test]
fn admin_is_granted_early_and_taken_away_last() {
    let current = instance(&[("ada@x.io", "user"), ("bob@x.io", "admin")]);
    let mut desired = declared(&current);
    redeclare(&mut desired, "ada@x.io", "admin", 3);
    redeclare(&mut desired, "bob@x.io", "user", 4);
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        plan.changes(),
        [
            Change::SetAdmin {
                user: key("ada@x.io"),
                admin: true,
                deactivated: false,
            },
            Change::SetAdmin {
                user: key("bob@x.io"),
                admin: false,
                deactivated: false,
            },
        ]
    );
    assert_eq!(plan.changes()[0].phase(), Phase::Create);
    assert_eq!(plan.changes()[1].phase(), Phase::Revoke);
}

#[test]
fn users_are_deactivated_and_reactivated_as_declared() {
    let current = instance(&[("ada@x.io", "user"), ("bob@x.io", "off")]);
    let mut desired = declared(&current);
    redeclare(&mut desired, "ada@x.io", "off", 3);
    redeclare(&mut desired, "bob@x.io", "admin", 4);
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        changes(&plan),
        [
            "make bob@x.io an instance admin while still deactivated",
            "reactivate bob@x.io",
            "deactivate ada@x.io",
        ]
    );
}

#[test]
fn a_stale_admin_flag_is_taken_away_while_the_user_is_still_deactivated() {
    // The server kept bob's admin flag when he was deactivated.
    let mut current = instance(&[("bob@x.io", "off")]);
    current.users.get_mut(&key("bob@x.io")).unwrap().admin = true;
    let mut desired = declared(&current);
    redeclare(&mut desired, "bob@x.io", "user", 4);
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        plan.changes(),
        [
            Change::SetAdmin {
                user: key("bob@x.io"),
                admin: false,
                deactivated: true,
            },
            Change::Reactivate {
                user: key("bob@x.io")
            },
        ]
    );
    let phases: Vec<Phase> = plan.changes().iter().map(Change::phase).collect();
    assert_eq!(phases, [Phase::Prepare, Phase::Create]);
    assert_eq!(
        changes(&plan)[0],
        "take instance admin away from bob@x.io while still deactivated"
    );
}

#[test]
fn users_the_file_does_not_list_are_left_alone_unless_pruned() {
    let current = instance(&[
        ("ada@x.io", "user"),
        ("bob@x.io", "off"),
        ("cy@x.io", "admin"),
    ]);
    let mut desired = declared(&instance(&[]));
    desired.users.push(declare_user("ADA@x.io", "user", 3));
    assert!(plan_of(&desired, &current, false).is_empty());
    let pruned = plan_of(&desired, &current, true);
    // bob is deactivated already; ada is listed (in another case).
    assert_eq!(changes(&pruned), ["deactivate cy@x.io"]);
    assert!(pruned.prunes());
}

#[test]
fn a_new_team_is_created_with_the_caller_in_it_as_admin() {
    let current = instance(&[("ada@x.io", "user"), ("bob@x.io", "user")]);
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ml",
        vec![
            declare_member("ada@x.io", "admin", 11),
            declare_member("bob", "viewer", 12),
        ],
        &[("ci", 13)],
        10,
    ));
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        changes(&plan),
        [
            "create team ml",
            "add ada@x.io to team ml as admin",
            "add bob@x.io to team ml as viewer",
            "remove root@x.io from team ml",
            "create service account 'ci' in team ml",
        ]
    );
}

#[test]
fn a_service_account_caller_is_not_planned_out_of_the_team_it_creates() {
    let current = instance(&[("ada@x.io", "user")]);
    let mut caller = InstanceSnapshot::new(
        current.clone(),
        Identity::Username(Username::parse("deploy-bot").unwrap()),
    );
    caller.caller_service_account = Some("deploy bot".to_owned());
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("ada", "admin", 2)],
        &[("deploy bot", 3)],
        1,
    ));
    let plan = crate::plan(&valid(&desired, &current), &caller, &PlanOptions::default());
    assert_eq!(
        changes(&plan),
        ["create team ml", "add ada@x.io to team ml as admin"]
    );
}

#[test]
fn the_caller_listed_in_a_new_team_is_not_added_but_given_their_role() {
    let current = instance(&[]);
    let mut listed_as_admin = declared(&current);
    listed_as_admin.teams.push(declare_team(
        "ml",
        vec![declare_member(ROOT, "admin", 2)],
        &[],
        1,
    ));
    assert_eq!(
        changes(&plan_of(&listed_as_admin, &current, false)),
        ["create team ml"]
    );
    let mut listed_as_member = declared(&current);
    listed_as_member.teams.push(declare_team(
        "ml",
        vec![declare_member("root", "member", 2)],
        &[],
        1,
    ));
    assert_eq!(
        changes(&plan_of(&listed_as_member, &current, false)),
        [
            "create team ml",
            "change the role of root@x.io in team ml from admin to member"
        ]
    );
}

#[test]
fn a_listed_team_gets_exactly_the_members_listed() {
    let current = with_team(
        instance(&[
            ("ada@x.io", "user"),
            ("bob@x.io", "user"),
            ("cy@x.io", "user"),
        ]),
        "ml",
        &[
            (ROOT, "admin"),
            ("ada@x.io", "member"),
            ("bob@x.io", "member"),
        ],
        &["ci", "etl"],
    );
    let mut desired = declared(&instance(&[
        ("ada@x.io", "user"),
        ("bob@x.io", "user"),
        ("cy@x.io", "user"),
    ]));
    desired.teams.push(declare_team(
        "ml",
        vec![
            declare_member(ROOT, "admin", 2),
            declare_member("ada", "viewer", 3),
            declare_member("cy@x.io", "member", 4),
        ],
        &[("ci", 5), ("deploy", 6)],
        1,
    ));
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        plan.changes(),
        [
            Change::AddMember {
                team: team("ml"),
                who: person("cy@x.io"),
                role: TeamRole::Member
            },
            Change::ChangeRole {
                team: team("ml"),
                who: person("ada@x.io"),
                from: TeamRole::Member,
                to: TeamRole::Viewer
            },
            Change::RemoveMember {
                team: team("ml"),
                who: person("bob@x.io")
            },
            Change::CreateServiceAccount {
                team: team("ml"),
                name: "deploy".into()
            },
        ],
        "etl is not listed but stays: service accounts are never removed"
    );
}

#[test]
fn teams_the_file_does_not_list_are_left_alone_even_when_pruning() {
    let current = with_team(
        instance(&[("ada@x.io", "user")]),
        "ml",
        &[("ada@x.io", "member")],
        &["ci"],
    );
    let mut desired = declared(&current);
    desired.teams.clear();
    assert!(plan_of(&desired, &current, true).is_empty());
}

#[test]
fn a_member_named_by_username_is_the_member_known_by_email() {
    let current = with_team(
        instance(&[("ada@x.io", "user")]),
        "ml",
        &[(ROOT, "admin"), ("ada@x.io", "viewer")],
        &[],
    );
    let mut desired = declared(&current);
    let members = &mut desired.teams[0].value.members;
    members.retain(|member| member.value.who.to_string() != "ada@x.io");
    members.push(declare_member("ada", "viewer", 9));
    assert!(plan_of(&desired, &current, false).is_empty());
}

#[test]
fn changes_are_sorted_by_phase_then_kind_then_key_whatever_the_file_order() {
    let current = instance(&[("zed@x.io", "admin"), ("amy@x.io", "off")]);
    let mut desired = declared(&instance(&[]));
    for (line, (email, flags)) in [
        ("zed@x.io", "off"),
        ("new2@x.io", "user"),
        ("amy@x.io", "user"),
        ("new1@x.io", "admin"),
    ]
    .into_iter()
    .enumerate()
    {
        desired.users.push(declare_user(
            email,
            flags,
            10 + u32::try_from(line).unwrap(),
        ));
    }
    desired.teams.push(declare_team(
        "b-team",
        vec![declare_member("amy@x.io", "member", 30)],
        &[],
        29,
    ));
    desired.teams.push(declare_team("a-team", vec![], &[], 20));
    let plan = plan_of(&desired, &current, false);
    assert_eq!(
        changes(&plan),
        [
            "create user new1@x.io as instance admin",
            "create user new2@x.io",
            "create team a-team",
            "create team b-team",
            "reactivate amy@x.io",
            "add amy@x.io to team b-team as member",
            "remove root@x.io from team a-team",
            "remove root@x.io from team b-team",
            "deactivate zed@x.io",
        ]
    );
    let phases: Vec<Phase> = plan.changes().iter().map(Change::phase).collect();
    assert!(phases.is_sorted());
    let again = plan_of(&desired, &current, false);
    assert_eq!(again.changes(), plan.changes());
}

#[test]
fn the_summary_counts_each_kind() {
    let current = instance(&[("ada@x.io", "user")]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("bob@x.io", "user", 5));
    desired.users.push(declare_user("cy@x.io", "off", 6));
    let summary = plan_of(&desired, &current, false).summary();
    assert_eq!(summary.count(ChangeKind::CreateUser), 2);
    assert_eq!(summary.count(ChangeKind::Deactivate), 1);
    assert_eq!(summary.count(ChangeKind::AddMember), 0);
    assert_eq!(summary.total(), 3);
    assert_eq!(
        summary.to_string(),
        "3 changes: 2 create user, 1 deactivate"
    );
}

#[test]
fn every_change_names_the_line_that_calls_for_it_but_a_pruned_user() {
    let current = with_team(
        instance(&[("old@x.io", "user")]),
        "ml",
        &[(ROOT, "admin")],
        &[],
    );
    let mut desired = declared(&instance(&[]));
    desired.users.push(declare_user("ada@x.io", "user", 4));
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("ada@x.io", "member", 8)],
        &[("ci", 9)],
        7,
    ));
    let validated = valid(&desired, &current);
    let plan = plan(&validated, &snapshot(current), &PlanOptions { prune: true });
    let lines: Vec<(String, Option<u32>)> = plan
        .changes()
        .iter()
        .map(|change| {
            let origin = validated.origin_of(change);
            (change.to_string(), origin.map(|origin| origin.line))
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("create user ada@x.io".to_owned(), Some(4)),
            ("add ada@x.io to team ml as member".to_owned(), Some(8)),
            ("remove root@x.io from team ml".to_owned(), Some(7)),
            ("create service account 'ci' in team ml".to_owned(), Some(9)),
            ("deactivate old@x.io".to_owned(), None),
        ]
    );
}

#[test]
fn every_kind_reads_as_a_line() {
    let kinds: Vec<&str> = ChangeKind::ALL.iter().map(|kind| kind.as_str()).collect();
    assert_eq!(kinds.len(), 9);
    assert!(kinds.iter().all(|kind| !kind.contains('\n')));
}
