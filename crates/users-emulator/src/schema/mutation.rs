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

pub(crate) struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Creates a user. Instance admins only.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> Result<Option<CreateUserPayload>> {
        let caller = ctx.data::<Caller>()?;
        let email = Email::parse(input.email)
            .map_err(|e| coded(format!("invalid email: {e}"), ErrorCode::InvalidInput))?;
        take_lost_answer(ctx, MutationKind::CreateUser)?;
        let user = caller
            .0
            .create_user(&email, input.admin.unwrap_or(false))
            .await
            .map_err(|e| match e {
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
        take_lost_answer(ctx, MutationKind::GenerateApiKey)?;
        let generated = caller
            .0
            .generate_api_key(input.description)
            .await
            .map_err(|e| domain_error(&e))?;
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
        take_lost_answer(ctx, MutationKind::DeleteApiKey)?;
        caller
            .0
            .delete_api_key(&id)
            .await
            .map_err(|e| domain_error(&e))?;
        Ok(Some(DeleteApiKeyPayload {
            success: true,
            client_mutation_id: input.client_mutation_id,
        }))
    }
}

/// Takes a staged lost answer for `mutation`: the mutation still runs, and
/// the HTTP layer then cuts the connection instead of answering.
fn take_lost_answer(ctx: &Context<'_>, mutation: MutationKind) -> Result<()> {
    if ctx.data::<Faults>()?.take_lost_answer(mutation) {
        ctx.data::<LostAnswer>()?.mark();
    }
    Ok(())
}
