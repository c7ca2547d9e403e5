//! The server's `DateTime` scalar, parsed once into an instant.

use std::fmt;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An instant the server reported (a user's creation, last login,
/// deactivation), held in UTC.
///
/// W&B writes its `DateTime` both as RFC 3339 (`2024-01-02T03:04:05Z`) and
/// without an offset (`2024-01-02T03:04:05`, meaning UTC); both parse.
/// Displayed as RFC 3339 in UTC, so that two equal instants print the same.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

/// Why a text is not a timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a timestamp: expected RFC 3339 such as 2024-01-02T03:04:05Z")]
pub struct TimestampError;

impl Timestamp {
    /// Parses an RFC 3339 timestamp, or one without an offset (taken as UTC).
    ///
    /// # Errors
    ///
    /// `TimestampError` when the text is neither.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let text = text.trim();
        if let Ok(instant) = OffsetDateTime::parse(text, &Rfc3339) {
            return Ok(Self(instant.to_offset(UtcOffset::UTC)));
        }
        let naive = format_description!(
            version = 2,
            "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
        );
        PrimitiveDateTime::parse(text, &naive)
            .map(|instant| Self(instant.assume_utc()))
            .map_err(|_| TimestampError)
    }

    /// The instant `seconds` after the Unix epoch.
    ///
    /// # Errors
    ///
    /// `TimestampError` when it is outside the years -9999 to 9999.
    pub fn from_unix_seconds(seconds: i64) -> Result<Self, TimestampError> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(Self)
            .map_err(|_| TimestampError)
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(self) -> i64 {
        self.0.unix_timestamp()
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Formatting a UTC instant within ±9999 years as RFC 3339 cannot fail.
        let text = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_of_the_servers_spellings_parse_to_the_same_instant() {
        let with_zone = Timestamp::parse("2024-01-02T03:04:05Z").unwrap();
        let naive = Timestamp::parse("2024-01-02T03:04:05").unwrap();
        let offset = Timestamp::parse("2024-01-02T05:04:05+02:00").unwrap();
        assert_eq!(with_zone, naive);
        assert_eq!(with_zone, offset);
        assert_eq!(offset.to_string(), "2024-01-02T03:04:05Z");
    }

    #[test]
    fn fractions_of_a_second_are_kept() {
        let stamp = Timestamp::parse("2024-01-02T03:04:05.250").unwrap();
        assert_eq!(stamp.to_string(), "2024-01-02T03:04:05.25Z");
    }

    #[test]
    fn text_that_is_not_a_timestamp_is_refused() {
        for text in ["", "yesterday", "2024-13-01T00:00:00Z", "2024-01-02"] {
            assert_eq!(Timestamp::parse(text), Err(TimestampError), "{text}");
        }
    }

    #[test]
    fn unix_seconds_round_trip() {
        let stamp = Timestamp::from_unix_seconds(1_700_000_000).unwrap();
        assert_eq!(stamp.unix_seconds(), 1_700_000_000);
        assert_eq!(stamp.to_string(), "2023-11-14T22:13:20Z");
    }
}
