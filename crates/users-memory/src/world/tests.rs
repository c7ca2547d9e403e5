use secrecy::ExposeSecret as _;
use users_domain::{ApiKeySecret, Backend as _, KeyRepository as _, UserRepository as _};

use super::*;
use crate::SeedKey;

const SENTINEL: &str = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0";

fn key(secret: &ApiKeySecret) -> SeedKey {
    SeedKey::new(secret.expose_secret())
}

fn field_of(error: &SeedError) -> (usize, &str) {
    match error {
        SeedError::Invalid { index, field, .. } => (*index, field.as_str()),
        SeedError::EmailTaken { index, .. } => (*index, "email"),
        SeedError::UsernameTaken { index, .. } | SeedError::TeamNameTaken { index, .. } => {
            (*index, "username")
        }
        other => panic!("not a user's error: {other}"),
    }
}

#[tokio::test]
async fn a_seeded_user_has_every_field_parsed_and_minted_ids() {
    let secret = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        Seed::new().user(SeedUser::new("other@example.com")).user(
            SeedUser::new("Ada.L@Example.com")
                .name("Ada Lovelace")
                .team("ml")
                .team("research")
                .flags(r#"{"beta": true}"#)
                .key(key(&secret).name("laptop").description("mine")),
        ),
    )
    .unwrap();

    let ada = world.connect(secret).viewer().await.unwrap();

    assert_eq!(ada.id.as_str(), "VXNlcjoy");
    assert_eq!(ada.username.as_str(), "ada.l");
    assert_eq!(ada.entity.as_deref(), Some("ada.l"));
    assert_eq!(ada.name, "Ada Lovelace");
    assert_eq!(ada.email.unwrap().as_str(), "Ada.L@Example.com");
    assert!(!ada.admin);
    assert_eq!(ada.flags.as_deref(), Some(r#"{"beta": true}"#));
    assert_eq!(ada.deleted_at, None);
    let teams: Vec<String> = ada.teams.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(teams, ["ml", "research"]);
    let keys = ada.api_keys.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].id.as_str(), "QXBpS2V5OjE="); // base64 of "ApiKey:1"
    assert_eq!(keys[0].name.reveal(), "laptop");
    assert_eq!(keys[0].description.as_deref(), Some("mine"));
}

#[test]
fn a_seeded_key_without_a_name_gets_a_label_that_is_not_its_secret() {
    let world = InMemoryWorld::new();
    let user = world
        .seed_user(SeedUser::new("a@example.com").key(SeedKey::new(SENTINEL)))
        .unwrap();
    let keys = user.api_keys.unwrap();
    assert!(keys[0].name.reveal().starts_with("key-"));
    assert!(!keys[0].name.is_secret());
}

#[test]
fn derived_usernames_are_made_unique() {
    let world = InMemoryWorld::new();
    let first = world.seed_user(SeedUser::new("ada@one.io")).unwrap();
    let second = world.seed_user(SeedUser::new("ADA@two.io")).unwrap();
    assert_eq!(first.username.as_str(), "ada");
    assert_eq!(second.username.as_str(), "ada-2");
}

#[test]
fn each_wrong_field_is_named_with_the_user() {
    let base = || SeedUser::new("ok@example.com");
    let cases: Vec<(SeedUser, &str)> = vec![
        (SeedUser::new("not an email"), "email"),
        (base().username(""), "username"),
        (base().team("ml").team("bad team"), "teams[1]"),
        (base().team("ml").team("ml"), "teams[1]"),
        (base().deleted_at(" "), "deleted_at"),
        (base().flags("{not json"), "flags"),
        (base().key(SeedKey::new("short")), "keys[0].secret"),
        (base().key(SeedKey::new(SENTINEL).name("")), "keys[0].name"),
    ];
    for (user, field) in cases {
        let error = InMemoryWorld::from_seed(
            Seed::new()
                .user(SeedUser::new("first@example.com"))
                .user(user),
        )
        .unwrap_err();
        assert_eq!(field_of(&error), (1, field), "{error}");
    }
}

#[test]
fn clashes_with_earlier_users_are_refused() {
    let first = SeedUser::new("ada@example.com")
        .username("ada")
        .key(SeedKey::new(SENTINEL));
    let cases: Vec<(SeedUser, &str)> = vec![
        (SeedUser::new("ADA@example.com"), "email"),
        (SeedUser::new("bob@example.com").username("Ada"), "username"),
        (
            SeedUser::new("bob@example.com").key(SeedKey::new(SENTINEL)),
            "keys[0].secret",
        ),
    ];
    for (user, field) in cases {
        let error =
            InMemoryWorld::from_seed(Seed::new().user(first.clone()).user(user)).unwrap_err();
        assert_eq!(field_of(&error), (1, field), "{error}");
    }
    let twice = SeedUser::new("bob@example.com")
        .key(SeedKey::new(SENTINEL))
        .key(SeedKey::new(SENTINEL));
    let error = InMemoryWorld::from_seed(Seed::new().user(twice)).unwrap_err();
    assert_eq!(field_of(&error), (0, "keys[1].secret"));
}

