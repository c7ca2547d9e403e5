//! `user_by_id`: the exact read of one user, for instance admins, giving
//! the user as the listing does.

use users_domain::{Error, UserId};

use crate::Harness;
use crate::setup::{Setup, expect_err, keys};

/// An id shaped like the server's (base64 of `User:987654321`) that no user has.
fn unknown_user() -> UserId {
    UserId::parse("VXNlcjo5ODc2NTQzMjE=").expect("valid id")
}

/// A user read by id is the user the listing shows, every field alike: a
/// person with keys and teams, a soft-deleted member, a service account.
pub async fn user_by_id_is_the_user_as_listed(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    for username in [s.fx.ada.username, s.fx.gone.username, s.fx.ci_bot.username] {
        let listed = s.listed(username).await;

        let read = s.admin().user_by_id(&listed.id).await.expect("user_by_id");

        assert_eq!(read, listed, "{username}");
    }
}

/// A user read by id right after a lifecycle change shows the change.
pub async fn user_by_id_reads_a_lifecycle_change_back(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();
    let adam = s.listed(s.fx.adam.username).await;

    admin.deactivate_user(&adam.id).await.expect("deactivate");
    admin
        .set_instance_admin(&adam.id, true)
        .await
        .expect("promote");

    let read = admin.user_by_id(&adam.id).await.expect("user_by_id");
    assert!(read.deleted_at.is_some(), "{read:?}");
    assert!(read.admin, "{read:?}");
    assert_eq!(keys(&read), keys(&adam), "the keys stay");
}

/// An id no user has is `NotFound`: one shaped as the server's, and the id
/// of something that is not a user (a key).
pub async fn user_by_id_of_an_unknown_id_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.listed(s.fx.ada.username).await;
    let key_id = UserId::parse(keys(&ada)[0].id.as_str()).expect("a key id is a valid user id");

    for id in [unknown_user(), key_id] {
        expect_err!(s.admin().user_by_id(&id).await, Error::NotFound { .. });
    }
}

/// `user_by_id` by a member is `PermissionDenied`, as search is, for
/// another user's id and for their own.
pub async fn user_by_id_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.listed(s.fx.adele.username).await;
    let ada = s.as_(&s.fx.ada);
    let me = ada.viewer().await.expect("viewer");

    for id in [adele.id, me.id] {
        expect_err!(ada.user_by_id(&id).await, Error::PermissionDenied { .. });
    }
}
