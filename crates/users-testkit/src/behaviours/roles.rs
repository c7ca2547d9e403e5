//! `set_member_role`: the built-in roles and those the server knows, for
//! instance admins and the team's own admins.

use users_domain::{Error, TeamRole};

use crate::setup::{Setup, expect_err, member, member_id, role, team_name};
use crate::{Fault, Fixture, Harness, Mutation};

/// `set_member_role` changes the role the team lists, to each built-in role.
pub async fn set_member_role_changes_the_listed_role(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    for wanted in [TeamRole::Viewer, TeamRole::Admin, TeamRole::Member] {
        s.admin()
            .set_member_role(&team_name("ml"), &member_id(&adam), &wanted)
            .await
            .expect("set role");

        let ml = s.team("ml").await;
        assert_eq!(member(&ml, &adam).map(|m| &m.role), Some(&wanted));
    }
}

/// `set_member_role` to a custom role the server knows gives the member that role.
pub async fn set_member_role_to_a_custom_role_the_server_knows(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;
    let custom = role(Fixture::CUSTOM_ROLE);

    s.admin()
        .set_member_role(&team_name("ml"), &member_id(&adam), &custom)
        .await
        .expect("set role");

    let ml = s.team("ml").await;
    assert_eq!(member(&ml, &adam).map(|m| &m.role), Some(&custom));
}

/// `set_member_role` to a role the server does not know is `InvalidInput`,
/// and the role is left as it was.
pub async fn set_member_role_to_an_unknown_role_is_invalid_input(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    expect_err!(
        s.admin()
            .set_member_role(&team_name("ml"), &member_id(&adam), &role("no-such-role"))
            .await,
        Error::InvalidInput { .. }
    );

    let ml = s.team("ml").await;
    assert_eq!(member(&ml, &adam).map(|m| &m.role), Some(&TeamRole::Member));
}

/// `set_member_role` in a team that does not exist is `NotFound`.
pub async fn set_member_role_in_an_unknown_team_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    expect_err!(
        s.admin()
            .set_member_role(
                &team_name("no-such-team"),
                &member_id(&adam),
                &TeamRole::Admin
            )
            .await,
        Error::NotFound { .. }
    );
}

/// `set_member_role` of a user who is not in the team is `NotFound`, and
/// does not add them.
pub async fn set_member_role_of_a_non_member_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;

    expect_err!(
        s.admin()
            .set_member_role(&team_name("ml"), &member_id(&adele), &TeamRole::Admin)
            .await,
        Error::NotFound { .. }
    );

    assert_eq!(member(&s.team("ml").await, &adele), None);
}

/// `set_member_role` by a user who does not manage the team is
/// `PermissionDenied`, even on themselves.
pub async fn set_member_role_by_a_user_who_does_not_manage_the_team_is_permission_denied(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    expect_err!(
        s.as_(&s.fx.adam)
            .set_member_role(&team_name("ml"), &member_id(&adam), &TeamRole::Admin)
            .await,
        Error::PermissionDenied { .. }
    );

    let ml = s.team("ml").await;
    assert_eq!(member(&ml, &adam).map(|m| &m.role), Some(&TeamRole::Member));
}

/// A role change whose answer is lost is `Ambiguous` (and the server did
/// change the role); one whose answer arrives is never `Ambiguous`.
pub async fn set_member_role_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::SetMemberRole));

    let result = s
        .admin()
        .set_member_role(&team_name("ml"), &member_id(&adam), &TeamRole::Viewer)
        .await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("set role");
    }
    let ml = s.team("ml").await;
    assert_eq!(member(&ml, &adam).map(|m| &m.role), Some(&TeamRole::Viewer));
}
