//! Seeds with roles, teams, service accounts and deactivated users.

use secrecy::ExposeSecret as _;
use users_domain::{AccountType, TeamName, TeamRepository as _, TeamRole, UserRepository as _};

use super::*;
use crate::SeedKey;

fn field_of(error: &SeedError) -> String {
    match error {
        SeedError::Invalid { index, field, .. } => format!("users[{index}].{field}"),
        SeedError::TeamNameTaken { index, .. } => format!("users[{index}].username (a team)"),
        SeedError::Entry { field, .. } => field.clone(),
        other => format!("{other}"),
    }
}

#[tokio::test]
async fn a_seed_makes_its_teams_roles_and_service_accounts() {
    let root = InMemoryWorld::generate_secret();
    let bot = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        Seed::new()
            .role("auditor")
            .team("empty")
            .user(
                SeedUser::new("root@example.com")
                    .admin(true)
                    .team_role("ops", "admin")
                    .team("ml")
                    .key(SeedKey::new(root.expose_secret())),
            )
            .user(
                SeedUser::new("gone@example.com")
                    .team_role("ML", "Auditor")
                    .deleted_at("2024-01-31T12:00:00"),
            )
            .user(
                SeedUser::service_account("CI runner")
                    .team("ml")
                    .key(SeedKey::new(bot.expose_secret())),
            ),
    )
    .unwrap();
    let admin = world.connect(root);

    let ml = admin.team(&TeamName::parse("ml").unwrap()).await.unwrap();
    let roles: Vec<(String, TeamRole)> = ml
        .members
        .unwrap()
        .into_iter()
        .map(|m| (m.username.unwrap().to_string(), m.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("root".to_owned(), TeamRole::Member),
            ("gone".to_owned(), TeamRole::parse("auditor").unwrap()),
            ("ci-runner".to_owned(), TeamRole::Member),
        ]
    );
    let me = admin.viewer().await.unwrap();
    let teams: Vec<String> = me.teams.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(teams, ["ops", "ml"], "in the order the teams were made");
    let bot = world.connect(bot).viewer().await.unwrap();
    assert_eq!(bot.account_type, Some(AccountType::Service));
    assert_eq!((bot.name.as_str(), bot.email), ("CI runner", None));
    let gone = admin.search_users("gone").await.unwrap().remove(0);
    assert_eq!(gone.deleted_at.unwrap().to_string(), "2024-01-31T12:00:00Z");
    assert!(gone.created_at.unwrap() < bot.created_at.unwrap());
    assert_eq!(
        format!("{world:?}"),
        "InMemoryWorld { users: 3, teams: 3, keys: 2 }"
    );
}

#[test]
fn each_wrong_part_of_a_seed_is_named() {
    let person = || SeedUser::new("ok@example.com");
    let cases: Vec<(Seed, &str)> = vec![
        (Seed::new().role("two words"), "roles[0]"),
        (Seed::new().role("auditor").role("AUDITOR"), "roles[1]"),
        (Seed::new().role("viewer"), "roles[0]"),
        (Seed::new().team("ml").team("ML"), "teams[1]"),
        (Seed::new().team("bad team"), "teams[0]"),
        (
            Seed::new().user(person().team_role("ml", "auditor")),
            "users[0].teams[0].role",
        ),
        (
            Seed::new().user(person().team_role("ml", "two words")),
            "users[0].teams[0].role",
        ),
        (
            Seed::new().user(person().team("ml").team("ML")),
            "users[0].teams[1]",
        ),
        (
            Seed::new().user(person().username("ml").team("ml")),
            "users[0].teams[0]",
        ),
        (
            Seed::new()
                .user(SeedUser::new("ada@example.com"))
                .user(person().team("ada")),
            "users[1].teams[0]",
        ),
        (
            Seed::new().team("ml").user(person().username("ML")),
            "users[0].username (a team)",
        ),
        (
            Seed::new().user(person().deleted_at("yesterday")),
            "users[0].deleted_at",
        ),
        (Seed::new().user(SeedUser::default()), "users[0].email"),
        (
            Seed::new().user(SeedUser::service_account("bot")),
            "users[0].teams",
        ),
        (
            Seed::new().user(
                SeedUser {
                    account_type: Some("service".into()),
                    ..SeedUser::default()
                }
                .team("ml"),
            ),
            "users[0].name",
        ),
        (
            Seed::new().user(SeedUser {
                account_type: Some("robot".into()),
                ..person()
            }),
            "users[0].account_type",
        ),
        (
            Seed::new().user(SeedUser {
                account_type: Some("viewer".into()),
                ..person()
            }),
            "users[0].account_type",
        ),
    ];
    for (seed, field) in cases {
        let error = InMemoryWorld::from_seed(seed.clone()).unwrap_err();
        assert_eq!(field_of(&error), field, "{error}");
        let message = error.to_string();
        assert!(!message.contains('\n'), "{message}");
    }
}

#[test]
fn an_unknown_role_says_which_roles_the_world_knows() {
    let error = InMemoryWorld::from_seed(
        Seed::new()
            .role("auditor")
            .user(SeedUser::new("gone@example.com").team_role("ml", "owner")),
    )
    .unwrap_err();

    assert_eq!(
        error.to_string(),
        r#"seed users[0] ("gone@example.com"): teams[0].role: 'owner' is not a role this world knows: use one of admin, member, viewer, auditor, or list it in the seed's roles"#
    );
}

#[test]
fn a_service_account_without_email_is_named_by_its_username_in_errors() {
    let error = InMemoryWorld::from_seed(
        Seed::new().user(
            SeedUser::service_account("CI runner")
                .username("ci-bot")
                .team("ml")
                .key(SeedKey::new("short")),
        ),
    )
    .unwrap_err();

    assert!(
        error
            .to_string()
            .starts_with(r#"seed users[0] ("ci-bot"): keys[0].secret: "#),
        "{error}"
    );
}

#[test]
fn derived_usernames_avoid_team_names() {
    let world = InMemoryWorld::from_seed(Seed::new().team("ada").team("ci-runner")).unwrap();

    let ada = world.seed_user(SeedUser::new("ada@example.com")).unwrap();
    let bot = world
        .seed_user(SeedUser::service_account("CI runner").team("ada"))
        .unwrap();

    assert_eq!(ada.username.as_str(), "ada-2");
    assert_eq!(bot.username.as_str(), "ci-runner-2");
    let teams: Vec<String> = bot.teams.unwrap().iter().map(ToString::to_string).collect();
    assert_eq!(teams, ["ada"]);
}

#[test]
fn seed_user_makes_the_teams_it_names() {
    let world = InMemoryWorld::new();

    world
        .seed_user(SeedUser::new("ada@example.com").team_role("lab", "admin"))
        .unwrap();

    assert_eq!(
        format!("{world:?}"),
        "InMemoryWorld { users: 1, teams: 1, keys: 0 }"
    );
}
