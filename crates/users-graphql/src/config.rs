//! Where the client's settings come from and how they are checked: every
//! problem is found here, before any request is sent.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use url::{Host, Url};
use users_domain::{ApiKeySecret, ApiKeySecretError};

use crate::{Environment, netrc};

/// The hosted W&B server.
pub(crate) const DEFAULT_BASE_URL: &str = "https://api.wandb.ai";

/// Why the client could not be built. Each message names what to fix; none
/// quotes an API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("base url '{url}' is not usable: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error(
        "refusing plain http to {host}: the api key would travel unencrypted; use https, or allow_insecure_http(true) to accept that"
    )]
    InsecureHttp { host: String },
    #[error(
        "no api key for {host}: pass one to the builder, set WANDB_API_KEY, or add 'machine {host} login user password <key>' to {netrc}"
    )]
    MissingApiKey { host: String, netrc: String },
    #[error("the api key from {origin} is not valid: {source}")]
    InvalidApiKey {
        origin: KeySource,
        #[source]
        source: ApiKeySecretError,
    },
    /// Refused rather than trimmed, so that the key sent is the one set.
    #[error("{origin} has white space around it; remove it")]
    ApiKeyWhitespace { origin: KeySource },
    #[error("{} may be read by other users (mode {mode:03o}); run 'chmod 600 {}'", .path.display(), .path.display())]
    NetrcPermissions { path: PathBuf, mode: u32 },
    #[error("could not read {}: {reason}", .path.display())]
    NetrcRead { path: PathBuf, reason: String },
    #[error("{} line {line}: {reason}", .path.display())]
    NetrcSyntax {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: the {entry} entry has no password; add 'password <api key>' to it", .path.display())]
    NetrcNoPassword { path: PathBuf, entry: String },
    #[error("header '{name}' cannot be sent: {reason}")]
    InvalidHeader { name: String, reason: String },
    #[error("{setting} {reason}")]
    InvalidSetting {
        setting: &'static str,
        reason: &'static str,
    },
    #[error("could not set up the http client: {reason}")]
    Client { reason: String },
}

/// Where the client's API key came from: the place to fix when the server
/// refuses it. Its `Display` names that place (never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// Given in code: [`GraphqlClientBuilder::api_key`](crate::GraphqlClientBuilder::api_key)
    /// (and the key a repository made by `act_as` was given).
    Builder,
    /// The `WANDB_API_KEY` environment variable ([`Environment::api_key`]).
    EnvVar,
    /// A netrc file's entry for the server: `entry` is `machine <host>` or
    /// `default`.
    #[non_exhaustive]
    Netrc { path: PathBuf, entry: String },
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builder => f.write_str("the builder"),
            Self::EnvVar => f.write_str("WANDB_API_KEY"),
            Self::Netrc { path, entry } => write!(f, "{} ({entry})", path.display()),
        }
    }
}

/// A checked base URL and the endpoint under it.
pub(crate) struct BaseUrl {
    /// Without a trailing slash, for messages.
    pub(crate) text: String,
    pub(crate) endpoint: Url,
    /// The netrc machine names to try, in order: `host:port`, then `host`.
    pub(crate) machines: Vec<String>,
    /// Whether the host is this machine, which no proxy may stand between.
    pub(crate) loopback: bool,
}

