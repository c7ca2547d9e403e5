//! One team a seeded user is in: a team's name alone (a plain member), or
//! `{"team": ..., "role": ...}`.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// One team of a seeded user, and the user's role there.
///
/// In JSON, either the team's name (`"ml"`, a plain member) or an object
/// `{"team": "ml", "role": "admin"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedMembership {
    /// The team's name; parsed as a [`TeamName`](users_domain::TeamName).
    pub team: String,
    /// `admin`, `member` (when absent), `viewer`, or a custom role listed in
    /// the seed's `roles`.
    pub role: Option<String>,
}

impl SeedMembership {
    /// A plain member of `team`.
    pub fn new(team: impl Into<String>) -> Self {
        Self {
            team: team.into(),
            role: None,
        }
    }

    /// Sets the role in the team.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }
}

impl<'de> Deserialize<'de> for SeedMembership {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MembershipVisitor)
    }
}

struct MembershipVisitor;

const FIELDS: &[&str] = &["team", "role"];

impl<'de> Visitor<'de> for MembershipVisitor {
    type Value = SeedMembership;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a team's name, or {\"team\": name, \"role\": role}")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<SeedMembership, E> {
        Ok(SeedMembership::new(name))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SeedMembership, A::Error> {
        let mut team: Option<String> = None;
        let mut role: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "team" => &mut team,
                "role" => &mut role,
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            };
            if slot.is_some() {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            *slot = Some(map.next_value()?);
        }
        let team = team.ok_or_else(|| de::Error::missing_field("team"))?;
        Ok(SeedMembership { team, role })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<SeedMembership, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_name_alone_or_an_object_with_a_role() {
        assert_eq!(read(r#""ml""#), Ok(SeedMembership::new("ml")));
        assert_eq!(
            read(r#"{"team": "ml", "role": "admin"}"#),
            Ok(SeedMembership::new("ml").role("admin"))
        );
        assert_eq!(read(r#"{"team": "ml"}"#), Ok(SeedMembership::new("ml")));
    }

    #[test]
    fn anything_else_is_refused_by_what_is_wrong() {
        let cases = [
            (r#"{"role": "admin"}"#, "missing field `team`"),
            (r#"{"team": "ml", "rol": "x"}"#, "unknown field `rol`"),
            (r#"{"team": "a", "team": "b"}"#, "duplicate field `team`"),
            ("7", "a team's name, or"),
        ];
        for (json, expected) in cases {
            let error = read(json).unwrap_err();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }
}
