//! `wbusers-emulator`: a local W&B users server for offline development.

use std::{
    io::IsTerminal as _,
    net::SocketAddr,
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::Context as _;
use clap::Parser;
use secrecy::ExposeSecret;
use tracing_subscriber::EnvFilter;
use users_domain::ApiKeySecret;
use users_emulator::{Emulator, EmulatorError, RunningEmulator};
use users_memory::InMemoryWorld;

/// A local W&B users server that the official SDK and wbusers accept.
///
/// Point a client at it with `WANDB_BASE_URL=http://ADDR` and the admin API key.
#[derive(Debug, Parser)]
#[command(name = "wbusers-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// JSON file of the users, teams, service accounts and keys to start with.
    #[arg(long, value_name = "FILE", long_help = SEED_HELP)]
    seed: Option<PathBuf>,
    /// File holding the admin API key; without it a key is generated and printed once.
    #[arg(long, value_name = "PATH")]
    admin_key_file: Option<PathBuf>,
    /// Start with N synthetic users instead of a seed file: user number K is
    /// userK@corpM.example (M = K mod 10), holding one key whose secret is
    /// `synthetic` and K in 31 digits, and every third is in team team-T
    /// (T = K mod 100); for tests and benchmarks on this machine only, since
    /// anyone can work the keys out.
    #[arg(long, value_name = "N", conflicts_with = "seed")]
    synthetic_users: Option<u32>,
    /// Wait this long before serving each request, as a far-away server would
    /// (for example 20ms or 1s).
    #[arg(long, value_name = "DURATION", value_parser = parse_latency)]
    latency: Option<Duration>,
}

/// `20ms`, `1s`, `1.5s` or a bare number of milliseconds.
fn parse_latency(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix("ms") {
        Some(number) => (number, 0.001),
        None => match text.strip_suffix('s') {
            Some(number) => (number, 1.0),
            None => (text, 0.001),
        },
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && *value >= 0.0 && *value * unit <= 3600.0)
        .map(|value| Duration::from_secs_f64(value * unit))
        .ok_or_else(|| {
            format!("'{text}' is not a latency: give one such as 20ms or 1.5s, at most an hour")
        })
}

const SEED_HELP: &str = "JSON file of the world to start with: custom team roles, teams, \
users (people and service accounts, active or deactivated) and their keys. The format, with an \
example, is in crates/users-memory/docs/seed.md; in short: \
{\"roles\": [custom role names], \"teams\": [names of teams made first], \
\"users\": [{\"email\", \"account_type\": \"user\" or \"service\", \"username\", \"name\", \"admin\", \
\"teams\": [\"ml\" or {\"team\": \"ml\", \"role\": \"admin\", \"member\", \"viewer\" or a custom role}], \
\"deleted_at\": RFC 3339 (deactivated since), \"flags\", \
\"keys\": [{\"secret\", \"name\", \"description\"}]}]}. \
\"roles\" and \"teams\" come before \"users\". A person needs \"email\", a service account a \
team, a key its \"secret\"; the rest is optional";

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
        builder = builder.world(read_seed(path).map_err(bad_input)?);
    }
    if let Some(count) = args.synthetic_users {
        let started = std::time::Instant::now();
        builder = builder.world(InMemoryWorld::synthetic(count));
        tracing::info!(
            users = count,
            elapsed_ms = started.elapsed().as_millis(),
            "made the synthetic users"
        );
    }
    if let Some(latency) = args.latency {
        builder = builder.latency(latency);
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

/// Reads the seed file as a stream: a file of a million users is fine.
fn read_seed(path: &Path) -> anyhow::Result<InMemoryWorld> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read seed file {}", path.display()))?;
    InMemoryWorld::read_seed(std::io::BufReader::new(file))
        .with_context(|| format!("seed file {} is not valid", path.display()))
}

/// The admin key, read by the same rules as every key file.
fn read_admin_key(path: &Path) -> anyhow::Result<ApiKeySecret> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read admin key file {}", path.display()))?;
    ApiKeySecret::read_key_file(file).with_context(|| format!("admin key file {}", path.display()))
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
    use std::io::Write as _;

    use super::*;

    fn seed_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn a_seed_error_names_the_file_and_the_field_but_not_the_string() {
        for text in [
            r#"{"users":[{"email":"a@b.c","admin":"s3cr3t"}]}"#,
            r#"{"users":[{"email":"a@b.c","admin":"s3\"cr3t"}]}"#,
        ] {
            let file = seed_file(text);

            let message = format!("{:#}", read_seed(file.path()).unwrap_err());

            assert!(
                message.contains(&file.path().display().to_string()),
                "{message}"
            );
            assert!(message.contains("expected a boolean"), "{message}");
            assert!(
                !message.contains("s3") && !message.contains("cr3t"),
                "{message}"
            );
        }
    }

    #[test]
    fn latencies_read_as_people_write_them() {
        assert_eq!(parse_latency("20ms"), Ok(Duration::from_millis(20)));
        assert_eq!(parse_latency("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_latency("7"), Ok(Duration::from_millis(7)));
        for bad in ["-1ms", "soon", "2h", "NaNs"] {
            assert!(parse_latency(bad).is_err(), "{bad}");
        }
    }
}
