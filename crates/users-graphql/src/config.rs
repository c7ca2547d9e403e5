//! Where the client's settings come from and how they are checked: every
//! problem is found here, before any request is sent.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use users_domain::{ApiKeySecret, ApiKeySecretError};

use crate::base_url::BaseUrl;
use crate::{Environment, netrc};

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
    /// The official SDK's settings file, read for the base URL that `wandb
    /// login --host` left there, could not be read.
    #[error("could not read the W&B settings file {}: {reason}", .path.display())]
    SettingsFile {
        /// The file: `$WANDB_CONFIG_DIR/settings` or `~/.config/wandb/settings`.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
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
    fn key_sources_read_as_the_place_to_fix() {
        let netrc = KeySource::Netrc {
            path: PathBuf::from("/home/ada/.netrc"),
            entry: "machine host.io".to_owned(),
        };
        assert_eq!(KeySource::Builder.to_string(), "the builder");
        assert_eq!(KeySource::EnvVar.to_string(), "WANDB_API_KEY");
        assert_eq!(netrc.to_string(), "/home/ada/.netrc (machine host.io)");
    }
}
