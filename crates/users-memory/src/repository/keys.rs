use async_trait::async_trait;
use secrecy::ExposeSecret as _;
use users_domain::{ApiKeyId, Error, GeneratedApiKey, KeyRepository, Result};

use super::InMemoryUserRepository;
use crate::state::NewKey;
use crate::{Mutation, mint};

#[async_trait]
impl KeyRepository for InMemoryUserRepository {
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.mutate(Mutation::GenerateApiKey, |state, me| {
            // 36^40 makes a clash all but impossible; checking keeps "unique" a fact.
            let secret = std::iter::repeat_with(mint::secret)
                .find(|secret| state.holder_of(secret.expose_secret()).is_none())
                .unwrap_or_else(mint::secret);
            let key = state.add_key(
                me,
                NewKey {
                    secret: secret.clone(),
                    name: mint::key_label(),
                    description,
                },
            );
            Ok(GeneratedApiKey { key, secret })
        })
    }

    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        self.mutate(Mutation::DeleteApiKey, |state, me| {
            let owner = state.key_owner(id).ok_or_else(|| Error::NotFound {
                what: format!("api key {id}"),
            })?;
            if owner != me && !state.users()[me].admin {
                return Err(Error::PermissionDenied {
                    reason: format!(
                        "api key {id} belongs to another user; only its owner or an instance admin may delete it"
                    ),
                });
            }
            state.remove_key(id);
            Ok(())
        })
    }
}
