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
        addr: SocketAddr,
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
    /// The bootstrap admin could not be checked or added.
    #[error("cannot set up the bootstrap admin")]
    Bootstrap(#[source] users_domain::Error),
}
