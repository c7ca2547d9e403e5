//! The contract suite against the GraphQL adapter talking to the emulator over
//! real HTTP on 127.0.0.1: the same behaviours the in-memory adapter passes.
//!
//! This world stages no faults (the emulator has no hook for them yet), so the
//! behaviours about lost answers and hidden secrets check their fault-free
//! half here; `users-graphql`'s own tests cover the faults against wiremock.

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use users_domain::{ApiKeySecret, UserRepository};
use users_emulator::{Emulator, RunningEmulator};
use users_graphql::{Environment, GraphqlUserRepository};
use users_testkit::{Harness, Seed, World};

/// Starts an emulator per behaviour and reaches it through the GraphQL adapter.
struct GraphqlHarness;

struct GraphqlWorld {
    /// Kept alive for as long as the world: dropping it stops the server.
    _emulator: RunningEmulator,
    admin: GraphqlUserRepository,
}

#[async_trait]
impl Harness for GraphqlHarness {
    async fn start(&self, seed: Seed) -> Box<dyn World> {
        let emulator = Emulator::builder()
            .seed(seed)
            .start()
            .await
            .expect("the emulator starts on a free loopback port");
        let admin_key = SecretString::from(emulator.admin_key().expose_secret().to_owned());
        let admin = GraphqlUserRepository::builder()
            .environment(Environment {
                base_url: Some(emulator.base_url()),
                api_key: Some(admin_key),
                ..Environment::empty()
            })
            .build()
            .expect("the adapter accepts the emulator's address and key");
        Box::new(GraphqlWorld {
            _emulator: emulator,
            admin,
        })
    }
}

impl World for GraphqlWorld {
    fn connect(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
        // Same client, same connection pool, other credentials.
        self.admin.act_as(secret)
    }
}

users_testkit::contract_suite!(GraphqlHarness);
