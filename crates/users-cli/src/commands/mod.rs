//! One module per command group. Each parses its arguments into domain types,
//! calls the domain service and renders the answer: no business logic here.

mod audit;
mod keys;
mod provision;
mod users;

use std::time::Duration;

use clap::CommandFactory as _;
use users_domain::UserAdmin;
use users_graphql::{Environment, GraphqlUserRepository, RetryPolicy};

use crate::cli::{Cli, Command, Global};
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
        json: cli.global.json,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose > 0,
    };
    match &cli.command {
        Command::Completions { shell } => return completions(*shell),
        #[cfg(feature = "demo")]
        Command::Demo => return crate::demo::run(out).await,
        #[cfg(not(feature = "demo"))]
        Command::Demo => return Err(demo_not_built()),
        Command::Provision(args)
            if args.file == Input::Stdin && cli.global.api_key_file == Some(Input::Stdin) =>
        {
            return Err(Failure::advised(
                Exit::Usage,
                "the api key and the users cannot both come from standard input",
                "pass one of them as a file",
            ));
        }
        _ => {}
    }
    // The process environment is read here, once: the client and the
    // messages about its key see the same values.
    let env = Environment::from_process();
    let mut key = KeyOrigin {
        key_file: cli.global.api_key_file.clone(),
        netrc_var: env.netrc_path.is_some(),
        source: None,
    };
    let admin = connect(&cli.global, env).map_err(|failure| failure.key_from(&key))?;
    key.source = Some(admin.repository().key_source().clone());
    let result = match &cli.command {
        Command::Whoami => users::whoami(&admin, out).await,
        Command::User(command) => users::run(&admin, command, out).await,
        Command::Key(command) => keys::run(&admin, command, out).await,
        Command::Provision(args) => provision::run(&admin, args, out).await,
        // Answered above, without a server.
        Command::Completions { .. } | Command::Demo => Ok(()),
    };
    result.map_err(|failure| failure.key_from(&key))
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

/// The GraphQL adapter, configured from the global options and `env`.
fn connect(global: &Global, env: Environment) -> Result<UserAdmin<GraphqlUserRepository>, Failure> {
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
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(global.timeout));
    if global.allow_insecure_http {
        builder = builder.allow_insecure_http(true);
    }
    let repository = builder.build()?;
    tracing::debug!(base_url = repository.base_url(), "connecting");
    Ok(UserAdmin::new(repository))
}

fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    // Generated into memory first: clap_complete panics when its writer fails.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wbusers", &mut script);
    crate::output::print(&String::from_utf8_lossy(&script))
}
