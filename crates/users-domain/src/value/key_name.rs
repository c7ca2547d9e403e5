use std::fmt;

use super::ApiKeySecret;

/// The name of an API key as the server lists it.
///
/// On current servers this is a label. On older servers it was the 40-character
/// secret itself, so `Display` and `Debug` show only a hint (`abcd…wxyz`)
/// whenever the name has the shape of a key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiKeyName(String);

/// Why a string is not a valid API key name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiKeyNameError {
    /// The name is empty.
    #[error("api key name is empty")]
    Empty,
    /// The name is longer than 1024 characters.
    #[error("api key name is longer than 1024 characters")]
    TooLong,
    /// The name holds a control character (which could drive a terminal).
    #[error("api key name contains a control character")]
    ControlCharacter,
}

impl ApiKeyName {
    /// Parses a key name.
    ///
    /// # Errors
    ///
    /// When the name is empty, longer than 1024 characters or holds control characters.
    pub fn parse(value: impl Into<String>) -> Result<Self, ApiKeyNameError> {
        let value = value.into();
        if value.is_empty() {
            return Err(ApiKeyNameError::Empty);
        }
        if value.chars().count() > 1024 {
            return Err(ApiKeyNameError::TooLong);
        }
        if value.chars().any(char::is_control) {
            return Err(ApiKeyNameError::ControlCharacter);
        }
        Ok(Self(value))
    }

    /// Whether this name is, in fact, a secret (a legacy server's key name).
    pub fn is_secret(&self) -> bool {
        ApiKeySecret::is_key_shaped(&self.0)
    }

    /// The exact name, for matching and for the wire. It may be a legacy
    /// secret: show it to people through `Display`, which masks it.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// The name as it may be shown: in full for a label, `abcd…wxyz` for a secret.
    pub fn masked(&self) -> String {
        if self.is_secret() {
            super::echo::hint(&self.0.chars().collect::<Vec<_>>())
        } else {
            self.0.clone()
        }
    }
}

impl TryFrom<String> for ApiKeyName {
    type Error = ApiKeyNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl fmt::Display for ApiKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for ApiKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeyName({:?})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_label_is_shown_in_full() {
        let name = ApiKeyName::parse("ci-runner").unwrap();
        assert_eq!(name.to_string(), "ci-runner");
        assert!(!name.is_secret());
    }

    #[test]
    fn a_legacy_secret_name_shows_only_a_hint() {
        let secret = "abcd0123456789012345678901234567890wxyz";
        let secret = format!("{secret}9");
        let name = ApiKeyName::parse(secret.clone()).unwrap();
        assert!(name.is_secret());
        assert_eq!(name.to_string(), "abcd…xyz9");
        assert!(!format!("{name:?}").contains(&secret[4..36]));
        assert_eq!(name.reveal(), secret);
    }

    #[test]
    fn empty_and_control_names_are_refused() {
        assert_eq!(ApiKeyName::parse(""), Err(ApiKeyNameError::Empty));
        assert_eq!(
            ApiKeyName::parse("a\u{7}b"),
            Err(ApiKeyNameError::ControlCharacter)
        );
    }

    proptest! {
        #[test]
        fn no_key_shaped_name_leaks_its_middle(key in "[a-z0-9]{40,60}") {
            let name = ApiKeyName::parse(key.clone()).unwrap();
            let middle = &key[4..key.len() - 4];
            prop_assert!(!name.to_string().contains(middle));
            let debug = format!("{name:?}");
            prop_assert!(!debug.contains(middle));
        }
    }
}
