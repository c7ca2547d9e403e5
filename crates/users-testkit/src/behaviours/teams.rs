//! `team` and `create_team`, and `User.teams` following membership.

use users_domain::{AccountType, Error, TeamRole, Username};

use crate::setup::{
    Setup, expect_err, invitee, member, member_id, member_names, members, team_name, teams_of,
};
use crate::{Fault, Harness, Mutation};

fn username(text: &str) -> Username {
    Username::parse(text).expect("a valid username in the suite")
}

/// `team` lists the members in the server's order (a service account last),
/// each with their user's id, role, name and account type; any member may read it.
pub async fn team_lists_its_members_with_ids_roles_and_account_types(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let ml = s
        .as_(&s.fx.adam)
        .team(&team_name("ml"))
        .await
        .expect("a member reads the team");

    assert_eq!(ml.name.as_str(), "ml");
    assert_eq!(member_names(&ml), ["ada", "adam", "gone", "ci-bot"]);
    let listed: Vec<(TeamRole, Option<AccountType>, bool)> = members(&ml)
        .iter()
        .map(|m| (m.role.clone(), m.account_type, m.pending))
        .collect();
    assert_eq!(
        listed,
        [
            (TeamRole::Admin, Some(AccountType::User), false),
            (TeamRole::Member, Some(AccountType::User), false),
            (TeamRole::Member, Some(AccountType::User), false),
            (TeamRole::Member, Some(AccountType::Service), false),
        ]
    );
    for name in ["ada", "adam", "gone", "ci-bot"] {
        let user = s.user(name).await;
        let found = member(&ml, &user).unwrap_or_else(|| panic!("{name} by id in {ml:?}"));
        assert_eq!(found.name, user.name);
    }
    assert_eq!(members(&ml)[3].name, "CI runner");
    let research = s.team("research").await;
    assert_eq!(members(&research)[1].role, TeamRole::Viewer);
}

/// `team` of a name no team has is `NotFound`.
pub async fn team_of_an_unknown_name_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.as_(&s.fx.ada).team(&team_name("no-such-team")).await,
        Error::NotFound { .. }
    );
    expect_err!(
        s.admin().team(&team_name("no-such-team")).await,
        Error::NotFound { .. }
    );
}

/// `create_team` makes the caller the team's first member and its admin.
pub async fn create_team_makes_the_caller_its_first_admin(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.as_(&s.fx.adele);

    let created = adele
        .create_team(&team_name("adele-lab"), None)
        .await
        .expect("create");

    assert_eq!(created.name.as_str(), "adele-lab");
    let read = s.team("adele-lab").await;
    assert_eq!(read.id, created.id);
    assert_eq!(member_names(&read), ["adele"]);
    assert_eq!(members(&read)[0].role, TeamRole::Admin);
    let me = adele.viewer().await.expect("viewer");
    assert_eq!(teams_of(&me), ["adele-lab"]);
}

/// `create_team` with a named admin makes them its first member and admin.
pub async fn create_team_with_a_named_admin_makes_them_its_admin(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    s.admin()
        .create_team(&team_name("ada-lab"), Some(username("ada")))
        .await
        .expect("create");

    let read = s.team("ada-lab").await;
    assert_eq!(member_names(&read), ["ada"]);
    assert_eq!(members(&read)[0].role, TeamRole::Admin);
    assert!(teams_of(&s.user("ada").await).contains(&"ada-lab".to_owned()));
}

/// `create_team` with the name of a team that exists is `AlreadyExists`,
/// and the team is left as it was.
pub async fn create_team_with_a_taken_team_name_already_exists(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let before = s.team("ml").await;

    expect_err!(
        s.admin().create_team(&team_name("ml"), None).await,
        Error::AlreadyExists { .. }
    );

    assert_eq!(s.team("ml").await, before);
}

/// `create_team` with a user's username is `AlreadyExists`: users and teams
/// share one namespace of entities.
pub async fn create_team_named_as_a_user_already_exists(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin().create_team(&team_name("adam"), None).await,
        Error::AlreadyExists { .. }
    );

    expect_err!(
        s.admin().team(&team_name("adam")).await,
        Error::NotFound { .. }
    );
}

/// `create_team` naming an admin who is nobody is `NotFound`, and makes no team.
pub async fn create_team_with_an_unknown_admin_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin()
            .create_team(
                &team_name("orphan-lab"),
                Some(username("nobody-by-that-name"))
            )
            .await,
        Error::NotFound { .. }
    );

    expect_err!(
        s.admin().team(&team_name("orphan-lab")).await,
        Error::NotFound { .. }
    );
}

/// A team creation whose answer is lost is `Ambiguous` (and the server did
/// make the team); one whose answer arrives is never `Ambiguous`.
pub async fn create_team_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::CreateTeam));

    let result = s.admin().create_team(&team_name("lost-lab"), None).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("create");
    }
    assert_eq!(member_names(&s.team("lost-lab").await), ["root"]);
}

/// `User.teams` follows membership, in the order the teams were made
/// whatever the order they were joined in.
pub async fn user_teams_follow_membership_in_team_creation_order(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();
    assert!(teams_of(&s.user("adele").await).is_empty());

    admin
        .add_member(&team_name("research"), &invitee("adele"), false)
        .await
        .expect("add to research");
    admin
        .add_member(&team_name("ops"), &invitee("adele"), false)
        .await
        .expect("add to ops");

    let adele = s.user("adele").await;
    assert_eq!(teams_of(&adele), ["ops", "research"]);
    let me = s.as_(&s.fx.adele).viewer().await.expect("viewer");
    assert_eq!(teams_of(&me), ["ops", "research"]);

    admin
        .remove_member(&team_name("ops"), &member_id(&adele))
        .await
        .expect("remove from ops");
    assert_eq!(teams_of(&s.user("adele").await), ["research"]);
}
