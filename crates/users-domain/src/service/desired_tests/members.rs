//! Team members through a plan: a caller who is a service account, and a
//! role that cannot be set after the invite.

use super::*;

#[test]
fn a_team_created_by_a_service_account_caller_does_not_plan_to_remove_it() {
    let server = Arc::new(FakeServer::new());
    {
        let mut world = server.world();
        world.users[0].service = true;
        world.users[0].email = None;
        world.add_user("ada@x.io", true, false);
    }
    let admin = UserAdmin::new(Arc::clone(&server));
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired
        .teams
        .push(team_of("new", vec![member("ada", "admin")], &[]));
    let plan = plan_for(&desired, &snapshot(&admin), false);
    assert_eq!(
        outcomes(&apply(&admin, &plan)),
        [
            "create team new: done",
            "add ada@x.io to team new as admin: done"
        ]
    );
    let after = snapshot(&admin);
    assert!(plan_for(&desired, &after, false).is_empty());
    let new = &after.state().teams[&team("new")];
    assert_eq!(
        new.service_accounts.iter().collect::<Vec<_>>(),
        ["root"],
        "the caller is in the team it made, as one of its service accounts"
    );
}

#[test]
fn a_member_whose_role_could_not_be_set_is_reported_in_the_team_and_the_rest_is_planned() {
    let (server, admin) = seeded();
    let mut desired = DesiredState::from(snapshot(&admin).state());
    desired.teams[1]
        .value
        .members
        .push(member("ada@x.io", "viewer"));
    let plan = plan_for(&desired, &snapshot(&admin), false);
    server.world().faults.refused = ["set role of user-1 in ops to viewer".to_owned()].into();

    let report = apply(&admin, &plan);

    let [(_, ChangeOutcome::Failed(error))] = report.results.as_slice() else {
        panic!("{:?}", outcomes(&report));
    };
    assert!(matches!(error, Error::AddedWithoutRole { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("ada@x.io was added to team ops as member, but"),
        "{error}"
    );
    server.world().faults = Faults::default();
    let again = plan_for(&desired, &snapshot(&admin), false);
    assert_eq!(
        again.changes(),
        [Change::ChangeRole {
            team: team("ops"),
            who: Identity::Email(key("ada@x.io")),
            from: TeamRole::Member,
            to: TeamRole::Viewer,
        }]
    );
}
