//! A secret shows nowhere: a sentinel key goes through every type and failing
//! path that could hold it, and no output holds six of its characters in a row.

use std::collections::BTreeSet;

use users_domain::{
    ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Backend, Email, Error, GeneratedApiKey,
    KeyRepository, User, UserAdmin, UserId, UserRepository, Username, find_key,
};
use users_memory::{InMemoryUserRepository, InMemoryWorld, Seed, SeedKey, SeedUser};

use crate::support::mock::{builder, serving};
use crate::support::{secret, variant};

const SENTINEL: &str = "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0";

fn sentinel() -> ApiKeySecret {
    secret(SENTINEL)
}

/// Fails when `shown` holds any six consecutive characters of the sentinel.
#[track_caller]
fn assert_hidden(what: &str, shown: &str) {
    for window in SENTINEL.as_bytes().windows(6) {
        let window = std::str::from_utf8(window).expect("the sentinel is ascii");
        assert!(!shown.contains(window), "{what} shows {window:?}: {shown}");
    }
}

/// Checks an error's message and its Debug form, and notes its variant.
#[track_caller]
fn check(seen: &mut BTreeSet<&'static str>, what: &str, error: &Error) {
    assert_hidden(what, &error.to_string());
    assert_hidden(what, &format!("{error:?}"));
    seen.insert(variant(error));
}

fn legacy_key(id: &str) -> ApiKey {
    ApiKey {
        id: ApiKeyId::parse(id).expect("valid key id"),
        name: ApiKeyName::parse(SENTINEL).expect("a key is a valid name"),
        description: Some("old laptop".into()),
    }
}

fn user_with_keys(keys: Option<Vec<ApiKey>>) -> User {
    User {
        id: UserId::parse("VXNlcjox").expect("valid user id"),
        name: "Lee".into(),
        username: Username::parse("lee").expect("valid username"),
        email: Some(Email::parse("lee@example.com").expect("valid email")),
        admin: false,
        account_type: None,
        created_at: None,
        logged_in_at: None,
        flags: None,
        entity: Some("lee".into()),
        deleted_at: None,
        api_keys: keys,
        teams: Some(vec![]),
    }
}

#[test]
fn domain_values_never_show_the_secret() {
    let secret = sentinel();
    let name = ApiKeyName::parse(SENTINEL).unwrap();
    let generated = GeneratedApiKey {
        key: legacy_key("QXBpS2V5OjE="),
        secret: secret.clone(),
    };
    let user = user_with_keys(Some(vec![legacy_key("QXBpS2V5OjE=")]));

    assert_hidden("secret debug", &format!("{secret:?}"));
    assert_hidden("legacy name debug", &format!("{name:?}"));
    assert_hidden("legacy name display", &name.to_string());
    assert_hidden("legacy name masked", &name.masked());
    assert_hidden("generated key debug", &format!("{generated:?}"));
    assert_hidden("user debug", &format!("{user:?}"));
    for bad in [
        format!("{SENTINEL}!"),
        SENTINEL[..39].to_owned(),
        format!("x-{}", &SENTINEL[..20]),
    ] {
        let error = ApiKeySecret::parse(bad).unwrap_err();
        assert_hidden("secret parse error", &error.to_string());
        assert_hidden("secret parse error debug", &format!("{error:?}"));
    }
}

#[test]
fn find_key_errors_never_echo_a_secret_typed_as_the_query() {
    let mut seen = BTreeSet::new();
    let labelled = ApiKey {
        id: ApiKeyId::parse("QXBpS2V5OjI=").unwrap(),
        name: ApiKeyName::parse("ci").unwrap(),
        description: None,
    };
    let one = user_with_keys(Some(vec![labelled]));
    let twice = user_with_keys(Some(vec![
        legacy_key("QXBpS2V5OjE="),
        legacy_key("QXBpS2V5OjM="),
    ]));
    let unloaded = user_with_keys(None);

    let not_found = find_key(&one, SENTINEL).unwrap_err();
    let several = find_key(&twice, SENTINEL).unwrap_err();
    let not_listed = find_key(&unloaded, SENTINEL).unwrap_err();

    check(&mut seen, "find_key not found", &not_found);
    check(&mut seen, "find_key several", &several);
    check(&mut seen, "find_key unloaded", &not_listed);
    assert_eq!(
        seen,
        BTreeSet::from(["MultipleMatches", "NotFound", "NotListed"])
    );
}

