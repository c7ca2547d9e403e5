//! Running one named step of a check: print it, run it, fail with its name.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// A command to run from the project root, announced under a short title.
pub(crate) struct Step<'a> {
    title: &'a str,
    program: &'a str,
    args: Vec<&'a str>,
    envs: Vec<(&'a str, &'a str)>,
}

impl<'a> Step<'a> {
    pub(crate) fn cargo(title: &'a str, args: &[&'a str]) -> Self {
        Self {
            title,
            program: "cargo",
            args: args.to_vec(),
            envs: Vec::new(),
        }
    }

    pub(crate) fn env(mut self, key: &'a str, value: &'a str) -> Self {
        self.envs.push((key, value));
        self
    }

    /// Runs the step, streaming its output.
    ///
    /// # Errors
    ///
    /// When the command cannot start or exits unsuccessfully.
    pub(crate) fn run(&self, root: &Path) -> Result<(), String> {
        // As a shell line, so that the step can be run again by hand.
        let mut envs = String::new();
        for (key, value) in &self.envs {
            let _ = write!(envs, "{key}={value:?} ");
        }
        println!(
            "==> {}: {envs}{} {}",
            self.title,
            self.program,
            self.args.join(" ")
        );
        let started = Instant::now();
        let status = Command::new(self.program)
            .args(&self.args)
            .envs(self.envs.iter().copied())
            .current_dir(root)
            .status()
            .map_err(|error| format!("{}: could not run {}: {error}", self.title, self.program))?;
        let seconds = started.elapsed().as_secs_f32();
        if status.success() {
            println!("==> {}: ok ({seconds:.1}s)", self.title);
            Ok(())
        } else {
            Err(format!(
                "{} failed ({status}) after {seconds:.1}s",
                self.title
            ))
        }
    }
}

/// Whether `cargo <subcommand> --version` works here (e.g. cargo-nextest is installed).
pub(crate) fn cargo_has(subcommand: &str) -> bool {
    Command::new("cargo")
        .args([subcommand, "--version"])
        .output()
        .is_ok_and(|output| output.status.success())
}
