//! The bootstrap admin and the admin key: a seed in which the admin key could
//! not act as an admin is refused with an error of its own, naming what to change.

use users_emulator::EmulatorError;
use users_memory::{Seed, SeedKey, SeedUser};

use crate::support::emulator::{ADMIN_KEY, BOB_KEY, admin_holding_the_key, start_with};

async fn start_error(seed: Seed) -> EmulatorError {
    start_with(seed).await.unwrap_err()
}

/// One line, without the admin key.
fn message(error: &EmulatorError) -> String {
    let message = error.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(!message.contains(ADMIN_KEY), "{message}");
    message
}

fn bob() -> SeedUser {
    SeedUser::new("bob@example.com").key(SeedKey::new(BOB_KEY))
}

#[tokio::test]
async fn a_soft_deleted_holder_of_the_admin_key_is_refused_by_its_seed_index() {
    let seed = Seed::new()
        .user(bob())
        .user(admin_holding_the_key("root@example.com").deleted_at("2024-01-01T00:00:00Z"));

    let error = start_error(seed).await;

    assert!(
        matches!(&error, EmulatorError::AdminKeyHolderDeleted { index: 1, email } if email == "root@example.com"),
        "{error:?}"
    );
    let message = message(&error);
    assert!(message.contains("users[1]"), "{message}");
    assert!(message.contains("deleted_at"), "{message}");
}

#[tokio::test]
async fn a_non_admin_holder_of_the_admin_key_is_refused() {
    let seed = Seed::new().user(bob()).user(
        SeedUser::new("carol@example.com")
            .admin(false)
            .key(SeedKey::new(ADMIN_KEY)),
    );

    let error = start_error(seed).await;

    assert!(
        matches!(&error, EmulatorError::AdminKeyHolderNotAdmin { index: 1, email } if email == "carol@example.com"),
        "{error:?}"
    );
    let message = message(&error);
    assert!(message.contains("users[1]"), "{message}");
    assert!(message.contains("not an admin"), "{message}");
}

#[tokio::test]
async fn a_seeded_user_with_the_bootstrap_email_but_not_the_key_is_refused() {
    let seed = Seed::new()
        .user(bob())
        .user(SeedUser::new("Admin@Localhost").username("root"));

    let error = start_error(seed).await;

    assert!(
        matches!(error, EmulatorError::BootstrapEmailTaken),
        "{error:?}"
    );
    let message = message(&error);
    assert!(message.contains("admin@localhost"), "{message}");
    assert!(!message.contains("users["), "{message}");
}

#[tokio::test]
async fn a_seeded_user_with_the_bootstrap_username_but_not_the_key_is_refused() {
    let given = Seed::new().user(SeedUser::new("ops@example.com").username("Admin"));
    // A username left out is derived from the email's local part.
    let derived = Seed::new()
        .user(bob())
        .user(SeedUser::new("admin@example.com"));

    for seed in [given, derived] {
        let error = start_error(seed).await;

        assert!(
            matches!(error, EmulatorError::BootstrapUsernameTaken),
            "{error:?}"
        );
        let message = message(&error);
        assert!(message.contains("username admin"), "{message}");
        assert!(!message.contains("users["), "{message}");
    }
}

#[tokio::test]
async fn a_seeded_admin_may_hold_the_key_under_the_bootstrap_admins_name() {
    let seed = Seed::new().user(admin_holding_the_key("admin@localhost"));

    let emulator = start_with(seed).await;

    assert!(emulator.is_ok(), "{:?}", emulator.err());
}
