use std::fmt::Write as _;
use std::time::Duration;

/// A specialised `Result` for the port and the service.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong behind the [`UserRepository`](crate::UserRepository) port.
///
/// Adapters translate their own failures (HTTP statuses, GraphQL errors, decode
/// failures) into one of these at the seam. No variant ever carries a secret:
/// adapters describe keys by id or by their masked name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The named thing does not exist (or is not visible to the caller).
    #[error("{what} not found")]
    NotFound { what: String },
    /// Creating the thing would duplicate one that exists.
    #[error("{what} already exists")]
    AlreadyExists { what: String },
    /// The caller is authenticated but not allowed to do this.
    #[error("permission denied: {reason}")]
    PermissionDenied { reason: String },
    /// The credentials are missing or were not recognised.
    #[error("not authenticated: {reason}")]
    Unauthenticated { reason: String },
    /// The request itself is wrong; repeating it unchanged cannot succeed.
    #[error("invalid input: {reason}")]
    InvalidInput { reason: String },
    /// The server asked the caller to slow down.
    #[error("rate limited by the server{}", retry_hint(*.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// A transient failure: the server or the network could not serve the call now.
    #[error("server unavailable: {reason}")]
    Unavailable { reason: String },
    /// The server answered something this client does not understand.
    #[error("unexpected answer from the server: {reason}")]
    Protocol { reason: String },
    /// A mutation may or may not have taken effect; the caller must check before retrying.
    #[error("outcome of {operation} is unknown: {reason}")]
    Ambiguous { operation: String, reason: String },
    /// The server answered without a list the call needs (hosted W&B may
    /// withhold a user's keys from a client it does not recognise): unknown, not empty.
    #[error(
        "the server did not list {what}; it may withhold them from a client it does not recognise by its user agent"
    )]
    NotListed { what: String },
    /// A lookup that must name one thing matched several.
    #[error("'{query}' matches {} candidates ({}); name exactly one", .candidates.len(), listed(.candidates))]
    MultipleMatches {
        query: String,
        candidates: Vec<String>,
    },
}

/// At most a handful of candidates, so that the message stays one readable line.
fn listed(candidates: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = candidates
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if candidates.len() > SHOWN {
        let _ = write!(text, " and {} more", candidates.len() - SHOWN);
    }
    text
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(
        || "; try again later".to_owned(),
        |after| format!("; try again in {}s", after.as_secs().max(1)),
    )
}

impl Error {
    /// Whether repeating the same call later may succeed (for a query: safely).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Unavailable { .. })
    }

    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_lower_case_line_without_a_trailing_period() {
        let errors = [
            Error::not_found("user 'ada'"),
            Error::RateLimited {
                retry_after: Some(Duration::from_millis(2500)),
            },
            Error::RateLimited { retry_after: None },
            Error::MultipleMatches {
                query: "ad".into(),
                candidates: vec!["ada".into(), "adam".into()],
            },
        ];
        for error in errors {
            let message = error.to_string();
            assert!(!message.contains('\n'), "{message}");
            assert!(!message.ends_with('.'), "{message}");
            assert!(
                message.starts_with(|c: char| !c.is_uppercase()),
                "{message}"
            );
        }
    }

    #[test]
    fn a_long_candidate_list_is_cut_to_five() {
        let error = Error::MultipleMatches {
            query: "a".into(),
            candidates: (1..=8).map(|n| format!("u{n}")).collect(),
        };
        assert_eq!(
            error.to_string(),
            "'a' matches 8 candidates (u1, u2, u3, u4, u5 and 3 more); name exactly one"
        );
    }

    #[test]
    fn rate_limit_message_names_the_wait() {
        let error = Error::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(
            error.to_string(),
            "rate limited by the server; try again in 7s"
        );
    }

    #[test]
    fn only_rate_limits_and_outages_are_transient() {
        assert!(Error::RateLimited { retry_after: None }.is_transient());
        assert!(Error::Unavailable { reason: "x".into() }.is_transient());
        assert!(!Error::not_found("x").is_transient());
        assert!(
            !Error::Ambiguous {
                operation: "generateApiKey".into(),
                reason: "x".into()
            }
            .is_transient()
        );
    }
}
