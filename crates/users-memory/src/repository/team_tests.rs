//! What the in-memory world adds to the contract: names, lost answers, and
//! teams found ignoring case.

use secrecy::ExposeSecret as _;
use users_domain::{
    Email, Error, Invitee, KeyRepository as _, MemberId, TeamName, TeamRepository,
    UserRepository as _,
};

use crate::{InMemoryUserRepository, InMemoryWorld, Mutation, Seed, SeedKey, SeedUser};

fn world() -> (InMemoryWorld, InMemoryUserRepository) {
    let root = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        Seed::new().user(
            SeedUser::new("root@example.com")
                .admin(true)
                .team_role("Ops", "admin")
                .key(SeedKey::new(root.expose_secret())),
        ),
    )
    .unwrap();
    let admin = world.connect(root);
    (world, admin)
}

fn team(name: &str) -> TeamName {
    TeamName::parse(name).unwrap()
}

#[tokio::test]
async fn a_lost_answer_comes_after_the_change_and_only_once() {
    let (world, admin) = world();
    world.lose_next_answer(Mutation::CreateTeam);

    let stranger = world.connect(InMemoryWorld::generate_secret());
    let refused = stranger.create_team(&team("by-stranger"), None).await;
    let lost = admin.create_team(&team("lab"), None).await;
    let again = admin.create_team(&team("lab-2"), None).await;

    assert!(
        matches!(refused, Err(Error::Unauthenticated { .. })),
        "{refused:?}"
    );
    let Err(Error::Ambiguous { operation, .. }) = lost else {
        panic!("{lost:?}");
    };
    assert_eq!(operation, "createTeam");
    admin.team(&team("lab")).await.expect("made all the same");
    again.expect("the next answer arrives");
}

#[tokio::test]
async fn a_lost_answer_is_lost_whatever_the_outcome() {
    let (world, admin) = world();
    world.lose_next_answer(Mutation::DeleteApiKey);

    let unknown = users_domain::ApiKeyId::parse("QXBpS2V5Ojk5OQ==").unwrap();
    let result = admin.delete_api_key(&unknown).await;

    assert!(matches!(result, Err(Error::Ambiguous { .. })), "{result:?}");
}

#[tokio::test]
async fn teams_are_found_by_name_ignoring_case() {
    let (_, admin) = world();

    let ops = admin.team(&team("OPS")).await.unwrap();

    assert_eq!(ops.name.as_str(), "Ops");
    assert_eq!(ops.id.as_str(), "RW50aXR5OjE="); // base64 of "Entity:1"
    let error = admin.create_team(&team("ops"), None).await.unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error:?}");
}

#[tokio::test]
async fn a_new_service_account_is_named_by_its_description_and_holds_nothing() {
    let (_, admin) = world();
    let ops = team("Ops");

    let first = admin
        .create_service_account(&ops, "Nightly -- evals!")
        .await
        .unwrap();
    let second = admin
        .create_service_account(&ops, "nightly evals")
        .await
        .unwrap();

    assert_eq!(first.username.unwrap().as_str(), "nightly-evals");
    assert_eq!(second.username.unwrap().as_str(), "nightly-evals-2");
    assert_eq!(
        (first.name.as_str(), first.email),
        ("Nightly -- evals!", None)
    );
    let account = admin.search_users("nightly-evals").await.unwrap().remove(0);
    assert_eq!(account.api_keys.as_deref(), Some(&[][..]));
    assert!(
        admin
            .service_account_secret(&ops, &first.id)
            .await
            .unwrap()
            .is_none()
    );
    let blank = admin.create_service_account(&ops, "  ").await.unwrap_err();
    assert!(matches!(blank, Error::InvalidInput { .. }), "{blank:?}");
}

#[tokio::test]
async fn created_users_get_no_team_name_and_no_team() {
    let (_, admin) = world();

    let user = admin
        .create_user(&Email::parse("ops@example.com").unwrap(), false)
        .await
        .unwrap();

    assert_eq!(user.username.as_str(), "ops-2");
    assert_eq!(user.teams.as_deref(), Some(&[][..]));
    assert_eq!(user.account_type, Some(users_domain::AccountType::User));
    assert!(user.created_at.is_some());
}

#[tokio::test]
async fn a_member_id_that_names_nobody_is_not_found() {
    let (_, admin) = world();

    for id in ["VXNlcjo5OQ==", "not-an-id", "RW50aXR5OjE="] {
        let member = MemberId::parse(id).unwrap();
        let error = admin
            .remove_member(&team("Ops"), &member)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::NotFound { .. }), "{id}: {error:?}");
    }
    let nobody = Invitee::parse("nobody@example.com").unwrap();
    let error = admin
        .add_member(&team("Ops"), &nobody, false)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
}
