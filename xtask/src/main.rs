//! Repository automation, run as `cargo xtask <command>`.
//!
//! Checks live here as code rather than as shell scripts so that they run the
//! same way on every machine and stop at the first failure.

mod bench;
mod ci;
mod domain_purity;
mod fuzz;
mod step;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  ci              format, lint, domain purity, tests, doc tests, docs and a short fuzz pass; stops at the first failure
  bench           time and memory of wbusers against the official Python SDK, as ratios; the largest
                  instances; plan and apply of a desired state (--only sdk|scale|state, comma-separated)
  domain-purity   check that users-domain depends on no HTTP, runtime or JSON crate
  fuzz            build the fuzz targets in fuzz/ and run each under libFuzzer (--seconds N, --runs N, --target NAME)";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let outcome = match command.as_deref() {
        Some("ci") => ci::run(&project_root()),
        Some("bench") => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            bench::parts(&args).and_then(|parts| bench::run(&project_root(), &parts))
        }
        Some("domain-purity") => domain_purity::run(&project_root()),
        Some("fuzz") => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            fuzz::Options::parse(&args).and_then(|options| fuzz::run(&project_root(), &options))
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command '{other}'; run `cargo xtask help`")),
        None => Err("no command given; run `cargo xtask help`".to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder, wherever cargo runs from.
fn project_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or(manifest_dir.clone(), std::path::Path::to_path_buf)
}
