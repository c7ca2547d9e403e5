//! Which server the client talks to: the base URL from the builder,
//! `WANDB_BASE_URL`, the official SDK's settings file (where `wandb login
//! --host` writes it), or the SDK's default, checked and normalised as SDK 0.31
//! does it; and the netrc machine names its key is looked up under.

use std::net::{IpAddr, ToSocketAddrs};
use std::path::Path;

use url::{Host, Url};

use crate::ConfigError;
use crate::capped::{Unread, read_capped};

/// The official SDK's default server (0.31): W&B's hosted API behind
/// CoreWeave Forge.
pub(crate) const DEFAULT_BASE_URL: &str = "https://api.forge.coreweave.com";
/// The hosted API's upstream host, whose netrc entry a Forge URL falls back to.
const UPSTREAM_HOST: &str = "api.wandb.ai";
const FORGE_DOMAIN: &str = "forge.coreweave.com";
const FORGE_API_HOST: &str = "api.forge.coreweave.com";
/// A settings file is a few lines; reading stops here.
const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// A checked base URL and the endpoint under it.
pub(crate) struct BaseUrl {
    /// Without a trailing slash, for messages.
    pub(crate) text: String,
    pub(crate) endpoint: Url,
    /// The netrc machine names to try, in order: the netloc (`host:port`, as
    /// `wandb login` writes it), the bare host, and for W&B's hosted API its
    /// upstream host.
    pub(crate) machines: Vec<String>,
    /// Whether the host is this machine, which no proxy may stand between.
    pub(crate) loopback: bool,
}

/// The base URL the official SDK's `wandb login --host URL` saved, if any:
/// `base_url` in the `[default]` section of `$WANDB_CONFIG_DIR/settings`, else
/// of `~/.config/wandb/settings`.
///
/// # Errors
///
/// `SettingsFile` when the file exists but cannot be read, is not UTF-8, or is
/// larger than any settings file.
pub(crate) fn from_settings(
    config_dir: Option<&Path>,
    home: Option<&Path>,
) -> Result<Option<String>, ConfigError> {
    let path = match (config_dir, home) {
        (Some(dir), _) => dir.join("settings"),
        (None, Some(home)) => home.join(".config").join("wandb").join("settings"),
        (None, None) => return Ok(None),
    };
    let failed = |reason: String| ConfigError::SettingsFile {
        path: path.clone(),
        reason,
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(failed(error.to_string())),
    };
    let bytes = read_capped(&mut file, MAX_SETTINGS_BYTES).map_err(|error| match error {
        Unread::Io(error) => failed(error.to_string()),
        Unread::TooLarge => failed(format!(
            "it is larger than {MAX_SETTINGS_BYTES} bytes, which no settings file is"
        )),
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| failed("it is not UTF-8 text".to_owned()))?;
    Ok(settings_base_url(text))
}

/// `base_url` of the `[default]` section, read as Python's `configparser`
/// reads it: `key = value` or `key: value`, `#` and `;` comment lines.
fn settings_base_url(text: &str) -> Option<String> {
    let mut in_default = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with(['#', ';']) || line.is_empty() {
            continue;
        }
        if let Some(section) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            in_default = section.trim() == "default";
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        if in_default && key.trim().eq_ignore_ascii_case("base_url") {
            let value = value.trim();
            return (!value.is_empty()).then(|| value.to_owned());
        }
    }
    None
}

