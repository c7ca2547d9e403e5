//! The contract suite against the GraphQL adapter talking to the emulator over
//! real HTTP on 127.0.0.1: the same behaviours the in-memory adapter passes.
//!
//! The emulator stages the faults the behaviours ask for (a lost answer, a
//! hidden secret, a listing that ignores its page size or repeats a cursor), so their faulted half runs here end to end, against the
//! adapter's real ambiguity handling and orphan-key reconciliation.

use async_trait::async_trait;
use secrecy::ExposeSecret;
use users_domain::{ApiKeySecret, Backend};
use users_emulator::{Emulator, Faults, MutationKind, RunningEmulator};
use users_graphql::GraphqlUserRepository;
use users_testkit::{Fault, Harness, Mutation, Seed, World};

use crate::support::mock::env_holding;

/// Starts an emulator per behaviour and reaches it through the GraphQL adapter.
struct GraphqlHarness;

struct GraphqlWorld {
    /// Kept alive for as long as the world: dropping it stops the server.
    _emulator: RunningEmulator,
    faults: Faults,
    admin: GraphqlUserRepository,
}

#[async_trait]
impl Harness for GraphqlHarness {
    async fn start(&self, seed: Seed) -> Box<dyn World> {
        // The seed's admin is the emulator's admin, so that no bootstrap admin
        // is added and the world holds exactly the seed, as in memory.
        let seed_admin_key = seed
            .users
            .iter()
            .find(|user| user.admin && user.deleted_at.is_none())
            .and_then(|user| user.keys.first())
            .map(|key| {
                ApiKeySecret::parse(key.secret.clone()).expect("the seed's admin key is valid")
            });
        let mut builder = Emulator::builder();
        if let Some(key) = seed_admin_key {
            builder = builder.admin_key(key);
        }
        let emulator = builder
            .seed(seed)
            .start()
            .await
            .expect("the emulator starts on a free loopback port");
        let admin_key = emulator.admin_key().expose_secret();
        let admin = GraphqlUserRepository::builder()
            .environment(env_holding(&emulator.base_url(), admin_key))
            .build()
            .expect("the adapter accepts the emulator's address and key");
        Box::new(GraphqlWorld {
            faults: emulator.faults(),
            _emulator: emulator,
            admin,
        })
    }
}

impl World for GraphqlWorld {
    fn connect(&self, secret: ApiKeySecret) -> Box<dyn Backend> {
        // Same client, same connection pool, other credentials.
        self.admin.act_as(secret)
    }

    fn stage(&self, fault: Fault) -> bool {
        let mutation = match fault {
            Fault::HideSecret => {
                self.faults.hide_next_secret();
                return true;
            }
            Fault::IgnorePageSize => {
                self.faults.ignore_next_page_size();
                return true;
            }
            Fault::RepeatCursor => {
                self.faults.repeat_next_cursor();
                return true;
            }
            Fault::LoseAnswer(Mutation::CreateUser) => MutationKind::CreateUser,
            Fault::LoseAnswer(Mutation::GenerateApiKey) => MutationKind::GenerateApiKey,
            Fault::LoseAnswer(Mutation::DeleteApiKey) => MutationKind::DeleteApiKey,
            Fault::LoseAnswer(Mutation::CreateTeam) => MutationKind::CreateTeam,
            Fault::LoseAnswer(Mutation::AddMember) => MutationKind::CreateInvite,
            Fault::LoseAnswer(Mutation::RemoveMember) => MutationKind::DeleteInvite,
            Fault::LoseAnswer(Mutation::SetMemberRole) => MutationKind::UpdateMember,
            Fault::LoseAnswer(Mutation::CreateServiceAccount) => MutationKind::CreateServiceAccount,
            Fault::LoseAnswer(Mutation::DeactivateUser) => MutationKind::DeleteUser,
            Fault::LoseAnswer(Mutation::ReactivateUser) => MutationKind::UndeleteUser,
            Fault::LoseAnswer(Mutation::SetInstanceAdmin) => MutationKind::UpdateUser,
            // A fault added to the suite later, which the emulator cannot stage yet.
            _ => return false,
        };
        self.faults.lose_next_answer(mutation);
        true
    }
}

users_testkit::contract_suite!(GraphqlHarness);
