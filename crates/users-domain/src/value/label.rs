//! Short identifiers the server hands out or accepts verbatim. They share one
//! rule (non-empty, bounded, no white space or control characters) but are
//! distinct types so that a user id can never be passed where a key id belongs.

/// Defines a newtype over `String` holding a short opaque identifier, with its own error.
macro_rules! label_type {
    ($(#[$doc:meta])* $name:ident, $error:ident, $what:literal, $max:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        #[doc = concat!("Why a string is not a valid ", $what, ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $error {
            /// The string is empty.
            Empty,
            /// The string is longer than the limit.
            TooLong {
                /// The limit, in characters (the type's `MAX_CHARS`).
                max: usize,
            },
            /// The string holds white space or a control character.
            BadCharacter,
        }

        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Self::Empty => write!(f, "{} is empty", $what),
                    Self::TooLong { max } => {
                        write!(f, "{} is longer than {max} characters", $what)
                    }
                    Self::BadCharacter => {
                        write!(f, "{} contains white space or a control character", $what)
                    }
                }
            }
        }

        impl std::error::Error for $error {}

        impl $name {
            /// The longest value accepted, in characters.
            pub const MAX_CHARS: usize = $max;

            #[doc = concat!("Parses a ", $what, ".")]
            ///
            /// # Errors
            ///
            /// When the value is empty, too long, or holds white space or control characters.
            pub fn parse(value: impl Into<String>) -> Result<Self, $error> {
                let value = value.into();
                if value.is_empty() {
                    return Err($error::Empty);
                }
                if value.chars().count() > Self::MAX_CHARS {
                    return Err($error::TooLong { max: Self::MAX_CHARS });
                }
                if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err($error::BadCharacter);
                }
                Ok(Self(value))
            }

            /// The value as the server spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $error;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::parse(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $error;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Self::parse(value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

label_type!(
    /// A user's handle on the server, such as `ada`.
    Username, UsernameError, "username", 128
);
label_type!(
    /// A user's opaque id, such as `VXNlcjoxMjM=` (base64 of `User:123` on W&B).
    UserId, UserIdError, "user id", 512
);
label_type!(
    /// An API key's opaque id, such as `QXBpS2V5OjE4MzA=`. Public: it is not the secret.
    ApiKeyId, ApiKeyIdError, "api key id", 512
);
label_type!(
    /// The name of a team (an entity) a user belongs to.
    TeamName, TeamNameError, "team name", 128
);
label_type!(
    /// A team's opaque id, as the server hands it out.
    TeamId, TeamIdError, "team id", 512
);
label_type!(
    /// A team member's id: the user's id for a member who joined, the
    /// invite's for one still pending. What removing a member and changing
    /// a member's role take.
    MemberId, MemberIdError, "member id", 512
);
label_type!(
    /// The name of a custom team role, defined on the server.
    RoleName, RoleNameError, "role name", 128
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_username_is_refused_with_its_reason() {
        assert_eq!(Username::parse(""), Err(UsernameError::Empty));
        assert_eq!(UsernameError::Empty.to_string(), "username is empty");
    }

    #[test]
    fn white_space_inside_an_id_is_refused() {
        assert_eq!(UserId::parse("VXNl cjox"), Err(UserIdError::BadCharacter));
        assert_eq!(ApiKeyId::parse("a\tb"), Err(ApiKeyIdError::BadCharacter));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        let name = "é".repeat(TeamName::MAX_CHARS);
        assert!(TeamName::parse(name.clone()).is_ok());
        assert_eq!(
            TeamName::parse(format!("{name}é")),
            Err(TeamNameError::TooLong { max: 128 })
        );
    }

    proptest! {
        #[test]
        fn any_visible_string_within_the_limit_round_trips(value in "[!-~]{1,128}") {
            let parsed = Username::parse(value.clone()).unwrap();
            prop_assert_eq!(parsed.as_str(), value.as_str());
            prop_assert_eq!(parsed.to_string(), value);
        }

        #[test]
        fn a_string_with_white_space_never_parses(left in "[a-z]{0,8}", right in "[a-z]{0,8}", gap in "[ \t\n\r]") {
            let text = format!("{left}{gap}{right}");
            prop_assert!(UserId::parse(text).is_err());
        }
    }
}
