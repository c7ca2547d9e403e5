use users_domain::{Email, Error, ExposeSecret as _, Provisioned};

use crate::Harness;
use crate::setup::{Setup, expect_err, holder, ids, own_key, own_keys, sorted};

/// `UserAdmin::user` takes the exact username even when others share its prefix.
pub async fn user_by_exact_username_wins_over_prefix_matches(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let ada = s.service(&s.fx.root).user("ada").await.expect("user");

    assert_eq!(ada.username.as_str(), "ada");
}

/// `UserAdmin::user` takes an exact email whatever its case.
pub async fn user_by_email_ignores_case(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let adam = s
        .service(&s.fx.root)
        .user("ADAM@Fixture.TEST")
        .await
        .expect("user");

    assert_eq!(adam.username.as_str(), "adam");
}

/// `UserAdmin::user` with several partial matches and no exact one lists them all.
pub async fn user_matching_several_without_an_exact_match_is_multiple_matches(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;

    let error = expect_err!(
        s.service(&s.fx.root).user("ad").await,
        Error::MultipleMatches { .. }
    );

    let Error::MultipleMatches { query, candidates } = error else {
        unreachable!("matched above")
    };
    assert_eq!(query, "ad");
    for email in [
        "ada@fixture.test",
        "adam@fixture.test",
        "adele@fixture.test",
    ] {
        assert!(
            candidates.iter().any(|c| c == email),
            "{email} in {candidates:?}"
        );
    }
}

/// `UserAdmin::user` naming nobody is `NotFound`.
pub async fn user_matching_nobody_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.service(&s.fx.root).user("nobody-by-that-name").await,
        Error::NotFound { .. }
    );
}

/// `UserAdmin::user` with one partial match takes it.
pub async fn user_with_a_single_partial_match_is_that_user(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let adele = s.service(&s.fx.root).user("adel").await.expect("user");

    assert_eq!(adele.username.as_str(), "adele");
}

/// `ensure_user` creates once, then finds the same user, whatever the email's case.
pub async fn ensure_user_creates_then_finds_the_same_user(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let email = Email::parse("ensured@fixture.test").expect("valid email");
    let shouted = Email::parse("ENSURED@fixture.test").expect("valid email");

    let first = service.ensure_user(&email, false).await.expect("ensure");
    let second = service
        .ensure_user(&shouted, false)
        .await
        .expect("ensure again");

    let (Provisioned::Created(created), Provisioned::Existed(existed)) = (first, second) else {
        panic!("expected Created then Existed");
    };
    assert_eq!(existed.id, created.id);
    assert_eq!(existed.email.as_ref(), Some(&email));
}

/// `delete_api_key_by_name` deletes the user's key of that name, and only it.
pub async fn delete_api_key_by_name_deletes_that_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let ada = service.user("ada").await.expect("user");
    let ci = own_key(&*s.as_(&s.fx.ada), "ci").await;

    let deleted = service
        .delete_api_key_by_name(&ada, "ci")
        .await
        .expect("delete");

    assert_eq!(deleted, ci);
    expect_err!(
        holder(&s, &s.fx.ada.key("ci").secret).await,
        Error::Unauthenticated { .. }
    );
    holder(&s, &s.fx.ada.secret())
        .await
        .expect("the other key still works");
}

/// A legacy key, named by its own secret, can be deleted by that name.
pub async fn delete_api_key_by_a_legacy_secret_name(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let lee = service.user("lee").await.expect("user");
    let secret = s.fx.lee.secret();

    let deleted = service
        .delete_api_key_by_name(&lee, secret.expose_secret())
        .await
        .expect("delete");

    // Compared, never printed: the name is a secret.
    assert!(
        deleted.name.reveal() == secret.expose_secret(),
        "deleted {deleted:?}, not lee's legacy key"
    );
    expect_err!(holder(&s, &secret).await, Error::Unauthenticated { .. });
}

/// `delete_api_key_by_name` with a name the user has no key of is `NotFound`,
/// and deletes nothing.
pub async fn delete_api_key_by_an_unknown_name_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.ada);
    let me = service.viewer().await.expect("viewer");

    expect_err!(
        service.delete_api_key_by_name(&me, "no-such-key").await,
        Error::NotFound { .. }
    );

    assert_eq!(ids(&own_keys(&*s.as_(&s.fx.ada)).await).len(), 2);
}

/// `delete_api_key_by_name` with a name two keys share lists their ids and deletes nothing.
pub async fn delete_api_key_by_a_shared_name_is_multiple_matches(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.adam);
    let me = service.viewer().await.expect("viewer");
    let laptops: Vec<String> = sorted(
        own_keys(&*s.as_(&s.fx.adam))
            .await
            .into_iter()
            .filter(|key| key.name.reveal() == "laptop")
            .map(|key| key.id.to_string()),
    );

    let error = expect_err!(
        service.delete_api_key_by_name(&me, "laptop").await,
        Error::MultipleMatches { .. }
    );

    let Error::MultipleMatches { candidates, .. } = error else {
        unreachable!("matched above")
    };
    assert_eq!(sorted(candidates), laptops);
    assert_eq!(own_keys(&*s.as_(&s.fx.adam)).await.len(), 3);
}

/// `rotate_api_key` hands back a new working key with the old one's
/// description, and revokes the old one.
pub async fn rotate_api_key_replaces_the_key_and_keeps_its_description(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.service(&s.fx.ada);
    let ci = own_key(ada.repository().as_ref(), "ci").await;

    let rotation = ada.rotate_api_key("ci", None).await.expect("rotate");

    rotation.revoked.expect("old key revoked");
    assert_eq!(rotation.old_key, ci);
    expect_err!(
        holder(&s, &s.fx.ada.key("ci").secret).await,
        Error::Unauthenticated { .. }
    );
    let me = holder(&s, &rotation.new_key.secret)
        .await
        .expect("new key works");
    assert_eq!(me.username.as_str(), "ada");
    let listed = own_keys(ada.repository().as_ref()).await;
    let new = listed
        .iter()
        .find(|key| key.id == rotation.new_key.key.id)
        .expect("new key listed");
    assert_eq!(new.description.as_deref(), Some("ci runner"));
    assert!(listed.iter().all(|key| key.id != ci.id));
}

/// Rotating the key the caller acts with revokes it and hands back a working one.
pub async fn rotating_the_key_in_use_hands_back_a_working_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.service(&s.fx.adele);

    let rotation = adele
        .rotate_api_key("adele-main", Some("rotated"))
        .await
        .expect("rotate");

    rotation.revoked.expect("old key revoked");
    expect_err!(adele.viewer().await, Error::Unauthenticated { .. });
    let fresh = adele.act_as(rotation.new_key.secret.clone());
    let listed = own_keys(fresh.repository().as_ref()).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, rotation.new_key.key.id);
    assert_eq!(listed[0].description.as_deref(), Some("rotated"));
}

/// Rotating a key the caller does not have is `NotFound`, and generates no key.
pub async fn rotate_api_key_of_an_unknown_name_is_not_found_and_generates_nothing(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let adam = s.service(&s.fx.adam);

    expect_err!(
        adam.rotate_api_key("ci", None).await,
        Error::NotFound { .. }
    );

    assert_eq!(own_keys(adam.repository().as_ref()).await.len(), 3);
}
