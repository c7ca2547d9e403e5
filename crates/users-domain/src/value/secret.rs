use std::fmt;

use std::io::Read;

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

/// The secret half of an API key: what goes into the `Authorization` header.
///
/// Valid by the official SDK's rules: either a JWT (three dot-separated
/// base64url parts), or an optional prefix ending in `-` (on-prem servers use
/// `local-`) followed by at least 40 letters, digits, `_` or `-`.
///
/// It has no `Display` and no `Serialize`; its `Debug` shows nothing of it. Reach
/// the value with [`ExposeSecret::expose_secret`] on the one line that needs it.
#[derive(Clone)]
pub struct ApiKeySecret(SecretString);

/// Why a string is not a usable API key. Never quotes the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiKeySecretError {
    /// The string is empty.
    #[error("api key is empty")]
    Empty,
    /// After its prefix, the key holds something other than letters, digits,
    /// `_` or `-` (and it is not a JWT).
    #[error("api key may only contain letters, digits, '_' and '-' after its prefix")]
    BadCharacter,
    /// The part after the prefix is shorter than the 40 characters the SDK requires.
    #[error("api key must have 40+ characters after its prefix, has {length}")]
    TooShort {
        /// How many characters the part after the prefix has: a count, never
        /// any of the characters themselves.
        length: usize,
    },
}

/// The most a key file may hold: a key is far shorter, and reading stops
/// here so that a wrong path (`/dev/zero`) fails fast instead of filling memory.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Why a key file does not give a key. Never quotes the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileError {
    /// The file could not be read.
    #[error("cannot read it: {0}")]
    Read(#[source] std::io::Error),
    /// The file is longer than any key file.
    #[error("it holds more than {limit} bytes, and a key file holds only the key")]
    TooLarge {
        /// [`MAX_KEY_FILE_BYTES`].
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("it is not UTF-8 text")]
    NotText,
    /// The text is not a key by the SDK's rules.
    #[error("it does not hold a valid api key: {0}")]
    Invalid(#[source] ApiKeySecretError),
}

/// The shortest secret part the official SDK accepts.
const MIN_SECRET_CHARS: usize = 40;

impl ApiKeySecret {
    /// Parses an API key, consuming the input so no stray copy stays behind.
    ///
    /// # Errors
    ///
    /// An [`ApiKeySecretError`] that says which rule failed, without the key.
    pub fn parse(value: impl Into<SecretString>) -> Result<Self, ApiKeySecretError> {
        let secret = value.into();
        check(secret.expose_secret())?;
        Ok(Self(secret))
    }

    /// What may be shown of the key to say which one it is: `abcd…wxyz`
    /// (only `…` for a key too short to spare eight characters).
    pub fn hint(&self) -> String {
        // A copy of the whole key, as characters: zeroed when dropped.
        let text = self.0.expose_secret();
        // Sized once: a growing Vec would leave the copies it outgrew unzeroed.
        let mut chars = Zeroizing::new(Vec::with_capacity(text.len()));
        chars.extend(text.chars());
        super::echo::hint(&chars)
    }

    /// Whether `c` may appear in a key after its prefix: letters, digits, `_`, `-`.
    pub fn is_key_character(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }

    /// Reads a key file: at most [`MAX_KEY_FILE_BYTES`], UTF-8, the key alone
    /// with any white space around it. Every buffer that held the text is
    /// zeroed before it is freed.
    ///
    /// # Errors
    ///
    /// A [`KeyFileError`] that says what is wrong with the file, never
    /// quoting it.
    pub fn read_key_file(reader: impl Read) -> Result<Self, KeyFileError> {
        // Room for the whole file at once: a growing buffer would leave the
        // copies it outgrew unzeroed.
        let mut bytes = Zeroizing::new(Vec::with_capacity(
            usize::try_from(MAX_KEY_FILE_BYTES + 1).unwrap_or(usize::MAX),
        ));
        reader
            .take(MAX_KEY_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(KeyFileError::Read)?;
        if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
            return Err(KeyFileError::TooLarge {
                limit: MAX_KEY_FILE_BYTES,
            });
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| KeyFileError::NotText)?;
        Self::parse(text.trim().to_owned()).map_err(KeyFileError::Invalid)
    }

    /// Whether `text` has the shape of an API key (used to tell a legacy key
    /// name, which *is* the secret, from a plain label).
    pub fn is_key_shaped(text: &str) -> bool {
        check(text).is_ok()
    }
}

fn check(key: &str) -> Result<(), ApiKeySecretError> {
    if key.is_empty() {
        return Err(ApiKeySecretError::Empty);
    }
    if is_jwt(key) {
        return Ok(());
    }
    // Split at the first dash, as the SDK does: what follows may hold dashes too.
    let secret = key.split_once('-').map_or(key, |(_, rest)| rest);
    if !secret.chars().all(ApiKeySecret::is_key_character) {
        return Err(ApiKeySecretError::BadCharacter);
    }
    let length = secret.chars().count();
    if length < MIN_SECRET_CHARS {
        return Err(ApiKeySecretError::TooShort { length });
    }
    Ok(())
}

/// Three dot-separated base64url parts whose first is a JSON object (`{"`
/// encodes as `eyJ`): a label such as `v1.2.3` is not a JWT.
fn is_jwt(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.chars().all(ApiKeySecret::is_key_character))
}

