//! The helpers of this test binary, one set for every module: what both sides
//! of the wire share here, the adapter's side (`mock`: a wiremock server in for
//! W&B, `orphan`: a generate of unknown outcome staged on it) and the
//! emulator's (`emulator`: calls as the SDK makes them).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use users_domain::{ApiKeySecret, Error};

pub(crate) mod emulator;
pub(crate) mod fault_proxy;
pub(crate) mod mock;
pub(crate) mod orphan;
pub(crate) mod trace;

// The official SDK 0.31's documents, verbatim: the files the GraphQL adapter
// sends, so that the adapter and the emulator are tested against the one copy.
pub(crate) const SDK_GET_VIEWER: &str =
    include_str!("../../../crates/users-graphql/src/operations/GetViewer.graphql");
pub(crate) const SDK_SEARCH_USERS: &str =
    include_str!("../../../crates/users-graphql/src/operations/SearchUsers.graphql");
pub(crate) const SDK_CREATE_USER: &str =
    include_str!("../../../crates/users-graphql/src/operations/CreateUserFromAdmin.graphql");
pub(crate) const SDK_GENERATE: &str =
    include_str!("../../../crates/users-graphql/src/operations/GenerateApiKey.graphql");
pub(crate) const SDK_DELETE: &str =
    include_str!("../../../crates/users-graphql/src/operations/DeleteApiKey.graphql");

/// The SDK's `User` selection, as leaf paths.
pub(crate) const USER_FIELDS: [&str; 12] = [
    "id",
    "name",
    "username",
    "email",
    "admin",
    "flags",
    "entity",
    "deletedAt",
    "apiKeys.edges.node.id",
    "apiKeys.edges.node.name",
    "apiKeys.edges.node.description",
    "teams.edges.node.name",
];

/// The `Authorization` header value the SDK sends for `key`.
pub(crate) fn basic(key: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("api:{key}")))
}

/// `text` as a key; it must be well formed.
pub(crate) fn secret(text: &str) -> ApiKeySecret {
    ApiKeySecret::parse(text.to_owned()).unwrap()
}

/// The domain error's variant name, for comparing kinds.
pub(crate) fn variant(error: &Error) -> &'static str {
    match error {
        Error::NotFound { .. } => "NotFound",
        Error::AlreadyExists { .. } => "AlreadyExists",
        Error::PermissionDenied { .. } => "PermissionDenied",
        Error::Unauthenticated { .. } => "Unauthenticated",
        Error::InvalidInput { .. } => "InvalidInput",
        Error::RateLimited { .. } => "RateLimited",
        Error::Unavailable { .. } => "Unavailable",
        Error::Protocol { .. } => "Protocol",
        Error::Ambiguous { .. } => "Ambiguous",
        Error::MultipleMatches { .. } => "MultipleMatches",
        Error::NotListed { .. } => "NotListed",
        _ => "other",
    }
}
