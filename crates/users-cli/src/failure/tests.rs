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

#[test]
fn a_member_added_without_their_role_exits_as_setting_the_role_did() {
    let added = |cause| Error::AddedWithoutRole {
        team: TeamName::parse("ml").unwrap(),
        who: users_domain::Invitee::parse("ada").unwrap(),
        held: users_domain::TeamRole::Member,
        role: users_domain::TeamRole::Viewer,
        cause: Box::new(cause),
    };

    let denied = Failure::from(added(Error::PermissionDenied { reason: "x".into() })).line();
    let lost = Failure::from(added(Error::Ambiguous {
        operation: "updateMember".into(),
        reason: "no answer".into(),
    }));

    assert_eq!(denied.exit, Exit::Auth);
    assert!(
        denied
            .message
            .starts_with("ada was added to team ml as member, but setting"),
        "{denied:?}"
    );
    assert_eq!(lost.line().exit, Exit::Ambiguous);
    assert!(lost.outcome_unknown());
}

#[cfg(unix)]
fn set_owner_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[cfg(not(unix))]
fn set_owner_only(_: &std::path::Path) {}

#[test]
fn a_secret_that_could_not_be_printed_is_revoked_and_said_so_in_one_line() {
    let new = fixture::key("new");
    let old = fixture::key("old");
    let full = || io::Error::from_raw_os_error(28);
    let closed = || io::Error::from(io::ErrorKind::BrokenPipe);
    let lost = Error::Ambiguous {
        operation: "deleteApiKey".into(),
        reason: "x".into(),
    };

    let generated = Failure::secret_not_shown(full(), new.clone(), Ok(()), None).line();
    let rotated =
        Failure::secret_not_shown(closed(), new.clone(), Ok(()), Some(old.clone())).line();
    let alive = Failure::secret_not_shown(full(), new, Err(lost), Some(old)).line();

    assert_eq!(generated.exit, Exit::Failure);
    assert!(
        generated.message.starts_with(
            "cannot write the new key's secret to standard output (No space left on device"
        ),
        "{generated:?}"
    );
    assert!(
        generated
            .message
            .ends_with("so the new key new (id id-new) was revoked"),
        "{generated:?}"
    );
    assert!(!rotated.message.is_empty(), "a closed pipe is said too");
    assert!(
        rotated
            .message
            .ends_with("was revoked; the old key old (id id-old) was kept and still works"),
        "{rotated:?}"
    );
    assert_eq!(alive.exit, Exit::Ambiguous);
    assert!(
        alive
            .message
            .contains("may be alive with a secret nobody saw"),
        "{alive:?}"
    );
    assert_eq!(
        alive.hint.as_deref(),
        Some("delete it with 'wbusers key delete id-new'")
    );
    for line in [generated, rotated, alive] {
        assert!(!shown_line(&line).contains('\n'), "{line:?}");
    }
}

fn shown_line(line: &Line) -> String {
    text_line(&line.message, line.hint.as_deref())
}

fn batch(counts: Counts, stopped: Option<Stopped>) -> Batch {
    Batch {
        dry_run: false,
        counts,
        stopped,
    }
}

fn counts(total: usize, failed: usize, unknown: usize) -> Counts {
    Counts {
        total,
        failed,
        unknown,
        ..Counts::default()
    }
}

fn batch_line(batch: Batch) -> Option<Line> {
    let file = Input::File(PathBuf::from("/tmp/u.csv"));
    Failure::batch(&file, batch)
        .err()
        .map(|failure| failure.line())
}

#[test]
fn a_failed_row_outranks_an_unknown_one() {
    assert!(batch_line(batch(counts(5, 0, 0), None)).is_none());
    let unknown = batch_line(batch(counts(5, 0, 2), None)).unwrap();
    assert_eq!(unknown.exit, Exit::Ambiguous);
    assert!(
        unknown
            .message
            .starts_with("2 of 5 rows have an unknown outcome")
    );
    let both = batch_line(batch(counts(5, 1, 2), None)).unwrap();
    assert_eq!(both.exit, Exit::Partial);
    assert!(
        both.message.contains("and 2 of unknown outcome"),
        "{both:?}"
    );
}

#[test]
fn an_interrupted_batch_says_what_was_not_started_whatever_the_rows_did() {
    let stopped = |after_line| {
        Some(Stopped {
            by: StopCause::Signal,
            after_line,
        })
    };

    let clean = batch_line(batch(counts(3, 0, 0), stopped(4))).unwrap();
    let failed = batch_line(batch(counts(3, 1, 0), stopped(4))).unwrap();
    let none = batch_line(batch(counts(0, 0, 0), stopped(0))).unwrap();

    assert_eq!(clean.exit, Exit::Interrupted);
    assert_eq!(
        clean.message,
        "interrupted after 3 rows: any rows after line 4 were not started"
    );
    assert_eq!(
        clean.hint.as_deref(),
        Some("to finish, run the same command again: users that exist are skipped")
    );
    assert_eq!(
        failed.exit,
        Exit::Interrupted,
        "a signal outranks a failed row"
    );
    assert!(failed.message.contains("3 rows (1 failed)"), "{failed:?}");
    assert!(none.message.ends_with("no row was started"), "{none:?}");
}

