use async_trait::async_trait;

use crate::{ApiKeyId, ApiKeySecret, Email, GeneratedApiKey, PageRequest, Result, User, UserPage};

/// What the domain needs from a W&B server: the five operations of the users API.
///
/// Every adapter MUST honour the `# Errors` contract of each method; the
/// `users-testkit` contract suite checks that it does. Besides the errors listed
/// per method, any call MAY fail with [`Unauthenticated`](crate::Error::Unauthenticated)
/// when the caller's credentials are not recognised, and with
/// [`Unavailable`](crate::Error::Unavailable), [`RateLimited`](crate::Error::RateLimited)
/// or [`Protocol`](crate::Error::Protocol) when the transport or the server fails.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// The user the credentials belong to, with keys and teams loaded where the server allows.
    ///
    /// # Errors
    ///
    /// MUST return `Unauthenticated` when the credentials are missing or not recognised.
    async fn viewer(&self) -> Result<User>;

    /// The users whose username or email starts or ends with `query`, ignoring
    /// case; every user when `query` is empty. Soft-deleted users are included,
    /// with `deleted_at` set.
    ///
    /// # Errors
    ///
    /// MUST return `PermissionDenied` when the caller is not an instance admin.
    async fn search_users(&self, query: &str) -> Result<Vec<User>>;

    /// One page of the users [`search_users`](Self::search_users) would
    /// return for `query`, in the same order.
    ///
    /// Walked page after page (each asking after the previous page's
    /// `end_cursor`), the pages hold every matching user exactly once, as
    /// long as no user is created meanwhile; a page holds at most
    /// `page.size()` users, unless the server ignores the size and answers
    /// every user at once (then `has_next_page` is false). A record the
    /// adapter cannot read is listed in `unreadable`, never left out silently.
    ///
    /// # Errors
    ///
    /// - MUST return `PermissionDenied` when the caller is not an instance admin.
    /// - MUST return `CursorRejected` when the server does not accept the
    ///   page's cursor (it never gave it, or no longer does).
    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage>;

    /// Creates a user with this email, as an instance admin when `admin` is set.
    ///
    /// # Errors
    ///
    /// - MUST return `PermissionDenied` when the caller is not an instance admin.
    /// - MUST return `AlreadyExists` when a user has this email, ignoring case.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User>;

    /// Generates a new key for the caller (W&B makes keys only for the caller:
    /// to make one for another user, [`act_as`](Self::act_as) that user).
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

    /// A repository over the same server (and connection pool) acting as the
    /// holder of `secret`: the SDK's `user_api`. Never fails here; calls made
    /// through it fail with `Unauthenticated` if the server does not know the key.
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn UserRepository>;
}

/// Lets a boxed or shared repository stand wherever a repository is expected.
macro_rules! forward_repository {
    ($($wrapper:ident)::+) => {
        #[async_trait]
        impl<R: UserRepository + ?Sized> UserRepository for $($wrapper)::+<R> {
            async fn viewer(&self) -> Result<User> {
                (**self).viewer().await
            }
            async fn search_users(&self, query: &str) -> Result<Vec<User>> {
                (**self).search_users(query).await
            }
            async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage> {
                (**self).list_users(query, page).await
            }
            async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
                (**self).create_user(email, admin).await
            }
            async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
                (**self).generate_api_key(description).await
            }
            async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
                (**self).delete_api_key(id).await
            }
            fn act_as(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
                (**self).act_as(secret)
            }
        }
    };
}

forward_repository!(Box);
forward_repository!(std::sync::Arc);
