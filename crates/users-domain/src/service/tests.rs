//! The service's use cases against `MockBackend`: calls, order, arguments
//! and error paths.

use mockall::{Sequence, predicate::eq};

use super::*;
use crate::ExposeSecret;
use crate::{ApiKeyName, MockBackend, TeamName, UserId, Username};

const NEW_SECRET: &str = "new0000000000000000000000000000000000000000";

fn user(username: &str, email: &str, keys: Option<Vec<ApiKey>>) -> User {
    User {
        id: UserId::parse(format!("id-{username}")).unwrap(),
        name: String::new(),
        username: Username::parse(username).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        admin: false,
        account_type: Some(crate::AccountType::User),
        created_at: None,
        logged_in_at: None,
        flags: None,
        entity: Some(username.to_owned()),
        deleted_at: None,
        api_keys: keys,
        teams: Some(vec![TeamName::parse("ml").unwrap()]),
    }
}

fn key(id: &str, name: &str, description: Option<&str>) -> ApiKey {
    ApiKey {
        id: ApiKeyId::parse(id).unwrap(),
        name: ApiKeyName::parse(name).unwrap(),
        description: description.map(str::to_owned),
    }
}

fn generated(id: &str) -> GeneratedApiKey {
    GeneratedApiKey {
        key: key(id, "fresh", None),
        secret: ApiKeySecret::parse(NEW_SECRET.to_owned()).unwrap(),
    }
}

fn searching(results: Vec<User>) -> MockBackend {
    let mut repo = MockBackend::new();
    repo.expect_search_users()
        .times(1)
        .returning(move |_| Ok(results.clone()));
    repo
}

#[tokio::test]
async fn user_prefers_the_exact_match_over_partial_ones() {
    let mut repo = MockBackend::new();
    repo.expect_search_users()
        .with(eq("ada"))
        .times(1)
        .returning(|_| {
            Ok(vec![
                user("adam", "adam@example.com", None),
                user("ada", "ada@example.com", None),
            ])
        });
    let found = UserAdmin::new(repo).user(" ada ").await.unwrap();
    assert_eq!(found.username.as_str(), "ada");
}

#[tokio::test]
async fn user_matches_an_email_ignoring_case() {
    let repo = searching(vec![
        user("adam", "adam@example.com", None),
        user("ada", "ada@example.com", None),
    ]);
    let found = UserAdmin::new(repo).user("ADA@example.com").await.unwrap();
    assert_eq!(found.username.as_str(), "ada");
}

#[tokio::test]
async fn user_takes_a_single_partial_match() {
    let repo = searching(vec![user("adam", "adam@example.com", None)]);
    let found = UserAdmin::new(repo).user("adam@").await.unwrap();
    assert_eq!(found.username.as_str(), "adam");
}

#[tokio::test]
async fn user_reports_several_partial_matches_instead_of_guessing() {
    let repo = searching(vec![
        user("adam", "adam@example.com", None),
        user("adaline", "adaline@example.com", None),
    ]);
    let error = UserAdmin::new(repo).user("ada").await.unwrap_err();
    assert_eq!(
        error,
        Error::MultipleMatches {
            query: "ada".into(),
            candidates: vec!["adam@example.com".into(), "adaline@example.com".into()],
        }
    );
}

#[tokio::test]
async fn user_not_found_names_the_query() {
    let repo = searching(vec![]);
    let error = UserAdmin::new(repo).user("nobody").await.unwrap_err();
    assert_eq!(error.to_string(), "user 'nobody' not found");
}

#[tokio::test]
async fn a_blank_user_name_is_refused_without_a_call() {
    let repo = MockBackend::new();
    let error = UserAdmin::new(repo).user("  ").await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
}

#[tokio::test]
async fn search_errors_pass_through_unchanged() {
    let mut repo = MockBackend::new();
    repo.expect_search_users().returning(|_| {
        Err(Error::PermissionDenied {
            reason: "admins only".into(),
        })
    });
    let error = UserAdmin::new(repo).users("a").await.unwrap_err();
    assert!(matches!(error, Error::PermissionDenied { .. }));
}

#[tokio::test]
async fn default_entity_is_the_viewers_entity() {
    let mut repo = MockBackend::new();
    repo.expect_viewer()
        .times(1)
        .returning(|| Ok(user("ada", "ada@example.com", None)));
    let entity = UserAdmin::new(repo).default_entity().await.unwrap();
    assert_eq!(entity.as_deref(), Some("ada"));
}

#[tokio::test]
async fn ensure_user_creates_a_missing_user() {
    let email = Email::parse("new@example.com").unwrap();
    let mut repo = MockBackend::new();
    repo.expect_create_user()
        .with(eq(email.clone()), eq(true))
        .times(1)
        .returning(|_, _| Ok(user("new", "new@example.com", Some(vec![]))));
    repo.expect_search_users().never();
    let outcome = UserAdmin::new(repo)
        .ensure_user(&email, true)
        .await
        .unwrap();
    assert!(matches!(outcome, Provisioned::Created(u) if u.username.as_str() == "new"));
}

