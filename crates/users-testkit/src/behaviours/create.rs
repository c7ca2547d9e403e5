use users_domain::{Email, Error};

use crate::setup::{Setup, emails, expect_err, keys};
use crate::{Fault, Harness, Mutation};

fn email(text: &str) -> Email {
    Email::parse(text).expect("a valid email in the suite")
}

/// `create_user` by a member is `PermissionDenied`, and creates nobody.
pub async fn create_by_a_member_is_permission_denied(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let wanted = email("denied-create@fixture.test");

    expect_err!(
        s.as_(&s.fx.ada).create_user(&wanted, false).await,
        Error::PermissionDenied { .. }
    );

    let after = s
        .admin()
        .search_users("denied-create")
        .await
        .expect("search");
    assert_eq!(emails(&after), Vec::<String>::new());
}

/// `create_user` with an email taken in another case is `AlreadyExists`.
pub async fn create_with_a_taken_email_in_other_case_already_exists(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin()
            .create_user(&email("ADA@Fixture.Test"), false)
            .await,
        Error::AlreadyExists { .. }
    );

    let after = s
        .admin()
        .search_users("ada@fixture.test")
        .await
        .expect("search");
    assert_eq!(emails(&after), ["ada@fixture.test"]);
}

/// `create_user` returns the user it made, which search then finds, without keys.
pub async fn create_returns_the_new_user(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let wanted = email("created-member@fixture.test");

    let created = s.admin().create_user(&wanted, false).await.expect("create");

    assert_eq!(created.email.as_ref(), Some(&wanted));
    assert!(!created.admin);
    let found = s.find(wanted.as_str()).await;
    assert_eq!(found.id, created.id);
    assert_eq!(found.username, created.username);
    assert!(!found.admin);
    assert_eq!(found.deleted_at, None);
    assert_eq!(keys(&found).len(), 0);
}

/// `create_user` with `admin` makes an instance admin.
pub async fn create_admin_makes_an_instance_admin(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let wanted = email("created-admin@fixture.test");

    let created = s.admin().create_user(&wanted, true).await.expect("create");

    assert!(created.admin);
    assert!(s.find(wanted.as_str()).await.admin);
}

/// A create whose answer is lost is `Ambiguous` (and the server did create
/// the user); a create whose answer arrives is never `Ambiguous`.
pub async fn create_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let wanted = email("lost-create@fixture.test");
    let staged = s.world.stage(Fault::LoseAnswer(Mutation::CreateUser));

    let result = s.admin().create_user(&wanted, false).await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        let created = result.expect("create");
        assert_eq!(created.email.as_ref(), Some(&wanted));
    }
    assert_eq!(s.find(wanted.as_str()).await.email.as_ref(), Some(&wanted));
}
