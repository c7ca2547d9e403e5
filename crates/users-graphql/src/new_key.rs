//! The key `generateApiKey` answered, handed back without its secret ever
//! becoming its metadata.
//!
//! Servers that reveal the new secret put it in `apiKey.name`. What callers
//! show as the key's name must not be that secret, so the key's listed name is
//! read with one `GetViewer` (a query, retried as usual). When the viewer's
//! list does not have the key, lists a key-shaped name for it (a legacy server
//! listing the secret), or the query fails, the key is named `id:<key id>`
//! instead (never key-shaped, since `:` is not a key character) and the call
//! still succeeds: the key and its secret are good.
//!
//! A `name` that is not key-shaped is a label: the server did not reveal the
//! secret, so that key is revoked at once and the call fails with `Protocol`.

use secrecy::ExposeSecret;
use users_domain::{ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Error, GeneratedApiKey, Result};

use crate::GraphqlUserRepository;
use crate::tag::strip_tag;
use crate::wire::NewKey;

impl GraphqlUserRepository {
    /// Hands the key back if its name is the secret; revokes it otherwise.
    pub(crate) async fn accept(&self, key: NewKey) -> Result<GeneratedApiKey> {
        let NewKey {
            id,
            name,
            description,
        } = key;
        let Ok(secret) = ApiKeySecret::parse(name) else {
            let outcome = match self.delete(&id).await {
                Ok(()) => format!("key {id} was revoked so that no key nobody holds stays alive"),
                Err(error) => format!("revoking key {id} failed ({error}); delete it by hand"),
            };
            return Err(Error::Protocol {
                reason: format!(
                    "the server did not reveal the new key's secret (generateApiKey answered a label as its name); {outcome}"
                ),
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
}

/// `id:<key id>`: at most 516 characters (ids have at most 512), no control
/// characters, never key-shaped.
fn fallback_name(id: &ApiKeyId) -> ApiKeyName {
    ApiKeyName::parse(format!("id:{id}"))
        .unwrap_or_else(|_| unreachable!("an api key id always makes a valid key name"))
}
