//! Value types parsed at the boundary: once built, each one is valid.

mod echo;
mod email;
mod key_name;
mod label;
mod secret;
mod timestamp;

pub use echo::{echo_safe, without_quoted_text};
pub use email::{Email, EmailError};
pub use key_name::{ApiKeyName, ApiKeyNameError};
pub use label::{
    ApiKeyId, ApiKeyIdError, MemberId, MemberIdError, RoleName, RoleNameError, TeamId, TeamIdError,
    TeamName, TeamNameError, UserId, UserIdError, Username, UsernameError,
};
pub use secret::{ApiKeySecret, ApiKeySecretError, KeyFileError, MAX_KEY_FILE_BYTES};
pub use timestamp::{Timestamp, TimestampError};