#[test]
fn a_file_that_turns_bad_halfway_or_output_that_fails_stops_the_batch_in_one_line() {
    let input = Some(Stopped {
        by: StopCause::Input(FileError::LineTooLong { line: 9 }),
        after_line: 8,
    });
    let output = Some(Stopped {
        by: StopCause::Output(io::Error::from(io::ErrorKind::BrokenPipe)),
        after_line: 8,
    });

    let input = batch_line(batch(counts(7, 0, 0), input)).unwrap();
    let output = batch_line(batch(counts(7, 0, 0), output)).unwrap();

    assert_eq!(input.exit, Exit::Usage);
    assert_eq!(
        input.message,
        "'/tmp/u.csv' cannot be provisioned any further: line 9 is longer than 64 KiB, the \
         most a line may be; 7 rows before were done, any rows after line 8 were not started"
    );
    assert_eq!(output.exit, Exit::Failure);
    assert!(
        output.message.starts_with("cannot write the output (")
            && output.message.contains("7 rows: 0 created"),
        "{output:?}"
    );
}

#[test]
fn a_file_with_no_rows_is_a_usage_error_not_a_success() {
    let line = batch_line(batch(counts(0, 0, 0), None)).unwrap();
    assert_eq!(line.exit, Exit::Usage);
    assert_eq!(
        line.message,
        "'/tmp/u.csv' cannot be provisioned: it lists no users"
    );
    let bad_first = Some(Stopped {
        by: StopCause::Input(FileError::LineTooLong { line: 2 }),
        after_line: 0,
    });
    let line = batch_line(batch(counts(0, 0, 0), bad_first)).unwrap();
    assert_eq!(
        line.message,
        "'/tmp/u.csv' cannot be provisioned: line 2 is longer than 64 KiB, the most a line may be"
    );
}

#[test]
fn a_file_over_a_limit_is_named_with_the_limit_and_what_to_do() {
    let file = Input::File(PathBuf::from("/tmp/u.csv"));

    let large = Failure::file(&file, FileError::TooLarge).line();
    let long = Failure::file(&file, FileError::LineTooLong { line: 1 }).line();

    assert_eq!((large.exit, long.exit), (Exit::Usage, Exit::Usage));
    assert_eq!(
        large.message,
        "'/tmp/u.csv' cannot be provisioned: it is larger than 64 MiB, the most provision reads"
    );
    assert!(large.hint.unwrap().contains("smaller files"));
    assert_eq!(
        long.message,
        "'/tmp/u.csv' cannot be provisioned: line 1 is longer than 64 KiB, the most a line may be"
    );
}

#[test]
fn a_key_typed_as_a_name_or_id_is_refused_without_being_echoed() {
    let line = Failure::key_as_argument().line();
    assert_eq!(line.exit, Exit::Usage);
    assert!(line.hint.unwrap().contains("'wbusers key list'"));
}

#[test]
fn a_bad_ca_file_is_named_by_the_flag_or_variable_that_gave_it() {
    let bad = |path: &str| {
        users_graphql::GraphqlUserRepository::builder()
            .environment(users_graphql::Environment {
                api_key: Some("k".repeat(40).into()),
                ..users_graphql::Environment::default()
            })
            .base_url("https://host.io")
            .ca_certificate(path)
            .build()
            .err()
            .unwrap()
    };

    let line = Failure::from(bad("/nonexistent/ca.pem")).line();

    assert_eq!(line.exit, Exit::Usage);
    assert!(
        line.message.starts_with("--ca-cert '/nonexistent/ca.pem' "),
        "{line:?}"
    );
    assert!(!line.message.contains("ca_certificate"), "{line:?}");
    assert!(line.hint.unwrap().contains("PEM"));
}

#[test]
fn an_unreadable_sdk_settings_file_says_how_to_name_the_server_instead() {
    let home = tempfile::tempdir().unwrap();
    let settings = home.path().join(".config/wandb/settings");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, b"[default]\nbase_url = \xff\n").unwrap();
    let error = users_graphql::GraphqlUserRepository::builder()
        .environment(users_graphql::Environment {
            api_key: Some("k".repeat(40).into()),
            home: Some(home.path().to_owned()),
            ..users_graphql::Environment::default()
        })
        .build()
        .err()
        .unwrap();

    let line = Failure::from(error).line();

    assert_eq!(line.exit, Exit::Usage);
    assert!(
        line.message.starts_with(&format!(
            "cannot read the W&B settings file '{}'",
            settings.display()
        )),
        "{line:?}"
    );
    assert!(line.hint.unwrap().contains("--base-url"));
}

#[test]
fn a_refusal_and_an_impossibility_have_codes_of_their_own() {
    let refused = Failure::from(Error::Refused {
        reason: "ada is the last active instance admin: promote another user first".into(),
    })
    .line();
    let unsupported = Failure::from(Error::Unsupported {
        what: "a new key for service account ci".into(),
        reason: "the server does not reveal it".into(),
    })
    .line();

    assert_eq!(refused.exit, Exit::Refused);
    assert_eq!(refused.exit.code(), 10);
    assert_eq!(refused.hint.as_deref(), Some("nothing was changed"));
    assert_eq!(unsupported.exit, Exit::Unsupported);
    assert_eq!(unsupported.exit.code(), 11);
    assert_eq!(
        unsupported.message,
        "a new key for service account ci is not possible: the server does not reveal it"
    );
}

