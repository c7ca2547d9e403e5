use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;

use crate::base_url::{self, DEFAULT_BASE_URL};
use crate::config;
use crate::throttle::Throttle;
use crate::tls;
use crate::transport::Transport;
use crate::{ConfigError, Environment, GraphqlUserRepository, RetryPolicy};

/// The User-Agent sent unless another is set. The hosted server may withhold
/// a user's `apiKeys` from clients it does not recognise; set
/// `user_agent(`[`SDK_USER_AGENT`]`)` to be taken for the official SDK.
pub const DEFAULT_USER_AGENT: &str = concat!("wbusers/", env!("CARGO_PKG_VERSION"));

/// The User-Agent the official Python SDK (wandb 0.31.0) sends from its
/// public API client. Hosted W&B may gate admin access and first-party fields
/// such as a user's `apiKeys` on it (per the SDK, another User-Agent can be
/// refused with "relogin required"); pass it to
/// [`GraphqlClientBuilder::user_agent`] to be taken for the SDK.
pub const SDK_USER_AGENT: &str = "W&B Public Client 0.31.0";

/// Responses longer than this are refused rather than read into memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The longest any configured wait may be: a longer one is surely a mistake.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Headers the client sets itself; [`GraphqlClientBuilder::header`] may not.
const RESERVED_HEADERS: [&str; 6] = [
    "authorization",
    "content-type",
    "content-length",
    "host",
    "user-agent",
    "use-admin-privileges",
];

/// Configures a [`GraphqlUserRepository`]. Whatever is not set comes from the
/// [`Environment`] (the process's, unless one is given), then from defaults.
#[must_use]
pub struct GraphqlClientBuilder {
    base_url: Option<String>,
    api_key: Option<SecretString>,
    user_agent: String,
    headers: Vec<(String, String)>,
    netrc_path: Option<PathBuf>,
    ca_certificates: Vec<PathBuf>,
    environment: Option<Environment>,
    allow_insecure_http: bool,
    admin_privileges: bool,
    connect_timeout: Duration,
    timeout: Duration,
    retry_policy: RetryPolicy,
    max_response_bytes: usize,
    deadline: Option<std::time::Instant>,
}

impl Default for GraphqlClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            headers: Vec::new(),
            netrc_path: None,
            ca_certificates: Vec::new(),
            environment: None,
            allow_insecure_http: false,
            admin_privileges: true,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry_policy: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            deadline: None,
        }
    }
}

