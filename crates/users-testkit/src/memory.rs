//! The in-memory adapter's harness: what `users-memory` is checked with,
//! here and in the workspace's integration tests.

use async_trait::async_trait;
use users_domain::{ApiKeySecret, Backend};
use users_memory::InMemoryWorld;

use crate::{Fault, Harness, Seed, World};

/// Starts every behaviour on an [`InMemoryWorld`] of its own, seeded with
/// nothing but the behaviour's seed. It stages lost answers
/// ([`Fault::LoseAnswer`]) through
/// [`InMemoryWorld::lose_next_answer`]; the faults of a transport (a hidden
/// secret, a listing that ignores its page size or repeats its cursor) it
/// cannot stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryHarness;

struct MemoryWorld(InMemoryWorld);

#[async_trait]
impl Harness for MemoryHarness {
    async fn start(&self, seed: Seed) -> Box<dyn World> {
        let world = InMemoryWorld::from_seed(seed).expect("the behaviour's seed makes a world");
        Box::new(MemoryWorld(world))
    }
}

impl World for MemoryWorld {
    fn connect(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        Box::new(self.0.connect(secret))
    }

    fn stage(&self, fault: Fault) -> bool {
        match fault {
            Fault::LoseAnswer(mutation) => {
                self.0.lose_next_answer(mutation);
                true
            }
            _ => false,
        }
    }
}
