//! An in-memory W&B server behind the domain's [`Backend`](users_domain::Backend)
//! ports (users and their lifecycle, keys, teams): a real fake, with the
//! server's rules, for tests and for the emulator.
//!
//! One [`InMemoryWorld`] holds the state; each [`InMemoryUserRepository`]
//! connected to it acts as the holder of one key, so several handles over one
//! world can act as different principals. Its rules are listed on
//! [`InMemoryUserRepository`].
//!
//! A world starts from a [`Seed`]: built in code as below, or read from JSON
//! (the emulator's `--seed` file); **the format is documented on [`Seed`]**
//! (the same text is `docs/seed.md` in this crate). Every field is parsed
//! through the domain's types when the world is built, and a seed the server
//! could not hold (a bad email, two users with one username, a secret held
//! twice, an unknown role) is refused with a [`SeedError`] that names the
//! part and the field.
//!
//! For the uncertain branches of the ports' contracts, a world can lose the
//! answer to a mutation it carried out ([`InMemoryWorld::lose_next_answer`]).
//!
//! Because it passes the same `users-testkit` contract suite as the GraphQL
//! adapter, code tested against it behaves the same against a real server.
//!
//! ```
//! use secrecy::ExposeSecret as _;
//! use users_domain::UserRepository as _;
//! use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};
//!
//! # tokio_test_block_on(async {
//! let admin_key = InMemoryWorld::generate_secret();
//! let world = InMemoryWorld::from_seed(Seed::new().user(
//!     SeedUser::new("root@example.com")
//!         .admin(true)
//!         .key(SeedKey::new(admin_key.expose_secret())),
//! ))
//! .unwrap();
//! let admin = world.connect(admin_key);
//! let ada = admin.create_user(&"ada@example.com".parse().unwrap(), false).await.unwrap();
//! assert_eq!(ada.username.as_str(), "ada");
//! assert_eq!(ada.id.as_str(), "VXNlcjoy"); // base64 of "User:2"
//! # });
//! # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

#[cfg(test)]
mod desired_props;
mod error;
mod fault;
mod mint;
mod repository;
mod seed;
mod state;
mod world;

pub use error::SeedError;
pub use fault::Mutation;
pub use repository::InMemoryUserRepository;
pub use seed::stream::SeedReadError;
pub use seed::synthetic::{SYNTHETIC_DOMAINS, synthetic_secret, synthetic_user};
pub use seed::{Seed, SeedKey, SeedMembership, SeedUser};
pub use world::InMemoryWorld;
