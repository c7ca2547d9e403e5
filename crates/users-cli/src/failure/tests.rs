use std::path::PathBuf;

use super::*;
use crate::fixture;

fn refused() -> Error {
    Error::Unauthenticated { reason: "x".into() }
}

fn origin(source: KeySource, key_file: Option<Input>) -> KeyOrigin {
    KeyOrigin {
        key_file,
        netrc_var: false,
        source: Some(source),
    }
}

/// The whole line as text would show it.
fn shown(failure: &Failure) -> String {
    let line = failure.line();
    text_line(&line.message, line.hint.as_deref())
}

#[test]
fn a_refused_key_from_the_environment_is_named_once() {
    let failure = Failure::from(refused()).key_from(&origin(KeySource::EnvVar, None));

    let line = failure.line();

    assert_eq!(line.exit, Exit::Auth);
    assert_eq!(
        line.hint.as_deref(),
        Some("the key came from WANDB_API_KEY; give a live key for this server")
    );
    assert_eq!(shown(&failure).matches("WANDB_API_KEY").count(), 1);
}

#[test]
fn a_refused_key_from_the_key_file_names_the_flag_and_the_path() {
    let path = PathBuf::from("/tmp/admin.key");
    let from_file = origin(KeySource::Builder, Some(Input::File(path)));
    let from_stdin = origin(KeySource::Builder, Some(Input::Stdin));

    let file = Failure::from(refused()).key_from(&from_file).line();
    let stdin = Failure::from(refused()).key_from(&from_stdin).line();

    assert_eq!(
        file.hint.as_deref(),
        Some("the key came from --api-key-file '/tmp/admin.key'; give a live key for this server")
    );
    assert!(
        stdin
            .hint
            .as_deref()
            .unwrap()
            .starts_with("the key came from --api-key-file - (standard input);"),
        "{stdin:?}"
    );
    assert!(!shown(&Failure::from(refused()).key_from(&from_file)).contains("WANDB_API_KEY"));
}

#[test]
fn a_refused_key_from_netrc_names_the_file_and_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let netrc = dir.path().join(".netrc");
    std::fs::write(
        &netrc,
        format!("machine host.io login user password {}\n", "k".repeat(40)),
    )
    .unwrap();
    set_owner_only(&netrc);
    let repository = users_graphql::GraphqlUserRepository::builder()
        .environment(users_graphql::Environment::default())
        .base_url("https://host.io")
        .netrc_path(&netrc)
        .build()
        .unwrap();

    let line = Failure::from(refused())
        .key_from(&origin(repository.key_source().clone(), None))
        .line();

    assert_eq!(
        line.hint,
        Some(format!(
            "the key came from the 'machine host.io' entry of {}; give a live key for this server",
            netrc.display()
        ))
    );
}

#[test]
fn a_refused_key_of_unknown_origin_gets_the_places_to_put_one() {
    let hint = Failure::from(refused()).line().hint.unwrap();
    assert!(
        hint.contains("WANDB_API_KEY") && hint.contains("--api-key-file"),
        "{hint}"
    );
}

#[test]
fn a_user_that_exists_already_is_shown_where_to_see_it_and_nothing_else() {
    let email = Email::parse("ada@example.com").unwrap();
    let exists = Error::AlreadyExists {
        what: "user 'ada@example.com'".into(),
    };
    let lost = Error::Ambiguous {
        operation: "createUser".into(),
        reason: "x".into(),
    };

    let exists = Failure::during(exists, During::CreatingUser(email.clone())).line();
    let lost = Failure::during(lost, During::CreatingUser(email)).line();

    assert_eq!(exists.exit, Exit::Conflict);
    assert_eq!(
        exists.hint.as_deref(),
        Some("see it with 'wbusers user get ada@example.com'")
    );
    assert_eq!(lost.exit, Exit::Ambiguous);
    assert_eq!(
        lost.hint.as_deref(),
        Some("run 'wbusers user get ada@example.com' to see whether it was created")
    );
}

