use std::collections::HashSet;

use secrecy::ExposeSecret as _;
use users_domain::{
    ApiKeySecret, Backend as _, Email, Error, KeyRepository as _, UserId, UserRepository,
};

use crate::{InMemoryUserRepository, InMemoryWorld, Seed, SeedKey, SeedUser};

/// A world with an admin, two members sharing a prefix, and a soft-deleted user.
struct Setup {
    world: InMemoryWorld,
    admin: InMemoryUserRepository,
    ada: InMemoryUserRepository,
    adam: InMemoryUserRepository,
    gone: InMemoryUserRepository,
}

fn setup() -> Setup {
    let secrets: Vec<ApiKeySecret> = (0..4).map(|_| InMemoryWorld::generate_secret()).collect();
    let key = |i: usize| SeedKey::new(secrets[i].expose_secret());
    let world = InMemoryWorld::from_seed(
        Seed::new()
            .user(SeedUser::new("root@example.com").admin(true).key(key(0)))
            .user(SeedUser::new("ada@example.com").team("ml").key(key(1)))
            .user(SeedUser::new("adam@Other.org").key(key(2)))
            .user(
                SeedUser::new("gone@example.com")
                    .deleted_at("2024-01-02T03:04:05Z")
                    .key(key(3)),
            ),
    )
    .unwrap();
    let connect = |i: usize| world.connect(secrets[i].clone());
    Setup {
        admin: connect(0),
        ada: connect(1),
        adam: connect(2),
        gone: connect(3),
        world,
    }
}

fn email(text: &str) -> Email {
    Email::parse(text).unwrap()
}

async fn usernames(repo: &InMemoryUserRepository, query: &str) -> Vec<String> {
    let users = repo.search_users(query).await.unwrap();
    users.into_iter().map(|u| u.username.to_string()).collect()
}

#[tokio::test]
async fn viewer_is_the_key_holder_and_an_unknown_key_is_unauthenticated() {
    let s = setup();
    assert_eq!(s.ada.viewer().await.unwrap().username.as_str(), "ada");
    let stranger = s.world.connect(InMemoryWorld::generate_secret());
    let error = stranger.viewer().await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { .. }), "{error:?}");
}

#[tokio::test]
async fn a_soft_deleted_user_cannot_authenticate_but_is_listed() {
    let s = setup();
    let error = s.gone.viewer().await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { .. }), "{error:?}");
    let found = s.admin.search_users("gone").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].deleted_at.map(|at| at.to_string()).as_deref(),
        Some("2024-01-02T03:04:05Z")
    );
}

#[tokio::test]
async fn search_matches_a_prefix_or_suffix_of_username_or_email_ignoring_case() {
    let s = setup();
    assert_eq!(usernames(&s.admin, "ADA").await, ["ada", "adam"]);
    assert_eq!(usernames(&s.admin, "other.ORG").await, ["adam"]);
    assert_eq!(usernames(&s.admin, "am").await, ["adam"]);
    assert_eq!(
        usernames(&s.admin, "@example.com").await,
        ["root", "ada", "gone"]
    );
    assert!(usernames(&s.admin, "d").await.is_empty());
    assert!(usernames(&s.admin, "xample").await.is_empty());
    assert_eq!(
        usernames(&s.admin, "").await,
        ["root", "ada", "adam", "gone"]
    );
}

#[tokio::test]
async fn search_and_create_are_for_admins_only() {
    let s = setup();
    let error = s.ada.search_users("").await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }), "{error:?}");
    let error = s
        .ada
        .create_user(&email("new@example.com"), false)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }), "{error:?}");
    assert!(usernames(&s.admin, "new").await.is_empty());
}

#[tokio::test]
async fn create_derives_a_unique_username_and_mints_the_next_id() {
    let s = setup();
    let user = s
        .admin
        .create_user(&email("Ada+x@elsewhere.io"), true)
        .await
        .unwrap();
    assert_eq!(user.username.as_str(), "ada-x");
    assert_eq!(user.id.as_str(), "VXNlcjo1"); // base64 of "User:5"
    let user = s
        .admin
        .create_user(&email("ADA@elsewhere.io"), false)
        .await
        .unwrap();
    assert_eq!(user.username.as_str(), "ada-2");
    assert_eq!(user.entity.as_deref(), Some("ada-2"));
    assert_eq!(user.name, "");
    assert!(!user.admin);
    assert_eq!(user.api_keys, Some(vec![]));
    assert_eq!(user.teams, Some(vec![]));
}

#[tokio::test]
async fn a_taken_email_in_any_case_already_exists() {
    let s = setup();
    let error = s
        .admin
        .create_user(&email("ADA@EXAMPLE.COM"), false)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "a user with email ADA@EXAMPLE.COM already exists"
    );
}

