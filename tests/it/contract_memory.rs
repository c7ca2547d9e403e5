//! The contract suite against the in-memory adapter: one test per behaviour.

use async_trait::async_trait;
use users_domain::{ApiKeySecret, UserRepository};
use users_memory::InMemoryWorld;
use users_testkit::{Harness, Seed, World};

/// Starts every behaviour on a world of its own.
struct MemoryHarness;

struct MemoryWorld(InMemoryWorld);

#[async_trait]
impl Harness for MemoryHarness {
    async fn start(&self, seed: Seed) -> Box<dyn World> {
        let world = InMemoryWorld::from_seed(seed).expect("the standard fixture seeds a world");
        Box::new(MemoryWorld(world))
    }
}

impl World for MemoryWorld {
    fn connect(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
        Box::new(self.0.connect(secret))
    }
}

users_testkit::contract_suite!(MemoryHarness);
