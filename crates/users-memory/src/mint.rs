//! What the server makes up: ids, secrets, key labels and usernames.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::Rng as _;
use users_domain::{ApiKeyId, ApiKeyName, ApiKeySecret, Email, MemberId, TeamId, UserId};

/// The characters of a generated secret: those of a classic W&B key.
const SECRET_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const SECRET_CHARS: usize = 40;
const HEX: &[u8] = b"0123456789abcdef";

/// The opaque id W&B gives object `n` of `kind`: base64 of `Kind:n`.
pub(crate) fn opaque_id(kind: &str, n: u64) -> String {
    STANDARD.encode(format!("{kind}:{n}"))
}

pub(crate) fn key_id(n: u64) -> ApiKeyId {
    ApiKeyId::parse(opaque_id("ApiKey", n)).expect("base64 text is a valid api key id")
}

/// The serial number of an id this server minted for `kind` (`Kind:n`).
fn serial(kind: &str, id: &str) -> Option<u64> {
    let bytes = STANDARD.decode(id).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let serial: u64 = text.strip_prefix(kind)?.strip_prefix(':')?.parse().ok()?;
    // `ApiKey:01` is not an id this server minted.
    (opaque_id(kind, serial) == id).then_some(serial)
}

/// The serial number of a key id this server minted (`ApiKey:n`).
pub(crate) fn key_serial(id: &ApiKeyId) -> Option<u64> {
    serial("ApiKey", id.as_str())
}

pub(crate) fn user_id(n: u64) -> UserId {
    UserId::parse(opaque_id("User", n)).expect("base64 text is a valid user id")
}

/// The user's place (from 0) that a user id or a joined member's id names.
pub(crate) fn user_place(id: &str) -> Option<usize> {
    let n = serial("User", id)?;
    usize::try_from(n).ok()?.checked_sub(1)
}

/// A member's id: the user's own, as W&B lists a member who joined.
pub(crate) fn member_id(n: u64) -> MemberId {
    MemberId::parse(opaque_id("User", n)).expect("base64 text is a valid member id")
}

pub(crate) fn team_id(n: u64) -> TeamId {
    TeamId::parse(opaque_id("Entity", n)).expect("base64 text is a valid team id")
}

/// A fresh random secret of 40 characters from `[a-z0-9]`.
pub(crate) fn secret() -> ApiKeySecret {
    let text = random_text(SECRET_ALPHABET, SECRET_CHARS);
    ApiKeySecret::parse(text).expect("40 characters of [a-z0-9] make a valid api key")
}

/// A label for a generated key: never the secret, never shaped like one.
pub(crate) fn key_label() -> ApiKeyName {
    let label = format!("key-{}", random_text(HEX, 10));
    ApiKeyName::parse(label).expect("key- and 10 hex digits make a valid key name")
}

fn random_text(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// The username a new user gets before it is made unique: the email's local
/// part, lower-cased, with every character other than `[a-z0-9._-]` made `-`.
pub(crate) fn username_base(email: &Email) -> String {
    let local = email.as_str().split('@').next().unwrap_or_default();
    local
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The username a new service account gets before it is made unique: its
/// description lower-cased, each run of characters outside `[a-z0-9]` made
/// one `-`, at most 32 characters; `service-account` when nothing is left.
pub(crate) fn service_username_base(description: &str) -> String {
    let mut slug = String::new();
    for c in description.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 32 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "service-account".to_owned()
    } else {
        slug.to_owned()
    }
}

/// `base`, else the first of `base-2`, `base-3`… that `taken` refuses.
pub(crate) fn unique_username(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    // Ends: `taken` refuses only the finitely many names already in use.
    let mut n = 2_u64;
    loop {
        let candidate = format!("{base}-{n}");
        if !taken(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;

    #[test]
    fn ids_are_base64_of_type_and_number() {
        assert_eq!(user_id(1).as_str(), "VXNlcjox");
        assert_eq!(user_id(123).as_str(), "VXNlcjoxMjM=");
        assert_eq!(key_id(1830).as_str(), "QXBpS2V5OjE4MzA=");
    }

    #[test]
    fn secrets_are_forty_key_characters() {
        let secret = secret();
        let text = secret.expose_secret();
        assert_eq!(text.len(), 40);
        assert!(
            text.bytes().all(|b| SECRET_ALPHABET.contains(&b)),
            "bad character"
        );
        assert!(ApiKeySecret::is_key_shaped(text));
    }

    #[test]
    fn labels_are_not_key_shaped() {
        let label = key_label();
        assert!(!label.is_secret());
        assert_eq!(label.reveal().len(), 14);
        assert!(label.reveal().starts_with("key-"));
    }

    #[test]
    fn usernames_come_from_the_local_part() {
        let cases = [
            ("ada@example.com", "ada"),
            ("Ada.Lovelace@example.com", "ada.lovelace"),
            ("a+b_c-d@example.com", "a-b_c-d"),
            ("zoë@example.com", "zo-"),
        ];
        for (email, expected) in cases {
            let email = Email::parse(email).unwrap();
            assert_eq!(username_base(&email), expected);
        }
    }

    #[test]
    fn ids_read_back_only_as_this_server_mints_them() {
        assert_eq!(user_place(user_id(1).as_str()), Some(0));
        assert_eq!(user_place(member_id(42).as_str()), Some(41));
        assert_eq!(user_place(&opaque_id("User", 0)), None);
        assert_eq!(user_place(&STANDARD.encode("User:01")), None);
        assert_eq!(user_place(key_id(1).as_str()), None);
        assert_eq!(user_place("not base64!"), None);
        assert_eq!(team_id(3).as_str(), "RW50aXR5OjM=");
        assert_eq!(key_serial(&key_id(1830)), Some(1830));
    }

    #[test]
    fn service_usernames_are_slugs_of_the_description() {
        assert_eq!(service_username_base("CI runner"), "ci-runner");
        assert_eq!(
            service_username_base("  Nightly -- eval #3 "),
            "nightly-eval-3"
        );
        assert_eq!(service_username_base("!!!"), "service-account");
        assert_eq!(service_username_base(&"x".repeat(100)).len(), 32);
    }

    #[test]
    fn taken_usernames_get_a_counter() {
        assert_eq!(unique_username("ada", |_| false), "ada");
        assert_eq!(unique_username("ada", |u| u == "ada"), "ada-2");
        assert_eq!(
            unique_username("ada", |u| ["ada", "ada-2"].contains(&u)),
            "ada-3"
        );
    }
}
