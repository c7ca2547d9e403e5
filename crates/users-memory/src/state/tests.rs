//! The indexes answer as a scan of every user would, through inserts, new
//! keys and deletions.

use secrecy::ExposeSecret as _;
use users_domain::{ApiKeyId, ApiKeySecret, Email, Username};

use super::{Index, NewKey, NewUser, State};
use crate::mint;

fn new_user(email: &str, username: &str, secrets: &[&ApiKeySecret]) -> NewUser {
    NewUser {
        name: String::new(),
        username: Username::parse(username).unwrap(),
        email: Some(Email::parse(email).unwrap()),
        admin: false,
        service: false,
        flags: None,
        deleted_at: None,
        keys: secrets.iter().map(|secret| new_key(secret)).collect(),
    }
}

fn new_key(secret: &ApiKeySecret) -> NewKey {
    NewKey {
        secret: secret.clone(),
        name: mint::key_label(),
        description: None,
    }
}

/// What each index should say, read off the users themselves.
fn assert_indexes_match_a_scan(state: &State, secrets: &[ApiKeySecret], ids: &[ApiKeyId]) {
    for secret in secrets {
        let secret = secret.expose_secret();
        let scanned = state.users().iter().position(|user| {
            user.keys
                .iter()
                .any(|key| key.secret.expose_secret() == secret)
        });
        assert_eq!(state.holder_of(secret), scanned);
    }
    for id in ids {
        let scanned = state
            .users()
            .iter()
            .position(|user| user.keys.iter().any(|key| key.meta().id == *id));
        assert_eq!(state.key_owner(id), scanned, "{id}");
    }
    for probe in [
        "ada@example.com",
        "ADA@EXAMPLE.COM",
        "zoë@example.com",
        "ZOË@example.com",
        "bob@example.com",
    ] {
        let scanned = state
            .users()
            .iter()
            .any(|user| user.email.as_ref().is_some_and(|e| e.eq_ignore_case(probe)));
        assert_eq!(state.email_taken(probe), scanned, "{probe}");
    }
    for probe in ["ada", "ADA", "zoë", "ZOË", "bob", "ada-2"] {
        let scanned = state
            .users()
            .iter()
            .any(|user| user.username.as_str().eq_ignore_ascii_case(probe));
        assert_eq!(state.username_taken(probe), scanned, "{probe}");
    }
    let keys: usize = state.users().iter().map(|user| user.keys.len()).sum();
    assert_eq!(state.key_count(), keys);
}

#[test]
fn indexes_follow_inserts_new_keys_and_deletions() {
    let secrets: Vec<ApiKeySecret> = (0..4).map(|_| mint::secret()).collect();
    let mut state = State::default();

    let ada = state.insert(new_user("Ada@Example.com", "Ada", &[&secrets[0]]));
    let zoe = state.insert(new_user("zoë@example.com", "zoë", &[&secrets[1]]));
    let extra = state.add_key(ada, new_key(&secrets[2]));
    let ids: Vec<ApiKeyId> = state
        .users()
        .iter()
        .flat_map(|user| user.keys.iter().map(|key| key.meta().id.clone()))
        .collect();
    assert_indexes_match_a_scan(&state, &secrets, &ids);
    assert_eq!(state.holder_of(secrets[2].expose_secret()), Some(ada));
    assert_eq!(state.holder_of(secrets[1].expose_secret()), Some(zoe));
    assert_eq!(state.holder_of(secrets[3].expose_secret()), None);

    let zoes = state.users()[zoe].keys[0].meta().id.clone();
    assert!(state.remove_key(&extra.id));
    assert!(!state.remove_key(&extra.id));
    assert!(state.remove_key(&zoes));

    assert_indexes_match_a_scan(&state, &secrets, &ids);
    assert_eq!(state.holder_of(secrets[2].expose_secret()), None);
    assert_eq!(state.holder_of(secrets[1].expose_secret()), None);
    assert_eq!(state.holder_of(secrets[0].expose_secret()), Some(ada));
    assert_eq!(state.key_owner(&extra.id), None);
    assert_eq!(state.key_count(), 1);
}

#[test]
fn a_stored_user_is_found_by_its_names_ignoring_case() {
    let mut state = State::default();
    let index = state.insert(new_user("ZOË.X@Example.COM", "ZOË", &[]));
    let index = Index::try_from(index).unwrap();

    assert_eq!(*state.matching("zoë.x@"), [index]);
    assert_eq!(*state.matching("Zoë"), [index]);
    assert_eq!(*state.matching("EXAMPLE.com"), [index]);
}

#[test]
fn a_hash_shared_by_several_users_keeps_each_until_removed() {
    let mut index = super::HashIndex::default();
    for user in [4, 7, 9] {
        index.insert(42, user);
    }
    index.insert(42, 4);
    let listed = |index: &super::HashIndex| {
        let mut found: Vec<Index> = index.candidates(42).collect();
        found.sort_unstable();
        found
    };
    assert_eq!(listed(&index), [4, 7, 9]);

    index.remove(42, 4);
    assert_eq!(listed(&index), [7, 9]);
    index.remove(42, 9);
    assert_eq!(listed(&index), [7]);
    index.remove(42, 5);
    assert_eq!(listed(&index), [7]);
    index.remove(42, 7);
    assert_eq!(listed(&index), Vec::<Index>::new());
    assert_eq!(index.candidates(41).count(), 0);
}

#[test]
fn a_stored_user_stays_small() {
    // The bulk of a world of millions: every byte here is a megabyte there.
    // Teams, account type and creation time fit in what the user took before.
    assert!(
        std::mem::size_of::<super::StoredUser>() <= 168,
        "{}",
        std::mem::size_of::<super::StoredUser>()
    );
}

#[test]
fn a_user_without_email_is_found_by_username_only() {
    let mut state = State::default();
    let bot = state.insert(NewUser {
        email: None,
        service: true,
        ..new_user("unused@example.com", "ci-bot", &[])
    });

    assert_eq!(state.user_named("CI-BOT"), Some(bot));
    assert_eq!(state.user_with_email("unused@example.com"), None);
    assert!(!state.email_taken("unused@example.com"));
    assert_eq!(
        state.to_user(bot).account_type,
        Some(users_domain::AccountType::Service)
    );
}

#[test]
fn deactivation_is_stamped_by_the_worlds_clock_and_undone_by_reactivation() {
    let mut state = State::default();
    let ada = state.insert(new_user("ada@example.com", "ada", &[]));
    let created = state.to_user(ada).created_at.unwrap();

    state.deactivate(ada);
    let deleted = state.to_user(ada).deleted_at.unwrap();
    state.deactivate(ada);

    assert_eq!(created.to_string(), "2024-01-01T00:00:01Z");
    assert!(deleted > created);
    assert_eq!(state.to_user(ada).deleted_at, Some(deleted), "stamped once");
    state.reactivate(ada);
    assert_eq!(state.to_user(ada).deleted_at, None);
}
