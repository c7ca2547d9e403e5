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
use users_graphql::{ConfigError, GraphqlUserRepository, RetryPolicy};

use crate::cli::{Cli, Command, Global};
use crate::credentials;
use crate::exit::{Exit, Failure};
use crate::output::Output;

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
    };
    match &cli.command {
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
    }
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
    Failure::new(exit, message)
}

fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wbusers", &mut script);
    crate::output::print(&String::from_utf8_lossy(&script))
}
