//! One module per command group. Each parses its arguments into domain types,
//! calls the domain service and renders the answer: no business logic here.

mod apply;
mod audit;
mod confirm;
mod export;
mod keys;
pub(crate) mod lifecycle;
mod offboard;
mod plan;
mod provision;
mod service_accounts;
mod signals;
pub(crate) mod teams;
mod users;

use std::time::{Duration, Instant};

use clap::CommandFactory as _;
use users_domain::{Invitee, User, UserAdmin, UserRepository};
use users_graphql::{Environment, GraphqlClientBuilder, GraphqlUserRepository, RetryPolicy};

use crate::cli::{ApplyArgs, Cli, Command, Global, KeyCommand, PlanArgs, TeamCommand, UserCommand};
use crate::exit::Exit;
use crate::failure::{Failure, KeyOrigin};
use crate::input::Input;
use crate::key_file;
use crate::output::Output;

/// Runs the command the command line names.
///
/// # Errors
///
/// The command's failure, ready to be reported.
pub(crate) async fn run(cli: &Cli) -> Result<(), Failure> {
    let out = Output {
        json: cli.global.machine_readable(),
        lines: cli.global.jsonl,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose > 0,
    };
    match &cli.command {
        Command::Completions { shell } => return completions(*shell),
        #[cfg(feature = "demo")]
        Command::Demo => return crate::demo::run(out).await,
        #[cfg(not(feature = "demo"))]
        Command::Demo => return Err(demo_not_built()),
        _ => {}
    }
    if let Some(what) = read_from_stdin(&cli.command) {
        if cli.global.api_key_file == Some(Input::Stdin) {
            return Err(Failure::advised(
                Exit::Usage,
                format!("the api key and {what} cannot both come from standard input"),
                "pass one of them as a file",
            ));
        }
    }
    // The process environment is read here, once: the client and the
    // messages about its key see the same values.
    let env = Environment::from_process();
    let mut key = KeyOrigin {
        key_file: cli.global.api_key_file.clone(),
        netrc_var: env.netrc_path.is_some(),
        source: None,
    };
    let admin = connect(&cli.global, env, is_bounded_whole(&cli.command))
        .map_err(|failure| failure.key_from(&key))?;
    key.source = Some(admin.repository().key_source().clone());
    let result = match &cli.command {
        Command::Whoami => users::whoami(&admin, out).await,
        Command::User(command) => users::run(&admin, command, out).await,
        Command::Key(command) => keys::run(&admin, command, out).await,
        Command::Team(command) => teams::run(&admin, command, out).await,
        Command::ServiceAccount(command) => service_accounts::run(&admin, command, out).await,
        Command::Provision(args) => provision::run(&admin, args, out).await,
        Command::Export(args) => export::run(&admin, args, out).await,
        Command::Plan(args) => plan::run(&admin, args, out).await,
        Command::Apply(args) => apply::run(&admin, args, out).await,
        // Answered above, without a server.
        Command::Completions { .. } | Command::Demo => Ok(()),
    };
    result.map_err(|failure| failure.key_from(&key))
}

/// What a command reads from standard input (its FILE is `-`), if anything.
fn read_from_stdin(command: &Command) -> Option<&'static str> {
    match command {
        Command::Provision(args) if args.file == Input::Stdin => Some("the users"),
        Command::Plan(PlanArgs { desired }) | Command::Apply(ApplyArgs { desired, .. })
            if desired.file == Input::Stdin =>
        {
            Some("the state file")
        }
        _ => None,
    }
}

/// Checks once, up front, that the caller is an instance admin, for a
/// command every request of which needs one: one clear failure rather
/// than one per request, or a half-read instance.
///
/// # Errors
///
/// As [`UserAdmin::viewer`]; a `needs_admin` failure naming `what` for a
/// caller who is not one.
pub(super) async fn require_admin<R: UserRepository>(
    admin: &UserAdmin<R>,
    what: &str,
) -> Result<(), Failure> {
    let viewer = admin.viewer().await?;
    if viewer.admin {
        Ok(())
    } else {
        Err(Failure::needs_admin(what, &viewer.label()))
    }
}

