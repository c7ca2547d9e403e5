//! A local W&B users server: the GraphQL dialect of the official SDK, served
//! over any [`UserRepository`](users_domain::UserRepository) (the in-memory
//! one by default), so that user administration can be developed and tested
//! offline and the GraphQL adapter can be tested end to end.
//!
//! It speaks `POST /graphql` with HTTP Basic `api:<key>` credentials. Failures
//! come in the GraphQL error shape with W&B's statuses: 401 unknown or missing
//! credentials, 403 not allowed, 404 no such key, 409 already exists, 400 bad
//! input or a malformed body, 413 a body over [`MAX_BODY_BYTES`]. Each error
//! carries `extensions.code` (`UNAUTHENTICATED`, `PERMISSION_DENIED`,
//! `NOT_FOUND`, `ALREADY_EXISTS`, `INVALID_INPUT`, ...).
//!
//! [`RunningEmulator::faults`] stages failures that a client must survive: a
//! mutation whose answer is lost (the connection closes after it ran) and a
//! new key whose secret is not revealed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), users_emulator::EmulatorError> {
//! use users_memory::{Seed, SeedUser};
//!
//! let seed = Seed::new().user(SeedUser::new("ada@example.com").team("ml"));
//! let emulator = users_emulator::Emulator::builder().seed(seed).start().await?;
//! // Point the SDK (or our GraphQL adapter) at emulator.base_url(),
//! // with emulator.admin_key() as the API key.
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod builder;
mod connection;
mod error;
mod faults;
mod http;
mod running;
mod schema;

pub use builder::{BOOTSTRAP_ADMIN_EMAIL, BOOTSTRAP_ADMIN_USERNAME, Emulator, EmulatorBuilder};
pub use error::EmulatorError;
pub use faults::{Faults, MutationKind};
pub use http::MAX_BODY_BYTES;
pub use running::RunningEmulator;
