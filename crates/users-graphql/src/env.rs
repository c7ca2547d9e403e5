use std::path::PathBuf;

use secrecy::SecretString;

/// The process environment the client reads its defaults from, made a value
/// so that tests (and embedding programs) can inject one instead.
///
/// An empty variable counts as unset, as it does for the official SDK.
/// `Environment::default()` has nothing set: only what the builder is told is used.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `WANDB_BASE_URL`.
    pub base_url: Option<String>,
    /// `WANDB_API_KEY`.
    pub api_key: Option<SecretString>,
    /// `NETRC`: where the netrc file is, if not `~/.netrc`.
    pub netrc_path: Option<PathBuf>,
    /// The home directory (`HOME`, or `USERPROFILE` on Windows), for `~/.netrc`
    /// and the official SDK's `~/.config/wandb/settings`.
    pub home: Option<PathBuf>,
    /// `WANDB_CONFIG_DIR`: where the official SDK keeps its `settings` file,
    /// if not `~/.config/wandb`.
    pub config_dir: Option<PathBuf>,
    /// `SSL_CERT_FILE`: a PEM bundle of CA certificates to trust as well as
    /// the system's store (not instead of it, as OpenSSL would).
    pub ssl_cert_file: Option<PathBuf>,
    /// `SSL_CERT_DIR`: a directory of PEM files of CA certificates to trust
    /// as well as the system's store, or several, separated by `:` (`;` on
    /// Windows) as in `PATH`.
    pub ssl_cert_dir: Option<PathBuf>,
}

impl Environment {
    /// Reads `WANDB_BASE_URL`, `WANDB_API_KEY`, `NETRC`, `WANDB_CONFIG_DIR`,
    /// `SSL_CERT_FILE`, `SSL_CERT_DIR` and the home directory.
    pub fn from_process() -> Self {
        Self {
            base_url: var("WANDB_BASE_URL"),
            api_key: var("WANDB_API_KEY").map(SecretString::from),
            netrc_path: var("NETRC").map(PathBuf::from),
            home: var("HOME")
                .or_else(|| var("USERPROFILE"))
                .map(PathBuf::from),
            config_dir: var("WANDB_CONFIG_DIR").map(PathBuf::from),
            ssl_cert_file: var("SSL_CERT_FILE").map(PathBuf::from),
            ssl_cert_dir: var("SSL_CERT_DIR").map(PathBuf::from),
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}