/// Parses and checks a base URL: http(s), a host, no credentials, query or
/// fragment; plain http only to loopback unless `allow_insecure_http`; W&B's
/// own hosts as SDK 0.31 accepts them (a Forge URL normalised, a `wandb.ai`
/// host other than the API's refused with the right one named).
pub(crate) fn base_url(raw: &str, allow_insecure_http: bool) -> Result<BaseUrl, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    let mut url = Url::parse(trimmed).map_err(|error| ConfigError::InvalidBaseUrl {
        url: shown_raw(trimmed),
        reason: error.to_string(),
    })?;
    let invalid = |url: &Url, reason: &str| ConfigError::InvalidBaseUrl {
        url: shown(url, trimmed),
        reason: reason.to_owned(),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(&url, "the scheme must be https (or http)"));
    }
    if url.host().is_none() {
        return Err(invalid(&url, "it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            &url,
            "it must not carry credentials; give the api key separately",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(&url, "it must not have a query or a fragment"));
    }
    if let Some(reason) = hosted(&mut url) {
        return Err(invalid(&url, &reason));
    }
    let Some(host) = url.host() else {
        return Err(invalid(&url, "it has no host"));
    };
    let loopback = is_loopback(&host, url.port_or_known_default());
    if url.scheme() == "http" && !allow_insecure_http && !loopback {
        return Err(ConfigError::InsecureHttp {
            host: host.to_string(),
        });
    }
    let host = host.to_string();
    let mut machines = Vec::new();
    // `wandb login` names the netrc entry by the URL's netloc as typed (case
    // and a default port kept); the parsed forms follow.
    if let Some(netloc) = typed_netloc(trimmed).filter(|netloc| is_same_host(netloc, &host)) {
        machines.push(netloc);
    }
    if let Some(port) = url.port() {
        machines.push(format!("{host}:{port}"));
    }
    let upstream = is_forge(&host) || host == UPSTREAM_HOST;
    machines.push(host);
    machines.dedup();
    if upstream && !machines.iter().any(|machine| machine == UPSTREAM_HOST) {
        machines.push(UPSTREAM_HOST.to_owned());
    }
    let text = url.as_str().trim_end_matches('/').to_owned();
    let endpoint = Url::parse(&format!("{text}/graphql"))
        .map_err(|error| invalid(&url, &error.to_string()))?;
    Ok(BaseUrl {
        text,
        endpoint,
        machines,
        loopback,
    })
}

/// The netloc of `url` as typed: between `://` and the path.
fn typed_netloc(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let netloc = &rest[..end];
    (!netloc.is_empty() && !netloc.contains('@')).then(|| netloc.to_owned())
}

/// Whether a typed netloc names `host` (the parsed, lower-cased host):
/// `W.Corp:443` names `w.corp`; an IDN or anything the parser rewrote does not.
fn is_same_host(netloc: &str, host: &str) -> bool {
    let typed = if let Some(inside) = netloc.strip_prefix('[') {
        inside.split(']').next().unwrap_or_default()
    } else {
        match netloc.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => netloc,
        }
    };
    let parsed = host.trim_start_matches('[').trim_end_matches(']');
    typed.eq_ignore_ascii_case(parsed)
}

fn is_forge(host: &str) -> bool {
    host == FORGE_DOMAIN || host.ends_with(".forge.coreweave.com")
}

/// W&B's hosted URLs as SDK 0.31 takes them: `https://forge.coreweave.com/api/wandb`
/// becomes the Forge API host (in place); any other Forge URL, a `wandb.ai`
/// host other than `api.wandb.ai`, and plain http to `wandb.ai` are refused,
/// naming the URL to use.
fn hosted(url: &mut Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let path = url.path().trim_end_matches('/').to_owned();
    if is_forge(&host) {
        let api = format!("https://{FORGE_API_HOST}");
        let is_api = host == FORGE_API_HOST && path.is_empty();
        let is_web = host == FORGE_DOMAIN && path == "/api/wandb";
        if (is_api || is_web) && url.scheme() == "https" && url.port().is_none() {
            if is_web {
                *url = Url::parse(&api).ok()?;
            }
            return None;
        }
        return Some(format!("on CoreWeave Forge the W&B API is {api}; use that"));
    }
    if host == "wandb.ai" || host.ends_with(".wandb.ai") {
        let api = format!("https://{UPSTREAM_HOST}");
        if url.scheme() != "https" {
            return Some(format!(
                "W&B's hosted API is served over https only; did you mean {api}?"
            ));
        }
        if !host.starts_with("api.") {
            return Some(format!("that is not W&B's API host; did you mean {api}?"));
        }
    }
    None
}