#[test]
fn team_failures_say_who_may_manage_the_team_and_where_to_look() {
    let team = TeamName::parse("ml").unwrap();
    let during = || During::ManagingTeam(team.clone());
    let denied = Failure::during(Error::PermissionDenied { reason: "x".into() }, during()).line();
    let exists = Failure::during(
        Error::AlreadyExists {
            what: "member 'ada' of team ml".into(),
        },
        during(),
    )
    .line();
    let missing = Failure::during(
        Error::NotFound {
            what: "team ml".into(),
        },
        during(),
    )
    .line();
    let taken = Failure::during(
        Error::AlreadyExists {
            what: "a team or user named ml".into(),
        },
        During::CreatingTeam(team.clone()),
    )
    .line();

    assert_eq!(denied.exit, Exit::Auth);
    assert_eq!(
        denied.hint.as_deref(),
        Some("use the API key of an instance admin or of an admin of team ml")
    );
    assert_eq!(exists.exit, Exit::Conflict);
    assert!(exists.hint.unwrap().contains("'wbusers team show ml'"));
    assert_eq!(missing.exit, Exit::NotFound);
    assert!(missing.hint.unwrap().contains("'wbusers team list --all'"));
    assert!(taken.hint.unwrap().contains("'wbusers user get ml'"));
}

#[test]
fn a_service_account_s_key_that_cannot_be_had_or_shown_says_the_account_stays() {
    let during = || During::ServiceAccountKey {
        account: "ci-bot".into(),
    };
    let unsupported = Failure::during(
        Error::Unsupported {
            what: "a new key for service account ci-bot".into(),
            reason: "x".into(),
        },
        during(),
    )
    .line();
    let write = || io::Error::new(io::ErrorKind::BrokenPipe, "broken pipe");
    let revoked = Failure::secret_not_shown(write(), fixture::key("k"), Ok(()), None)
        .while_doing(during())
        .line();
    let alive = Failure::secret_not_shown(
        write(),
        fixture::key("k"),
        Err(Error::Unavailable { reason: "x".into() }),
        None,
    )
    .while_doing(during())
    .line();

    assert_eq!(unsupported.exit, Exit::Unsupported);
    assert!(
        unsupported
            .hint
            .unwrap()
            .contains("ci-bot was created all the same")
    );
    assert!(
        revoked
            .message
            .ends_with("was revoked; service account ci-bot was created and stays"),
        "{revoked:?}"
    );
    assert!(revoked.hint.unwrap().contains("would make another account"));
    assert_eq!(
        alive.hint.as_deref(),
        Some("delete it with 'wbusers key delete id-k --user ci-bot'")
    );
}

#[test]
fn several_failed_rows_make_one_partial_line() {
    let line = Failure::incomplete(Incomplete::Rows {
        failed: 2,
        unknown: 0,
        total: 5,
        noun: "users",
    })
    .line();

    assert_eq!(line.exit, Exit::Partial);
    assert_eq!(line.message, "2 of 5 users failed");
}

#[test]
fn unknown_rows_alone_exit_7_and_a_failed_one_outranks_them() {
    let rows = |failed, unknown| {
        Failure::incomplete(Incomplete::Rows {
            failed,
            unknown,
            total: 5,
            noun: "users",
        })
        .line()
    };
    let offboarding = |failed, unknown| {
        Failure::incomplete(Incomplete::Offboarding {
            user: "ada".to_owned(),
            failed,
            unknown,
            total: 3,
        })
        .line()
    };

    let (one, two, both) = (rows(0, 1), rows(0, 2), rows(1, 2));
    let (steps, steps_and_failed) = (offboarding(0, 1), offboarding(1, 1));

    assert_eq!(one.exit, Exit::Ambiguous);
    assert_eq!(
        one.message,
        "1 of 5 users has an unknown outcome: the server's answer was lost"
    );
    assert!(one.hint.unwrap().contains("check those"));
    assert_eq!(
        two.message,
        "2 of 5 users have an unknown outcome: the server's answer was lost"
    );
    assert_eq!(both.exit, Exit::Partial);
    assert_eq!(
        both.message,
        "1 of 5 users failed, and 2 have an unknown outcome"
    );
    assert_eq!(steps.exit, Exit::Ambiguous);
    assert_eq!(
        steps.message,
        "offboarding ada may be incomplete: 1 of 3 steps has an unknown outcome \
         (each is reported above)"
    );
    assert!(steps.hint.unwrap().contains("wbusers user offboard ada"));
    assert_eq!(steps_and_failed.exit, Exit::Partial);
    assert_eq!(
        steps_and_failed.message,
        "offboarding ada is incomplete: 1 of 3 steps failed, and 1 has an unknown outcome \
         (each is reported above)"
    );
}
