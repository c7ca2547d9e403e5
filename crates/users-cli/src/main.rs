//! `wbusers`: administer the users and API keys of a W&B server from a shell.
//! Wires the GraphQL adapter into the domain service; see `cli.rs` for the
//! commands and `exit.rs` for what each exit code means.

mod cli;
mod commands;
mod credentials;
mod demo;
mod exit;
mod output;
mod provision;
mod views;

use std::process::ExitCode;

use clap::Parser as _;

use crate::exit::{Exit, Failure};

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout with success; the rest is a usage error.
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            }
            .into();
        }
    };
    init_tracing(cli.global.verbose, cli.global.quiet);
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::new(Exit::Failure, format!("cannot start the runtime: {error}")))
        .and_then(|runtime| runtime.block_on(commands::run(&cli)));
    match result {
        Ok(()) => Exit::Ok.into(),
        Err(failure) => {
            failure.report(cli.global.json);
            failure.exit.into()
        }
    }
}

/// Logs go to stderr. Dependencies stay at `info` even with `-vv`: their
/// trace output could show request bytes.
fn init_tracing(verbose: u8, quiet: bool) {
    let filter = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => {
            "info,users_cli=debug,users_graphql=debug,users_domain=debug,users_emulator=debug"
        }
        (false, _) => {
            "info,users_cli=trace,users_graphql=trace,users_domain=trace,users_emulator=trace"
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
