//! The service's team cases over the port: roles set in one call, lost
//! answers settled by reading the team back, and service-account keys made
//! only where the server allows.

use users_domain::{AccountType, Error, TeamRole};

use crate::setup::{Setup, expect_err, invitee, member, member_names, members, team_name};
use crate::{Fault, Harness, Mutation};

/// The service adds a member with a viewer role: the one call leaves them a viewer.
pub async fn service_add_member_with_a_viewer_role_leaves_them_a_viewer(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let added = s
        .service(&s.fx.root)
        .add_member(&team_name("ml"), &invitee("adele"), &TeamRole::Viewer)
        .await
        .expect("add");

    assert_eq!(added.role, TeamRole::Viewer);
    let adele = s.user("adele").await;
    let ml = s.team("ml").await;
    assert_eq!(
        member(&ml, &adele).map(|m| &m.role),
        Some(&TeamRole::Viewer)
    );
}

/// An add whose answer was lost is settled by reading the team back: the
/// service returns the member, listed once.
pub async fn service_add_member_after_a_lost_answer_finds_the_member(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    s.world.stage(Fault::LoseAnswer(Mutation::AddMember));

    let added = s
        .service(&s.fx.root)
        .add_member(
            &team_name("ml"),
            &invitee("adele@fixture.test"),
            &TeamRole::Admin,
        )
        .await
        .expect("settled");

    let adele = s.user("adele").await;
    assert!(added.is_user(&adele.id), "{added:?}");
    assert_eq!(added.role, TeamRole::Admin);
    let names = member_names(&s.team("ml").await);
    assert_eq!(names.iter().filter(|name| *name == "adele").count(), 1);
}

/// A team creation whose answer was lost is settled by reading the team back.
pub async fn service_create_team_after_a_lost_answer_reads_it_back(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    s.world.stage(Fault::LoseAnswer(Mutation::CreateTeam));

    let team = s
        .service(&s.fx.adele)
        .create_team(&team_name("adele-lab"), None)
        .await
        .expect("settled");

    assert_eq!(team.name.as_str(), "adele-lab");
    assert_eq!(member_names(&team), ["adele"]);
}

/// A service account whose creation's answer was lost is found by reading
/// the team back: the one new account with that description.
pub async fn service_create_service_account_after_a_lost_answer_finds_it(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    s.world
        .stage(Fault::LoseAnswer(Mutation::CreateServiceAccount));

    let created = s
        .service(&s.fx.ada)
        .create_service_account(&team_name("ml"), " Nightly evals ")
        .await
        .expect("settled");

    assert_eq!(created.name, "Nightly evals");
    assert_eq!(created.account_type, Some(AccountType::Service));
    let ml = s.team("ml").await;
    assert_eq!(members(&ml).last().map(|m| &m.id), Some(&created.id));
}

/// The service takes a member out by username, and then finds them gone.
pub async fn service_remove_member_by_username_takes_them_out(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.ada);

    let removed = service
        .remove_member(&team_name("ml"), &invitee("adam"))
        .await
        .expect("remove");

    assert_eq!(removed.username.as_ref().map(AsRef::as_ref), Some("adam"));
    expect_err!(
        service
            .remove_member(&team_name("ml"), &invitee("adam"))
            .await,
        Error::NotFound { .. }
    );
    expect_err!(
        service.member(&team_name("ml"), &invitee("adam")).await,
        Error::NotFound { .. }
    );
}

/// The service's `set_role` changes the role of a member named by email.
pub async fn service_set_role_changes_a_members_role(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let changed = s
        .service(&s.fx.root)
        .set_role(
            &team_name("research"),
            &invitee("LEE@legacy.example"),
            &TeamRole::Admin,
        )
        .await
        .expect("set role");

    assert_eq!(changed.role, TeamRole::Admin);
    let lee = s.user("lee").await;
    let research = s.team("research").await;
    assert_eq!(
        member(&research, &lee).map(|m| &m.role),
        Some(&TeamRole::Admin)
    );
}

/// `teams_of` loads every team the user is in, in the server's order.
pub async fn teams_of_loads_each_team_of_the_user(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let ada = s.user("ada").await;

    let teams = service.teams_of(&ada).await.expect("teams");

    let names: Vec<&str> = teams.iter().map(|team| team.name.as_str()).collect();
    assert_eq!(names, ["ml", "research"]);
    assert!(teams.iter().all(|team| member(team, &ada).is_some()));
}

/// A new key for a service account is made by acting as the account where
/// the server reveals its key, and is `Unsupported` where it does not.
pub async fn service_account_key_is_made_as_the_account_or_unsupported(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.ada);
    let ml = team_name("ml");
    let account = service
        .member(&ml, &invitee("ci-bot"))
        .await
        .expect("member");

    match service
        .service_account_key(&ml, &account, Some("made for ci"))
        .await
    {
        Ok(generated) => {
            let me = crate::setup::holder(&s, &generated.secret)
                .await
                .expect("the new key works");
            assert_eq!(me.username.as_str(), "ci-bot");
        }
        Err(Error::Unsupported { .. }) => {}
        Err(other) => panic!("expected a key or Unsupported, got {other:?}"),
    }
}

/// A new key for a member who is a person is `Unsupported`: W&B makes keys
/// for their holder only.
pub async fn service_account_key_of_a_person_is_unsupported(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.ada);
    let ml = team_name("ml");
    let adam = service.member(&ml, &invitee("adam")).await.expect("member");

    expect_err!(
        service.service_account_key(&ml, &adam, None).await,
        Error::Unsupported { .. }
    );
}
