use async_graphql::{Context, Object, Result};

use super::types::{GqlUser, UserConnection};
use super::{Caller, domain_error};

pub(crate) struct QueryRoot;

#[Object]
impl QueryRoot {
    /// The user the credentials belong to.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Option<GqlUser>> {
        let caller = ctx.data::<Caller>()?;
        let user = caller.0.viewer().await.map_err(|e| domain_error(&e))?;
        Ok(Some(user.into()))
    }

    /// Users whose username or email starts or ends with `query`, ignoring
    /// case; every user when it is empty or absent. Instance admins only.
    async fn users(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
    ) -> Result<Option<UserConnection>> {
        let caller = ctx.data::<Caller>()?;
        let users = caller
            .0
            .search_users(query.as_deref().unwrap_or_default())
            .await
            .map_err(|e| domain_error(&e))?;
        Ok(Some(users.into()))
    }
}
