//! Where the base URL and the key come from, and what is refused before any request.

use std::path::{Path, PathBuf};

use users_domain::UserRepository;
use users_graphql::{ConfigError, Environment, GraphqlUserRepository, KeySource};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::basic;
use crate::support::mock::{
    KEY, OTHER_KEY, ada, env_at, env_holding, header_of, received, serving, serving_exactly,
    viewer_data,
};

const NETRC_KEY: &str = "netrc0123456789abcdefghij0123456789abcdefghij";

fn write_netrc(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("netrc");
    std::fs::write(&path, text).unwrap();
    set_mode(&path, mode);
    path
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

async fn viewer_server() -> MockServer {
    serving(viewer_data(ada())).await
}

/// An environment with [`KEY`] and nothing else (no base URL).
fn key_only() -> Environment {
    Environment {
        api_key: Some(KEY.into()),
        ..Environment::default()
    }
}

/// A server that must not be called.
async fn untouched_server() -> MockServer {
    serving_exactly(ResponseTemplate::new(200), 0).await
}

/// The `Authorization` header the repository sends.
async fn sent_authorization(server: &MockServer, repo: &GraphqlUserRepository) -> String {
    repo.viewer().await.unwrap();
    let requests = received(server).await;
    header_of(requests.last().unwrap(), "authorization")
        .unwrap()
        .to_owned()
}

/// `machine 127.0.0.1:PORT` for the server.
fn machine(server: &MockServer) -> String {
    server.address().to_string()
}

#[tokio::test]
async fn the_builder_key_beats_the_environment_which_beats_netrc() {
    let server = viewer_server().await;
    let dir = tempfile::tempdir().unwrap();
    let netrc = write_netrc(
        dir.path(),
        &format!(
            "machine {} login user password {NETRC_KEY}\n",
            machine(&server)
        ),
        0o600,
    );
    let env = Environment {
        base_url: Some(server.uri()),
        api_key: Some(OTHER_KEY.into()),
        netrc_path: Some(netrc),
        ..Environment::default()
    };
    let build = |env: Environment| GraphqlUserRepository::builder().environment(env);

    let from_builder = build(env.clone()).api_key(KEY).build().unwrap();
    let from_env = build(env.clone()).build().unwrap();
    let from_netrc = build(Environment {
        api_key: None,
        ..env
    })
    .build()
    .unwrap();

    assert_eq!(sent_authorization(&server, &from_builder).await, basic(KEY));
    assert_eq!(
        sent_authorization(&server, &from_env).await,
        basic(OTHER_KEY)
    );
    assert_eq!(
        sent_authorization(&server, &from_netrc).await,
        basic(NETRC_KEY)
    );
    assert_eq!(from_builder.key_source(), &KeySource::Builder);
    assert_eq!(from_env.key_source(), &KeySource::EnvVar);
    let KeySource::Netrc { path, entry, .. } = from_netrc.key_source() else {
        panic!("not from netrc: {:?}", from_netrc.key_source());
    };
    assert_eq!(path, &dir.path().join("netrc"));
    assert_eq!(entry, &format!("machine {}", machine(&server)));
}

#[tokio::test]
async fn white_space_around_wandb_api_key_is_refused_without_quoting_the_key() {
    let server = untouched_server().await;
    for padded in [format!("{KEY}\n"), format!(" {KEY}"), format!("{KEY}\t ")] {
        let error = GraphqlUserRepository::builder()
            .environment(env_holding(&server.uri(), &padded))
            .build()
            .unwrap_err();

        assert!(
            matches!(
                error,
                ConfigError::ApiKeyWhitespace {
                    origin: KeySource::EnvVar
                }
            ),
            "{error}"
        );
        let message = error.to_string();
        assert_eq!(
            message,
            "WANDB_API_KEY has white space around it; remove it"
        );
        assert!(!format!("{error:?}").contains(KEY), "{error:?}");
    }
}

#[tokio::test]
async fn netrc_is_found_through_home_and_matched_by_host_alone_or_default() {
    let server = viewer_server().await;
    let home = tempfile::tempdir().unwrap();
    let netrc = home.path().join(".netrc");
    let cases = [
        format!("machine 127.0.0.1 login user password {NETRC_KEY}\n"),
        format!(
            "machine elsewhere password {OTHER_KEY}\ndefault login user password {NETRC_KEY}\n"
        ),
    ];
    for text in cases {
        std::fs::write(&netrc, text).unwrap();
        set_mode(&netrc, 0o600);
        let env = Environment {
            base_url: Some(server.uri()),
            home: Some(home.path().to_owned()),
            ..Environment::default()
        };
        let repo = GraphqlUserRepository::builder()
            .environment(env)
            .build()
            .unwrap();
        assert_eq!(sent_authorization(&server, &repo).await, basic(NETRC_KEY));
    }
}

#[cfg(unix)]
#[test]
fn a_netrc_others_may_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let netrc = write_netrc(
        dir.path(),
        &format!("machine 127.0.0.1 password {NETRC_KEY}\n"),
        0o644,
    );

    let error = GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some("http://127.0.0.1:9".into()),
            ..Environment::default()
        })
        .netrc_path(&netrc)
        .build()
        .unwrap_err();

    assert!(
        matches!(error, ConfigError::NetrcPermissions { mode: 0o644, .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("chmod 600 {}", netrc.display())),
        "{message}"
    );
    assert!(!message.contains(NETRC_KEY), "{message}");
}