#[test]
fn a_taken_email_or_username_has_a_variant_of_its_own() {
    let first = SeedUser::new("ada@example.com").username("ada");

    let email = InMemoryWorld::from_seed(
        Seed::new()
            .user(first.clone())
            .user(SeedUser::new("Ada@Example.com")),
    )
    .unwrap_err();
    let username = InMemoryWorld::from_seed(
        Seed::new()
            .user(first)
            .user(SeedUser::new("bob@example.com").username("ADA")),
    )
    .unwrap_err();

    assert_eq!(
        email,
        SeedError::EmailTaken {
            index: 1,
            email: "Ada@Example.com".into()
        }
    );
    assert_eq!(
        email.to_string(),
        r#"seed users[1] ("Ada@Example.com"): email: another user already has this email (ignoring case); give each user its own"#
    );
    assert_eq!(
        username,
        SeedError::UsernameTaken {
            index: 1,
            email: "bob@example.com".into(),
            username: "ADA".into()
        }
    );
    assert_eq!(
        username.to_string(),
        r#"seed users[1] ("bob@example.com"): username: another user already has the username "ADA" (ignoring case); pick another or leave it out"#
    );
}

#[tokio::test]
async fn a_deleted_keys_secret_is_free_to_seed_again() {
    let world = InMemoryWorld::from_seed(
        Seed::new().user(SeedUser::new("ada@example.com").key(SeedKey::new(SENTINEL))),
    )
    .unwrap();
    let ada = world.connect(ApiKeySecret::parse(SENTINEL.to_owned()).unwrap());
    let other = ada.generate_api_key(None).await.unwrap();
    let first_key = ada.viewer().await.unwrap().api_keys.unwrap()[0].id.clone();
    ada.act_as(other.secret)
        .delete_api_key(&first_key)
        .await
        .unwrap();

    let bob = world
        .seed_user(SeedUser::new("bob@example.com").key(SeedKey::new(SENTINEL)))
        .unwrap();

    assert_eq!(ada.viewer().await.unwrap().username, bob.username);
}

#[test]
fn a_seed_error_is_one_line_naming_user_and_field_and_never_the_secret() {
    let seeds = [
        SeedUser::new("ada@example.com").key(SeedKey::new(format!("{SENTINEL}!"))),
        SeedUser::new("ada@example.com").key(SeedKey::new(format!("{SENTINEL}!")).legacy()),
        SeedUser::new("ada@example.com")
            .key(SeedKey::new(SENTINEL).legacy())
            .key(SeedKey::new(SENTINEL).legacy()),
    ];
    for user in seeds {
        let error = InMemoryWorld::from_seed(Seed::new().user(user)).unwrap_err();
        let message = error.to_string();
        let debug = format!("{error:?}");
        for shown in [&message, &debug] {
            assert!(!shown.contains(&SENTINEL[..8]), "{shown}");
            assert!(!shown.contains(&SENTINEL[32..]), "{shown}");
        }
        assert!(
            message.starts_with(r#"seed users[0] ("ada@example.com"): keys["#),
            "{message}"
        );
        assert!(!message.contains('\n'));
    }
    let error =
        InMemoryWorld::from_seed(Seed::new().user(SeedUser::new("ada@example.com").flags("[")))
            .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(r#"seed users[0] ("ada@example.com"): flags: is not JSON text"#),
        "{error}"
    );
}

#[test]
fn a_refused_user_leaves_the_world_unchanged() {
    let world = InMemoryWorld::new();
    world.seed_user(SeedUser::new("ada@example.com")).unwrap();
    let error = world
        .seed_user(SeedUser::new("bob@example.com").key(SeedKey::new("short")))
        .unwrap_err();
    assert_eq!(field_of(&error), (1, "keys[0].secret"));
    assert_eq!(
        format!("{world:?}"),
        "InMemoryWorld { users: 1, teams: 0, keys: 0 }"
    );
    let bob = world.seed_user(SeedUser::new("bob@example.com")).unwrap();
    assert_eq!(bob.id.as_str(), "VXNlcjoy");
}

#[test]
fn clones_share_one_world() {
    let world = InMemoryWorld::new();
    let other = world.clone();
    other.seed_user(SeedUser::new("ada@example.com")).unwrap();
    assert_eq!(
        format!("{world:?}"),
        "InMemoryWorld { users: 1, teams: 0, keys: 0 }"
    );
}

#[test]
fn debug_does_not_wait_for_a_lock_already_held() {
    let world = InMemoryWorld::new();
    let guard = world.lock();

    let debug = format!("{world:?}");

    drop(guard);
    assert_eq!(debug, "InMemoryWorld { state: <locked> }");
    assert_eq!(
        format!("{world:?}"),
        "InMemoryWorld { users: 0, teams: 0, keys: 0 }"
    );
}

#[test]
fn generated_secrets_are_valid_and_distinct() {
    let a = InMemoryWorld::generate_secret();
    let b = InMemoryWorld::generate_secret();
    assert_ne!(a.expose_secret(), b.expose_secret());
    assert!(ApiKeySecret::is_key_shaped(a.expose_secret()));
}
