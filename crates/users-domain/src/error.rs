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
    NotFound {
        /// What was looked for, as a phrase that reads after "no such":
        /// `user 'ada'`, `api key <id>`. Names things by username, email or
        /// key id, never by a secret.
        what: String,
    },
    /// Creating the thing would duplicate one that exists.
    #[error("{what} already exists")]
    AlreadyExists {
        /// The thing that would be duplicated, such as
        /// `a user with email ada@example.com`.
        what: String,
    },
    /// The caller is authenticated but not allowed to do this.
    #[error("permission denied: {reason}")]
    PermissionDenied {
        /// Why the server refused, in the adapter's words (for example "only
        /// instance admins can create users"); never the caller's key.
        reason: String,
    },
    /// The credentials are missing or were not recognised.
    #[error("not authenticated: {reason}")]
    Unauthenticated {
        /// Why the credentials were not accepted (missing, unknown, revoked);
        /// never the key itself.
        reason: String,
    },
    /// The request itself is wrong; repeating it unchanged cannot succeed.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong with the request, as the service or the server put
        /// it; a name the caller typed is echoed through
        /// [`echo_safe`](crate::echo_safe), so a pasted key does not show.
        reason: String,
    },
    /// The server asked the caller to slow down.
    #[error("rate limited by the server{}", retry_hint(*.retry_after))]
    RateLimited {
        /// How long the server asked the caller to wait (its `Retry-After`),
        /// or `None` when it did not say.
        retry_after: Option<Duration>,
    },
    /// A transient failure: the server or the network could not serve the call now.
    #[error("server unavailable: {reason}")]
    Unavailable {
        /// What failed (connection refused, a 503, a timeout) and, where the
        /// adapter retried, after how many attempts.
        reason: String,
    },
    /// The server answered something this client does not understand.
    #[error("unexpected answer from the server: {reason}")]
    Protocol {
        /// What could not be understood: the operation and, for a decode
        /// failure, the field path that failed; never the raw body.
        reason: String,
    },
    /// A mutation may or may not have taken effect; the caller must check before retrying.
    #[error("outcome of {operation} is unknown: {reason}")]
    Ambiguous {
        /// The mutation whose outcome is unknown, by its GraphQL field name
        /// (for example `generateApiKey`).
        operation: String,
        /// Why the answer is missing (the connection was lost, the server
        /// timed out, the answer could not be read).
        reason: String,
    },
    /// The server answered without a list the call needs (hosted W&B may
    /// withhold a user's keys from a client it does not recognise): unknown, not empty.
    #[error(
        "the server did not list {what}; it may withhold them from a client it does not recognise by its user agent"
    )]
    NotListed {
        /// The list that is missing, such as `the api keys of ada@example.com`.
        what: String,
    },
    /// The server did not accept the cursor a listing was resumed from: it
    /// never gave it, or no longer does. The listing must start again.
    #[error("the server did not accept the listing's cursor ({reason})")]
    CursorRejected {
        /// What the server (or the adapter) said about it.
        reason: String,
    },
    /// The call is valid, but carrying it out would break a safety rule of
    /// this tool (leave the instance with no active admin, lock the caller
    /// out); nothing was sent.
    #[error("refused: {reason}")]
    Refused {
        /// What would have gone wrong, and what to do instead.
        reason: String,
    },
    /// The server offers no way to do this; the tool says so rather than
    /// pretend.
    #[error("{what} is not possible: {reason}")]
    Unsupported {
        /// What was asked for, such as `a new key for service account ci-bot`.
        what: String,
        /// Why not, and what to do instead.
        reason: String,
    },
    /// A person was added to a team, but the role asked for could not be
    /// set after the invite (an invite makes an admin or a member only):
    /// they are in the team, with the role the invite gave. Not nothing:
    /// setting the role is what is left to do.
    #[error(
        "{} was added to team {team} as {held}, but setting their role to {role} failed ({cause}): set the role again to finish",
        crate::echo_safe(&.who.to_string())
    )]
    AddedWithoutRole {
        /// The team.
        team: crate::TeamName,
        /// The person, as named to the server.
        who: crate::Invitee,
        /// The role they hold now, as the invite made them.
        held: crate::TeamRole,
        /// The role asked for.
        role: crate::TeamRole,
        /// Why setting it failed (`Ambiguous` when its answer was lost and
        /// reading back could not settle it).
        #[source]
        cause: Box<Error>,
    },
    /// A lookup that must name one thing matched several.
    #[error("'{query}' matches {} candidates ({}); name exactly one", .candidates.len(), listed(.candidates))]
    MultipleMatches {
        /// The name that was looked up, made safe to print.
        query: String,
        /// How each match is named, so that the caller can pick one exactly:
        /// users by email or username, keys by id.
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

    pub(crate) fn refused(reason: impl Into<String>) -> Self {
        Self::Refused {
            reason: reason.into(),
        }
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
