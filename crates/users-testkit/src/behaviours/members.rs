//! `add_member` and `remove_member`: for instance admins and the team's own
//! admins.

use users_domain::{AccountType, Error, TeamRole};

use crate::setup::{
    Setup, expect_err, holder, invitee, member, member_id, member_names, team_name, teams_of,
};
use crate::{Fault, Harness, Mutation};

/// `add_member` by username adds the user as a member, listed last, and
/// returns them as the team lists them.
pub async fn add_member_by_username_lists_them_last_as_a_member(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;

    let added = s
        .admin()
        .add_member(&team_name("ml"), &invitee("adele"), false)
        .await
        .expect("add");

    assert!(added.is_user(&adele.id), "{added:?}");
    assert_eq!(added.role, TeamRole::Member);
    assert_eq!(added.username.as_ref(), Some(&adele.username));
    assert_eq!(added.account_type, Some(AccountType::User));
    assert!(!added.pending);
    let ml = s.team("ml").await;
    assert_eq!(member_names(&ml).last().map(String::as_str), Some("adele"));
    assert_eq!(member(&ml, &adele), Some(&added));
}

/// `add_member` by email, as admin, makes the user a team admin.
pub async fn add_member_by_email_as_admin_makes_a_team_admin(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;

    let added = s
        .admin()
        .add_member(&team_name("research"), &invitee("ADELE@fixture.test"), true)
        .await
        .expect("add");

    assert!(added.is_user(&adele.id), "{added:?}");
    assert_eq!(added.role, TeamRole::Admin);
    let research = s.team("research").await;
    assert_eq!(
        member(&research, &adele).map(|m| &m.role),
        Some(&TeamRole::Admin)
    );
}

/// `add_member` to a team that does not exist is `NotFound`.
pub async fn add_member_to_an_unknown_team_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin()
            .add_member(&team_name("no-such-team"), &invitee("adele"), false)
            .await,
        Error::NotFound { .. }
    );
}

/// `add_member` of nobody, by username or by email, is `NotFound`, and the
/// team is left as it was.
pub async fn add_member_of_an_unknown_user_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let before = s.team("ml").await;

    for nobody in ["nobody-by-that-name", "nobody@fixture.test"] {
        expect_err!(
            s.admin()
                .add_member(&team_name("ml"), &invitee(nobody), false)
                .await,
            Error::NotFound { .. }
        );
    }

    assert_eq!(s.team("ml").await, before);
}

/// `add_member` of a member is `AlreadyExists`, and they are listed once.
pub async fn add_member_who_is_a_member_already_exists(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let before = s.team("ml").await;

    for adam in ["adam", "adam@fixture.test"] {
        expect_err!(
            s.admin()
                .add_member(&team_name("ml"), &invitee(adam), true)
                .await,
            Error::AlreadyExists { .. }
        );
    }

    assert_eq!(s.team("ml").await, before);
}

/// `add_member` by a user who is neither an instance admin nor an admin of
/// the team is `PermissionDenied`, for its members and for outsiders.
pub async fn add_member_by_a_user_who_does_not_manage_the_team_is_permission_denied(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let before = s.team("ml").await;

    expect_err!(
        s.as_(&s.fx.adam)
            .add_member(&team_name("ml"), &invitee("adele"), false)
            .await,
        Error::PermissionDenied { .. }
    );
    expect_err!(
        s.as_(&s.fx.adele)
            .add_member(&team_name("ml"), &invitee("adele"), true)
            .await,
        Error::PermissionDenied { .. }
    );

    assert_eq!(s.team("ml").await, before);
}

/// A team's admin who is no instance admin manages that team's members, and
/// only that team's.
pub async fn a_team_admin_manages_their_own_team_only(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);
    let ml = team_name("ml");
    let adele = s.user("adele").await;

    ada.add_member(&ml, &invitee("adele"), false)
        .await
        .expect("add");
    ada.set_member_role(&ml, &member_id(&adele), &TeamRole::Viewer)
        .await
        .expect("set role");
    assert_eq!(
        member(&s.team("ml").await, &adele).map(|m| &m.role),
        Some(&TeamRole::Viewer)
    );
    ada.remove_member(&ml, &member_id(&adele))
        .await
        .expect("remove");
    assert_eq!(member(&s.team("ml").await, &adele), None);

    expect_err!(
        ada.add_member(&team_name("ops"), &invitee("adele"), false)
            .await,
        Error::PermissionDenied { .. }
    );
    expect_err!(
        ada.add_member(&team_name("research"), &invitee("adele"), false)
            .await,
        Error::PermissionDenied { .. }
    );
}

/// An add whose answer is lost is `Ambiguous` (and the server did add the
/// user); one whose answer arrives is never `Ambiguous`.
pub async fn add_member_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::AddMember));

    let result = s
        .admin()
        .add_member(&team_name("ml"), &invitee("adele"), false)
        .await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("add");
    }
    assert!(member(&s.team("ml").await, &s.user("adele").await).is_some());
}

/// `remove_member` takes the user out of the team and out of their
/// `User.teams`; their keys still work.
pub async fn remove_member_takes_them_out_of_the_team(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    s.admin()
        .remove_member(&team_name("ml"), &member_id(&adam))
        .await
        .expect("remove");

    assert_eq!(member_names(&s.team("ml").await), ["ada", "gone", "ci-bot"]);
    assert!(teams_of(&s.user("adam").await).is_empty());
    holder(&s, &s.fx.adam.secret())
        .await
        .expect("adam still authenticates");
}

/// `remove_member` from a team that does not exist is `NotFound`.
pub async fn remove_member_from_an_unknown_team_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    expect_err!(
        s.admin()
            .remove_member(&team_name("no-such-team"), &member_id(&adam))
            .await,
        Error::NotFound { .. }
    );
}

/// `remove_member` of a user who is not in the team is `NotFound`, and the
/// team is left as it was.
pub async fn remove_member_who_is_not_a_member_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;
    let before = s.team("ml").await;

    expect_err!(
        s.admin()
            .remove_member(&team_name("ml"), &member_id(&adele))
            .await,
        Error::NotFound { .. }
    );

    assert_eq!(s.team("ml").await, before);
}

/// `remove_member` by a user who does not manage the team is `PermissionDenied`.
pub async fn remove_member_by_a_user_who_does_not_manage_the_team_is_permission_denied(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let ada = s.user("ada").await;
    let before = s.team("ml").await;

    expect_err!(
        s.as_(&s.fx.adam)
            .remove_member(&team_name("ml"), &member_id(&ada))
            .await,
        Error::PermissionDenied { .. }
    );

    assert_eq!(s.team("ml").await, before);
}

/// A removal whose answer is lost is `Ambiguous` (and the server did remove
/// the member); one whose answer arrives is never `Ambiguous`.
pub async fn remove_member_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::RemoveMember));

    let result = s
        .admin()
        .remove_member(&team_name("ml"), &member_id(&adam))
        .await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("remove");
    }
    assert_eq!(member(&s.team("ml").await, &adam), None);
}
