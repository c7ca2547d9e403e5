use async_trait::async_trait;

use crate::{ApiKeyId, GeneratedApiKey, Result};

/// The API keys of a W&B server: what the GraphQL API serves and a user
/// directory (SCIM) does not.
///
/// Besides the errors listed per method, any call MAY fail as any
/// [`UserRepository`](crate::UserRepository) call may.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait KeyRepository: Send + Sync {
    /// Generates a new key for the caller (W&B makes keys only for the caller:
    /// to make one for another user, [`act_as`](crate::Backend::act_as) that user).
    ///
    /// # Errors
    ///
    /// - MUST return `Protocol` when the server did not reveal the new secret;
    ///   the adapter MUST then not leave that key alive.
    /// - MUST return `Ambiguous` only when the outcome is unknown and the adapter
    ///   could not make sure no key was left alive that nobody holds.
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey>;

    /// Deletes the key with this id.
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when no key has this id.
    /// - MUST return `PermissionDenied` when the key belongs to another user and
    ///   the caller is not an instance admin.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()>;
}

forward!(KeyRepository {
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey>;
    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()>;
});
