//! The contract suite every [`Backend`] adapter must pass: the `# Errors`
//! clauses of the user, key and team ports, and the service's rules on top
//! of them (the last active admin, offboarding).
//!
//! An adapter's tests implement [`Harness`] (how to start a fresh server
//! world from a [`Seed`]) and [`World`] (how to reach that world as the holder
//! of a key), then expand [`contract_suite!`] once: one `#[tokio::test]` per
//! behaviour, each on a fresh world seeded with the standard [`Fixture`].
//!
//! ```
//! use async_trait::async_trait;
//! use users_domain::{ApiKeySecret, Backend};
//! use users_memory::InMemoryWorld;
//! use users_testkit::{Harness, Seed, World};
//!
//! struct MyHarness;
//! struct MyWorld(InMemoryWorld);
//!
//! #[async_trait]
//! impl Harness for MyHarness {
//!     async fn start(&self, seed: Seed) -> Box<dyn World> {
//!         Box::new(MyWorld(InMemoryWorld::from_seed(seed).unwrap()))
//!     }
//! }
//!
//! impl World for MyWorld {
//!     fn connect(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
//!         Box::new(self.0.connect(secret))
//!     }
//! }
//!
//! // In the adapter's tests: one `#[tokio::test]` per behaviour, named after it.
//! mod contract {
//!     users_testkit::contract_suite!(super::MyHarness);
//! }
//!
//! // Or one behaviour alone, from any async context:
//! # fn main() {
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! users_testkit::behaviours::search_ignores_case(&MyHarness).await;
//! # });
//! # }
//! ```
//!
//! The in-memory adapter's own harness is [`MemoryHarness`].
//!
//! A world that can make its transport fail on demand overrides
//! [`World::stage`], so that the behaviours about a lost answer or a hidden
//! secret ([`Fault`]) run their uncertain branch too; a world that cannot
//! runs the fault-free half of those clauses. Failures a behaviour needs
//! whatever the world (a step of an offboarding that fails, carrying out
//! nothing) it brings about itself, by wrapping the adapter.
//!
//! Every behaviour is also a plain `pub async fn(&dyn Harness)` in
//! [`behaviours`], so a harness can run one alone. The behaviours compare only
//! what the port carries, so a remote adapter over an emulator passes the same
//! suite as the in-memory one.

pub mod behaviours;
mod failing;
mod fixture;
mod memory;
mod setup;
mod suite;

use async_trait::async_trait;
use users_domain::{ApiKeySecret, Backend};

pub use fixture::{Fixture, Member, MemberKey, ServiceAccount};
pub use memory::MemoryHarness;
/// The ports' mutations, as [`Fault::LoseAnswer`] names them: the in-memory
/// world's own list, so that its harness stages them as they are.
pub use users_memory::Mutation;
pub use users_memory::Seed;

/// How to start a fresh server world for one behaviour.
#[async_trait]
pub trait Harness: Send + Sync {
    /// A world holding the users of `seed`, and no data left by another
    /// behaviour. A server may add its own bootstrap users besides.
    ///
    /// A harness that cannot start its world panics: the behaviour cannot run.
    async fn start(&self, seed: Seed) -> Box<dyn World>;
}

/// One running server world, reachable as the holder of any key.
pub trait World: Send + Sync {
    /// An adapter acting as the holder of `secret`. Never fails here: an
    /// unknown key fails each call with `Unauthenticated`.
    fn connect(&self, secret: ApiKeySecret) -> Box<dyn Backend>;

    /// Arms `fault` for the next matching call on this world, and says whether
    /// it could. A world that cannot stage it makes the behaviours check the
    /// fault-free half of the clause.
    fn stage(&self, fault: Fault) -> bool {
        let _ = fault;
        false
    }
}

/// A failure of the transport or the server that some `# Errors` clauses of
/// the port are about, and that only a harness can bring about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The server carries out the next call of this mutation, but its answer
    /// never reaches the client (the connection drops once the request is in).
    LoseAnswer(Mutation),
    /// The server answers the next `generateApiKey` with a label where the new
    /// secret should be, as current hosted servers may.
    HideSecret,
    /// The server answers the next paged user listing with every match at
    /// once, saying nothing follows, as servers that do not page do.
    IgnorePageSize,
    /// The server answers the next resumed user listing with the cursor it
    /// was given as its end cursor, saying more follows: followed blindly,
    /// the listing never ends.
    RepeatCursor,
}

/// The names of all behaviours, in the order [`contract_suite!`] declares them.
pub const BEHAVIOURS: &[&str] = __behaviours! { names };

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every `pub async fn` of the behaviour modules, read from their source.
    fn defined() -> BTreeSet<String> {
        let sources = [
            include_str!("behaviours/act_as.rs"),
            include_str!("behaviours/admin_rules.rs"),
            include_str!("behaviours/by_id.rs"),
            include_str!("behaviours/create.rs"),
            include_str!("behaviours/delete.rs"),
            include_str!("behaviours/generate.rs"),
            include_str!("behaviours/lifecycle.rs"),
            include_str!("behaviours/listing.rs"),
            include_str!("behaviours/members.rs"),
            include_str!("behaviours/offboarding.rs"),
            include_str!("behaviours/roles.rs"),
            include_str!("behaviours/search.rs"),
            include_str!("behaviours/service.rs"),
            include_str!("behaviours/service_accounts.rs"),
            include_str!("behaviours/team_service.rs"),
            include_str!("behaviours/teams.rs"),
            include_str!("behaviours/viewer.rs"),
        ];
        sources
            .iter()
            .flat_map(|source| source.split("pub async fn ").skip(1))
            .map(|rest| rest.split('(').next().unwrap_or_default().trim().to_owned())
            .collect()
    }

    #[test]
    fn the_suite_lists_every_behaviour_once() {
        let listed: BTreeSet<String> = super::BEHAVIOURS
            .iter()
            .map(|&name| name.to_owned())
            .collect();
        assert_eq!(
            listed.len(),
            super::BEHAVIOURS.len(),
            "a behaviour is listed twice"
        );
        assert_eq!(listed, defined());
    }

    #[test]
    fn the_suite_has_at_least_100_behaviours() {
        assert!(
            super::BEHAVIOURS.len() >= 100,
            "{}",
            super::BEHAVIOURS.len()
        );
    }
}

/// The whole suite on the in-memory adapter, so that this crate proves its
/// behaviours pass without another crate's harness.
#[cfg(test)]
mod on_memory {
    crate::contract_suite!(crate::MemoryHarness);
}
