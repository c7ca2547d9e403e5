//! Reading a seed file as a stream: each role, team and user is parsed and
//! stored as soon as it is read, so a file of a million users never sits in memory twice (as
//! text and as a `Seed`) before the world is built.

use std::fmt;
use std::io::Read;
use std::marker::PhantomData;

use serde::Deserialize;
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
    /// A role, team or user of the file cannot be stored.
    #[error(transparent)]
    User(#[from] SeedError),
}

/// Reads `{"roles": [...], "teams": [...], "users": [...]}` from `reader`
/// into `state`, one element at a time.
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

/// The top-level object: `roles` and `teams` (before `users`, which refer
/// to them) and `users`, as `Seed` allows.
struct Document<'s> {
    state: &'s mut State,
    /// A part that could not be stored: the reason, kept whole (serde's
    /// custom errors would flatten it to text).
    failed: &'s mut Option<SeedError>,
}

const FIELDS: &[&str] = &["roles", "teams", "users"];

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a seed object: {\"roles\": [...], \"teams\": [...], \"users\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = [false; 3];
        while let Some(key) = map.next_key::<String>()? {
            let Some(at) = FIELDS.iter().position(|&field| field == key) else {
                return Err(de::Error::unknown_field(&key, FIELDS));
            };
            if seen[at] {
                return Err(de::Error::duplicate_field(FIELDS[at]));
            }
            if at < 2 && seen[2] {
                return Err(de::Error::custom(format_args!(
                    "`{key}` must come before `users` in a seed file, as users refer to them; move it up"
                )));
            }
            seen[at] = true;
            let (state, failed) = (&mut *self.state, &mut *self.failed);
            match at {
                0 => map.next_value_seed(Each::new(
                    state,
                    failed,
                    "custom role names",
                    import::role,
                ))?,
                1 => map.next_value_seed(Each::new(state, failed, "team names", import::team))?,
                _ => map.next_value_seed(Each::new(
                    state,
                    failed,
                    "seed users",
                    |state, _, user: SeedUser| import::insert(state, user).map(drop),
                ))?,
            }
        }
        Ok(())
    }
}

/// A list whose elements are stored one by one as they are read.
struct Each<'s, T, F> {
    state: &'s mut State,
    failed: &'s mut Option<SeedError>,
    what: &'static str,
    store: F,
    element: PhantomData<fn() -> T>,
}

impl<'s, T, F> Each<'s, T, F>
where
    F: FnMut(&mut State, usize, T) -> Result<(), SeedError>,
{
    fn new(
        state: &'s mut State,
        failed: &'s mut Option<SeedError>,
        what: &'static str,
        store: F,
    ) -> Self {
        Self {
            state,
            failed,
            what,
            store,
            element: PhantomData,
        }
    }
}

impl<'de, T, F> DeserializeSeed<'de> for Each<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(&mut State, usize, T) -> Result<(), SeedError>,
{
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for Each<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(&mut State, usize, T) -> Result<(), SeedError>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}", self.what)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(element) = seq.next_element::<T>()? {
            if let Err(error) = (self.store)(self.state, index, element) {
                // Stop reading: the rest of the file cannot matter now.
                *self.failed = Some(error);
                return Err(de::Error::custom("a part of the seed cannot be stored"));
            }
            index += 1;
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
    fn roles_and_teams_are_read_before_the_users_that_name_them() {
        let file = br#"{"roles": ["auditor"], "teams": ["empty"], "users": [
            {"email": "ada@x.io", "teams": [{"team": "ml", "role": "auditor"}]},
            {"account_type": "service", "name": "CI bot", "teams": ["ml"]}]}"#;

        let world = InMemoryWorld::read_seed(&file[..]).unwrap();

        assert_eq!(
            format!("{world:?}"),
            "InMemoryWorld { users: 2, teams: 2, keys: 0 }"
        );
    }

    #[test]
    fn roles_or_teams_after_the_users_are_refused_with_what_to_do() {
        let file = br#"{"users": [], "roles": ["auditor"]}"#;

        let error = InMemoryWorld::read_seed(&file[..]).unwrap_err();

        assert!(
            error
                .to_string()
                .contains("`roles` must come before `users` in a seed file"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_role_or_team_entry_is_named_by_its_place() {
        let cases: [(&[u8], &str); 3] = [
            (br#"{"roles": ["ok", "two words"]}"#, "seed roles[1]: "),
            (
                br#"{"roles": ["admin"]}"#,
                "seed roles[0]: admin, member and viewer are built in",
            ),
            (
                br#"{"teams": ["ml", "ML"]}"#,
                "seed teams[1]: a user or an earlier team",
            ),
        ];
        for (file, expected) in cases {
            let error = InMemoryWorld::read_seed(file).unwrap_err();
            assert!(error.to_string().starts_with(expected), "{error}");
            assert!(matches!(
                error,
                SeedReadError::User(SeedError::Entry { .. })
            ));
        }
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
