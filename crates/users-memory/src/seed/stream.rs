//! Reading a seed file as a stream: each user is parsed and stored as soon as
//! it is read, so a file of a million users never sits in memory twice (as
//! text and as a `Seed`) before the world is built.

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use users_domain::without_quoted_text;

use super::SeedUser;
use super::import;
use crate::SeedError;
use crate::state::State;

/// Why a seed file could not become a world. Never quotes the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedReadError {
    /// The file is not the seed format: the place and what was expected, with
    /// every quoted value from the file hidden.
    #[error("line {line} column {column}: {reason}")]
    Format {
        /// The line of the file, from 1.
        line: usize,
        /// The column of the line, from 1.
        column: usize,
        /// What is wrong there.
        reason: String,
    },
    /// A user of the file cannot be stored.
    #[error(transparent)]
    User(#[from] SeedError),
}

/// Reads `{"users": [...]}` from `reader` into `state`, user by user.
pub(crate) fn read(state: &mut State, reader: impl Read) -> Result<(), SeedReadError> {
    let mut failed: Option<SeedError> = None;
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let loaded = Document {
        state,
        failed: &mut failed,
    }
    .deserialize(&mut deserializer)
    .and_then(|()| deserializer.end());
    if let Some(error) = failed {
        return Err(SeedReadError::User(error));
    }
    loaded.map_err(|error| {
        // serde's own text ends with the place, which the error names already.
        let text = error.to_string();
        let reason = text
            .rfind(" at line ")
            .map_or(text.as_str(), |at| &text[..at]);
        SeedReadError::Format {
            line: error.line(),
            column: error.column(),
            reason: without_quoted_text(reason),
        }
    })
}

/// The top-level object; only `users` is known, as `Seed` allows.
struct Document<'s> {
    state: &'s mut State,
    /// A user that could not be stored: the reason, kept whole (serde's
    /// custom errors would flatten it to text).
    failed: &'s mut Option<SeedError>,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed object: {\"users\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_users = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != "users" {
                return Err(de::Error::unknown_field(&key, &["users"]));
            }
            if seen_users {
                return Err(de::Error::duplicate_field("users"));
            }
            seen_users = true;
            map.next_value_seed(Users {
                state: &mut *self.state,
                failed: &mut *self.failed,
            })?;
        }
        Ok(())
    }
}

struct Users<'s> {
    state: &'s mut State,
    failed: &'s mut Option<SeedError>,
}

impl<'de> DeserializeSeed<'de> for Users<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Users<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of seed users")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(user) = seq.next_element::<SeedUser>()? {
            if let Err(error) = import::insert(self.state, user) {
                // Stop reading: the rest of the file cannot matter now.
                *self.failed = Some(error);
                return Err(de::Error::custom("a seed user cannot be stored"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{InMemoryWorld, SeedError, SeedReadError};

    #[test]
    fn a_seed_file_is_read_user_by_user() {
        let file = br#"{"users": [{"email": "ada@x.io", "admin": true}, {"email": "bob@x.io", "teams": ["ml"]}]}"#;

        let world = InMemoryWorld::read_seed(&file[..]).unwrap();

        assert_eq!(world.user_count(), 2);
    }

    #[test]
    fn a_format_error_names_the_place_and_hides_the_values() {
        let file = b"{\"users\": [\n{\"email\": \"a@x.io\", \"admin\": \"s3cr3t-ish\"}]}";

        let error = InMemoryWorld::read_seed(&file[..]).unwrap_err();

        let SeedReadError::Format { line, reason, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*line, 2);
        assert!(reason.contains("expected a boolean"), "{reason}");
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
    }

    #[test]
    fn an_unknown_top_level_field_and_trailing_text_are_refused() {
        for file in [&br#"{"people": []}"#[..], &br#"{"users": []} x"#[..]] {
            assert!(matches!(
                InMemoryWorld::read_seed(file),
                Err(SeedReadError::Format { .. })
            ));
        }
    }

    #[test]
    fn a_user_the_world_cannot_hold_is_a_seed_error() {
        let file = br#"{"users": [{"email": "a@x.io"}, {"email": "A@X.IO"}, {"email": "c@x.io"}]}"#;

        let error = InMemoryWorld::read_seed(&file[..]).unwrap_err();

        assert!(
            matches!(
                error,
                SeedReadError::User(SeedError::EmailTaken { index: 1, .. })
            ),
            "{error:?}"
        );
    }
}
