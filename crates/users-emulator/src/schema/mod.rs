//! The GraphQL schema: the subset of W&B's that the official SDK uses for
//! users, keys and teams, and the lifecycle mutations of W&B's schema.
//!
//! Resolvers only translate: every rule (who may do what, how usernames are
//! derived, what a search matches, where a service account is listed) lives
//! behind the [`Backend`] ports.

mod entity;
mod lifecycle;
mod mutation;
mod query;
mod teams;
mod types;

use std::sync::Arc;

use async_graphql::{EmptySubscription, ErrorExtensions, MergedObject, Schema};
use users_domain::{Backend, Error};

use crate::Faults;

/// Every query the emulator answers.
#[derive(MergedObject)]
#[graphql(name = "Query")]
pub(crate) struct QueryRoot(query::UserQuery, teams::TeamQuery);

/// Every mutation the emulator answers.
#[derive(MergedObject)]
#[graphql(name = "Mutation")]
pub(crate) struct MutationRoot(
    mutation::UserMutation,
    teams::TeamMutation,
    lifecycle::LifecycleMutation,
);

/// The schema the emulator serves.
pub(crate) type UsersSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The server acting as the caller of one request, for the resolvers.
#[derive(Clone)]
pub(crate) struct Caller(pub(crate) Arc<dyn Backend>);

/// Far deeper than any operation of the SDK (five levels), shallow enough to
/// refuse a hostile document cheaply.
const MAX_DEPTH: usize = 16;

/// The schema, with the emulator's staged `faults` for the mutations to take.
/// The most fields one document may select, aliases counted one by one: the
/// SDK's largest document selects about 40; thousands of aliases of one field
/// are an attack, refused before any resolver runs.
const MAX_COMPLEXITY: usize = 1_000;

pub(crate) fn build(faults: Faults) -> UsersSchema {
    let query = QueryRoot(query::UserQuery, teams::TeamQuery);
    let mutation = MutationRoot(
        mutation::UserMutation,
        teams::TeamMutation,
        lifecycle::LifecycleMutation,
    );
    Schema::build(query, mutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .data(faults)
        .finish()
}

/// What kind of failure a GraphQL error reports, carried in its
/// `extensions.code` so that the HTTP layer can choose a status and a client
/// can classify the error without parsing its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    InvalidInput,
    RateLimited,
    Unavailable,
    Upstream,
    Internal,
}

impl ErrorCode {
    const ALL: [Self; 9] = [
        Self::Unauthenticated,
        Self::PermissionDenied,
        Self::NotFound,
        Self::AlreadyExists,
        Self::InvalidInput,
        Self::RateLimited,
        Self::Unavailable,
        Self::Upstream,
        Self::Internal,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::NotFound => "NOT_FOUND",
            Self::AlreadyExists => "ALREADY_EXISTS",
            Self::InvalidInput => "INVALID_INPUT",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Upstream => "UPSTREAM",
            Self::Internal => "INTERNAL",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|known| known.as_str() == code)
    }

    pub(crate) fn of(error: &Error) -> Self {
        match error {
            Error::Unauthenticated { .. } => Self::Unauthenticated,
            Error::PermissionDenied { .. } => Self::PermissionDenied,
            Error::NotFound { .. } => Self::NotFound,
            Error::AlreadyExists { .. } => Self::AlreadyExists,
            Error::InvalidInput { .. }
            | Error::MultipleMatches { .. }
            | Error::CursorRejected { .. } => Self::InvalidInput,
            Error::RateLimited { .. } => Self::RateLimited,
            Error::Unavailable { .. } => Self::Unavailable,
            Error::Protocol { .. } | Error::Ambiguous { .. } => Self::Upstream,
            _ => Self::Internal,
        }
    }
}

/// A GraphQL error with this message and code.
pub(crate) fn coded(message: impl Into<String>, code: ErrorCode) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
    })
}

/// The wire form of a domain error. Domain messages never carry a secret.
pub(crate) fn domain_error(error: &Error) -> async_graphql::Error {
    let code = ErrorCode::of(error);
    let retry_after = match error {
        Error::RateLimited { retry_after } => *retry_after,
        _ => None,
    };
    async_graphql::Error::new(error.to_string()).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
        if let Some(after) = retry_after {
            extensions.set("retryAfter", after.as_secs().max(1));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_its_text() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::from_code("TEAPOT"), None);
    }

    #[test]
    fn each_domain_failure_gets_its_own_code() {
        let cases = [
            (
                Error::AlreadyExists { what: "x".into() },
                ErrorCode::AlreadyExists,
            ),
            (Error::NotFound { what: "x".into() }, ErrorCode::NotFound),
            (
                Error::PermissionDenied { reason: "x".into() },
                ErrorCode::PermissionDenied,
            ),
            (
                Error::Unauthenticated { reason: "x".into() },
                ErrorCode::Unauthenticated,
            ),
            (Error::Protocol { reason: "x".into() }, ErrorCode::Upstream),
        ];
        for (error, code) in cases {
            assert_eq!(ErrorCode::of(&error), code, "{error}");
        }
    }
}
