//! Where the client's settings come from and how they are checked: every
//! problem is found here, before any request is sent.

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use users_domain::{ApiKeySecret, ApiKeySecretError};

use crate::base_url::BaseUrl;
use crate::tls::CaSource;
use crate::{Environment, netrc};

/// Why the client could not be built. Each message names what to fix; none
/// quotes an API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL (from the builder, `WANDB_BASE_URL` or the SDK's settings
    /// file) is not an http(s) URL this client can use: no host, credentials,
    /// a query or fragment, or a W&B host other than the API's.
    #[error("base url '{url}' is not usable: {reason}")]
    InvalidBaseUrl {
        /// The URL as it may be echoed: any credentials, query or fragment
        /// (which may hold a key) are left out.
        url: String,
        /// What is wrong with it, and for a wrong W&B host the right one.
        reason: String,
    },
    /// The base URL is plain `http://` to a host other than this machine, so
    /// the key would travel unencrypted; allowed only with
    /// [`allow_insecure_http`](crate::GraphqlClientBuilder::allow_insecure_http).
    #[error(
        "refusing plain http to {host}: the api key would travel unencrypted; use https, or allow_insecure_http(true) to accept that"
    )]
    InsecureHttp {
        /// The host the key would have been sent to.
        host: String,
    },
    /// No key was given to the builder, `WANDB_API_KEY` is unset, and no
    /// netrc entry matches the server's host.
    #[error(
        "no api key for {host}: pass one to the builder, set WANDB_API_KEY, or add 'machine {host} login user password <key>' to {netrc}"
    )]
    MissingApiKey {
        /// The machine a netrc entry was looked for (`host`, or `host:port`
        /// when the base URL names a port).
        host: String,
        /// The netrc file that was read (or `~/.netrc` when no home directory
        /// is known), for the message to name.
        netrc: String,
    },
    /// A key was found but does not have the shape of a W&B API key.
    #[error("the api key from {origin} is not valid: {source}")]
    InvalidApiKey {
        /// Where the key came from: the place to fix it.
        origin: KeySource,
        /// Which rule the key breaks; it never quotes the key.
        #[source]
        source: ApiKeySecretError,
    },
    /// The key has leading or trailing white space (a pasted line, a `$(cat
    /// file)` newline). Refused rather than trimmed, so that the key sent is
    /// the one set.
    #[error("{origin} has white space around it; remove it")]
    ApiKeyWhitespace {
        /// Where the key came from: the place to fix it.
        origin: KeySource,
    },
    /// The netrc file that holds the key may be read or written by group or
    /// others: refused before a byte is read, as Python's `netrc` does.
    #[error("{} may be read by other users (mode {mode:03o}); run 'chmod 600 {}'", .path.display(), .path.display())]
    NetrcPermissions {
        /// The netrc file.
        path: PathBuf,
        /// Its permission bits (`mode & 0o777`), shown in octal.
        mode: u32,
    },
    /// The netrc file exists but could not be read.
    #[error("could not read {}: {reason}", .path.display())]
    NetrcRead {
        /// The netrc file.
        path: PathBuf,
        /// Why it could not be read: the I/O error, too large, or not UTF-8.
        reason: String,
    },
    /// The official SDK's settings file, read for the base URL that `wandb
    /// login --host` left there, could not be read.
    #[error("could not read the W&B settings file {}: {reason}", .path.display())]
    SettingsFile {
        /// The file: `$WANDB_CONFIG_DIR/settings` or `~/.config/wandb/settings`.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The netrc file could not be parsed. The message never quotes a
    /// password.
    #[error("{} line {line}: {reason}", .path.display())]
    NetrcSyntax {
        /// The netrc file.
        path: PathBuf,
        /// The line (counting from 1) where parsing failed.
        line: usize,
        /// What was expected there.
        reason: String,
    },
    /// The netrc entry for the server has no `password`, where the key belongs.
    #[error("{}: the {entry} entry has no password; add 'password <api key>' to it", .path.display())]
    NetrcNoPassword {
        /// The netrc file.
        path: PathBuf,
        /// The entry that matched: `machine <host>` or `default`.
        entry: String,
    },
    /// An extra header given to the builder (or the user agent) cannot be
    /// sent: a bad name, a value with characters a header cannot carry, or a
    /// header the client sets itself.
    #[error("header '{name}' cannot be sent: {reason}")]
    InvalidHeader {
        /// The header's name as given; its value is never shown, as it may
        /// be a credential.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A numeric setting of the builder is out of range (a zero timeout or
    /// attempt count, a wait over 24 hours).
    #[error("{setting} {reason}")]
    InvalidSetting {
        /// The setting, as the builder names it (`timeout`,
        /// `retry_policy.max_attempts`, ...).
        setting: &'static str,
        /// The rule it breaks, reading after the name: "must be at least 1".
        reason: &'static str,
    },
    /// A CA certificate file (or `SSL_CERT_DIR` directory) that cannot be
    /// trusted as it is; nothing is left out silently. One line:
    /// `SSL_CERT_FILE /etc/corp-ca.pem is not PEM: …`.
    #[error("{origin} {} {reason}", .path.display())]
    CaCertificate {
        /// The file or directory at fault: for a directory's file, that file;
        /// for a directory too large or with no certificate, the directory.
        path: PathBuf,
        /// The setting that named it: `ca_certificate`, `SSL_CERT_FILE` or
        /// `SSL_CERT_DIR`.
        origin: CaSource,
        /// What is wrong, as a phrase that reads after the path: it cannot be
        /// read (and the I/O error), is larger than 16 MiB, is a directory,
        /// is empty, is not PEM (or is DER), holds no certificate, or holds
        /// one that cannot be a trust anchor (which one, and why).
        reason: String,
    },
    /// The HTTP client itself could not be built (for instance the TLS
    /// set-up failed).
    #[error("could not set up the http client: {reason}")]
    Client {
        /// The HTTP library's reason.
        reason: String,
    },
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
    /// A netrc file's entry for the server.
    #[non_exhaustive]
    Netrc {
        /// The netrc file the key was read from.
        path: PathBuf,
        /// The entry that matched: `machine <host>` or `default`.
        entry: String,
    },
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
