use async_trait::async_trait;

use crate::{Email, PageRequest, Result, User, UserId, UserPage};

/// The users of a W&B server and their lifecycle: what a user directory
/// (GraphQL today, SCIM later) can serve on its own.
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

    /// The user with this id, as [`list_users`](Self::list_users) lists
    /// them (the same fields), soft-deleted or not: the exact read of one
    /// user, for reading back a change made to them.
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when no user has this id (an id this
    ///   server would never mint included).
    /// - MUST return `PermissionDenied` when the caller is not an instance
    ///   admin, as [`search_users`](Self::search_users) does, even for the
    ///   caller's own id (their own user is [`viewer`](Self::viewer)'s).
    async fn user_by_id(&self, id: &UserId) -> Result<User>;

    /// Creates a user with this email, as an instance admin when `admin` is set.
    ///
    /// # Errors
    ///
    /// - MUST return `PermissionDenied` when the caller is not an instance admin.
    /// - MUST return `AlreadyExists` when a user has this email, ignoring case.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User>;

    /// Deactivates (soft-deletes) the user: they stay listed with
    /// `deleted_at` set, cannot log in, and their keys stop working until
    /// [`reactivate_user`](Self::reactivate_user). A user already
    /// deactivated stays so, and the call succeeds.
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when no user has this id.
    /// - MUST return `PermissionDenied` when the caller is not an instance admin.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn deactivate_user(&self, id: &UserId) -> Result<()>;

    /// Reactivates a deactivated user: their keys work again. An active user
    /// stays so, and the call succeeds.
    ///
    /// # Errors
    ///
    /// As [`deactivate_user`](Self::deactivate_user).
    async fn reactivate_user(&self, id: &UserId) -> Result<()>;

    /// Makes the user an instance admin (`admin`), or no longer one. Setting
    /// what is already set succeeds.
    ///
    /// # Errors
    ///
    /// As [`deactivate_user`](Self::deactivate_user).
    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()>;
}

forward!(UserRepository {
    async fn viewer(&self) -> Result<User>;
    async fn search_users(&self, query: &str) -> Result<Vec<User>>;
    async fn list_users(&self, query: &str, page: &PageRequest) -> Result<UserPage>;
    async fn user_by_id(&self, id: &UserId) -> Result<User>;
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User>;
    async fn deactivate_user(&self, id: &UserId) -> Result<()>;
    async fn reactivate_user(&self, id: &UserId) -> Result<()>;
    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()>;
});