/// Whether `--timeout` bounds the whole command. A batch (`provision`,
/// `apply`, a command on several users, an offboarding's steps) runs until
/// it is done, and so does a listing, a page at a time (a million users take
/// minutes; `export` and `plan` read every user so);
/// Ctrl-C stops either: `--timeout` is then the budget of each request. An
/// offboarding may also wait for its confirmation, as long as the person
/// takes.
fn is_bounded_whole(command: &Command) -> bool {
    !matches!(
        command,
        Command::Provision(_)
            | Command::Export(_)
            | Command::Plan(_)
            | Command::Apply(_)
            | Command::User(
                UserCommand::Search { .. }
                    | UserCommand::Deactivate(_)
                    | UserCommand::Reactivate(_)
                    | UserCommand::Promote(_)
                    | UserCommand::Demote(_)
                    | UserCommand::Offboard { .. }
            )
            | Command::Key(KeyCommand::List { all: true, .. })
            | Command::Team(
                TeamCommand::List { all: true, .. }
                    | TeamCommand::Add { .. }
                    | TeamCommand::Remove { .. }
            )
    )
}

/// The user `who` names exactly: by username, or by email ignoring case.
/// A change is never made to a user found by a search that only resembles
/// the name given.
///
/// # Errors
///
/// As [`UserAdmin::user`]; and a `NotFound` failure, naming the one user
/// found, when that user's username or email is not exactly `who`.
pub(super) async fn exact_user<R: UserRepository>(
    admin: &UserAdmin<R>,
    who: &Invitee,
) -> Result<User, Failure> {
    let typed = who.to_string();
    let user = admin.user(&typed).await?;
    if user.is_named(&typed) {
        return Ok(user);
    }
    Err(Failure::not_named_exactly(&typed, &user.label()))
}

/// `wbusers demo` in a build without the emulator.
#[cfg(not(feature = "demo"))]
fn demo_not_built() -> Failure {
    Failure::advised(
        Exit::Usage,
        "this wbusers was built without the demo",
        "run it from a clone of the repository: \
         cargo run --release -p users-cli --features demo -- demo",
    )
}

/// The longest one request may take, within the command's `--timeout`.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The GraphQL adapter, configured from the global options and `env`; see
/// [`builder`].
fn connect(
    global: &Global,
    env: Environment,
    whole_command: bool,
) -> Result<UserAdmin<GraphqlUserRepository>, Failure> {
    let repository = builder(global, env, whole_command.then(Instant::now))?.build()?;
    tracing::debug!(base_url = repository.base_url(), "connecting");
    Ok(UserAdmin::new(repository))
}

/// The adapter's builder, set from the global options and `env`. `--timeout`
/// bounds every call (retries and waits included) and, from `started` on
/// when given, the whole command: no call runs past `started + --timeout`.
/// Each attempt gets at most [`ATTEMPT_TIMEOUT`] of it.
fn builder(
    global: &Global,
    env: Environment,
    started: Option<Instant>,
) -> Result<GraphqlClientBuilder, Failure> {
    let budget = Duration::from_secs(global.timeout);
    let mut builder = GraphqlUserRepository::builder().environment(env);
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(input) = &global.api_key_file {
        builder = builder.api_key(key_file::read(input)?);
    }
    if let Some(user_agent) = &global.user_agent {
        builder = builder.user_agent(user_agent.clone());
    }
    builder = builder
        .retry_policy(RetryPolicy {
            max_attempts: global.retries + 1,
            deadline: budget,
            ..RetryPolicy::default()
        })
        .timeout(ATTEMPT_TIMEOUT.min(budget))
        .max_response_bytes(usize::try_from(global.max_response_bytes).unwrap_or(usize::MAX))
        .admin_privileges(!global.no_admin_privileges);
    if let Some(at) = started.and_then(|started| started.checked_add(budget)) {
        builder = builder.deadline_at(at);
    }
    for path in &global.ca_cert {
        builder = builder.ca_certificate(path.clone());
    }
    if global.allow_insecure_http {
        builder = builder.allow_insecure_http(true);
    }
    Ok(builder)
}

fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wbusers", &mut script);
    crate::output::print(&String::from_utf8_lossy(&script))
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    fn global(args: &[&str]) -> Global {
        let mut all = vec!["wbusers"];
        all.extend(args);
        all.push("whoami");
        Cli::try_parse_from(all).unwrap().global
    }

    /// What the builder was given, as its `Debug` shows it (the only view of
    /// a builder's settings; secrets are left out of it).
    fn settings(args: &[&str], started: Option<Instant>) -> String {
        let env = Environment {
            api_key: Some("k".repeat(40).into()),
            ..Environment::default()
        };
        format!("{:?}", builder(&global(args), env, started).unwrap())
    }

    #[test]
    fn the_timeout_is_the_deadline_of_the_whole_command_and_bounds_each_attempt() {
        let started = Instant::now();

        let long = settings(&["--timeout", "120"], Some(started));
        let short = settings(&["--timeout", "5"], Some(started));
        let default = settings(&[], Some(started));
        let per_row = settings(&["--timeout", "120"], None);

        let at = |secs| format!("deadline: {:?}", Some(started + Duration::from_secs(secs)));
        assert!(long.contains(&at(120)), "{long}");
        assert!(
            long.contains("deadline: 120s"),
            "the retry policy's: {long}"
        );
        assert!(long.contains("timeout: 30s"), "{long}");
        assert!(
            short.contains(&at(5)) && short.contains("timeout: 5s"),
            "{short}"
        );
        assert!(default.contains(&at(90)), "{default}");
        assert!(per_row.contains("deadline: None"), "{per_row}");
        assert!(per_row.contains("deadline: 120s"), "{per_row}");
    }

    #[test]
    fn the_timeout_bounds_each_request_of_a_batch_or_a_listing_and_any_other_command_whole() {
        let command = |args: &[&str]| {
            let mut all = vec!["wbusers"];
            all.extend(args);
            Cli::try_parse_from(all).unwrap().command
        };

        for per_request in [
            &["provision", "users.csv"][..],
            &["user", "search"],
            &["key", "list", "--all"],
            &["team", "list", "--all"],
            &["team", "add", "ml", "ada"],
            &["user", "deactivate", "ada"],
            &["user", "offboard", "ada"],
            &["export"],
            &["plan", "people.toml"],
            &["apply", "people.toml", "--yes"],
        ] {
            assert!(!is_bounded_whole(&command(per_request)), "{per_request:?}");
        }
        for whole in [
            &["whoami"][..],
            &["user", "get", "ada"],
            &["key", "list"],
            &["key", "generate"],
            &["team", "show", "ml"],
            &["service-account", "create", "ml", "ci", "--with-key"],
        ] {
            assert!(is_bounded_whole(&command(whole)), "{whole:?}");
        }
    }

    #[test]
    fn a_timeout_of_up_to_a_day_is_accepted() {
        assert_eq!(global(&["--timeout", "86400"]).timeout, 86_400);
        for refused in ["0", "86401"] {
            let error = Cli::try_parse_from(["wbusers", "--timeout", refused, "whoami"]);
            assert!(error.is_err(), "{refused}");
        }
    }

    #[test]
    fn the_response_cap_ca_files_and_admin_header_reach_the_builder() {
        let set = settings(
            &[
                "--max-response-bytes",
                "1024",
                "--ca-cert",
                "/etc/a.pem",
                "--ca-cert",
                "/etc/b.pem",
                "--no-admin-privileges",
            ],
            None,
        );
        let default = settings(&[], None);

        assert!(set.contains("max_response_bytes: 1024"), "{set}");
        assert!(
            set.contains(r#"ca_certificates: ["/etc/a.pem", "/etc/b.pem"]"#),
            "{set}"
        );
        assert!(set.contains("admin_privileges: false"), "{set}");
        assert!(default.contains("admin_privileges: true"), "{default}");
        assert!(
            default.contains(&format!(
                "max_response_bytes: {}",
                users_graphql::DEFAULT_MAX_RESPONSE_BYTES
            )),
            "{default}"
        );
    }
}
