//! The ports: what the domain needs from a W&B server, split by what a
//! backend can serve, so that an adapter for part of it (a SCIM user
//! directory serves users and their lifecycle, not keys or team roles) can
//! implement that part alone.
//!
//! Every adapter MUST honour the `# Errors` contract of each method; the
//! `users-testkit` contract suite checks that it does.

/// Implements a port for `Box<R>` and `Arc<R>` by forwarding every method,
/// so that a boxed or shared adapter stands wherever one is expected.
macro_rules! forward {
    ($port:ident { $(async fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)* }) => {
        #[async_trait::async_trait]
        impl<R: $port + ?Sized> $port for Box<R> {
            $(async fn $name(&self $(, $arg: $ty)*) -> $ret {
                (**self).$name($($arg),*).await
            })*
        }
        #[async_trait::async_trait]
        impl<R: $port + ?Sized> $port for std::sync::Arc<R> {
            $(async fn $name(&self $(, $arg: $ty)*) -> $ret {
                (**self).$name($($arg),*).await
            })*
        }
    };
}

mod keys;
#[cfg(any(test, feature = "mock"))]
mod mock;
mod teams;
mod users;

pub use keys::KeyRepository;
#[cfg(any(test, feature = "mock"))]
pub use keys::MockKeyRepository;
#[cfg(any(test, feature = "mock"))]
pub use mock::MockBackend;
#[cfg(any(test, feature = "mock"))]
pub use teams::MockTeamRepository;
pub use teams::TeamRepository;
#[cfg(any(test, feature = "mock"))]
pub use users::MockUserRepository;
pub use users::UserRepository;

use crate::ApiKeySecret;

/// A whole W&B server: its users, keys and teams, and the means to act as
/// another key holder on it. What the GraphQL adapter, the in-memory fake
/// and the emulator serve.
pub trait Backend: UserRepository + KeyRepository + TeamRepository {
    /// The same server (and connection pool) acting as the holder of
    /// `secret`: the SDK's `user_api`. Never fails here; calls made through
    /// it fail with `Unauthenticated` if the server does not know the key.
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend>;
}

impl<R: Backend + ?Sized> Backend for Box<R> {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        (**self).act_as(secret)
    }
}

impl<R: Backend + ?Sized> Backend for std::sync::Arc<R> {
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        (**self).act_as(secret)
    }
}