#[tokio::test]
async fn a_generated_key_belongs_to_the_caller_and_has_a_label() {
    let s = setup();
    let generated = s.ada.generate_api_key(Some("ci".into())).await.unwrap();
    assert!(!generated.key.name.is_secret());
    assert_ne!(
        generated.key.name.reveal(),
        generated.secret.expose_secret()
    );
    let me = s.ada.act_as(generated.secret).viewer().await.unwrap();
    assert_eq!(me.username.as_str(), "ada");
    let listed = me.api_keys.unwrap();
    assert_eq!(listed.last(), Some(&generated.key));
    assert_eq!(generated.key.description.as_deref(), Some("ci"));
    assert_eq!(generated.key.id.as_str(), "QXBpS2V5OjU="); // base64 of "ApiKey:5"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_generation_gives_unique_valid_keys() {
    let s = setup();
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let repo = if i % 2 == 0 {
                s.ada.clone()
            } else {
                s.adam.clone()
            };
            tokio::spawn(async move { repo.generate_api_key(None).await })
        })
        .collect();
    let mut secrets = HashSet::new();
    let mut ids = HashSet::new();
    for task in tasks {
        let generated = task.await.unwrap().unwrap();
        assert!(ApiKeySecret::is_key_shaped(
            generated.secret.expose_secret()
        ));
        secrets.insert(generated.secret.expose_secret().to_owned());
        ids.insert(generated.key.id.clone());
    }
    assert_eq!((secrets.len(), ids.len()), (64, 64));
    let ada_keys = s.ada.viewer().await.unwrap().api_keys.unwrap();
    assert_eq!(ada_keys.len(), 1 + 32);
}

#[tokio::test]
async fn owners_and_admins_may_delete_a_key_and_it_stops_working() {
    let s = setup();
    let own = s.ada.generate_api_key(None).await.unwrap();
    let other = s.ada.generate_api_key(None).await.unwrap();
    s.ada.delete_api_key(&own.key.id).await.unwrap();
    s.admin.delete_api_key(&other.key.id).await.unwrap();
    for secret in [own.secret, other.secret] {
        let error = s.world.connect(secret).viewer().await.unwrap_err();
        assert!(matches!(error, Error::Unauthenticated { .. }), "{error:?}");
    }
    assert_eq!(s.ada.viewer().await.unwrap().api_keys.unwrap().len(), 1);
}

#[tokio::test]
async fn deleting_another_users_key_as_a_member_is_denied() {
    let s = setup();
    let key = s.ada.generate_api_key(None).await.unwrap();
    let error = s.adam.delete_api_key(&key.key.id).await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }), "{error:?}");
    assert!(s.ada.act_as(key.secret).viewer().await.is_ok());
}

#[tokio::test]
async fn an_unknown_or_already_deleted_key_id_is_not_found() {
    let s = setup();
    let key = s.ada.generate_api_key(None).await.unwrap();
    s.ada.delete_api_key(&key.key.id).await.unwrap();
    let error = s.ada.delete_api_key(&key.key.id).await.unwrap_err();
    assert_eq!(
        error,
        Error::NotFound {
            what: format!("api key {}", key.key.id)
        }
    );
    // Ids are never reused, even after a deletion.
    let next = s.ada.generate_api_key(None).await.unwrap();
    assert_ne!(next.key.id, key.key.id);
}

#[tokio::test]
async fn a_principal_whose_key_is_deleted_is_unauthenticated_next_call() {
    let s = setup();
    let me = s.ada.viewer().await.unwrap();
    let key_id = me.api_keys.unwrap()[0].id.clone();
    s.ada.delete_api_key(&key_id).await.unwrap();
    let error = s.ada.generate_api_key(None).await.unwrap_err();
    assert!(matches!(error, Error::Unauthenticated { .. }), "{error:?}");
}

#[tokio::test]
async fn user_by_id_reads_the_user_its_id_names_deactivated_or_not() {
    let s = setup();
    let listed = s.admin.search_users("").await.unwrap();

    for user in &listed {
        assert_eq!(&s.admin.user_by_id(&user.id).await.unwrap(), user);
    }
}

#[tokio::test]
async fn user_by_id_of_an_id_this_world_never_minted_is_not_found() {
    let s = setup();
    // Past the last user, before the first (`User:0`), zero-padded
    // (`User:01`), a key's id, and not base64 at all.
    let never = [
        "VXNlcjo1",
        "VXNlcjow",
        "VXNlcjowMQ==",
        "QXBpS2V5OjE=",
        "ada",
    ];

    for id in never {
        let error = s
            .admin
            .user_by_id(&UserId::parse(id).unwrap())
            .await
            .unwrap_err();
        assert!(matches!(error, Error::NotFound { .. }), "{id}: {error:?}");
    }
}

#[tokio::test]
async fn user_by_id_by_a_member_is_permission_denied_even_for_themself() {
    let s = setup();
    let me = s.ada.viewer().await.unwrap();

    let error = s.ada.user_by_id(&me.id).await.unwrap_err();

    assert!(matches!(error, Error::PermissionDenied { .. }), "{error:?}");
}

#[tokio::test]
async fn debug_shows_the_world_but_not_the_key() {
    let s = setup();
    let debug = format!("{:?}", s.ada);
    assert_eq!(
        debug,
        "InMemoryUserRepository { world: InMemoryWorld { users: 4, teams: 1, keys: 4 }, secret: ApiKeySecret([redacted]) }"
    );
}

#[tokio::test]
async fn debug_does_not_wait_for_the_world_lock() {
    let s = setup();
    let guard = s.world.lock();

    let debug = format!("{:?}", s.ada);

    drop(guard);
    assert_eq!(
        debug,
        "InMemoryUserRepository { world: InMemoryWorld { state: <locked> }, secret: ApiKeySecret([redacted]) }"
    );
}