/// Parses and checks a base URL: http(s), a host, no credentials, query or
/// fragment; plain http only to loopback unless `allow_insecure_http`.
pub(crate) fn base_url(raw: &str, allow_insecure_http: bool) -> Result<BaseUrl, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let url = Url::parse(trimmed).map_err(|error| ConfigError::InvalidBaseUrl {
        url: shown_raw(trimmed),
        reason: error.to_string(),
    })?;
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: shown(&url, trimmed),
        reason: reason.to_owned(),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be https (or http)"));
    }
    let Some(host) = url.host() else {
        return Err(invalid("it has no host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not carry credentials; give the api key separately",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or a fragment"));
    }
    let loopback = is_loopback(&host);
    if url.scheme() == "http" && !allow_insecure_http && !loopback {
        return Err(ConfigError::InsecureHttp {
            host: host.to_string(),
        });
    }
    let host = host.to_string();
    let mut machines = Vec::new();
    if let Some(port) = url.port() {
        machines.push(format!("{host}:{port}"));
    }
    machines.push(host);
    let text = url.as_str().trim_end_matches('/').to_owned();
    let endpoint =
        Url::parse(&format!("{text}/graphql")).map_err(|error| invalid(&error.to_string()))?;
    Ok(BaseUrl {
        text,
        endpoint,
        machines,
        loopback,
    })
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// A parsed URL as it may be echoed: scheme, host, port and path only, so no
/// credentials, query or fragment (which may hold a key) ever show; `?…` or
/// `#…` says that one was there.
fn shown(url: &Url, raw: &str) -> String {
    let Some(host) = url.host_str() else {
        return shown_raw(raw);
    };
    let port = url
        .port()
        .map_or_else(String::new, |port| format!(":{port}"));
    let path = url.path().trim_end_matches('/');
    let query = if url.query().is_some() { "?…" } else { "" };
    let fragment = if url.fragment().is_some() { "#…" } else { "" };
    format!("{}://{host}{port}{path}{query}{fragment}", url.scheme())
}

/// Text that is not a URL as it may be echoed: cut at the first `?` or `#`,
/// and anything between the scheme and the last `@` (credentials, however
/// malformed) left out.
fn shown_raw(raw: &str) -> String {
    let (head, cut) = match raw.find(['?', '#']) {
        Some(end) => (&raw[..end], "…"),
        None => (raw, ""),
    };
    let Some(at) = head.rfind('@') else {
        return format!("{head}{cut}");
    };
    let scheme = head[..at]
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
        .map_or_else(String::new, |scheme| format!("{scheme}://"));
    format!("{scheme}…@{}{cut}", &head[at + 1..])
}

/// The key, and where it came from: builder, then `WANDB_API_KEY`, then netrc.
pub(crate) fn api_key(
    from_builder: Option<SecretString>,
    env: &Environment,
    netrc_path: Option<PathBuf>,
    base: &BaseUrl,
) -> Result<(ApiKeySecret, KeySource), ConfigError> {
    let (origin, key) = if let Some(key) = from_builder {
        (KeySource::Builder, key)
    } else if let Some(key) = env.api_key.clone() {
        // `export WANDB_API_KEY=$(cat file)` and pasted lines bring a newline
        // or spaces along; say so, rather than "bad character".
        let text = key.expose_secret();
        if text.trim() != text {
            return Err(ConfigError::ApiKeyWhitespace {
                origin: KeySource::EnvVar,
            });
        }
        (KeySource::EnvVar, key)
    } else {
        from_netrc(netrc_path, env, base)?
    };
    match ApiKeySecret::parse(key) {
        Ok(secret) => Ok((secret, origin)),
        Err(source) => Err(ConfigError::InvalidApiKey { origin, source }),
    }
}

/// The netrc key for the base URL: `(origin, key)`.
fn from_netrc(
    netrc_path: Option<PathBuf>,
    env: &Environment,
    base: &BaseUrl,
) -> Result<(KeySource, SecretString), ConfigError> {
    let missing = |netrc: String| ConfigError::MissingApiKey {
        host: base.machines[0].clone(),
        netrc,
    };
    let Some(path) = netrc_path
        .or_else(|| env.netrc_path.clone())
        .or_else(|| env.home.as_ref().map(|home| home.join(".netrc")))
    else {
        return Err(missing("~/.netrc".to_owned()));
    };
    let Some(found) = netrc::lookup(&path, &base.machines)? else {
        return Err(missing(path.display().to_string()));
    };
    Ok((
        KeySource::Netrc {
            path,
            entry: found.entry,
        },
        found.password,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_prefix_is_kept_and_trailing_slashes_dropped() {
        let base = base_url("https://host.io/wandb/", false).unwrap();
        assert_eq!(base.text, "https://host.io/wandb");
        assert_eq!(base.endpoint.as_str(), "https://host.io/wandb/graphql");
        assert_eq!(
            base_url("https://api.wandb.ai", false)
                .unwrap()
                .endpoint
                .as_str(),
            "https://api.wandb.ai/graphql"
        );
    }

    #[test]
    fn key_sources_read_as_the_place_to_fix() {
        let netrc = KeySource::Netrc {
            path: PathBuf::from("/home/ada/.netrc"),
            entry: "machine host.io".to_owned(),
        };
        assert_eq!(KeySource::Builder.to_string(), "the builder");
        assert_eq!(KeySource::EnvVar.to_string(), "WANDB_API_KEY");
        assert_eq!(netrc.to_string(), "/home/ada/.netrc (machine host.io)");
    }

    #[test]
    fn netrc_machines_prefer_host_and_port() {
        let base = base_url("http://localhost:8080", false).unwrap();
        assert_eq!(base.machines, ["localhost:8080", "localhost"]);
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        for ok in [
            "http://127.0.0.1:9",
            "http://localhost",
            "http://[::1]:80",
            "http://a.localhost",
        ] {
            assert!(base_url(ok, false).is_ok(), "{ok}");
        }
        let error = base_url("http://wandb.example.com", false).err().unwrap();
        assert!(matches!(error, ConfigError::InsecureHttp { .. }), "{error}");
        assert!(base_url("http://wandb.example.com", true).is_ok());
    }

    #[test]
    fn credentials_in_the_url_are_refused_without_being_echoed() {
        let error = base_url("https://api:sekrit@host.io", false).err().unwrap();
        let message = error.to_string();
        assert!(message.contains("credentials"), "{message}");
        assert!(!message.contains("sekrit"), "{message}");
    }

    #[test]
    fn echoed_urls_keep_neither_credentials_nor_queries() {
        let cases = [
            ("https:/api:sekrit@host.io", "https://host.io"),
            ("https://host.io/w?api_key=sekrit", "https://host.io/w?…"),
            ("https://host.io#sekrit", "https://host.io#…"),
            ("https://api:sekrit@ho st.io", "https://…@ho st.io"),
            ("api:sekrit@ho st", "api://…@ho st"),
            ("ftp:sekrit@x", "ftp://x"),
            ("not a url?key=sekrit", "not a url…"),
        ];
        for (raw, expected) in cases {
            let Err(ConfigError::InvalidBaseUrl { url, .. }) = base_url(raw, false) else {
                panic!("{raw} was accepted");
            };
            assert_eq!(url, expected, "{raw}");
        }
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        for bad in ["ftp://host.io", "not a url", "https://host.io?x=1", ""] {
            assert!(
                matches!(
                    base_url(bad, false),
                    Err(ConfigError::InvalidBaseUrl { .. })
                ),
                "{bad}"
            );
        }
    }
}
