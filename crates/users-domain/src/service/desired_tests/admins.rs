//! The admins on the way: a revocation that relied on a grant that did not
//! succeed is held back, and a stale admin flag is taken away before the
//! user it is on comes back.

use super::*;
use crate::Phase;

/// The caller is a service account (an admin the rails do not count as a
/// person); a@ is the one admin person, b@ and c@ are users.
fn served_by_a_service_account() -> (Arc<FakeServer>, Admin) {
    let server = Arc::new(FakeServer::new());
    {
        let mut world = server.world();
        world.users[0].service = true;
        world.users[0].email = None;
        world.add_user("a@x.io", true, false);
        world.add_user("b@x.io", false, false);
        world.add_user("c@x.io", false, false);
    }
    let admin = UserAdmin::new(Arc::clone(&server));
    (server, admin)
}

fn demote(email: &str) -> Change {
    Change::SetAdmin {
        user: key(email),
        admin: false,
        deactivated: false,
    }
}

fn promote(email: &str) -> Change {
    Change::SetAdmin {
        user: key(email),
        admin: true,
        deactivated: false,
    }
}

/// The file's flags for each user (`admin`, `user` or `off`), in email order.
fn declare_flags(admin: &Admin, flags: &[&str]) -> DesiredState {
    let mut desired = DesiredState::from(snapshot(admin).state());
    for (entry, flags) in desired.users.iter_mut().zip(flags) {
        entry.value.admin = *flags == "admin";
        entry.value.deactivated = *flags == "off";
    }
    desired
}

fn is_admin(server: &FakeServer, email: &str) -> bool {
    let world = server.world();
    let user = &world.users[world.user_by_email(email).unwrap()];
    user.admin && !user.deactivated
}

#[test]
fn admin_is_not_taken_away_when_the_grant_it_relied_on_failed() {
    let (server, admin) = served_by_a_service_account();
    // Admin moves from a to b.
    let desired = declare_flags(&admin, &["user", "admin", "user"]);
    let plan = plan_for(&desired, &snapshot(&admin), false);
    assert_eq!(plan.changes(), [promote("b@x.io"), demote("a@x.io")]);
    server.world().faults.refused = ["set admin user-2 true".to_owned()].into();

    let report = apply(&admin, &plan);

    assert_eq!(
        report.results[1],
        (
            demote("a@x.io"),
            ChangeOutcome::NotAttempted {
                needs: promote("b@x.io")
            }
        )
    );
    assert!(is_admin(&server, "a@x.io"), "a is still the admin");
    assert_eq!(server.world().log, Vec::<String>::new());
}

#[test]
fn a_grant_whose_outcome_is_unknown_does_not_count_as_an_admin() {
    let (server, admin) = served_by_a_service_account();
    let desired = declare_flags(&admin, &["user", "admin", "user"]);
    let current = snapshot(&admin);
    let plan = plan_for(&desired, &current, false);
    let checked = check_safety(&plan, &current, &SafetyLimits::default()).unwrap();
    // The promotion's answer is lost and cannot be read back.
    server.world().faults = Faults {
        lost: [0].into(),
        reads_fail: true,
        ..Faults::default()
    };

    let report = run(admin.apply(checked, NonZeroUsize::MIN, |_| {}));

    assert!(matches!(report.results[0].1, ChangeOutcome::Unknown(_)));
    assert_eq!(
        report.results[1].1,
        ChangeOutcome::NotAttempted {
            needs: promote("b@x.io")
        }
    );
    assert!(is_admin(&server, "a@x.io"));
}

#[test]
fn revocations_go_on_while_an_admin_is_left_and_deactivations_go_first() {
    let (server, admin) = served_by_a_service_account();
    server.world().users[3].admin = true;
    // a and c are admins; the file keeps a as a user, makes b the admin and
    // deactivates c. b's promotion fails: c goes, a stays an admin.
    let desired = declare_flags(&admin, &["user", "admin", "off"]);
    let plan = plan_for(&desired, &snapshot(&admin), false);
    server.world().faults.refused = ["set admin user-2 true".to_owned()].into();

    let report = apply(&admin, &plan);

    assert_eq!(
        outcomes(&report),
        [
            "make b@x.io an instance admin: failed: permission denied: this fake refuses the change",
            "take instance admin away from a@x.io: not attempted: it needs 'make b@x.io an instance admin', which did not succeed",
            "deactivate c@x.io: done",
        ]
    );
    assert!(is_admin(&server, "a@x.io"));
}

#[test]
fn when_the_grant_succeeds_admin_moves_as_the_file_says() {
    let (server, admin) = served_by_a_service_account();
    let desired = declare_flags(&admin, &["user", "admin", "user"]);
    let plan = plan_for(&desired, &snapshot(&admin), false);

    assert!(apply(&admin, &plan).is_complete());

    assert!(!is_admin(&server, "a@x.io"));
    assert!(is_admin(&server, "b@x.io"));
}

#[test]
fn a_stale_admin_flag_is_taken_away_before_the_user_comes_back() {
    // bob is deactivated, and the server kept his admin flag.
    let (server, admin) = seeded();
    let desired = declare_flags(&admin, &["user", "user", "admin"]);
    let plan = plan_for(&desired, &snapshot(&admin), false);
    let demotion = Change::SetAdmin {
        user: key("bob@x.io"),
        admin: false,
        deactivated: true,
    };
    assert_eq!(demotion.phase(), Phase::Prepare);

    assert!(apply(&admin, &plan).is_complete());

    assert_eq!(
        server.world().log,
        ["set admin user-2 false", "reactivate user-2"]
    );
    assert!(!is_admin(&server, "bob@x.io"));
}

#[test]
fn a_user_whose_stale_admin_flag_stays_is_not_reactivated() {
    let (server, admin) = seeded();
    let desired = declare_flags(&admin, &["user", "user", "admin"]);
    let plan = plan_for(&desired, &snapshot(&admin), false);
    server.world().faults.refused = ["set admin user-2 false".to_owned()].into();

    let report = apply(&admin, &plan);

    let demotion = Change::SetAdmin {
        user: key("bob@x.io"),
        admin: false,
        deactivated: true,
    };
    assert_eq!(
        report.results[1],
        (
            Change::Reactivate {
                user: key("bob@x.io")
            },
            ChangeOutcome::NotAttempted { needs: demotion }
        )
    );
    let world = server.world();
    assert!(world.users[2].deactivated, "bob stays deactivated");
    assert!(world.log.is_empty());
}