#[tokio::test]
async fn ensure_user_reports_an_existing_user_without_creating_twice() {
    let email = Email::parse("Old@Example.com").unwrap();
    let mut sequence = Sequence::new();
    let mut repo = MockBackend::new();
    repo.expect_create_user()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|email, _| {
            Err(Error::AlreadyExists {
                what: format!("user {email}"),
            })
        });
    repo.expect_search_users()
        .with(eq("Old@Example.com"))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(vec![user("old", "old@example.com", None)]));
    let outcome = UserAdmin::new(repo)
        .ensure_user(&email, false)
        .await
        .unwrap();
    assert!(matches!(outcome, Provisioned::Existed(u) if u.username.as_str() == "old"));
}

#[tokio::test]
async fn ensure_user_keeps_the_conflict_when_the_owner_cannot_be_found() {
    let email = Email::parse("hidden@example.com").unwrap();
    let mut repo = MockBackend::new();
    repo.expect_create_user().returning(|_, _| {
        Err(Error::AlreadyExists {
            what: "user hidden@example.com".into(),
        })
    });
    repo.expect_search_users().returning(|_| Ok(vec![]));
    let error = UserAdmin::new(repo)
        .ensure_user(&email, false)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }));
}

#[tokio::test]
async fn delete_by_name_deletes_the_matching_keys_id() {
    let owner = user(
        "ada",
        "ada@example.com",
        Some(vec![key("k1", "laptop", None), key("k2", "ci", None)]),
    );
    let mut repo = MockBackend::new();
    repo.expect_delete_api_key()
        .with(eq(ApiKeyId::parse("k2").unwrap()))
        .times(1)
        .returning(|_| Ok(()));
    let deleted = UserAdmin::new(repo)
        .delete_api_key_by_name(&owner, "ci")
        .await
        .unwrap();
    assert_eq!(deleted.id.as_str(), "k2");
}

#[tokio::test]
async fn delete_by_name_of_a_key_the_user_lacks_is_not_found_and_sends_nothing() {
    let owner = user(
        "ada",
        "ada@example.com",
        Some(vec![key("k1", "laptop", None)]),
    );
    let mut repo = MockBackend::new();
    repo.expect_delete_api_key().never();
    let error = UserAdmin::new(repo)
        .delete_api_key_by_name(&owner, "desktop")
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "api key 'desktop' of ada@example.com not found"
    );
}

#[test]
fn find_key_refuses_to_guess_between_keys_sharing_a_name() {
    let owner = user(
        "ada",
        "ada@example.com",
        Some(vec![key("k1", "ci", None), key("k2", "ci", None)]),
    );
    let error = find_key(&owner, "ci").unwrap_err();
    assert_eq!(
        error,
        Error::MultipleMatches {
            query: "ci".into(),
            candidates: vec!["k1".into(), "k2".into()]
        }
    );
}

#[test]
fn find_key_without_loaded_keys_is_not_listed_rather_than_an_empty_list() {
    let owner = user("ada", "ada@example.com", None);
    let error = find_key(&owner, "ci").unwrap_err();
    assert!(matches!(error, Error::NotListed { .. }), "{error:?}");
}

#[test]
fn find_key_masks_a_secret_typed_as_a_name() {
    let owner = user("ada", "ada@example.com", Some(vec![]));
    let typed = "abcd0123456789012345678901234567890123wxyz";
    let message = find_key(&owner, typed).unwrap_err().to_string();
    assert!(!message.contains(&typed[4..38]), "{message}");
    assert!(message.contains("abcd…wxyz"), "{message}");
}

#[tokio::test]
async fn rotate_generates_first_then_revokes_and_keeps_the_description() {
    let mut sequence = Sequence::new();
    let mut repo = MockBackend::new();
    repo.expect_viewer()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|| {
            Ok(user(
                "ada",
                "ada@example.com",
                Some(vec![key("k1", "laptop", Some("my laptop"))]),
            ))
        });
    repo.expect_generate_api_key()
        .with(eq(Some("my laptop".to_owned())))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(generated("k9")));
    repo.expect_delete_api_key()
        .with(eq(ApiKeyId::parse("k1").unwrap()))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(()));
    let rotation = UserAdmin::new(repo)
        .rotate_api_key("laptop", None)
        .await
        .unwrap();
    assert_eq!(rotation.new_key.key.id.as_str(), "k9");
    assert_eq!(rotation.old_key.id.as_str(), "k1");
    assert!(rotation.revoked.is_ok());
}

