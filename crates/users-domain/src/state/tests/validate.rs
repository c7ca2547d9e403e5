//! Validation: each problem, with its line; all of them at once.

use super::*;
use crate::{Origin, StateError, StateErrorKind};

fn errors(desired: &DesiredState, current: &InstanceState) -> Vec<StateError> {
    desired
        .validate(current)
        .expect_err("the state should be refused")
}

fn only_error(desired: &DesiredState, current: &InstanceState) -> StateError {
    let mut found = errors(desired, current);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.remove(0)
}

#[test]
fn an_exported_state_validates_against_its_instance() {
    let current = with_team(
        instance(&[("ada@x.io", "admin"), ("bob@x.io", "off")]),
        "ml",
        &[(ROOT, "admin"), ("bob@x.io", "auditor")],
        &["ci"],
    );
    let validated = valid(&declared(&current), &current);
    assert_eq!(validated.state(), &current);
}

#[test]
fn two_users_whose_emails_differ_in_case_are_a_duplicate() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("ada@x.io", "user", 3));
    desired.users.push(declare_user("ADA@X.io", "admin", 9));
    let error = only_error(&desired, &current);
    assert_eq!(error.origin, Some(Origin::line(9)));
    assert!(matches!(
        error.kind,
        StateErrorKind::DuplicateUser {
            first: Some(Origin { line: 3 }),
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "line 9: user ADA@X.io is listed twice (first at line 3) (emails are compared ignoring case): keep one entry"
    );
}

#[test]
fn an_admin_cannot_be_deactivated() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("ada@x.io", "admin+off", 5));
    let error = only_error(&desired, &current);
    assert_eq!(
        error.to_string(),
        "line 5: user ada@x.io is both admin and deactivated, and a deactivated user cannot be an admin: drop one of the two"
    );
}

#[test]
fn a_member_must_be_a_user_of_the_file_or_the_instance() {
    let current = instance(&[("onserver@x.io", "user")]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("infile@x.io", "user", 4));
    desired.teams.push(declare_team(
        "ml",
        vec![
            declare_member("onserver", "member", 11),
            declare_member("INFILE@x.io", "member", 12),
            declare_member("ghost@x.io", "member", 13),
            declare_member("ghost", "member", 14),
        ],
        &[],
        10,
    ));
    let found = errors(&desired, &current);
    let lines: Vec<u32> = found
        .iter()
        .filter_map(|e| e.origin)
        .map(|o| o.line)
        .collect();
    assert_eq!(lines, [13, 14]);
    assert_eq!(
        found[0].to_string(),
        "line 13: member 'ghost@x.io' of team ml is not a user in the file or on the instance: add them to the users (a service account goes in the team's service accounts)"
    );
}

#[test]
fn a_member_named_by_a_username_the_file_declares_is_that_user() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    let mut ada = declare_user("ada@x.io", "user", 4);
    ada.value.username = Some(Username::parse("ada").unwrap());
    desired.users.push(ada);
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("ada", "member", 11)],
        &[],
        10,
    ));
    let validated = valid(&desired, &current);
    let members = &validated.state().teams[&team("ml")].members;
    assert_eq!(members.get(&person("ada@x.io")), Some(&TeamRole::Member));
}

#[test]
fn one_person_listed_by_username_and_by_email_is_listed_twice() {
    let current = instance(&[("ada@x.io", "user")]);
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ml",
        vec![
            declare_member("ada", "member", 11),
            declare_member("Ada@x.io", "viewer", 12),
        ],
        &[],
        10,
    ));
    let error = only_error(&desired, &current);
    assert_eq!(
        error.to_string(),
        "line 12: 'ada@x.io' is listed twice in team ml (first at line 11): keep one entry"
    );
}

#[test]
fn a_custom_role_must_be_declared() {
    let current = instance(&[("ada@x.io", "user")]);
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("ada@x.io", "auditor", 11)],
        &[],
        10,
    ));
    let error = only_error(&desired, &current);
    assert_eq!(
        error.to_string(),
        "line 11: role 'auditor' of 'ada@x.io' in team ml does not exist: use admin, member or viewer, or declare it in roles"
    );
    desired.roles.push(declare_role("auditor", 1));
    assert!(desired.validate(&current).is_ok());
}

#[test]
fn a_team_or_role_written_in_another_case_is_the_instances_as_the_server_compares() {
    let current = with_team(
        instance(&[("ada@x.io", "user")]),
        "ml",
        &[(ROOT, "admin"), ("ada@x.io", "auditor")],
        &[],
    );
    let mut desired = declared(&current);
    desired.roles = vec![declare_role("Auditor", 1)];
    desired.teams = vec![declare_team(
        "ML",
        vec![
            declare_member(ROOT, "admin", 11),
            declare_member("ada@x.io", "AUDITOR", 12),
        ],
        &[],
        10,
    )];

    let validated = desired.validate(&current).unwrap();

    assert_eq!(validated.state().teams, current.teams);
    assert!(
        plan(
            &validated,
            &snapshot(current.clone()),
            &PlanOptions::default()
        )
        .is_empty()
    );
    desired.teams.push(declare_team("Ml", vec![], &[], 20));
    let error = only_error(&desired, &current);
    assert_eq!(
        error.to_string(),
        "line 20: team Ml is listed twice (first at line 10): merge the two entries"
    );
}

#[test]
fn duplicate_teams_roles_and_service_accounts_are_refused() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.roles.push(declare_role("auditor", 1));
    desired.roles.push(declare_role("auditor", 2));
    desired.teams.push(declare_team(
        "ml",
        vec![],
        &[("ci", 11), (" ci ", 12), ("  ", 13)],
        10,
    ));
    desired.teams.push(declare_team("ml", vec![], &[], 20));
    let found: Vec<String> = errors(&desired, &current)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "line 2: role 'auditor' is declared twice (first at line 1): keep one",
            "line 12: service account 'ci' is listed twice in team ml (first at line 11): keep one",
            "line 13: a service account of team ml has an empty name: give it its description",
            "line 20: team ml is listed twice (first at line 10): merge the two entries",
        ]
    );
}

