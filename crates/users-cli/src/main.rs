//! `wbusers`: administer the users and API keys of a W&B server from a shell.
//! Wires the GraphQL adapter into the domain service; see `cli.rs` for the
//! commands, `failure.rs` for how a failure becomes its one-line report and
//! `exit.rs` for what each exit code means.

mod cli;
mod commands;
#[cfg(feature = "demo")]
mod demo;
mod exit;
mod failure;
#[cfg(test)]
mod fixture;
mod input;
mod key_file;
mod listing;
mod output;
mod provision;
mod redact;
mod state_file;
mod views;

use std::process::ExitCode;

use clap::Parser as _;

use crate::exit::Exit;
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            let json = std::env::args_os().any(|arg| arg == "--json" || arg == "--jsonl");
            return usage_failure(&error).report(json).into();
        }
        Err(help_or_version) => {
            let _ = help_or_version.print();
            return Exit::Ok.into();
        }
    };
    init_tracing(cli.global.verbose, cli.global.quiet);
    // One thread: the commands make their calls one after another (provision
    // keeps a few in flight, which one thread drives as well), and a
    // current-thread runtime makes each call cheaper than a pool would.
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::new(Exit::Failure, format!("cannot start the runtime: {error}")))
        .and_then(|runtime| runtime.block_on(commands::run(&cli)));
    match result {
        Ok(()) => Exit::Ok.into(),
        Err(failure) => failure.report(cli.global.machine_readable()).into(),
    }
}

/// A command-line mistake as one line, like every other error: clap's own
/// message and tip, without its multi-line usage block. Clap quotes what was
/// typed, so a key pasted as an argument is masked.
fn usage_failure(error: &clap::Error) -> Failure {
    let rendered = redact::mask_keys(&error.render().to_string());
    // The first paragraph is the message (a list of missing arguments included).
    let message = rendered
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    let tip = rendered
        .lines()
        .find_map(|line| line.trim().strip_prefix("tip: "));
    let hint = tip.map_or_else(
        || "run 'wbusers --help' for usage".to_owned(),
        |tip| format!("{tip}; run 'wbusers --help' for usage"),
    );
    Failure::advised(Exit::Usage, message, hint)
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

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;

    #[test]
    fn a_command_line_mistake_is_one_line_with_clap_s_tip() {
        let error = cli::Cli::try_parse_from(["wbusers", "whoamii"]).unwrap_err();
        let line = usage_failure(&error).line();
        assert_eq!(line.exit, Exit::Usage);
        assert!(!line.message.contains('\n'), "{line:?}");
        assert!(line.message.contains("whoamii"), "{line:?}");
        let hint = line.hint.unwrap();
        assert!(hint.contains("whoami") && !hint.contains('\n'), "{hint}");
    }

    #[test]
    fn a_key_typed_as_an_argument_is_masked_in_clap_s_message() {
        let key = "0123456789abcdefghij0123456789abcdefghij";
        for args in [
            vec!["wbusers", "whoami", key],
            vec!["wbusers", key],
            vec!["wbusers", "provision", "x", "--format", key],
            vec!["wbusers", &format!("--{key}")],
            vec!["wbusers", "team", "add", "ml", key],
            vec!["wbusers", "user", "offboard", key],
            vec!["wbusers", "team", "create", "ml", "--admin", key],
        ] {
            let error = cli::Cli::try_parse_from(&args).unwrap_err();
            let line = usage_failure(&error).line();
            let hint = line.hint.clone().unwrap_or_default();
            assert!(
                !line.message.contains(&key[4..36]) && !hint.contains(&key[4..36]),
                "{args:?}: {line:?}"
            );
        }
    }
}
