//! One module per command group. Each parses its arguments into domain types,
//! calls the domain service and renders the answer: no business logic here.

mod audit;
mod keys;
mod provision;
mod users;

use std::path::Path;
use std::time::Duration;

use clap::CommandFactory as _;
use users_domain::UserAdmin;
use users_graphql::{ConfigError, GraphqlUserRepository, KeySource, RetryPolicy};

use crate::cli::{Cli, Command, Global};
use crate::credentials;
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::redact;

pub(crate) use provision::report_text;

/// Runs the command the command line names.
///
/// # Errors
///
/// The command's failure, ready to be reported.
pub(crate) async fn run(cli: &Cli) -> Result<(), Failure> {
    let out = Output {
        json: cli.global.json,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose > 0,
    };
    let result = match &cli.command {
        Command::Completions { shell } => completions(*shell),
        Command::Demo => crate::demo::run(out).await,
        Command::Whoami => users::whoami(&connect(&cli.global)?, out).await,
        Command::User(command) => users::run(&connect(&cli.global)?, command, out).await,
        Command::Key(command) => keys::run(&connect(&cli.global)?, command, out).await,
        Command::Provision(args) => {
            let stdin = Path::new("-");
            if args.file == stdin && cli.global.api_key_file.as_deref() == Some(stdin) {
                return Err(Failure::usage(
                    "the api key and the users cannot both come from standard input",
                )
                .hint("pass one of them as a file"));
            }
            provision::run(&connect(&cli.global)?, args, out).await
        }
    };
    result.map_err(|failure| failure.when_key_refused(|| key_refused_hint(&cli.global)))
}

/// Says which of the places a key is read from supplied the refused key, as
/// the adapter's message cannot (it does not know the flags).
fn key_refused_hint(global: &Global) -> String {
    let source = if let Some(path) = &global.api_key_file {
        if path == Path::new("-") {
            "--api-key-file - (standard input)".to_owned()
        } else {
            format!("--api-key-file '{}'", redact::path(path))
        }
    } else if std::env::var("WANDB_API_KEY").is_ok_and(|key| !key.trim().is_empty()) {
        "WANDB_API_KEY".to_owned()
    } else {
        "the netrc entry for the server's host".to_owned()
    };
    format!("the key came from {source}; give a live key for this server")
}

/// The GraphQL adapter, configured from the global options and the environment.
fn connect(global: &Global) -> Result<UserAdmin<GraphqlUserRepository>, Failure> {
    let mut builder = GraphqlUserRepository::builder();
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url.clone());
    }
    if let Some(path) = &global.api_key_file {
        builder = builder.api_key(credentials::read_key_file(path)?);
    }
    if let Some(user_agent) = &global.user_agent {
        builder = builder.user_agent(user_agent.clone());
    }
    builder = builder
        .retry_policy(RetryPolicy {
            max_attempts: global.retries + 1,
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(global.timeout));
    if global.allow_insecure_http {
        builder = builder.allow_insecure_http(true);
    }
    let repository = builder.build().map_err(|error| config_failure(&error))?;
    tracing::debug!(base_url = repository.base_url(), "connecting");
    Ok(UserAdmin::new(repository))
}

/// A setting that keeps the client from being built: credentials are an auth
/// problem, everything else a usage one.
fn config_failure(error: &ConfigError) -> Failure {
    let exit = match error {
        ConfigError::MissingApiKey { .. }
        | ConfigError::InvalidApiKey { .. }
        | ConfigError::ApiKeyWhitespace { .. }
        | ConfigError::NetrcPermissions { .. }
        | ConfigError::NetrcRead { .. }
        | ConfigError::NetrcSyntax { .. }
        | ConfigError::NetrcNoPassword { .. } => Exit::Auth,
        ConfigError::Client { .. } => Exit::Failure,
        _ => Exit::Usage,
    };
    // The adapter speaks to programmers (builder calls); say the same in flags.
    let message = match error {
        ConfigError::MissingApiKey { host, netrc } => format!(
            "no api key for {host}: set WANDB_API_KEY, add 'machine {host} login user password <key>' \
             to {netrc}, or pass --api-key-file PATH"
        ),
        ConfigError::InsecureHttp { host } => format!(
            "refusing plain http to {host}: the api key would travel unencrypted; \
             use https, or pass --allow-insecure-http to accept that"
        ),
        other => other.to_string(),
    };
    // A key typed as --base-url comes back in the adapter's message.
    let failure = Failure::new(exit, redact::mask_keys(&message));
    match config_hint(error) {
        Some(hint) => failure.hint(hint),
        None => failure,
    }
}

fn config_hint(error: &ConfigError) -> Option<&'static str> {
    match error {
        ConfigError::ApiKeyWhitespace {
            origin: KeySource::EnvVar,
        } => Some(
            "WANDB_API_KEY has white space around the key (a trailing newline?); \
                 set it to the key alone",
        ),
        ConfigError::NetrcRead { path, .. } if path.is_dir() => {
            Some(if std::env::var_os("NETRC").is_some() {
                "NETRC names a directory: point it at the netrc file itself, or unset it to use ~/.netrc"
            } else {
                "~/.netrc is a directory: make it a file, or point NETRC at one"
            })
        }
        _ => None,
    }
}

fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wbusers", &mut script);
    crate::output::print(&String::from_utf8_lossy(&script))
}
