//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use std::path::Path;

use crate::domain_purity;
use crate::step::{Step, cargo_has};

/// Turns on the tests a plain `cargo test` skips because they reach the
/// network: the official SDK against the emulator (tests/it/sdk.rs), which
/// installs `wandb` from the Python package index on its first run.
const SDK_TESTS: (&str, &str) = ("WBUSERS_SDK_TESTS", "1");

/// Runs the whole pipeline.
///
/// # Errors
///
/// The first failing step, by name.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    Step::cargo("format", &["fmt", "--all", "--check"]).run(root)?;
    Step::cargo(
        "lint",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run(root)?;
    domain_purity::run(root)?;
    if cargo_has("nextest") {
        Step::cargo(
            "tests",
            &[
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--no-fail-fast",
            ],
        )
        .env(SDK_TESTS.0, SDK_TESTS.1)
        .run(root)?;
    } else {
        println!("==> cargo-nextest not installed; using cargo test");
        Step::cargo(
            "tests",
            &[
                "test",
                "--workspace",
                "--all-features",
                "--lib",
                "--bins",
                "--tests",
                "--no-fail-fast",
            ],
        )
        .env(SDK_TESTS.0, SDK_TESTS.1)
        .run(root)?;
    }
    Step::cargo(
        "doc tests",
        &["test", "--workspace", "--all-features", "--doc"],
    )
    .run(root)?;
    Step::cargo(
        "docs",
        &["doc", "--workspace", "--all-features", "--no-deps"],
    )
    .env("RUSTDOCFLAGS", "-D warnings")
    .run(root)?;
    // Every fuzz target for a few seconds (cargo-fuzz installed if missing):
    // the committed seeds replayed, and a little exploring.
    crate::fuzz::run(
        root,
        &crate::fuzz::Options::all_for(crate::fuzz::CI_SECONDS),
    )?;
    println!("==> ci: all steps passed");
    Ok(())
}
