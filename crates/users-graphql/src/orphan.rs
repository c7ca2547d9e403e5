//! `generate_api_key` without orphans: no key may stay alive that nobody holds.
//!
//! Each request's description carries a tag unique to the request (see
//! [`crate::tag`]). When the outcome of the mutation is unknown (the
//! connection was lost after sending, the server answered 408 or 5xx, or its
//! answer could not be read), the caller's keys are listed with `GetViewer` (a
//! query, retried as usual) and any key carrying the tag is revoked with
//! `DeleteApiKey`:
//!
//! - a tagged key found and revoked: `Unavailable` (nothing was left alive;
//!   trying again is safe);
//! - the check or a revocation failed: `Ambiguous`, naming the tag or key id;
//! - none found while the request may still be running on the server (no
//!   answer, a timeout, 408 or 5xx): the check is repeated a few times with
//!   backoff, and if the key still does not show, `Ambiguous` naming the tag,
//!   since the server may make it later (the port's contract: `Ambiguous` when
//!   the adapter cannot make sure);
//! - none found after the server did answer (its work was over, so a key it
//!   made would be listed): `Unavailable`, "no key was made; try again".
//!
//! A request that surely never reached the server (the connection was
//! refused) is a plain `Unavailable` and is not checked at all.

use serde_json::json;
use users_domain::{ApiKeyId, Error, GeneratedApiKey, Result};

use crate::GraphqlUserRepository;
use crate::envelope::{Failure, reason_of};
use crate::tag::RequestTag;
use crate::wire::{
    GENERATE_API_KEY, GET_VIEWER, GeneratedKey, KeyDescription, MutationData, ViewerData,
    ViewerKeys,
};

/// How often to look for the key when the server may still be making it.
const SETTLE_CHECKS: u32 = 3;

impl GraphqlUserRepository {
    pub(crate) async fn generate(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        let tag = RequestTag::new();
        let variables = json!({ "description": tag.apply(description.as_deref()) });
        let outcome = self
            .call::<MutationData<GeneratedKey>>(&GENERATE_API_KEY, variables, "the new api key")
            .await;
        match outcome {
            Ok(data) => match data.result.and_then(|result| result.api_key) {
                Some(key) => self.accept(key).await,
                None => Err(self
                    .reconcile(&tag, "the server answered without the new key", false)
                    .await),
            },
            Err(Failure::Definite(error)) => Err(error),
            Err(Failure::Uncertain { error, in_flight }) => {
                Err(self.reconcile(&tag, &reason_of(&error), in_flight).await)
            }
        }
    }

    /// Finds and revokes the key a request of unknown outcome may have made;
    /// always an error: the secret of such a key is lost.
    async fn reconcile(&self, tag: &RequestTag, cause: &str, in_flight: bool) -> Error {
        let checks = if in_flight { SETTLE_CHECKS } else { 1 };
        for check in 0..checks {
            if check > 0 {
                tokio::time::sleep(self.transport.policy.ceiling(check - 1)).await;
            }
            let found = match self.tagged_keys(tag).await {
                Ok(found) => found,
                Err(error) => {
                    return ambiguous(format!(
                        "{cause}; looking for the key it may have made failed ({error}); revoke any key whose description carries {}",
                        tag.as_str()
                    ));
                }
            };
            if !found.is_empty() {
                return self.revoke(found, cause).await;
            }
        }
        if in_flight {
            ambiguous(format!(
                "{cause}; no key from this request is listed yet, but the server may still make one; before trying again, revoke any key whose description carries {}",
                tag.as_str()
            ))
        } else {
            Error::Unavailable {
                reason: format!(
                    "{cause}; no key was made (the server had answered and the caller's keys hold none from this request); try again"
                ),
            }
        }
    }

    async fn tagged_keys(&self, tag: &RequestTag) -> Result<Vec<ApiKeyId>> {
        Ok(self
            .viewer_keys()
            .await?
            .into_iter()
            .filter(|key| tag.marks(key.description.as_deref()))
            .map(|key| key.id)
            .collect())
    }

    /// The caller's keys as `GetViewer` lists them.
    pub(crate) async fn viewer_keys(&self) -> Result<Vec<KeyDescription>> {
        let data: ViewerData<ViewerKeys> = self
            .call(&GET_VIEWER, json!({}), "the viewer")
            .await
            .map_err(Failure::into_error)?;
        let viewer = data.viewer.ok_or_else(|| Error::Unauthenticated {
            reason: "the server returned no viewer for this api key".to_owned(),
        })?;
        let keys = viewer.api_keys.ok_or_else(|| Error::NotListed {
            what: "the caller's api keys".to_owned(),
        })?;
        Ok(keys.into_nodes().collect())
    }

    async fn revoke(&self, ids: Vec<ApiKeyId>, cause: &str) -> Error {
        let mut failed = Vec::new();
        for id in &ids {
            if let Err(error) = self.delete(id).await {
                failed.push(format!("key {id}: {error}"));
            }
        }
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        if failed.is_empty() {
            Error::Unavailable {
                reason: format!(
                    "{cause}; the key it made ({}) was revoked, so none was left alive; try again",
                    ids.join(", ")
                ),
            }
        } else {
            ambiguous(format!(
                "{cause}; a key was made but revoking it failed ({}); delete it by hand",
                failed.join("; ")
            ))
        }
    }
}

fn ambiguous(reason: String) -> Error {
    Error::Ambiguous {
        operation: GENERATE_API_KEY.field.to_owned(),
        reason,
    }
}