#[test]
fn an_old_key_that_could_not_be_revoked_is_said_to_be_alive_with_how_to_delete_it() {
    let old = fixture::key("laptop");
    let denied = Error::PermissionDenied { reason: "x".into() };
    let lost = Error::Ambiguous {
        operation: "deleteApiKey".into(),
        reason: "x".into(),
    };

    let denied = Failure::during(denied, During::RevokingOldKey(old.clone())).line();
    let lost = Failure::during(lost, During::RevokingOldKey(old)).line();

    assert_eq!(denied.exit, Exit::Auth);
    assert!(
        denied
            .message
            .starts_with("the new key is ready but the old key laptop (id id-laptop) is still alive: permission denied"),
        "{denied:?}"
    );
    assert_eq!(
        denied.hint.as_deref(),
        Some("delete it with 'wbusers key delete id-laptop'")
    );
    assert_eq!(lost.exit, Exit::Ambiguous);
    assert!(lost.message.contains("may still be alive"), "{lost:?}");
}

#[cfg(feature = "demo")]
#[test]
fn a_demo_step_names_the_step_and_gives_no_advice() {
    let line = Failure::during(refused(), During::DemoStep("whoami")).line();
    assert_eq!(line.exit, Exit::Auth);
    assert_eq!(
        line.message,
        "demo step 'whoami' failed: not authenticated: x"
    );
    assert_eq!(line.hint, None);
}

#[test]
fn keys_not_listed_suggest_the_sdk_user_agent() {
    let line = Failure::from(Error::NotListed {
        what: "api keys".into(),
    })
    .line();
    assert_eq!(line.exit, Exit::Unavailable);
    assert!(
        line.hint
            .unwrap()
            .contains(&format!("--user-agent '{SDK_USER_AGENT}'"))
    );
}

#[test]
fn a_missing_key_is_explained_in_flags_not_builder_calls() {
    let error = users_graphql::GraphqlUserRepository::builder()
        .environment(users_graphql::Environment::default())
        .base_url("https://host.io")
        .netrc_path("/nonexistent/netrc")
        .build()
        .err()
        .unwrap();

    let line = Failure::from(error).line();

    assert_eq!(line.exit, Exit::Auth);
    assert!(line.message.contains("--api-key-file PATH"), "{line:?}");
    assert!(!line.message.contains("builder"), "{line:?}");
}

#[test]
fn a_key_with_white_space_is_explained_once() {
    let env = users_graphql::Environment {
        api_key: Some(format!("{}\n", "k".repeat(40)).into()),
        ..users_graphql::Environment::default()
    };
    let error = users_graphql::GraphqlUserRepository::builder()
        .environment(env)
        .base_url("https://host.io")
        .build()
        .err()
        .unwrap();

    let text = shown(&Failure::from(error));

    assert_eq!(
        text,
        "error: WANDB_API_KEY has white space around the key (a trailing newline?); \
         set it to the key alone"
    );
}

#[test]
fn a_text_report_stays_one_line() {
    let line = text_line("cannot read '/tmp/a\nb\u{1b}[31m'", Some("try\r\nagain"));
    assert_eq!(
        line,
        "error: cannot read '/tmp/a\\nb\\u{1b}[31m'; try\\r\\nagain"
    );
}

#[test]
fn domain_errors_map_to_their_class() {
    let cases = [
        (Error::NotFound { what: "x".into() }, Exit::NotFound),
        (Error::AlreadyExists { what: "x".into() }, Exit::Conflict),
        (
            Error::MultipleMatches {
                query: "a".into(),
                candidates: vec!["ab".into(), "ac".into()],
            },
            Exit::Conflict,
        ),
        (Error::PermissionDenied { reason: "x".into() }, Exit::Auth),
        (refused(), Exit::Auth),
        (Error::InvalidInput { reason: "x".into() }, Exit::Usage),
        (Error::RateLimited { retry_after: None }, Exit::Unavailable),
        (Error::Unavailable { reason: "x".into() }, Exit::Unavailable),
        (Error::Protocol { reason: "x".into() }, Exit::Unavailable),
        (Error::NotListed { what: "x".into() }, Exit::Unavailable),
        (
            Error::Ambiguous {
                operation: "createUser".into(),
                reason: "x".into(),
            },
            Exit::Ambiguous,
        ),
    ];
    for (error, exit) in cases {
        assert_eq!(Failure::from(error).line().exit, exit);
    }
}

#[cfg(unix)]
fn set_owner_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[cfg(not(unix))]
fn set_owner_only(_: &std::path::Path) {}