#[tokio::test]
async fn rotate_returns_the_new_key_even_when_revoking_the_old_fails() {
    let mut repo = MockBackend::new();
    repo.expect_viewer().returning(|| {
        Ok(user(
            "ada",
            "ada@example.com",
            Some(vec![key("k1", "laptop", None)]),
        ))
    });
    repo.expect_generate_api_key()
        .with(eq(Some("new".to_owned())))
        .returning(|_| Ok(generated("k9")));
    repo.expect_delete_api_key().returning(|_| {
        Err(Error::Unavailable {
            reason: "502 bad gateway".into(),
        })
    });
    let rotation = UserAdmin::new(repo)
        .rotate_api_key("k1", Some("new"))
        .await
        .unwrap();
    assert_eq!(rotation.new_key.secret.expose_secret(), NEW_SECRET);
    assert!(matches!(rotation.revoked, Err(Error::Unavailable { .. })));
}

#[tokio::test]
async fn rotate_of_a_key_the_caller_lacks_generates_nothing() {
    let mut repo = MockBackend::new();
    repo.expect_viewer()
        .returning(|| Ok(user("ada", "ada@example.com", Some(vec![]))));
    repo.expect_generate_api_key().never();
    repo.expect_delete_api_key().never();
    let error = UserAdmin::new(repo)
        .rotate_api_key("someone-elses", None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotFound { .. }));
}

#[tokio::test]
async fn act_as_drives_the_repository_the_port_hands_back() {
    let mut repo = MockBackend::new();
    repo.expect_act_as().times(1).returning(|_| {
        let mut other = MockBackend::new();
        other
            .expect_viewer()
            .returning(|| Ok(user("bob", "bob@example.com", None)));
        Box::new(other)
    });
    let secret = ApiKeySecret::parse(NEW_SECRET.to_owned()).unwrap();
    let viewer = UserAdmin::new(repo).act_as(secret).viewer().await.unwrap();
    assert_eq!(viewer.username.as_str(), "bob");
}

#[test]
fn find_key_never_echoes_a_mangled_secret() {
    let owner = user("ada", "ada@example.com", Some(vec![]));
    let key = "abcd0123456789012345678901234567890123wxyz";
    for typed in [
        format!(" {key} "),
        format!("{key}\n"),
        key[..39].to_owned(),
        format!("{}!{}", &key[..20], &key[21..]),
    ] {
        let message = find_key(&owner, &typed).unwrap_err().to_string();
        for window in key.as_bytes().windows(6).skip(1).take(30) {
            let window = std::str::from_utf8(window).unwrap();
            assert!(!message.contains(window), "{message} shows {window}");
        }
    }
}

#[test]
fn find_key_echoes_a_short_name_in_full() {
    let owner = user("ada", "ada@example.com", Some(vec![]));
    let message = find_key(&owner, " laptop ").unwrap_err().to_string();
    assert_eq!(message, "api key 'laptop' of ada@example.com not found");
}

#[tokio::test]
async fn find_user_by_email_ignores_case_and_partial_matches() {
    let repo = searching(vec![
        user("ada", "ada@example.com.au", None),
        user("ada2", "ADA@example.com", None),
    ]);
    let email = Email::parse("ada@example.com").unwrap();
    let found = UserAdmin::new(repo)
        .find_user_by_email(&email)
        .await
        .unwrap();
    assert_eq!(
        found.map(|u| u.username.to_string()).as_deref(),
        Some("ada2")
    );
}

#[tokio::test]
async fn ensure_user_settles_a_lost_answer_with_a_search() {
    let email = Email::parse("lost@example.com").unwrap();
    let mut sequence = Sequence::new();
    let mut repo = MockBackend::new();
    repo.expect_create_user()
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_, _| {
            Err(Error::Ambiguous {
                operation: "createUser".into(),
                reason: "connection lost".into(),
            })
        });
    repo.expect_search_users()
        .with(eq("lost@example.com"))
        .times(1)
        .in_sequence(&mut sequence)
        .returning(|_| Ok(vec![user("lost", "lost@example.com", None)]));
    let outcome = UserAdmin::new(repo)
        .ensure_user(&email, false)
        .await
        .unwrap();
    assert!(
        matches!(outcome, Provisioned::FoundAfterLostAnswer(u) if u.username.as_str() == "lost")
    );
}

#[tokio::test]
async fn ensure_user_keeps_a_lost_answer_ambiguous_when_the_user_is_not_found() {
    let email = Email::parse("lost@example.com").unwrap();
    let mut repo = MockBackend::new();
    repo.expect_create_user().returning(|_, _| {
        Err(Error::Ambiguous {
            operation: "createUser".into(),
            reason: "connection lost".into(),
        })
    });
    repo.expect_search_users().returning(|_| Ok(vec![]));
    let error = UserAdmin::new(repo)
        .ensure_user(&email, false)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Ambiguous { .. }), "{error:?}");
}