impl GraphqlClientBuilder {
    /// The server, e.g. `https://wandb.example.com` or `https://host/wandb`
    /// (a path prefix is kept). Else `WANDB_BASE_URL`, else the `base_url` that
    /// the official SDK's `wandb login --host` saved in its settings file
    /// (`$WANDB_CONFIG_DIR/settings` or `~/.config/wandb/settings`), else the
    /// SDK 0.31 default, `https://api.forge.coreweave.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key to act with. Else `WANDB_API_KEY`, else the netrc entry for
    /// the base URL's netloc (`host:port`, as `wandb login` writes it), else
    /// for its host, and for W&B's hosted API, else for `api.wandb.ai`.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Default: [`DEFAULT_USER_AGENT`]; [`SDK_USER_AGENT`] is what the
    /// official SDK sends.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// An extra header sent with every request (a proxy's, say). Its value is
    /// never logged nor shown in `Debug`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The netrc file to read. Else `$NETRC`, else `~/.netrc`.
    pub fn netrc_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.netrc_path = Some(path.into());
        self
    }

    /// Trusts the CA certificates in the PEM file at `path` as well: for a
    /// server with a private CA, or behind a TLS-inspecting proxy.
    /// Repeatable: each call adds a file.
    ///
    /// What is trusted is all of these together, none in place of another:
    /// - the built-in Mozilla roots (webpki-roots), so that the hosted server
    ///   is reached from a machine with no certificate store (a slim
    ///   container);
    /// - the system's store: its certificate directories on Linux and other
    ///   Unix systems (`/etc/ssl/certs`, `/etc/pki/tls/certs`, …), the
    ///   keychain on macOS, the certificate store on Windows;
    /// - `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (directories of
    ///   PEM files, `:`-separated), read from the [`Environment`];
    /// - every file given here.
    ///
    /// Unlike OpenSSL, `SSL_CERT_FILE` and `SSL_CERT_DIR` add to the system
    /// store rather than replace it. On macOS and Windows alone, while either
    /// is set in the process's own environment, the platform's store is not
    /// read (rustls-native-certs reads the variables in its place); the
    /// built-in roots still are.
    ///
    /// [`build`](Self::build) reads each file, at most 16 MiB of it: one that
    /// cannot be read, is a directory, is not PEM (DER, say), holds no
    /// certificate, or holds one that cannot be a trust anchor, fails it with
    /// [`ConfigError::CaCertificate`], as does such an `SSL_CERT_FILE`. In an
    /// `SSL_CERT_DIR` directory, files with no certificate and certificates
    /// that cannot be trust anchors are skipped, as in a system store; a
    /// broken PEM file, or a directory with nothing usable, fails.
    pub fn ca_certificate(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certificates.push(path.into());
        self
    }

    /// Reads defaults from `env` instead of the process environment.
    pub fn environment(mut self, env: Environment) -> Self {
        self.environment = Some(env);
        self
    }

    /// Allows plain `http://` to hosts other than loopback (the key then
    /// travels unencrypted). Default: refused.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Whether to send `Use-Admin-Privileges: true` with every request, as SDK
    /// 0.31 does (the default). Some dedicated instances refuse a key holder
    /// who is not an admin when it is sent; `false` leaves it out.
    pub fn admin_privileges(mut self, send: bool) -> Self {
        self.admin_privileges = send;
        self
    }

    /// How long to wait for a connection. Default: 10 s.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// How long one attempt may take, answer read included. Default: 30 s.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// No call of this client, its clones or its `act_as` repositories runs
    /// past `at`, retries and waits included: the budget of a whole task (a
    /// command that generates a key and then reconciles, say). Each call also
    /// stops at [`RetryPolicy::deadline`] after it starts. Default: none.
    pub fn deadline_at(mut self, at: std::time::Instant) -> Self {
        self.deadline = Some(at);
        self
    }

    /// Default: [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The largest response read; a longer one fails with `Protocol`.
    /// Default: [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Checks everything and builds the client. No request is sent.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first setting that is wrong: the base URL,
    /// a missing or malformed API key (with the rule it breaks, never the
    /// key), a netrc file others may read, a CA certificate file that cannot
    /// be used ([`ca_certificate`](Self::ca_certificate)), a header, a zero
    /// timeout or attempt count, a timeout or retry wait longer than 24 hours.
    pub fn build(self) -> Result<GraphqlUserRepository, ConfigError> {
        self.check_settings()?;
        let env = self.environment.unwrap_or_else(Environment::from_process);
        let raw_url = match self.base_url.or_else(|| env.base_url.clone()) {
            Some(url) => url,
            None => base_url::from_settings(env.config_dir.as_deref(), env.home.as_deref())?
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
        };
        let base = base_url::base_url(&raw_url, self.allow_insecure_http)?;
        let (secret, source) = config::api_key(self.api_key, &env, self.netrc_path, &base)?;
        // Plain http to this machine never goes through TLS (nor a proxy,
        // which could be https): the system's store is not read for it.
        let tls_possible = base.endpoint.scheme() == "https" || !base.loopback;
        let roots = tls::roots(&self.ca_certificates, &env, tls_possible)?;
        let mut client = reqwest::Client::builder();
        for root in roots {
            client = client.add_root_certificate(root);
        }
        if base.loopback {
            // A proxy from HTTP_PROXY and the like would see the key (in
            // clear over plain http): traffic to this machine goes direct.
            client = client.no_proxy();
        }
        let client = client
            .use_rustls_tls()
            .gzip(true)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .user_agent(header_value("User-Agent", &self.user_agent)?)
            .default_headers(default_headers(&self.headers, self.admin_privileges)?)
            .build()
            .map_err(|error| ConfigError::Client {
                reason: error.to_string(),
            })?;
        let transport = Transport {
            client,
            endpoint: base.endpoint,
            base_url: base.text,
            user_agent: self.user_agent,
            policy: self.retry_policy,
            timeout: self.timeout,
            max_response_bytes: self.max_response_bytes,
            deadline: self.deadline.map(tokio::time::Instant::from_std),
            throttle: Throttle::default(),
        };
        Ok(GraphqlUserRepository::new(transport, secret, source))
    }

    fn check_settings(&self) -> Result<(), ConfigError> {
        let invalid = |setting, reason| Err(ConfigError::InvalidSetting { setting, reason });
        let policy = &self.retry_policy;
        if policy.max_attempts == 0 {
            return invalid("retry_policy.max_attempts", "must be at least 1");
        }
        if policy.deadline.is_zero() {
            return invalid("retry_policy.deadline", "must be longer than zero");
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return invalid("timeout", "must be longer than zero");
        }
        if self.max_response_bytes == 0 {
            return invalid("max_response_bytes", "must be at least 1");
        }
        let waits = [
            ("retry_policy.base_delay", policy.base_delay),
            ("retry_policy.max_delay", policy.max_delay),
            ("retry_policy.deadline", policy.deadline),
            ("retry_policy.max_retry_after", policy.max_retry_after),
            ("timeout", self.timeout),
            ("connect_timeout", self.connect_timeout),
        ];
        if let Some((setting, _)) = waits.iter().find(|(_, wait)| *wait > LONGEST_WAIT) {
            return invalid(setting, "must be at most 24 hours");
        }
        Ok(())
    }
}

fn default_headers(
    extra: &[(String, String)],
    admin_privileges: bool,
) -> Result<HeaderMap, ConfigError> {
    let mut headers = HeaderMap::new();
    if admin_privileges {
        headers.insert("use-admin-privileges", HeaderValue::from_static("true"));
    }
    for (name, value) in extra {
        let parsed =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidHeader {
                name: name.clone(),
                reason: "not a valid header name".to_owned(),
            })?;
        if RESERVED_HEADERS.contains(&parsed.as_str()) {
            return Err(ConfigError::InvalidHeader {
                name: name.clone(),
                reason: "the client sets it; use the builder's own setting (api_key, user_agent)"
                    .to_owned(),
            });
        }
        let mut value = header_value(name, value)?;
        value.set_sensitive(true);
        headers.append(parsed, value);
    }
    Ok(headers)
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(value).map_err(|_| ConfigError::InvalidHeader {
        name: name.to_owned(),
        reason: "the value holds characters a header cannot carry".to_owned(),
    })
}

impl fmt::Debug for GraphqlClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("GraphqlClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("user_agent", &self.user_agent)
            .field("headers", &header_names)
            .field("netrc_path", &self.netrc_path)
            .field("ca_certificates", &self.ca_certificates)
            .field("environment", &self.environment)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("admin_privileges", &self.admin_privileges)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.retry_policy)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("deadline", &self.deadline)
            .finish()
    }
}
