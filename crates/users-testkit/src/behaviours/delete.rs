use users_domain::{ApiKeyId, Error};

use crate::setup::{Setup, expect_err, holder, ids, keys, own_key, own_keys};
use crate::{Fault, Harness, Mutation};

/// A member may delete one of their own keys; it is no longer listed.
pub async fn a_member_may_delete_their_own_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);
    let ci = own_key(&*ada, "ci").await;
    let main = own_key(&*ada, "ada-main").await;

    ada.delete_api_key(&ci.id).await.expect("delete own key");

    assert_eq!(ids(&own_keys(&*ada).await), [main.id.to_string()]);
}

/// An instance admin may delete another user's key.
pub async fn an_admin_may_delete_another_users_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ci = own_key(&*s.as_(&s.fx.ada), "ci").await;

    s.admin()
        .delete_api_key(&ci.id)
        .await
        .expect("admin deletes");

    let ada = s.find(s.fx.ada.email).await;
    assert!(keys(&ada).iter().all(|key| key.id != ci.id), "{ada:?}");
    expect_err!(
        holder(&s, &s.fx.ada.key("ci").secret).await,
        Error::Unauthenticated { .. }
    );
}

/// Deleting another user's key as a member is `PermissionDenied`, and the key lives on.
pub async fn deleting_another_users_key_as_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ci = own_key(&*s.as_(&s.fx.ada), "ci").await;

    expect_err!(
        s.as_(&s.fx.adam).delete_api_key(&ci.id).await,
        Error::PermissionDenied { .. }
    );

    let still = holder(&s, &s.fx.ada.key("ci").secret)
        .await
        .expect("key still works");
    assert_eq!(still.username.as_str(), "ada");
    assert!(keys(&still).iter().any(|key| key.id == ci.id));
}

/// Deleting a key that was already deleted is `NotFound`.
pub async fn deleting_a_key_twice_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);
    let ci = own_key(&*ada, "ci").await;
    ada.delete_api_key(&ci.id).await.expect("first delete");

    expect_err!(ada.delete_api_key(&ci.id).await, Error::NotFound { .. });
}

/// Deleting an id no key ever had is `NotFound`, for an admin too.
pub async fn deleting_an_unknown_key_id_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    // Shaped like the server's ids (base64 of "ApiKey:987654321"), so only its absence fails.
    let unknown = ApiKeyId::parse("QXBpS2V5Ojk4NzY1NDMyMQ==").expect("valid id");

    expect_err!(
        s.admin().delete_api_key(&unknown).await,
        Error::NotFound { .. }
    );
    expect_err!(
        s.as_(&s.fx.ada).delete_api_key(&unknown).await,
        Error::NotFound { .. }
    );
}

/// A deleted key no longer authenticates; the holder's other keys still do.
pub async fn a_revoked_key_stops_authenticating(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);
    let generated = ada.generate_api_key(None).await.expect("generate");
    holder(&s, &generated.secret).await.expect("works before");

    ada.delete_api_key(&generated.key.id).await.expect("delete");

    expect_err!(
        holder(&s, &generated.secret).await,
        Error::Unauthenticated { .. }
    );
    assert_eq!(
        ada.viewer()
            .await
            .expect("main key works")
            .username
            .as_str(),
        "ada"
    );
}

/// Deleting the very key a caller acts with succeeds, and its next call is `Unauthenticated`.
pub async fn revoking_the_key_in_use_unauthenticates_its_holder(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.as_(&s.fx.adele);
    let main = own_key(&*adele, "adele-main").await;

    adele
        .delete_api_key(&main.id)
        .await
        .expect("delete own key in use");

    expect_err!(adele.viewer().await, Error::Unauthenticated { .. });
}

/// A delete whose answer is lost is `Ambiguous` (and the server did delete
/// the key); a delete whose answer arrives is never `Ambiguous`.
pub async fn delete_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ada = s.as_(&s.fx.ada);
    let ci = own_key(&*ada, "ci").await;
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::DeleteApiKey));

    let result = ada.delete_api_key(&ci.id).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("delete");
    }
    expect_err!(
        holder(&s, &s.fx.ada.key("ci").secret).await,
        Error::Unauthenticated { .. }
    );
}