impl ExposeSecret<str> for ApiKeySecret {
    fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl TryFrom<String> for ApiKeySecret {
    type Error = ApiKeySecretError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl TryFrom<SecretString> for ApiKeySecret {
    type Error = ApiKeySecretError;
    fn try_from(value: SecretString) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl fmt::Debug for ApiKeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKeySecret([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FORTY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

    #[test]
    fn a_key_file_is_read_trimmed() {
        let key = ApiKeySecret::read_key_file(format!("  {FORTY}\n").as_bytes()).unwrap();
        assert_eq!(key.expose_secret(), FORTY);
    }

    #[test]
    fn a_key_file_is_refused_for_size_encoding_and_content_without_quoting_it() {
        let huge = std::io::repeat(b'a').take(MAX_KEY_FILE_BYTES * 4);
        assert!(matches!(
            ApiKeySecret::read_key_file(huge),
            Err(KeyFileError::TooLarge { .. })
        ));
        assert!(matches!(
            ApiKeySecret::read_key_file(&[0xff, 0xfe][..]),
            Err(KeyFileError::NotText)
        ));
        let short = &FORTY[..30];
        let error = ApiKeySecret::read_key_file(short.as_bytes()).unwrap_err();
        assert!(matches!(
            error,
            KeyFileError::Invalid(ApiKeySecretError::TooShort { length: 30 })
        ));
        assert!(!error.to_string().contains(short), "{error}");
    }

    #[test]
    fn a_classic_forty_character_key_parses() {
        let key = ApiKeySecret::parse(FORTY.to_owned()).unwrap();
        assert_eq!(key.expose_secret(), FORTY);
    }

    #[test]
    fn an_on_prem_prefix_is_not_counted() {
        assert!(ApiKeySecret::parse(format!("local-{FORTY}")).is_ok());
        assert_eq!(
            ApiKeySecret::parse(format!("local-{}", &FORTY[..39])).unwrap_err(),
            ApiKeySecretError::TooShort { length: 39 }
        );
    }

    #[test]
    fn a_jwt_is_accepted_whatever_its_length() {
        assert!(ApiKeySecret::parse("eyJh.eyJz.c2ln".to_owned()).is_ok());
        assert!(ApiKeySecret::parse("a..b".to_owned()).is_err());
    }

    #[test]
    fn a_dotted_label_is_not_a_jwt() {
        for label in ["v1.2.3", "a.b.c", "ci.runner.key"] {
            assert!(ApiKeySecret::parse(label.to_owned()).is_err(), "{label}");
            assert!(!ApiKeySecret::is_key_shaped(label), "{label}");
        }
    }

    #[test]
    fn bad_keys_are_refused_without_quoting_them() {
        let sentinel = format!("{FORTY}!");
        let error = ApiKeySecret::parse(sentinel.clone()).unwrap_err();
        assert_eq!(error, ApiKeySecretError::BadCharacter);
        assert!(!error.to_string().contains(FORTY));
        assert_eq!(
            ApiKeySecret::parse(String::new()).unwrap_err(),
            ApiKeySecretError::Empty
        );
    }

    #[test]
    fn a_hint_shows_eight_characters_of_a_long_key_and_none_of_a_short_one() {
        let key = ApiKeySecret::parse(FORTY.to_owned()).unwrap();
        assert_eq!(key.hint(), "0123…ABCD");
        let jwt = ApiKeySecret::parse("eyJh.eyJz.c2ln".to_owned()).unwrap();
        assert_eq!(jwt.hint(), "…");
    }

    #[test]
    fn debug_shows_nothing_of_the_key() {
        let key = ApiKeySecret::parse(FORTY.to_owned()).unwrap();
        let debug = format!("{key:?}");
        assert_eq!(debug, "ApiKeySecret([redacted])");
    }

    proptest! {
        #[test]
        fn keys_of_forty_or_more_key_characters_parse(key in "[A-Za-z0-9_]{40,90}", prefix in "([a-z]{1,8}-)?") {
            let text = format!("{prefix}{key}");
            prop_assert!(ApiKeySecret::parse(text).is_ok());
        }

        #[test]
        fn keys_shorter_than_forty_are_refused(key in "[A-Za-z0-9_]{1,39}") {
            let error = ApiKeySecret::parse(key.clone()).unwrap_err();
            prop_assert_eq!(error, ApiKeySecretError::TooShort { length: key.len() });
        }

        #[test]
        fn a_key_with_a_foreign_character_is_refused(head in "[a-z0-9]{20}", odd in "[ !#$%&*+/:;=?@~é]", tail in "[a-z0-9]{20}") {
            let text = format!("{head}{odd}{tail}");
            prop_assert!(ApiKeySecret::parse(text).is_err());
        }
    }
}