/// A world where the sentinel is the admin's key, and members share a prefix.
fn world() -> (
    InMemoryWorld,
    InMemoryUserRepository,
    InMemoryUserRepository,
) {
    let member = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        Seed::new()
            .user(
                SeedUser::new("root@example.com")
                    .admin(true)
                    .key(SeedKey::new(SENTINEL).legacy()),
            )
            .user(
                SeedUser::new("ada@example.com")
                    .key(SeedKey::new(secrecy::ExposeSecret::expose_secret(&member))),
            )
            .user(SeedUser::new("adam@example.com")),
    )
    .expect("the seed is valid");
    let admin = world.connect(sentinel());
    let ada = world.connect(member);
    (world, admin, ada)
}

#[tokio::test]
async fn adapter_and_service_errors_never_show_a_secret() {
    let mut seen = BTreeSet::new();
    let (_, admin, ada) = world();
    let root = admin.viewer().await.unwrap();
    let root_key = root.api_keys.clone().unwrap()[0].id.clone();
    let taken = Email::parse("ada@example.com").unwrap();
    let unknown_id = ApiKeyId::parse("QXBpS2V5Ojk5OQ==").unwrap();

    // The sentinel held by a member, by nobody, and by a soft-deleted user.
    let stranger = InMemoryWorld::new()
        .connect(InMemoryWorld::generate_secret())
        .act_as(sentinel());
    let member_world = InMemoryWorld::from_seed(
        Seed::new().user(SeedUser::new("m@example.com").key(SeedKey::new(SENTINEL))),
    )
    .unwrap();
    let member = member_world.connect(sentinel());
    let unknown = InMemoryWorld::new().connect(sentinel());
    let deleted = InMemoryWorld::from_seed(
        Seed::new().user(
            SeedUser::new("gone@example.com")
                .deleted_at("2024-01-01T00:00:00Z")
                .key(SeedKey::new(SENTINEL)),
        ),
    )
    .unwrap()
    .connect(sentinel());

    let errors = [
        ("unknown viewer", unknown.viewer().await.unwrap_err()),
        (
            "unknown generate",
            unknown.generate_api_key(None).await.unwrap_err(),
        ),
        ("deleted viewer", deleted.viewer().await.unwrap_err()),
        ("member search", member.search_users("").await.unwrap_err()),
        (
            "member create",
            member.create_user(&taken, false).await.unwrap_err(),
        ),
        (
            "member deletes admin key",
            ada.delete_api_key(&root_key).await.unwrap_err(),
        ),
        (
            "delete unknown id",
            admin.delete_api_key(&unknown_id).await.unwrap_err(),
        ),
        (
            "create taken email",
            admin.create_user(&taken, false).await.unwrap_err(),
        ),
        ("stranger viewer", stranger.viewer().await.unwrap_err()),
    ];
    for (what, error) in &errors {
        check(&mut seen, what, error);
    }

    let service = UserAdmin::new(admin.clone());
    let service_errors = [
        ("blank user", service.user(" ").await.unwrap_err()),
        ("nobody", service.user("nobody").await.unwrap_err()),
        ("ambiguous user", service.user("ad").await.unwrap_err()),
        (
            "delete by secret name",
            service
                .delete_api_key_by_name(&user_with_keys(Some(vec![])), SENTINEL)
                .await
                .unwrap_err(),
        ),
        (
            "rotate by secret name",
            UserAdmin::new(ada.clone())
                .rotate_api_key(SENTINEL, None)
                .await
                .unwrap_err(),
        ),
    ];
    for (what, error) in &service_errors {
        check(&mut seen, what, error);
    }

    // With find_key's Protocol (tested above), every variant a domain or an
    // in-memory path can produce; RateLimited, Unavailable and Ambiguous come
    // only from a transport.
    assert_eq!(
        seen,
        BTreeSet::from([
            "AlreadyExists",
            "InvalidInput",
            "MultipleMatches",
            "NotFound",
            "PermissionDenied",
            "Unauthenticated",
        ])
    );
}

