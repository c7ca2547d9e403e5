use async_graphql::{Context, Object, Result};
use secrecy::ExposeSecret;
use users_domain::{ApiKeyId, Email, Error};

use crate::faults::{Faults, LostAnswer, MutationKind};

use super::types::{
    CreateUserInput, CreateUserPayload, DeleteApiKeyInput, DeleteApiKeyPayload,
    GenerateApiKeyInput, GenerateApiKeyPayload, GqlApiKey,
};
use super::{Caller, ErrorCode, coded, domain_error};

/// The message W&B gives a non-admin, which SDK users will have seen.
const CREATE_USER_DENIED: &str = "only admins can use createUser()";

/// Users and their keys: the mutations of the SDK's `Api` and `User`.
pub(crate) struct UserMutation;

#[Object]
impl UserMutation {
    /// Creates a user. Instance admins only.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> Result<Option<CreateUserPayload>> {
        let caller = ctx.data::<Caller>()?;
        let email = Email::parse(input.email)
            .map_err(|e| coded(format!("invalid email: {e}"), ErrorCode::InvalidInput))?;
        let created = caller
            .0
            .create_user(&email, input.admin.unwrap_or(false))
            .await;
        take_lost_answer(ctx, MutationKind::CreateUser, &created)?;
        let user = created.map_err(|e| match e {
            Error::PermissionDenied { .. } => {
                coded(CREATE_USER_DENIED, ErrorCode::PermissionDenied)
            }
            other => domain_error(&other),
        })?;
        Ok(Some(CreateUserPayload {
            user: Some(user.into()),
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Generates a key for the caller; its secret is in `apiKey.name`, this once.
    async fn generate_api_key(
        &self,
        ctx: &Context<'_>,
        input: GenerateApiKeyInput,
    ) -> Result<Option<GenerateApiKeyPayload>> {
        let caller = ctx.data::<Caller>()?;
        let generated = caller.0.generate_api_key(input.description).await;
        take_lost_answer(ctx, MutationKind::GenerateApiKey, &generated)?;
        let generated = generated.map_err(|e| domain_error(&e))?;
        let api_key = if ctx.data::<Faults>()?.take_hidden_secret() {
            GqlApiKey::from(generated.key)
        } else {
            GqlApiKey::revealing(generated.key, generated.secret.expose_secret())
        };
        Ok(Some(GenerateApiKeyPayload {
            api_key: Some(api_key),
            client_mutation_id: input.client_mutation_id,
        }))
    }

    /// Deletes a key. Its owner or an instance admin only.
    async fn delete_api_key(
        &self,
        ctx: &Context<'_>,
        input: DeleteApiKeyInput,
    ) -> Result<Option<DeleteApiKeyPayload>> {
        let caller = ctx.data::<Caller>()?;
        let id = ApiKeyId::parse(input.id)
            .map_err(|e| coded(format!("invalid api key id: {e}"), ErrorCode::InvalidInput))?;
        let deleted = caller.0.delete_api_key(&id).await;
        take_lost_answer(ctx, MutationKind::DeleteApiKey, &deleted)?;
        deleted.map_err(|e| domain_error(&e))?;
        Ok(Some(DeleteApiKeyPayload {
            success: true,
            client_mutation_id: input.client_mutation_id,
        }))
    }
}

/// Takes a staged lost answer for `mutation`, which has just run: the HTTP
/// layer then cuts the connection instead of answering, whatever the outcome.
/// A caller the repository did not recognise never got as far as the
/// mutation (the server answers 401 before anything else), so the fault stays
/// armed for a request that does.
pub(crate) fn take_lost_answer<T>(
    ctx: &Context<'_>,
    mutation: MutationKind,
    outcome: &users_domain::Result<T>,
) -> Result<()> {
    if matches!(outcome, Err(Error::Unauthenticated { .. })) {
        return Ok(());
    }
    if ctx.data::<Faults>()?.take_lost_answer(mutation) {
        ctx.data::<LostAnswer>()?.mark();
    }
    Ok(())
}
