//! `generate_api_key` without orphans: no key may stay alive that nobody holds.
//!
//! Each request's description carries a tag unique to the request:
//! `<description> [wbusers:<16 hex digits>]` (the tag alone when there is no
//! description). When the outcome of the mutation is unknown (the connection
//! was lost after sending, the server answered 5xx, or its answer could not be
//! read), the caller's keys are listed with `GetViewer` (a query, retried as
//! usual) and any key carrying the tag is revoked with `DeleteApiKey`:
//!
//! - a tagged key found and revoked, or none found: `Unavailable` (nothing was
//!   left alive; trying again is safe);
//! - the check or a revocation failed: `Ambiguous`, naming the tag or key id.
//!
//! When the request may still be running on the server (no answer at all),
//! the check is repeated a few times with backoff before concluding that no
//! key was made; a server that finishes even later leaves a key whose
//! description shows the tag, which W&B's settings page displays.
//!
//! The tag is stripped from every description this adapter returns, so callers
//! see the description they gave.
//!
//! A key whose returned `name` fails the key format rules is a label: the
//! server did not reveal the secret, so that key is revoked at once and the
//! call fails with `Protocol`.

use secrecy::ExposeSecret;
use serde_json::json;
use users_domain::{ApiKey, ApiKeyId, ApiKeyName, ApiKeySecret, Error, GeneratedApiKey, Result};

use crate::GraphqlUserRepository;
use crate::envelope::{Failure, reason_of};
use crate::wire::{GENERATE_API_KEY, GET_VIEWER, GenerateData, NewKey, ViewerKeysData};

const PREFIX: &str = "[wbusers:";
const TOKEN_DIGITS: usize = 16;
/// How often to look for the key when the server may still be making it.
const SETTLE_CHECKS: u32 = 3;

/// The mark one `generateApiKey` request leaves on the key it makes.
pub(crate) struct RequestTag(String);

impl RequestTag {
    pub(crate) fn new() -> Self {
        Self(format!("{PREFIX}{:016x}]", rand::random::<u64>()))
    }

    /// The description to send: the caller's (without any old tag), then ours.
    fn apply(&self, description: Option<&str>) -> String {
        match description.and_then(strip_tag) {
            Some(text) => format!("{text} {}", self.0),
            None => self.0.clone(),
        }
    }

    fn marks(&self, description: Option<&str>) -> bool {
        description.is_some_and(|text| text.ends_with(&self.0))
    }
}

/// The description without a trailing request tag; `None` if nothing is left.
pub(crate) fn strip_tag(description: &str) -> Option<String> {
    let tag_len = PREFIX.len() + TOKEN_DIGITS + 1;
    let kept = description
        .len()
        .checked_sub(tag_len)
        .filter(|&start| description.is_char_boundary(start))
        .filter(|&start| {
            let tag = &description[start..];
            tag.starts_with(PREFIX)
                && tag.ends_with(']')
                && tag[PREFIX.len()..tag_len - 1]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit())
        })
        .map_or(description, |start| description[..start].trim_end());
    (!kept.is_empty()).then(|| kept.to_owned())
}

impl GraphqlUserRepository {
    pub(crate) async fn generate(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        let tag = RequestTag::new();
        let variables = json!({ "description": tag.apply(description.as_deref()) });
        let outcome = self
            .call::<GenerateData>(&GENERATE_API_KEY, variables, "the new api key")
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

    /// Hands the key back if its name is the secret; revokes it otherwise.
    async fn accept(&self, key: NewKey) -> Result<GeneratedApiKey> {
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
        // On these servers the name is the secret; `ApiKeyName` masks it when shown.
        let name = ApiKeyName::parse(secret.expose_secret()).map_err(|error| Error::Protocol {
            reason: format!("generateApiKey answered a key name that is not usable: {error}"),
        })?;
        Ok(GeneratedApiKey {
            key: ApiKey {
                id,
                name,
                description: description.as_deref().and_then(strip_tag),
            },
            secret,
        })
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
                    return Error::Ambiguous {
                        operation: GENERATE_API_KEY.field.to_owned(),
                        reason: format!(
                            "{cause}; looking for the key it may have made failed ({error}); revoke any key whose description ends with {}",
                            tag.0
                        ),
                    };
                }
            };
            if !found.is_empty() {
                return self.revoke(found, cause).await;
            }
        }
        Error::Unavailable {
            reason: format!(
                "{cause}; no key was made (the caller's keys hold none from this request); try again"
            ),
        }
    }

    async fn tagged_keys(&self, tag: &RequestTag) -> Result<Vec<ApiKeyId>> {
        let data: ViewerKeysData = self
            .call(&GET_VIEWER, json!({}), "the viewer")
            .await
            .map_err(Failure::into_error)?;
        let viewer = data.viewer.ok_or_else(|| Error::Unauthenticated {
            reason: "the server returned no viewer for this api key".to_owned(),
        })?;
        let keys = viewer.api_keys.ok_or_else(|| Error::Protocol {
            reason: "the server did not list the caller's api keys; it may not recognise this client's user agent"
                .to_owned(),
        })?;
        Ok(keys
            .into_nodes()
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
            Error::Ambiguous {
                operation: GENERATE_API_KEY.field.to_owned(),
                reason: format!(
                    "{cause}; a key was made but revoking it failed ({}); delete it by hand",
                    failed.join("; ")
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_appended_and_stripped_again() {
        let tag = RequestTag::new();
        let sent = tag.apply(Some("ci runner"));
        assert!(sent.starts_with("ci runner [wbusers:"), "{sent}");
        assert!(tag.marks(Some(&sent)));
        assert_eq!(strip_tag(&sent).as_deref(), Some("ci runner"));
        assert_eq!(strip_tag(&tag.apply(None)), None);
    }

    #[test]
    fn an_old_tag_is_replaced_not_stacked() {
        let old = RequestTag::new().apply(Some("bot"));
        let tag = RequestTag::new();
        let sent = tag.apply(Some(&old));
        assert_eq!(sent.matches(PREFIX).count(), 1, "{sent}");
    }

    #[test]
    fn text_that_only_looks_like_a_tag_is_kept() {
        for text in ["[wbusers:xyz]", "note [wbusers:0123456789abcdeg]", "é"] {
            assert_eq!(strip_tag(text).as_deref(), Some(text));
        }
    }
}
