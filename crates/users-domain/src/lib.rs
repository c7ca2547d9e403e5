//! The W&B users domain: what a user and an API key are, the port an adapter
//! implements to reach a W&B server, and the use cases built on that port.
//!
//! Pure by design: no HTTP, no async runtime, no JSON. Adapters live in their own
//! crates and translate their failures into [`Error`] at the seam.
//!
//! ```
//! use users_domain::{ApiKeySecret, Email};
//!
//! let email = Email::parse("ada@example.com").unwrap();
//! assert_eq!(email.as_ref(), "ada@example.com");
//! // A secret never shows itself in Debug output.
//! let secret = ApiKeySecret::parse("0123456789abcdef0123456789abcdef01234567".to_owned()).unwrap();
//! assert!(!format!("{secret:?}").contains("0123"));
//! ```

mod error;
mod model;
mod port;
mod service;
mod value;

pub use error::{Error, Result};
pub use model::{ApiKey, GeneratedApiKey, User};
#[cfg(any(test, feature = "mock"))]
pub use port::MockUserRepository;
pub use port::UserRepository;
/// Re-exported so that callers can reach a secret without naming `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};
pub use service::{Provisioned, Rotation, UserAdmin, find_key};
pub use value::{
    ApiKeyId, ApiKeyIdError, ApiKeyName, ApiKeyNameError, ApiKeySecret, ApiKeySecretError, Email,
    EmailError, TeamName, TeamNameError, UserId, UserIdError, Username, UsernameError, echo_safe,
};
