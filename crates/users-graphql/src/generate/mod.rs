//! `generate_api_key`, start to end: the request, the new key read back
//! without its secret ever becoming its metadata, and reconciliation when the
//! outcome is unknown, so that no key stays alive that nobody holds. This is
//! the one explanation of these rules; the crate docs link here.
//!
//! # The request
//!
//! Each request's description carries a tag unique to the request (see
//! [`tag`]): `[wbusers:<16 hex digits>] <description>`.
//!
//! # The answer
//!
//! Servers that reveal the new secret put it in `apiKey.name`. What callers
//! show as the key's name must not be that secret, so the key's listed name is
//! read from the caller's key list (`ViewerApiKeys`, a query, retried as usual). When the viewer's
//! list does not have the key, lists a key-shaped name for it (a legacy server
//! listing the secret), or the query fails, the key is named `id:<key id>`
//! instead (never key-shaped, since `:` is not a key character) and the call
//! still succeeds: the key and its secret are good.
//!
//! A `name` that is not key-shaped is a label: the server did not reveal the
//! secret, so that key is revoked at once and the call fails with `Protocol`.
//!
//! # An unknown outcome
//!
//! When the outcome of the mutation is unknown (the connection was lost after
//! sending, the server answered 408 or 5xx, or its answer could not be read),
//! the caller's keys are listed with `ViewerApiKeys`, every page (a query,
//! retried as usual)
//! and any key carrying the tag is revoked with `DeleteApiKey`:
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

use secrecy::ExposeSecret;
use serde_json::json;
use users_domain::{ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Error, GeneratedApiKey, Result};

use crate::GraphqlUserRepository;
use crate::wire::{GENERATE_API_KEY, GeneratedKey, MutationData, NewKey};

pub(crate) mod tag;

use self::tag::{RequestTag, strip_tag};

/// How often to look for the key when the server may still be making it.
const SETTLE_CHECKS: u32 = 3;

impl GraphqlUserRepository {
    pub(crate) async fn generate(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        let tag = RequestTag::new();
        let variables = json!({ "description": tag.apply(description.as_deref()) });
        let exchange = self.send(&GENERATE_API_KEY, variables).await;
        let may_still_run = exchange.may_still_run();
        let data: Result<MutationData<GeneratedKey>> =
            self.interpret(&GENERATE_API_KEY, exchange, "the new api key");
        match data {
            Ok(data) => match data.result.and_then(|result| result.api_key) {
                Some(key) => self.accept(key).await,
                None => Err(self
                    .reconcile(&tag, "the server answered without the new key", false)
                    .await),
            },
            Err(Error::Ambiguous { reason, .. }) => {
                Err(self.reconcile(&tag, &reason, may_still_run).await)
            }
            Err(error) => Err(error),
        }
    }

    /// Hands the key back if its name is the secret; revokes it otherwise.
    pub(crate) async fn accept(&self, key: NewKey) -> Result<GeneratedApiKey> {
        let NewKey {
            id,
            name,
            description,
        } = key;
        let Ok(secret) = ApiKeySecret::parse(name) else {
            let refused = "the server did not reveal the new key's secret (generateApiKey answered a label as its name)";
            // A key nobody holds must not stay alive: revoke it, and if that
            // fails, its fate is unknown to the caller (the port's contract).
            return Err(match self.delete(&id).await {
                Ok(()) => Error::Protocol {
                    reason: format!(
                        "{refused}; key {id} was revoked so that no key nobody holds stays alive"
                    ),
                },
                Err(error) => ambiguous(format!(
                    "{refused}; revoking key {id} failed ({error}); delete it by hand"
                )),
            });
        };
        let name = match self.listed_name(&id).await {
            Ok(name) => name,
            Err(why) => {
                tracing::warn!(key = %id, reason = %why, "naming the new api key by its id");
                fallback_name(&id)
            }
        };
        Ok(GeneratedApiKey {
            key: ApiKey {
                id,
                name,
                description: description.as_deref().and_then(strip_tag),
            },
            secret,
        })
    }

    /// The name the caller's key list shows for key `id`, if it is a label.
    async fn listed_name(&self, id: &ApiKeyId) -> std::result::Result<ApiKeyName, String> {
        let keys = self
            .viewer_keys()
            .await
            .map_err(|error| format!("listing the caller's keys failed: {error}"))?;
        let key = keys
            .into_iter()
            .find(|key| key.id == *id)
            .ok_or("the caller's keys do not list it")?;
        let name = key.name.ok_or("it is listed without a name")?;
        if ApiKeySecret::is_key_shaped(name.expose_secret()) {
            return Err("its listed name is key-shaped, so may be its secret".to_owned());
        }
        ApiKeyName::parse(name.expose_secret())
            .map_err(|error| format!("its listed name is not usable: {error}"))
    }

    /// Finds and revokes the key a request of unknown outcome may have made;
    /// always an error: the secret of such a key is lost.
    async fn reconcile(&self, tag: &RequestTag, cause: &str, may_still_run: bool) -> Error {
        let checks = if may_still_run { SETTLE_CHECKS } else { 1 };
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
        if may_still_run {
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

/// `id:<key id>`: at most 516 characters (ids have at most 512), no control
/// characters, never key-shaped.
fn fallback_name(id: &ApiKeyId) -> ApiKeyName {
    ApiKeyName::parse(format!("id:{id}"))
        .unwrap_or_else(|_| unreachable!("an api key id always makes a valid key name"))
}
