use users_domain::Error;

use crate::Harness;
use crate::setup::{Setup, expect_err, keys, sorted};

/// `viewer` describes the holder of the key, with keys and teams loaded.
pub async fn viewer_is_the_holder_of_the_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let me = s.as_(&s.fx.ada).viewer().await.expect("viewer");

    assert_eq!(me.username.as_str(), "ada");
    assert_eq!(
        me.email.as_ref().map(AsRef::as_ref),
        Some("ada@fixture.test")
    );
    assert_eq!(me.name, "Ada Lovelace");
    assert!(!me.admin);
    assert_eq!(me.deleted_at, None);
    let teams = sorted(
        me.teams
            .as_deref()
            .expect("teams loaded")
            .iter()
            .map(ToString::to_string),
    );
    assert_eq!(teams, ["ml", "research"]);
    let listed = sorted(
        keys(&me)
            .iter()
            .map(|key| (key.name.reveal().to_owned(), key.description.clone())),
    );
    assert_eq!(
        listed,
        [
            ("ada-main".to_owned(), Some("laptop".to_owned())),
            ("ci".to_owned(), Some("ci runner".to_owned())),
        ]
    );
}

/// `viewer` tells an instance admin from a member.
pub async fn viewer_of_an_admin_is_marked_admin(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let root = s.admin().viewer().await.expect("viewer");
    let adam = s.as_(&s.fx.adam).viewer().await.expect("viewer");

    assert_eq!((root.username.as_str(), root.admin), ("root", true));
    assert_eq!((adam.username.as_str(), adam.admin), ("adam", false));
}

/// `viewer` with a key the server never issued is `Unauthenticated`.
pub async fn viewer_with_an_unknown_key_is_unauthenticated(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let stranger = s.with(&users_memory::InMemoryWorld::generate_secret());

    expect_err!(stranger.viewer().await, Error::Unauthenticated { .. });
}

/// A soft-deleted user's key no longer authenticates.
pub async fn soft_deleted_user_cannot_authenticate(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.as_(&s.fx.gone).viewer().await,
        Error::Unauthenticated { .. }
    );
    expect_err!(
        s.as_(&s.fx.gone).generate_api_key(None).await,
        Error::Unauthenticated { .. }
    );
}

/// The service's `default_entity` is the entity the server names for the caller.
pub async fn default_entity_is_the_users_entity(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let entity = s
        .service(&s.fx.ada)
        .default_entity()
        .await
        .expect("default entity");

    assert_eq!(entity.as_deref(), Some("ada"));
}
