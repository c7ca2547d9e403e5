use users_domain::{ApiKeyId, Email, Error};

use crate::Harness;
use crate::setup::{Setup, expect_err, own_key};

/// `act_as` gives an adapter acting as the holder of another key, with that
/// holder's rights, and leaves the original principal unchanged.
pub async fn act_as_acts_as_the_holder_of_the_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);

    let root = ada.act_as(s.fx.root.secret());
    let adam = root.act_as(s.fx.adam.secret());

    assert_eq!(
        root.viewer().await.expect("viewer").username.as_str(),
        "root"
    );
    assert!(
        root.search_users("ada").await.is_ok(),
        "the admin's rights come along"
    );
    assert_eq!(
        adam.viewer().await.expect("viewer").username.as_str(),
        "adam"
    );
    assert_eq!(ada.viewer().await.expect("viewer").username.as_str(), "ada");
}

/// `act_as` an unknown key never fails itself; every call through it is `Unauthenticated`.
pub async fn act_as_an_unknown_key_fails_every_call_unauthenticated(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ci = own_key(&*s.as_(&s.fx.ada), "ci").await;
    let stranger = s
        .admin()
        .act_as(users_memory::InMemoryWorld::generate_secret());
    let email = Email::parse("by-a-stranger@fixture.test").expect("valid email");

    expect_err!(stranger.viewer().await, Error::Unauthenticated { .. });
    expect_err!(
        stranger.search_users("").await,
        Error::Unauthenticated { .. }
    );
    expect_err!(
        stranger.create_user(&email, true).await,
        Error::Unauthenticated { .. }
    );
    expect_err!(
        stranger.generate_api_key(None).await,
        Error::Unauthenticated { .. }
    );
    expect_err!(
        stranger.delete_api_key(&ci.id).await,
        Error::Unauthenticated { .. }
    );
    let unknown = ApiKeyId::parse("QXBpS2V5Ojk4NzY1NDMyMQ==").expect("valid id");
    expect_err!(
        stranger.delete_api_key(&unknown).await,
        Error::Unauthenticated { .. }
    );

    let after = s
        .admin()
        .search_users("by-a-stranger")
        .await
        .expect("search");
    assert!(after.is_empty(), "{after:?}");
    own_key(&*s.as_(&s.fx.ada), "ci").await;
}
