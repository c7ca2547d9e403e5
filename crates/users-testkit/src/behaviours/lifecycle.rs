//! `deactivate_user`, `reactivate_user` and `set_instance_admin`: the
//! lifecycle of a user, for instance admins.

use users_domain::{Error, UserId};

use crate::setup::{Setup, expect_err, holder, keys};
use crate::{Fault, Harness, Mutation};

/// An id shaped like the server's (base64 of `User:987654321`) that no user has.
fn unknown_user() -> UserId {
    UserId::parse("VXNlcjo5ODc2NTQzMjE=").expect("valid id")
}

/// Whether every key of the fixture member holding `secrets` fails `Unauthenticated`.
async fn none_authenticates(s: &Setup, secrets: &[users_domain::ApiKeySecret]) {
    for secret in secrets {
        expect_err!(holder(s, secret).await, Error::Unauthenticated { .. });
    }
}

/// `deactivate_user` by a member is `PermissionDenied`, and the user stays active.
pub async fn deactivate_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;

    expect_err!(
        s.as_(&s.fx.ada).deactivate_user(&adele.id).await,
        Error::PermissionDenied { .. }
    );

    holder(&s, &s.fx.adele.secret())
        .await
        .expect("adele still authenticates");
}

/// `deactivate_user` of an id no user has is `NotFound`.
pub async fn deactivate_of_an_unknown_user_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin().deactivate_user(&unknown_user()).await,
        Error::NotFound { .. }
    );
}

/// A deactivated user stays listed, with `deleted_at` set and their keys;
/// none of those keys authenticates any more.
pub async fn deactivated_user_stays_listed_and_their_keys_stop_authenticating(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;

    s.admin()
        .deactivate_user(&adam.id)
        .await
        .expect("deactivate");

    let listed = s.user("adam").await;
    assert_eq!(listed.id, adam.id);
    assert!(listed.deleted_at.is_some(), "{listed:?}");
    assert_eq!(keys(&listed), keys(&adam), "the keys stay listed");
    let secrets: Vec<_> = s.fx.adam.keys.iter().map(|k| k.secret.clone()).collect();
    none_authenticates(&s, &secrets).await;
}

/// Reactivating a deactivated user, seeded so or deactivated just now, makes
/// their keys authenticate again.
pub async fn reactivation_restores_a_deactivated_users_keys(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();
    let adam = s.user("adam").await;
    let gone = s.user("gone").await;
    admin.deactivate_user(&adam.id).await.expect("deactivate");

    admin.reactivate_user(&adam.id).await.expect("reactivate");
    admin.reactivate_user(&gone.id).await.expect("reactivate");

    for key in &s.fx.adam.keys {
        let me = holder(&s, &key.secret).await.expect("adam's key works");
        assert_eq!(me.username.as_str(), "adam");
        assert_eq!(me.deleted_at, None);
    }
    let me = holder(&s, &s.fx.gone.secret())
        .await
        .expect("gone's key works");
    assert_eq!(me.username.as_str(), "gone");
    assert_eq!(s.user("gone").await.deleted_at, None);
}

/// Deactivating a user who is deactivated already succeeds and leaves them so.
pub async fn deactivating_a_deactivated_user_succeeds(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let gone = s.user("gone").await;

    s.admin()
        .deactivate_user(&gone.id)
        .await
        .expect("deactivate again");

    assert!(s.user("gone").await.deleted_at.is_some());
    none_authenticates(&s, &[s.fx.gone.secret()]).await;
}

/// `reactivate_user` by a member is `PermissionDenied`, and the user stays deactivated.
pub async fn reactivate_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let gone = s.user("gone").await;

    expect_err!(
        s.as_(&s.fx.ada).reactivate_user(&gone.id).await,
        Error::PermissionDenied { .. }
    );

    none_authenticates(&s, &[s.fx.gone.secret()]).await;
}

/// `reactivate_user` of an id no user has is `NotFound`.
pub async fn reactivate_of_an_unknown_user_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin().reactivate_user(&unknown_user()).await,
        Error::NotFound { .. }
    );
}

/// Reactivating an active user succeeds and changes nothing.
pub async fn reactivating_an_active_user_succeeds(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.user("ada").await;

    s.admin()
        .reactivate_user(&ada.id)
        .await
        .expect("reactivate");

    assert_eq!(s.user("ada").await, ada);
}

/// `set_instance_admin` grants an instance admin's rights and takes them
/// away; setting what is set already succeeds.
pub async fn set_instance_admin_grants_and_takes_away_admin_rights(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();
    let ada = s.user("ada").await;

    admin
        .set_instance_admin(&ada.id, true)
        .await
        .expect("promote");
    admin
        .set_instance_admin(&ada.id, true)
        .await
        .expect("promote again");

    let as_ada = s.as_(&s.fx.ada);
    assert!(as_ada.viewer().await.expect("viewer").admin);
    as_ada
        .search_users("adam")
        .await
        .expect("an admin searches");

    admin
        .set_instance_admin(&ada.id, false)
        .await
        .expect("demote");
    admin
        .set_instance_admin(&ada.id, false)
        .await
        .expect("demote again");

    assert!(!as_ada.viewer().await.expect("viewer").admin);
    expect_err!(
        as_ada.search_users("adam").await,
        Error::PermissionDenied { .. }
    );
}

/// `set_instance_admin` by a member is `PermissionDenied`, even on themselves.
pub async fn set_instance_admin_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.user("ada").await;

    expect_err!(
        s.as_(&s.fx.ada).set_instance_admin(&ada.id, true).await,
        Error::PermissionDenied { .. }
    );

    assert!(!s.user("ada").await.admin);
}

/// `set_instance_admin` of an id no user has is `NotFound`.
pub async fn set_instance_admin_of_an_unknown_user_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin().set_instance_admin(&unknown_user(), true).await,
        Error::NotFound { .. }
    );
}

/// A deactivation whose answer is lost is `Ambiguous` (and the server did
/// deactivate the user); one whose answer arrives is never `Ambiguous`.
pub async fn deactivate_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adam = s.user("adam").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::DeactivateUser));

    let result = s.admin().deactivate_user(&adam.id).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("deactivate");
    }
    assert!(s.user("adam").await.deleted_at.is_some());
}

/// A reactivation whose answer is lost is `Ambiguous` (and the server did
/// reactivate the user); one whose answer arrives is never `Ambiguous`.
pub async fn reactivate_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let gone = s.user("gone").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::ReactivateUser));

    let result = s.admin().reactivate_user(&gone.id).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("reactivate");
    }
    holder(&s, &s.fx.gone.secret())
        .await
        .expect("gone's key works again");
}

/// A change of the admin flag whose answer is lost is `Ambiguous` (and the
/// server did change it); one whose answer arrives is never `Ambiguous`.
pub async fn set_instance_admin_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::SetInstanceAdmin));

    let result = s.admin().set_instance_admin(&adele.id, true).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("promote");
    }
    assert!(s.user("adele").await.admin);
}
