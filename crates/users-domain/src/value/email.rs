use std::fmt;

/// An email address, as W&B identifies people by it.
///
/// The rule is deliberately practical rather than RFC 5322 in full: one `@`, a
/// local part of 1–64 visible characters, a domain of dot-separated labels made
/// of letters, digits and `-`, 254 characters in all, no white space. Case is
/// kept as given; [`Email::eq_ignore_case`] compares the way the server does.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

/// Why a string is not a valid email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// The string is empty.
    #[error("email is empty")]
    Empty,
    /// The address is longer than 254 characters.
    #[error("email is longer than 254 characters")]
    TooLong,
    /// The address holds white space or a control character.
    #[error("email contains white space or a control character")]
    BadCharacter,
    /// The address has no `@`, or more than one.
    #[error("email must contain exactly one '@'")]
    NotOneAt,
    /// The part before the `@` is empty or longer than 64 characters.
    #[error("email has nothing before the '@', or more than 64 characters there")]
    BadLocalPart,
    /// The part after the `@` is not dot-separated labels of letters, digits
    /// and `-` (a label may not start or end with `-`, nor exceed 63 characters).
    #[error("email domain must be dot-separated labels of letters, digits and '-'")]
    BadDomain,
}

impl Email {
    /// Parses an email address.
    ///
    /// # Errors
    ///
    /// An [`EmailError`] naming the first rule the value breaks.
    pub fn parse(value: impl Into<String>) -> Result<Self, EmailError> {
        let value = value.into();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::BadCharacter);
        }
        let mut parts = value.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::NotOneAt);
        };
        if local.is_empty() || local.chars().count() > 64 {
            return Err(EmailError::BadLocalPart);
        }
        if !domain.split('.').all(is_domain_label) {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(value))
    }

    /// Whether two addresses name the same mailbox, ignoring ASCII case.
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_domain_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl TryFrom<&str> for Email {
    type Error = EmailError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({:?})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_addresses_parse() {
        for ok in [
            "ada@example.com",
            "a.b+tag@sub.example.co",
            "root@localhost",
        ] {
            assert_eq!(Email::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn each_broken_rule_has_its_own_reason() {
        let cases = [
            ("", EmailError::Empty),
            ("ada example.com", EmailError::BadCharacter),
            ("ada.example.com", EmailError::NotOneAt),
            ("a@b@example.com", EmailError::NotOneAt),
            ("@example.com", EmailError::BadLocalPart),
            ("ada@", EmailError::BadDomain),
            ("ada@example..com", EmailError::BadDomain),
            ("ada@-example.com", EmailError::BadDomain),
        ];
        for (input, expected) in cases {
            assert_eq!(Email::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn comparison_ignores_case() {
        let email = Email::parse("Ada@Example.com").unwrap();
        assert!(email.eq_ignore_case("ada@example.COM"));
        assert!(!email.eq_ignore_case("ada@example.org"));
    }

    proptest! {
        #[test]
        fn generated_addresses_round_trip(local in "[a-z0-9._+]{1,64}", domain in "[a-z0-9]{1,20}(\\.[a-z]{2,6}){0,2}") {
            let text = format!("{local}@{domain}");
            let parsed = Email::parse(text.clone()).unwrap();
            prop_assert_eq!(parsed.to_string(), text);
        }

        #[test]
        fn strings_without_an_at_never_parse(text in "[a-z.]{0,40}") {
            prop_assert!(Email::parse(text).is_err());
        }
    }
}