/// Loopback addresses, `localhost`, and a `*.localhost` name only when it
/// resolves to loopback addresses alone (RFC 6761 lets resolvers send it
/// elsewhere, and then neither plain http nor going around the proxy is safe).
fn is_loopback(host: &Host<&str>, port: Option<u16>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            if name == "localhost" {
                return true;
            }
            if !name.ends_with(".localhost") {
                return false;
            }
            let mut addresses = match (name.as_str(), port.unwrap_or(80)).to_socket_addrs() {
                Ok(addresses) => addresses.peekable(),
                Err(_) => return false,
            };
            addresses.peek().is_some() && addresses.all(|address| address.ip().is_loopback())
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
    fn a_forge_web_url_becomes_the_forge_api_and_other_forge_urls_are_refused() {
        let base = base_url("https://forge.coreweave.com/api/wandb/", false).unwrap();
        assert_eq!(base.text, "https://api.forge.coreweave.com");
        assert_eq!(
            base.machines,
            ["api.forge.coreweave.com", "api.wandb.ai"],
            "the upstream's netrc entry is the fallback"
        );
        assert_eq!(
            base_url(DEFAULT_BASE_URL, false).unwrap().text,
            DEFAULT_BASE_URL
        );
        for wrong in [
            "https://forge.coreweave.com",
            "https://forge.coreweave.com/other",
            "https://api.forge.coreweave.com/v1",
            "http://api.forge.coreweave.com",
            "https://x.forge.coreweave.com",
        ] {
            let Err(ConfigError::InvalidBaseUrl { reason, .. }) = base_url(wrong, true) else {
                panic!("{wrong} was accepted");
            };
            assert!(
                reason.contains("https://api.forge.coreweave.com"),
                "{wrong}: {reason}"
            );
        }
    }

    #[test]
    fn a_wandb_ai_host_other_than_the_api_is_refused_naming_the_api() {
        assert_eq!(
            base_url("https://api.wandb.ai", false).unwrap().machines,
            ["api.wandb.ai"]
        );
        for wrong in [
            "https://wandb.ai",
            "https://app.wandb.ai",
            "http://api.wandb.ai",
        ] {
            let Err(ConfigError::InvalidBaseUrl { reason, .. }) = base_url(wrong, true) else {
                panic!("{wrong} was accepted");
            };
            assert!(
                reason.contains("did you mean https://api.wandb.ai"),
                "{wrong}: {reason}"
            );
        }
    }

    #[test]
    fn localhost_is_loopback_by_its_name() {
        assert!(is_loopback(&Host::Domain("LOCALHOST"), None));
        assert!(!is_loopback(&Host::Domain("localhost.example.com"), None));
    }

    #[test]
    fn the_sdk_settings_file_gives_the_base_url_of_wandb_login_host() {
        let text =
            "[default]\nentity = ada\nbase_url = http://localhost:8080\n\n[other]\nbase_url = x\n";
        assert_eq!(
            settings_base_url(text).as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(settings_base_url("[other]\nbase_url = x\n"), None);
        assert_eq!(
            settings_base_url("; c\n[default]\nbase_url:https://w.io\n").as_deref(),
            Some("https://w.io")
        );

        let dir = tempfile::tempdir().unwrap();
        assert_eq!(from_settings(Some(dir.path()), None).unwrap(), None);
        std::fs::write(dir.path().join("settings"), text).unwrap();
        assert_eq!(
            from_settings(Some(dir.path()), None).unwrap().as_deref(),
            Some("http://localhost:8080")
        );
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".config").join("wandb");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(config.join("settings"), text).unwrap();
        assert_eq!(
            from_settings(None, Some(home.path())).unwrap().as_deref(),
            Some("http://localhost:8080")
        );
    }

    #[test]
    fn a_huge_settings_file_is_refused_naming_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = std::fs::File::create(dir.path().join("settings")).unwrap();
        file.set_len(MAX_SETTINGS_BYTES * 3).unwrap();

        let error = from_settings(Some(dir.path()), None).unwrap_err();

        assert!(
            error.to_string().contains("larger than 1048576 bytes"),
            "{error}"
        );
    }

    #[test]
    fn the_netloc_as_typed_comes_first_as_wandb_login_writes_it() {
        let base = base_url("https://W.Corp:443/wandb", false).unwrap();
        assert_eq!(base.machines, ["W.Corp:443", "w.corp"]);
        let base = base_url("http://[::1]:8080", false).unwrap();
        assert_eq!(base.machines, ["[::1]:8080", "[::1]"]);
        assert_eq!(
            base_url("https://api.eu.wandb.ai", false).unwrap().machines,
            ["api.eu.wandb.ai"]
        );
    }

    #[test]
    fn netrc_machines_prefer_host_and_port() {
        let base = base_url("http://localhost:8080", false).unwrap();
        assert_eq!(base.machines, ["localhost:8080", "localhost"]);
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        for ok in ["http://127.0.0.1:9", "http://localhost", "http://[::1]:80"] {
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