#[test]
fn every_problem_is_reported_in_line_order_not_only_the_first() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("ghost@x.io", "member", 3)],
        &[],
        2,
    ));
    desired.users.push(declare_user("ada@x.io", "admin+off", 7));
    desired.users.push(declare_user("ada@x.io", "user", 8));
    let found = errors(&desired, &current);
    let lines: Vec<u32> = found
        .iter()
        .filter_map(|e| e.origin)
        .map(|o| o.line)
        .collect();
    assert_eq!(lines, [3, 7, 8]);
}

#[test]
fn a_deactivated_member_is_allowed() {
    let current = instance(&[("bob@x.io", "off")]);
    let mut desired = declared(&current);
    desired.users.push(declare_user("cy@x.io", "off", 5));
    desired.teams.push(declare_team(
        "ml",
        vec![
            declare_member("bob@x.io", "member", 11),
            declare_member("cy@x.io", "member", 12),
        ],
        &[],
        10,
    ));
    assert!(desired.validate(&current).is_ok());
}

#[test]
fn an_error_without_an_origin_is_the_problem_alone() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.users.push(Located::new(DesiredUser {
        email: Email::parse("ada@x.io").unwrap(),
        admin: true,
        deactivated: true,
        username: None,
    }));
    let message = only_error(&desired, &current).to_string();
    assert!(message.starts_with("user ada@x.io is both"), "{message}");
}

#[test]
fn every_message_is_one_lower_case_line() {
    let current = instance(&[]);
    let mut desired = declared(&current);
    desired.roles.push(declare_role("r", 1));
    desired.roles.push(declare_role("r", 2));
    desired.users.push(declare_user("a@x.io", "admin+off", 3));
    desired.users.push(declare_user("a@x.io", "user", 4));
    desired.teams.push(declare_team(
        "t",
        vec![
            declare_member("ghost", "member", 6),
            declare_member(ROOT, "custom", 7),
            declare_member("root", "member", 8),
        ],
        &[("", 9), ("s", 10), ("s", 11)],
        5,
    ));
    desired.teams.push(declare_team("t", vec![], &[], 12));
    let found = errors(&desired, &current);
    assert_eq!(found.len(), 9, "{found:#?}");
    for error in found {
        let message = error.kind.to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.ends_with('.'), "{message}");
        assert!(
            message.starts_with(|c: char| !c.is_uppercase()),
            "{message}"
        );
    }
}

#[test]
fn a_pending_invite_of_someone_not_yet_a_user_validates_in_its_team() {
    // An export keys a pending invite by the invitee's email; they are no
    // user of the instance (yet).
    let current = with_team(
        instance(&[]),
        "ml",
        &[(ROOT, "admin"), ("Guest@ext.io", "member")],
        &[],
    );
    let validated = valid(&declared(&current), &current);
    assert_eq!(validated.state(), &current);
    let plan = plan(
        &validated,
        &snapshot(current.clone()),
        &PlanOptions::default(),
    );
    assert!(plan.is_empty(), "{:?}", plan.changes());
    // Written in another case, it is the same invite.
    let mut desired = declared(&current);
    let members = &mut desired.teams[0].value.members;
    members.retain(|member| member.value.who.to_string() != "Guest@ext.io");
    members.push(declare_member("guest@EXT.io", "viewer", 7));
    let validated = valid(&desired, &current);
    assert_eq!(
        validated.state().teams[&team("ml")]
            .members
            .get(&person("Guest@ext.io")),
        Some(&TeamRole::Viewer)
    );
}

#[test]
fn a_pending_invite_is_no_user_to_name_in_another_team() {
    let current = with_team(
        instance(&[]),
        "ml",
        &[(ROOT, "admin"), ("guest@ext.io", "member")],
        &[],
    );
    let mut desired = declared(&current);
    desired.teams.push(declare_team(
        "ops",
        vec![declare_member("guest@ext.io", "member", 21)],
        &[],
        20,
    ));
    let error = only_error(&desired, &current);
    assert_eq!(error.origin, Some(Origin::line(21)));
    assert!(matches!(error.kind, StateErrorKind::UnknownMember { .. }));
}

#[test]
fn a_username_the_instance_gives_another_email_is_refused_with_its_line() {
    // grace@old.io is `grace` on the instance.
    let current = instance(&[("grace@old.io", "user")]);
    let mut desired = declared(&current);
    let mut grace = declare_user("grace@new.io", "user", 6);
    grace.value.username = Some(Username::parse("grace").unwrap());
    desired.users.push(grace);
    desired.teams.push(declare_team(
        "ml",
        vec![declare_member("grace", "member", 11)],
        &[],
        10,
    ));
    let error = only_error(&desired, &current);
    assert_eq!(error.origin, Some(Origin::line(6)));
    assert_eq!(
        error.to_string(),
        "line 6: user grace@new.io is given username 'grace', which is grace@old.io's on the instance: correct the username or leave it out"
    );
}

#[test]
fn a_users_own_username_is_no_conflict() {
    let current = instance(&[("grace@old.io", "user")]);
    let mut desired = declared(&current);
    assert_eq!(desired.users[0].value.email.as_str(), "grace@old.io");
    desired.users[0].value.username = Some(Username::parse("grace").unwrap());
    desired.users[0].value.email = Email::parse("GRACE@old.io").unwrap();
    assert!(desired.validate(&current).is_ok());
}
