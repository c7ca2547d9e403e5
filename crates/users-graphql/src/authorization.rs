//! The caller's key, and what is made from it once per repository: the
//! `Authorization` header and the token to blot out of server messages.

use base64::Engine as _;
use bytes::Bytes;
use reqwest::header::HeaderValue;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use users_domain::ApiKeySecret;

use crate::KeySource;

pub(crate) struct Authorization {
    /// `Basic base64("api:" + key)`, marked sensitive.
    pub(crate) header: HeaderValue,
    pub(crate) secret: ApiKeySecret,
    /// The header's base64 token without its `=` padding, so that an echo
    /// that dropped the padding is caught too.
    pub(crate) token: SecretString,
    pub(crate) source: KeySource,
}

impl Authorization {
    pub(crate) fn new(secret: ApiKeySecret, source: KeySource) -> Self {
        let plain = SecretString::from(format!("api:{}", secret.expose_secret()));
        let mut token = base64::engine::general_purpose::STANDARD.encode(plain.expose_secret());
        // The header's bytes live in a buffer zeroed when the last clone of
        // the header (one per request in flight) is dropped. Base64 is always
        // a valid header value; the fallback cannot happen.
        let bytes = Zeroizing::new(format!("Basic {token}").into_bytes());
        let mut header = HeaderValue::from_maybe_shared(Bytes::from_owner(bytes))
            .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
        header.set_sensitive(true);
        token.truncate(token.trim_end_matches('=').len());
        Self {
            header,
            secret,
            token: SecretString::from(token),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_padded_and_the_token_is_not() {
        // "api:" and 40 characters: 44 bytes, so one `=` of padding.
        let secret = ApiKeySecret::parse("0123456789abcdefghij0123456789abcdefghij").unwrap();
        let expected = base64::engine::general_purpose::STANDARD
            .encode(format!("api:{}", secret.expose_secret()));
        assert!(expected.ends_with('='), "{expected}");

        let authorization = Authorization::new(secret, KeySource::Builder);

        assert_eq!(
            authorization.header.to_str().unwrap(),
            format!("Basic {expected}")
        );
        assert!(authorization.header.is_sensitive());
        assert_eq!(
            authorization.token.expose_secret(),
            expected.trim_end_matches('=')
        );
    }
}
