//! The service's lifecycle cases over the port: the instance always keeps an
//! active admin who is a person, and nobody locks themselves out.

use users_domain::{Applied, Error, UserAdmin};

use crate::setup::{Setup, expect_err, holder};
use crate::{Fault, Harness, Mutation};

/// Deactivating the last active admin who is a person is `Refused`, even by
/// another admin (a service account), and changes nothing.
pub async fn deactivating_the_last_active_admin_is_refused_and_changes_nothing(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let bot = UserAdmin::new(s.as_account(&s.fx.ops_bot));
    let root = s.user("root").await;

    expect_err!(bot.deactivate(&root).await, Error::Refused { .. });

    assert_eq!(s.user("root").await, root);
    holder(&s, &s.fx.root.secret())
        .await
        .expect("root still authenticates");
}

/// Demoting the last active admin who is a person is `Refused`, and changes nothing.
pub async fn demoting_the_last_active_admin_is_refused_and_changes_nothing(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let bot = UserAdmin::new(s.as_account(&s.fx.ops_bot));
    let root = s.user("root").await;

    expect_err!(bot.demote(&root).await, Error::Refused { .. });

    assert!(s.user("root").await.admin);
}

/// With two active admins, either may be demoted; demoting again finds it done.
pub async fn demoting_one_of_two_admins_works(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let ada = s.user("ada").await;

    assert_eq!(
        service.promote(&ada).await.expect("promote"),
        Applied::Changed
    );
    let ada = s.user("ada").await;
    assert!(ada.admin);

    assert_eq!(
        service.demote(&ada).await.expect("demote"),
        Applied::Changed
    );
    let ada = s.user("ada").await;
    assert!(!ada.admin);
    assert_eq!(
        service.demote(&ada).await.expect("demote"),
        Applied::AlreadySo
    );
}

/// Deactivating or demoting the caller is `Refused`: nobody holding the key
/// could undo it.
pub async fn deactivating_or_demoting_the_caller_is_refused(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);
    let ada = s.user("ada").await;
    service.promote(&ada).await.expect("a second admin");
    let root = s.user("root").await;

    expect_err!(service.deactivate(&root).await, Error::Refused { .. });
    expect_err!(service.demote(&root).await, Error::Refused { .. });

    let after = s.user("root").await;
    assert!(after.admin && after.is_active(), "{after:?}");
}

/// Offboarding the caller, or the last active admin who is a person, is
/// `Refused` when planning: nothing is done.
pub async fn offboarding_the_caller_or_the_last_active_admin_is_refused(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let root = s.user("root").await;

    expect_err!(
        s.service(&s.fx.root).plan_offboarding(&root).await,
        Error::Refused { .. }
    );
    expect_err!(
        UserAdmin::new(s.as_account(&s.fx.ops_bot))
            .plan_offboarding(&root)
            .await,
        Error::Refused { .. }
    );

    assert_eq!(s.user("root").await, root);
}

/// The service deactivates and reactivates once, and finds a repeat done;
/// the user's keys stop working and work again.
pub async fn deactivate_then_reactivate_reports_each_change_once(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let service = s.service(&s.fx.root);

    let adam = s.user("adam").await;
    assert_eq!(
        service.deactivate(&adam).await.expect("deactivate"),
        Applied::Changed
    );
    let adam = s.user("adam").await;
    assert_eq!(
        service.deactivate(&adam).await.expect("again"),
        Applied::AlreadySo
    );
    expect_err!(
        holder(&s, &s.fx.adam.secret()).await,
        Error::Unauthenticated { .. }
    );

    assert_eq!(
        service.reactivate(&adam).await.expect("reactivate"),
        Applied::Changed
    );
    let adam = s.user("adam").await;
    assert_eq!(
        service.reactivate(&adam).await.expect("again"),
        Applied::AlreadySo
    );
    holder(&s, &s.fx.adam.secret())
        .await
        .expect("adam's key works again");
}

/// A deactivation whose answer was lost is settled by reading the user back:
/// the service reports the change made.
pub async fn deactivate_after_a_lost_answer_is_settled_by_reading_back(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let adele = s.user("adele").await;
    s.world.stage(Fault::LoseAnswer(Mutation::DeactivateUser));

    let applied = s
        .service(&s.fx.root)
        .deactivate(&adele)
        .await
        .expect("settled");

    assert_eq!(applied, Applied::Changed);
    assert!(!s.user("adele").await.is_active());
}
