//! HTTP Basic credentials, as W&B takes them: user name `api`, password the key.

use axum::http::{HeaderMap, header::AUTHORIZATION};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use secrecy::SecretString;
use users_domain::ApiKeySecret;

/// Why a request carries no usable credentials. Messages never quote the
/// header: it may hold a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CredentialsError {
    #[error("no credentials: send an Authorization header, Basic base64(\"api:\" + api key)")]
    Missing,
    #[error("credentials must be HTTP Basic: Basic base64(\"api:\" + api key)")]
    NotBasic,
    #[error("the Basic credentials are not base64 of \"api:<api key>\"")]
    Malformed,
    #[error("the Basic credentials must use the user name \"api\"")]
    WrongUser,
    #[error("the api key is not well-formed: {0}")]
    BadKey(users_domain::ApiKeySecretError),
}

/// The API key in the request's `Authorization` header.
pub(crate) fn api_key(headers: &HeaderMap) -> Result<ApiKeySecret, CredentialsError> {
    let value = headers
        .get(AUTHORIZATION)
        .ok_or(CredentialsError::Missing)?
        .to_str()
        .map_err(|_| CredentialsError::Malformed)?;
    let (scheme, encoded) = value
        .trim()
        .split_once(' ')
        .ok_or(CredentialsError::NotBasic)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(CredentialsError::NotBasic);
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| CredentialsError::Malformed)?;
    let decoded = String::from_utf8(decoded).map_err(|_| CredentialsError::Malformed)?;
    let (user, key) = decoded.split_once(':').ok_or(CredentialsError::Malformed)?;
    if user != "api" {
        return Err(CredentialsError::WrongUser);
    }
    ApiKeySecret::parse(SecretString::from(key.to_owned())).map_err(CredentialsError::BadKey)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use secrecy::ExposeSecret;

    use super::*;

    const KEY: &str = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    fn basic(user_and_key: &str) -> HeaderMap {
        headers(&format!("Basic {}", STANDARD.encode(user_and_key)))
    }

    #[test]
    fn the_sdk_header_yields_its_key() {
        let key = api_key(&basic(&format!("api:{KEY}"))).unwrap();
        assert_eq!(key.expose_secret(), KEY);
    }

    #[test]
    fn each_unusable_header_says_why() {
        assert_eq!(
            api_key(&HeaderMap::new()).unwrap_err(),
            CredentialsError::Missing
        );
        assert_eq!(
            api_key(&headers(&format!("Bearer {KEY}"))).unwrap_err(),
            CredentialsError::NotBasic
        );
        assert_eq!(
            api_key(&headers("Basic !!!")).unwrap_err(),
            CredentialsError::Malformed
        );
        assert_eq!(
            api_key(&basic(KEY)).unwrap_err(),
            CredentialsError::Malformed
        );
        assert_eq!(
            api_key(&basic(&format!("user:{KEY}"))).unwrap_err(),
            CredentialsError::WrongUser
        );
        assert!(matches!(
            api_key(&basic("api:short")).unwrap_err(),
            CredentialsError::BadKey(_)
        ));
    }

    #[test]
    fn no_message_quotes_the_key() {
        let error = api_key(&basic(&format!("api:{KEY}!"))).unwrap_err();
        assert!(!error.to_string().contains(&KEY[4..30]), "{error}");
    }
}