#[tokio::test]
async fn a_rotation_of_a_legacy_key_shows_neither_secret() {
    let (_, admin, _) = world();

    let rotation = UserAdmin::new(admin)
        .rotate_api_key(SENTINEL, None)
        .await
        .unwrap();

    rotation.revoked.as_ref().unwrap();
    assert_hidden("rotation debug", &format!("{rotation:?}"));
    let new_secret = secrecy::ExposeSecret::expose_secret(&rotation.new_key.secret).to_owned();
    let keys = format!("{:?} {:?}", rotation.new_key.key, rotation.old_key);
    for window in new_secret.as_bytes().windows(6) {
        let window = std::str::from_utf8(window).expect("a key is ascii");
        assert!(!keys.contains(window), "the keys show {window:?}: {keys}");
    }
}

#[tokio::test]
async fn memory_types_never_show_the_secret() {
    let (world, admin, _) = world();
    let plain = SeedKey::new(SENTINEL).name("ci").description("runner");
    let legacy = SeedKey::new(SENTINEL).legacy();
    let seed = Seed::new().user(
        SeedUser::new("a@example.com")
            .key(plain.clone())
            .key(legacy.clone()),
    );

    assert_hidden("seed key debug", &format!("{plain:?}"));
    assert_hidden("legacy seed key debug", &format!("{legacy:?}"));
    assert_hidden("seed debug", &format!("{seed:?}"));
    assert_hidden("repository debug", &format!("{admin:?}"));
    assert_hidden("world debug", &format!("{world:?}"));
    let failing = [
        seed, // held twice
        Seed::new().user(
            SeedUser::new("a@example.com").key(SeedKey::new(format!("{SENTINEL}!")).legacy()),
        ),
        Seed::new().user(SeedUser::new("not an email").key(SeedKey::new(SENTINEL))),
    ];
    for seed in failing {
        let error = InMemoryWorld::from_seed(seed).unwrap_err();
        assert_hidden("seed error", &error.to_string());
        assert_hidden("seed error debug", &format!("{error:?}"));
    }
    let error = world
        .seed_user(SeedUser::new("b@example.com").key(SeedKey::new(SENTINEL)))
        .unwrap_err();
    assert_hidden("seed_user error", &error.to_string());
    let json = format!(
        r#"{{"users": [{{"email": "a@example.com", "keys": [{{"secret": "{SENTINEL}", "nmae": "x"}}]}}]}}"#
    );
    let error = serde_json::from_str::<Seed>(&json).unwrap_err();
    assert_hidden("seed json error", &error.to_string());
}

/// A client acting with the sentinel against a local stand-in that answers
/// every request with `response`, never retrying.
async fn client_against(
    response: wiremock::ResponseTemplate,
) -> (wiremock::MockServer, users_graphql::GraphqlUserRepository) {
    let server = serving(response).await;
    let client = builder(&server)
        .api_key(SENTINEL)
        .retry_policy(users_graphql::RetryPolicy::never())
        .build()
        .expect("a loopback client builds");
    (server, client)
}

#[tokio::test]
async fn transport_errors_never_show_the_key() {
    use wiremock::ResponseTemplate;
    let mut seen = BTreeSet::new();
    let email = Email::parse("new@example.com").expect("valid email");

    let (_s1, limited) =
        client_against(ResponseTemplate::new(429).insert_header("Retry-After", "1")).await;
    let (_s2, down) = client_against(ResponseTemplate::new(503)).await;
    let (_s3, html) =
        client_against(ResponseTemplate::new(200).set_body_string("<html>oops</html>")).await;
    let (_s4, refused) = client_against(ResponseTemplate::new(401)).await;

    let errors = [
        ("rate limited viewer", limited.viewer().await.unwrap_err()),
        ("unavailable viewer", down.viewer().await.unwrap_err()),
        (
            "create with a 5xx answer",
            down.create_user(&email, false).await.unwrap_err(),
        ),
        ("undecodable answer", html.viewer().await.unwrap_err()),
        ("refused key", refused.viewer().await.unwrap_err()),
    ];
    for (what, error) in &errors {
        check(&mut seen, what, error);
    }
    assert_hidden("client debug", &format!("{limited:?}"));

    // The variants only a transport produces.
    for variant in ["RateLimited", "Unavailable", "Ambiguous"] {
        assert!(seen.contains(variant), "{variant} not seen in {seen:?}");
    }
    let bad_key = users_graphql::GraphqlUserRepository::builder()
        .environment(users_graphql::Environment::default())
        .base_url("http://127.0.0.1:9")
        .api_key(format!("{SENTINEL}!"))
        .build()
        .unwrap_err();
    assert_hidden("config error", &bad_key.to_string());
    assert_hidden("config error debug", &format!("{bad_key:?}"));
}
