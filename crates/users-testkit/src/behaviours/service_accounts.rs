//! `create_service_account` and `service_account_secret`, and the keys a
//! service account holds.

use users_domain::{AccountType, Error, ExposeSecret as _};

use crate::setup::{Setup, expect_err, holder, member_id, members, team_name, teams_of};
use crate::{Fault, Harness, Mutation};

/// `create_service_account` returns the new account itself: listed last in
/// the team, with account type service and its description as name; the
/// server lists it as a user of that account type, in that team.
pub async fn create_service_account_returns_the_account_listed_last(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let created = s
        .as_(&s.fx.ada)
        .create_service_account(&team_name("ml"), "Nightly evals")
        .await
        .expect("a team admin creates");

    assert_eq!(created.account_type, Some(AccountType::Service));
    assert_eq!(created.name, "Nightly evals");
    let ml = s.team("ml").await;
    let last = members(&ml).last().expect("a member");
    assert_eq!(last.id, created.id, "the new account is listed last");
    assert_eq!(last.account_type, Some(AccountType::Service));
    let username = created
        .username
        .clone()
        .expect("a joined member has a username");
    let user = s.listed(username.as_str()).await;
    assert!(user.is_service_account(), "{user:?}");
    assert_eq!(user.name, "Nightly evals");
    assert_eq!(member_id(&user), created.id);
    assert_eq!(teams_of(&user), ["ml"]);
}

/// Two service accounts with one description are two accounts.
pub async fn service_accounts_with_one_description_are_distinct(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let admin = s.admin();

    let first = admin
        .create_service_account(&team_name("research"), "CI runner")
        .await
        .expect("create");
    let second = admin
        .create_service_account(&team_name("research"), "CI runner")
        .await
        .expect("create again");

    assert_ne!(first.id, second.id);
    assert_ne!(first.username, second.username);
    let research = s.team("research").await;
    let ids: Vec<_> = members(&research).iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids[ids.len() - 2..], [first.id, second.id]);
}

/// `create_service_account` in a team that does not exist is `NotFound`.
pub async fn create_service_account_in_an_unknown_team_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    expect_err!(
        s.admin()
            .create_service_account(&team_name("no-such-team"), "Nightly evals")
            .await,
        Error::NotFound { .. }
    );
}

/// `create_service_account` by a user who does not manage the team is
/// `PermissionDenied`, and makes no account.
pub async fn create_service_account_by_a_user_who_does_not_manage_the_team_is_permission_denied(
    harness: &dyn Harness,
) {
    let s = Setup::start(harness).await;
    let before = s.team("ml").await;

    expect_err!(
        s.as_(&s.fx.adam)
            .create_service_account(&team_name("ml"), "Nightly evals")
            .await,
        Error::PermissionDenied { .. }
    );

    assert_eq!(s.team("ml").await, before);
}

/// A creation whose answer is lost is `Ambiguous` (and the server did make
/// the account, last in the team); one whose answer arrives is never `Ambiguous`.
pub async fn create_service_account_with_a_lost_answer_is_ambiguous(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let staged = s
        .world
        .stage(Fault::LoseAnswer(Mutation::CreateServiceAccount));

    let result = s
        .admin()
        .create_service_account(&team_name("ml"), "Lost evals")
        .await;

    if staged {
        expect_err!(result, Error::Ambiguous { .. });
    } else {
        result.expect("create");
    }
    let ml = s.team("ml").await;
    let last = members(&ml).last().expect("a member");
    assert_eq!(
        (last.name.as_str(), last.account_type),
        ("Lost evals", Some(AccountType::Service))
    );
}

/// A service account's key authenticates as the account, a user of account
/// type service in its team.
pub async fn a_service_accounts_key_authenticates_as_the_account(harness: &dyn Harness) {
    let s = Setup::start(harness).await;

    let me = s
        .as_account(&s.fx.ci_bot)
        .viewer()
        .await
        .expect("the account's key works");

    assert_eq!(me.username.as_str(), "ci-bot");
    assert_eq!(me.name, "CI runner");
    assert_eq!(teams_of(&me), ["ml"]);
    assert!(s.listed("ci-bot").await.is_service_account());
    assert_eq!(
        s.listed(s.fx.adam.username).await.account_type,
        Some(AccountType::User)
    );
}

/// `service_account_secret` reveals nothing, or the account's own working
/// key: never anyone else's.
pub async fn service_account_secret_is_none_or_the_accounts_own_key(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ci_bot = s.user("ci-bot").await;

    let revealed = s
        .as_(&s.fx.ada)
        .service_account_secret(&team_name("ml"), &member_id(&ci_bot))
        .await
        .expect("a team admin asks");

    if let Some(secret) = revealed {
        let holder = holder(&s, &secret).await.expect("the key works");
        assert_eq!(holder.id, ci_bot.id);
        assert!(
            s.fx.members().iter().all(|m| m
                .keys
                .iter()
                .all(|k| k.secret.expose_secret() != secret.expose_secret())),
            "a person's key"
        );
    }
}

/// `service_account_secret` in a team that does not exist is `NotFound`.
pub async fn service_account_secret_in_an_unknown_team_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ci_bot = s.user("ci-bot").await;

    expect_err!(
        s.admin()
            .service_account_secret(&team_name("no-such-team"), &member_id(&ci_bot))
            .await,
        Error::NotFound { .. }
    );
}

/// `service_account_secret` of a user who is not in the team is `NotFound`.
pub async fn service_account_secret_of_a_non_member_is_not_found(harness: &dyn Harness) {
    let s = Setup::start(harness).await;
    let ops_bot = s.user("ops-bot").await;

    expect_err!(
        s.admin()
            .service_account_secret(&team_name("ml"), &member_id(&ops_bot))
            .await,
        Error::NotFound { .. }
    );
}
