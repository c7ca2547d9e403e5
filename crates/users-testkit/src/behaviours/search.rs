use users_domain::Error;

use crate::Harness;
use crate::setup::{Setup, emails, expect_err, ids, keys, own_keys, sorted};

async fn found(s: &Setup, query: &str) -> Vec<String> {
    let users = s.admin().search_users(query).await.expect("admin search");
    emails(&users)
}

/// `search_users` by a member is `PermissionDenied`.
pub async fn search_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.as_(&s.fx.ada).search_users("ada").await,
        Error::PermissionDenied { .. }
    );
}

/// The empty query lists every user, soft-deleted ones included.
pub async fn search_with_an_empty_query_lists_every_user(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let listed = found(&s, "").await;

    // A server may hold bootstrap users of its own besides the fixture's.
    for member in s.fx.members() {
        assert!(
            listed.iter().any(|e| e == member.email),
            "{} in {listed:?}",
            member.email
        );
    }
}

/// A query matches users whose username starts with it.
pub async fn search_matches_a_username_prefix(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    assert_eq!(
        found(&s, "ada").await,
        ["ada@fixture.test", "adam@fixture.test"]
    );
    assert_eq!(found(&s, "adel").await, ["adele@fixture.test"]);
}

/// A query matches users whose email ends with it.
pub async fn search_matches_an_email_suffix(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    assert_eq!(found(&s, "legacy.example").await, ["lee@legacy.example"]);
    assert_eq!(found(&s, "m@fixture.test").await, ["adam@fixture.test"]);
}

/// Matching ignores case, of the query and of the stored values.
pub async fn search_ignores_case(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    assert_eq!(
        found(&s, "ADA").await,
        ["ada@fixture.test", "adam@fixture.test"]
    );
    assert_eq!(
        found(&s, "Lee@Legacy.EXAMPLE").await,
        ["lee@legacy.example"]
    );
}

/// A query found only inside a username or email matches nobody.
pub async fn search_does_not_match_the_middle_of_a_name(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    assert_eq!(found(&s, "del").await, Vec::<String>::new());
    assert_eq!(found(&s, "ixture").await, Vec::<String>::new());
}

/// A soft-deleted user is listed with `deleted_at` set; a live one without.
pub async fn search_shows_soft_deleted_users_with_deleted_at(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let gone = s.find(s.fx.gone.email).await;
    let ada = s.find(s.fx.ada.email).await;

    assert!(gone.deleted_at.is_some(), "{gone:?}");
    assert_eq!(ada.deleted_at, None);
}

/// A user found by search has the same id, keys and teams as its `viewer`.
pub async fn search_results_carry_ids_keys_and_teams(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let me = s.as_(&s.fx.ada).viewer().await.expect("viewer");

    let found = s.find(s.fx.ada.email).await;

    assert_eq!(found.id, me.id);
    assert_eq!(found.username.as_str(), "ada");
    assert_eq!(found.name, "Ada Lovelace");
    assert_eq!(ids(keys(&found)), ids(&own_keys(&*s.as_(&s.fx.ada)).await));
    let teams = sorted(
        found
            .teams
            .as_deref()
            .expect("teams loaded")
            .iter()
            .map(ToString::to_string),
    );
    assert_eq!(teams, ["ml", "research"]);
}
