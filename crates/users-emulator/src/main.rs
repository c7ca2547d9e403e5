//! `wbusers-emulator`: a local W&B users server for offline development.

use std::{
    io::IsTerminal as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context as _;
use clap::Parser;
use secrecy::ExposeSecret;
use tracing_subscriber::EnvFilter;
use users_domain::{ApiKeySecret, without_quoted_text};
use users_emulator::{Emulator, EmulatorError, RunningEmulator};
use users_memory::Seed;

/// A local W&B users server that the official SDK and wbusers accept.
///
/// Point a client at it with `WANDB_BASE_URL=http://ADDR` and the admin API key.
#[derive(Debug, Parser)]
#[command(name = "wbusers-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// JSON file of the users, teams and keys to start with.
    #[arg(long, value_name = "FILE", long_help = SEED_HELP)]
    seed: Option<PathBuf>,
    /// File holding the admin API key; without it a key is generated and printed once.
    #[arg(long, value_name = "PATH")]
    admin_key_file: Option<PathBuf>,
}

const SEED_HELP: &str = "JSON file of the users, teams and keys to start with: \
{\"users\": [{\"email\", \"username\", \"name\", \"admin\", \"teams\", \"deleted_at\", \"flags\", \
\"keys\": [{\"secret\", \"name\", \"description\"}]}]}; only \"email\" and a key's \"secret\" are required";

/// Why the emulator could not start, and the exit status that deserves: 2
/// for bad input, 1 otherwise.
struct StartupError {
    status: u8,
    error: anyhow::Error,
}

fn bad_input(error: anyhow::Error) -> StartupError {
    StartupError { status: 2, error }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(StartupError { status, error }) => {
            eprintln!("error: {error:#}");
            ExitCode::from(status)
        }
    }
}

async fn run(args: Args) -> Result<(), StartupError> {
    let mut builder = Emulator::builder().listen(args.listen);
    if let Some(path) = &args.seed {
        builder = builder.seed(read_seed(path).map_err(bad_input)?);
    }
    let given_key = match &args.admin_key_file {
        Some(path) => Some(read_admin_key(path).map_err(bad_input)?),
        None => None,
    };
    let generated = given_key.is_none();
    if let Some(key) = given_key {
        builder = builder.admin_key(key);
    }
    let emulator = builder.start().await.map_err(|error| {
        let status = match error {
            EmulatorError::Seed(_)
            | EmulatorError::AdminKeyHolderNotAdmin { .. }
            | EmulatorError::AdminKeyHolderDeleted { .. }
            | EmulatorError::BootstrapEmailTaken
            | EmulatorError::BootstrapUsernameTaken => 2,
            _ => 1,
        };
        let error = match &args.seed {
            Some(path) if status == 2 => {
                anyhow::Error::new(error).context(format!("seed file {}", path.display()))
            }
            _ => anyhow::Error::new(error),
        };
        StartupError { status, error }
    })?;
    announce(&emulator, generated);
    shutdown_signal().await;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

fn read_seed(path: &Path) -> anyhow::Result<Seed> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read seed file {}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| {
        anyhow::anyhow!(
            "seed file {} is not valid: {}",
            path.display(),
            without_quoted_text(&error.to_string())
        )
    })
}

/// The admin key, read by the same rules as every key file.
fn read_admin_key(path: &Path) -> anyhow::Result<ApiKeySecret> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read admin key file {}", path.display()))?;
    ApiKeySecret::read_key_file(file)
        .with_context(|| format!("admin key file {}", path.display()))
}

fn announce(emulator: &RunningEmulator, generated: bool) {
    println!("listening on {}", emulator.base_url());
    if generated {
        // The one place the key is shown: the operator needs it to log in.
        println!(
            "admin api key (shown once, not stored): {}",
            emulator.admin_key().expose_secret()
        );
    }
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(error) => tracing::warn!(%error, "cannot watch SIGTERM; stop with Ctrl-C"),
        }
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::error!(%error, "cannot watch Ctrl-C; stopping now");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_error_keeps_the_field_but_not_the_string() {
        let error =
            serde_json::from_str::<Seed>(r#"{"users":[{"email":"a@b.c","admin":"s3cr3t"}]}"#)
                .unwrap_err()
                .to_string();
        let message = without_quoted_text(&error);
        assert!(!message.contains("s3cr3t"), "{message}");
        assert!(message.contains("expected a boolean"), "{message}");
    }

    #[test]
    fn an_escaped_quote_does_not_end_the_hidden_run() {
        let error =
            serde_json::from_str::<Seed>(r#"{"users":[{"email":"a@b.c","admin":"s3\"cr3t"}]}"#)
                .unwrap_err()
                .to_string();
        assert!(error.contains(r#"\"cr3t"#), "{error}");

        let message = without_quoted_text(&error);

        assert!(!message.contains("s3"), "{message}");
        assert!(!message.contains("cr3t"), "{message}");
        assert!(message.contains("expected a boolean"), "{message}");
    }
}
