use std::{io, net::SocketAddr};

use users_memory::SeedError;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The seed data is not valid.
    #[error("invalid seed")]
    Seed(#[from] SeedError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// Why the operating system refused it (in use, not permitted, ...).
        #[source]
        source: io::Error,
    },
    /// A custom repository was given without the key of an admin it knows.
    #[error(
        "a custom repository needs an admin key: pass admin_key(..) with a key that repository knows"
    )]
    AdminKeyRequired,
    /// A seed was given together with a custom repository, which it cannot reach.
    #[error(
        "a seed only fills the built-in in-memory repository: seed the custom repository itself"
    )]
    SeedWithRepository,
    /// Both a seed and a world were given: the world is served as it is, so
    /// the seed would be ignored.
    #[error("give a seed or a world, not both: add the seed's users to the world instead")]
    SeedAndWorld,
    /// The seeded user holding the admin key is not an admin.
    #[error(
        "seed users[{index}] ({email:?}) holds the admin key but is not an admin: set its admin to true, or use another admin key"
    )]
    AdminKeyHolderNotAdmin {
        /// The holder's index in the seed's `users`.
        index: usize,
        /// The holder's email, as written in the seed.
        email: String,
    },
    /// The seeded user holding the admin key is soft-deleted, so the key cannot authenticate.
    #[error(
        "seed users[{index}] ({email:?}) holds the admin key but is soft-deleted: remove its deleted_at, or use another admin key"
    )]
    AdminKeyHolderDeleted {
        /// The holder's index in the seed's `users`.
        index: usize,
        /// The holder's email, as written in the seed.
        email: String,
    },
    /// A seeded user who does not hold the admin key has the bootstrap admin's email.
    #[error(
        "a seeded user has the email {}, which the emulator gives the admin holding the admin key: give that user the admin key and admin true, or another email",
        crate::BOOTSTRAP_ADMIN_EMAIL
    )]
    BootstrapEmailTaken,
    /// A seeded user who does not hold the admin key has the bootstrap admin's username.
    #[error(
        "a seeded user has the username {} (given, or derived from its email), which the emulator gives the admin holding the admin key: give that user the admin key and admin true, or another username",
        crate::BOOTSTRAP_ADMIN_USERNAME
    )]
    BootstrapUsernameTaken,
}