#[test]
fn a_missing_key_names_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let env = Environment {
        home: Some(dir.path().to_owned()),
        ..Environment::default()
    };

    let error = GraphqlUserRepository::builder()
        .environment(env)
        .build()
        .unwrap_err();

    assert!(
        matches!(error, ConfigError::MissingApiKey { .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("WANDB_API_KEY") && message.contains("machine api.forge.coreweave.com"),
        "{message}"
    );
    assert!(
        message.contains(&dir.path().join(".netrc").display().to_string()),
        "{message}"
    );
}

#[tokio::test]
async fn a_malformed_key_is_refused_with_its_reason_before_any_request() {
    let server = untouched_server().await;
    let short = "tooshort0123";

    let error = GraphqlUserRepository::builder()
        .environment(env_at(&server.uri()))
        .api_key(short)
        .build()
        .unwrap_err();

    assert!(
        matches!(error, ConfigError::InvalidApiKey { .. }),
        "{error}"
    );
    assert!(
        matches!(
            error,
            ConfigError::InvalidApiKey {
                origin: KeySource::Builder,
                ..
            }
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.contains("the builder") && message.contains("40+ characters"),
        "{message}"
    );
    assert!(!message.contains(short), "{message}");
}

#[test]
fn a_malformed_key_in_netrc_names_the_file_and_entry_but_not_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "sekrit with spaces? no: sekrit!chars!here!0123456789012345678901234";
    let netrc = write_netrc(
        dir.path(),
        &format!("machine 127.0.0.1 password \"{bad}\"\n"),
        0o600,
    );
    let env = Environment {
        base_url: Some("http://127.0.0.1:9".into()),
        netrc_path: Some(netrc.clone()),
        ..Environment::default()
    };

    let error = GraphqlUserRepository::builder()
        .environment(env)
        .build()
        .unwrap_err();

    let message = error.to_string();
    assert!(
        message.contains(&netrc.display().to_string()) && message.contains("machine 127.0.0.1"),
        "{message}"
    );
    assert!(!message.contains("sekrit"), "{message}");
    let ConfigError::InvalidApiKey {
        origin: KeySource::Netrc { path, .. },
        ..
    } = &error
    else {
        panic!("not a netrc key error: {error:?}");
    };
    assert_eq!(path, &netrc);
}

#[test]
fn the_base_url_comes_from_the_builder_then_the_environment_then_the_sdk_default() {
    let env = key_only();
    let with_env_url = Environment {
        base_url: Some("https://env.example.com/".into()),
        ..env.clone()
    };
    let build = |env: Environment| GraphqlUserRepository::builder().environment(env);

    let default = build(env).build().unwrap();
    let from_env = build(with_env_url.clone()).build().unwrap();
    let from_builder = build(with_env_url)
        .base_url("https://mine.example.com/wandb")
        .build()
        .unwrap();

    assert_eq!(default.base_url(), "https://api.forge.coreweave.com");
    assert_eq!(from_env.base_url(), "https://env.example.com");
    assert_eq!(from_builder.base_url(), "https://mine.example.com/wandb");
}

#[test]
fn plain_http_to_a_remote_host_needs_an_explicit_opt_in() {
    let env = key_only();
    let build = || {
        GraphqlUserRepository::builder()
            .environment(env.clone())
            .base_url("http://wandb.example.com")
    };

    let error = build().build().unwrap_err();

    assert!(matches!(error, ConfigError::InsecureHttp { .. }), "{error}");
    assert!(error.to_string().contains("allow_insecure_http"), "{error}");
    assert!(build().allow_insecure_http(true).build().is_ok());
}

#[test]
fn headers_the_client_owns_and_malformed_headers_are_refused() {
    let env = key_only();
    for (name, value) in [
        ("Authorization", "Basic x"),
        ("User-Agent", "x"),
        ("bad name", "x"),
        ("X-Ok", "line\nbreak"),
    ] {
        let error = GraphqlUserRepository::builder()
            .environment(env.clone())
            .header(name, value)
            .build()
            .unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidHeader { .. }),
            "{name}: {error}"
        );
    }
}

#[test]
fn settings_that_cannot_work_are_refused() {
    let env = key_only();
    let policy = users_graphql::RetryPolicy {
        max_attempts: 0,
        ..users_graphql::RetryPolicy::default()
    };

    let error = GraphqlUserRepository::builder()
        .environment(env.clone())
        .retry_policy(policy)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("max_attempts"), "{error}");

    let error = GraphqlUserRepository::builder()
        .environment(env)
        .timeout(std::time::Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidSetting { .. }),
        "{error}"
    );
}
