//! `cargo xtask fuzz`: builds the fuzz targets in `fuzz/` with cargo-fuzz
//! and runs each for a while under libFuzzer, failing on the first crash.
//!
//! cargo-fuzz (installed from crates.io when missing) builds, since it owns
//! the instrumentation flags; it needs nightly's `-Z` flags, which
//! `RUSTC_BOOTSTRAP=1` allows on the stable toolchain. Each target is then
//! run as the plain libFuzzer binary it is, so that this module chooses the
//! folders and reads the run's statistics:
//!
//! - `fuzz/seeds/<target>/`: the committed starting inputs, only read;
//! - `fuzz/corpus/<target>/`: what the runs learn, kept between runs (not committed);
//! - `fuzz/dicts/<target>.dict`: tokens for the mutator, where there is one;
//! - `fuzz/artifacts/<target>/`: a crashing, leaking or hanging input;
//! - `fuzz/target/logs/<target>.log`: libFuzzer's output.
//!
//! To replay a crash: `fuzz/target/<host>/release/<target> fuzz/artifacts/<target>/crash-…`.

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::step::{Step, cargo_has};

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
const TARGETS: [&str; 7] = [
    "graphql_response",
    "netrc",
    "provision_csv",
    "provision_jsonl",
    "state_file",
    "seed",
    "emulator_request",
];

/// How long each target runs unless `--seconds` says otherwise.
const DEFAULT_SECONDS: u64 = 60;

/// How long each target runs in `cargo xtask ci`: a short bounded pass that
/// replays the seeds and every crash fixed since, and explores a little.
pub(crate) const CI_SECONDS: u64 = 10;

/// One input running longer than this is a hang, and fails the run.
const INPUT_TIMEOUT_SECONDS: u64 = 10;

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--runs N] [--target NAME]

  --seconds N    run each target for N seconds (default 60)
  --runs N       stop each target after N executions instead (or when --seconds is up, if given)
  --target NAME  run only this target (default: all of graphql_response, netrc,
                 provision_csv, provision_jsonl, state_file, seed, emulator_request)";

/// What to run, and for how long.
#[derive(Debug)]
pub(crate) struct Options {
    seconds: Option<u64>,
    runs: Option<u64>,
    targets: Vec<&'static str>,
}

impl Options {
    /// Every target for `seconds` each.
    pub(crate) fn all_for(seconds: u64) -> Self {
        Self {
            seconds: Some(seconds),
            runs: None,
            targets: TARGETS.to_vec(),
        }
    }

    /// Reads the command line after `fuzz`.
    ///
    /// # Errors
    ///
    /// An unknown option or target, or a number that is not one.
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Self {
            seconds: None,
            runs: None,
            targets: TARGETS.to_vec(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"))
            };
            match arg.as_str() {
                "--seconds" => options.seconds = Some(number("--seconds", value("--seconds")?)?),
                "--runs" => options.runs = Some(number("--runs", value("--runs")?)?),
                "--target" => {
                    let name = value("--target")?;
                    let target = TARGETS
                        .into_iter()
                        .find(|target| target == name)
                        .ok_or_else(|| {
                            format!(
                                "no fuzz target '{name}'; the targets are {}",
                                TARGETS.join(", ")
                            )
                        })?;
                    options.targets = vec![target];
                }
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown option '{other}'\n\n{USAGE}")),
            }
        }
        if options.seconds.is_none() && options.runs.is_none() {
            options.seconds = Some(DEFAULT_SECONDS);
        }
        Ok(options)
    }
}

fn number(name: &str, text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{name} takes a whole number above 0, not '{text}'"))
}

/// What one target's run came to.
struct Outcome {
    target: &'static str,
    executions: u64,
    millis: u128,
    corpus: u64,
}

/// Installs cargo-fuzz if needed, builds the targets, runs each in turn.
///
/// # Errors
///
/// When the install or the build fails, or a target crashes, leaks, hangs
/// or runs out of memory (its input is kept under `fuzz/artifacts/`).
pub(crate) fn run(root: &Path, options: &Options) -> Result<(), String> {
    if !cargo_has("fuzz") {
        Step::cargo("install cargo-fuzz", &["install", "cargo-fuzz", "--locked"]).run(root)?;
    }
    let mut build = vec!["fuzz", "build", "--fuzz-dir", "fuzz"];
    build.extend(BUILD_FLAGS);
    if let [only] = options.targets.as_slice() {
        build.push(only);
    }
    Step::cargo("fuzz build", &build)
        .env("RUSTC_BOOTSTRAP", "1")
        .run(root)?;

    let host = host_triple()?;
    let fuzz = root.join("fuzz");
    let binaries = fuzz.join("target").join(host).join("release");
    let logs = fuzz.join("target").join("logs");
    std::fs::create_dir_all(&logs)
        .map_err(|error| format!("cannot make {}: {error}", logs.display()))?;
    let mut outcomes = Vec::new();
    for &target in &options.targets {
        outcomes.push(run_target(&fuzz, &binaries, &logs, target, options)?);
    }
    println!("==> fuzz: every target ran without a crash");
    for outcome in &outcomes {
        println!(
            "    {:<18} {:>12} executions in {:>5} s ({:>7}/s), corpus {}",
            outcome.target,
            thousands(outcome.executions),
            outcome.millis / 1000,
            thousands(rate(outcome.executions, outcome.millis)),
            outcome.corpus
        );
    }
    Ok(())
}

/// How the targets are built, here and for a replay by hand (`cargo fuzz run
/// --fuzz-dir fuzz -s none --codegen-units 16 <target>` reuses the build).
///
/// No sanitizer: the crates fuzzed forbid `unsafe`, so the address
/// sanitizer would look only at their dependencies', at half the speed, and panics
/// (with debug assertions and overflow checks on, as cargo-fuzz builds) are
/// what the targets look for. Sixteen codegen units instead of cargo-fuzz's
/// one: the build uses both cores, for runs a little slower (and
/// `fuzz/Cargo.toml` optimises at level 1, for the same reason).
const BUILD_FLAGS: [&str; 4] = ["-s", "none", "--codegen-units", "16"];

fn run_target(
    fuzz: &Path,
    binaries: &Path,
    logs: &Path,
    target: &'static str,
    options: &Options,
) -> Result<Outcome, String> {
    let corpus = fuzz.join("corpus").join(target);
    let seeds = fuzz.join("seeds").join(target);
    let artifacts = fuzz.join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot make {}: {error}", dir.display()))?;
    }
    let mut args = vec![
        format!("-artifact_prefix={}/", artifacts.display()),
        format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
        "-print_final_stats=1".to_owned(),
    ];
    if let Some(seconds) = options.seconds {
        args.push(format!("-max_total_time={seconds}"));
    }
    if let Some(runs) = options.runs {
        args.push(format!("-runs={runs}"));
    }
    let dict = fuzz.join("dicts").join(format!("{target}.dict"));
    if dict.is_file() {
        args.push(format!("-dict={}", dict.display()));
    }
    args.push(corpus.display().to_string());
    if seeds.is_dir() {
        args.push(seeds.display().to_string());
    }
    let log_path = logs.join(format!("{target}.log"));
    let log = File::create(&log_path)
        .map_err(|error| format!("cannot write {}: {error}", log_path.display()))?;
    let binary = binaries.join(target);
    println!("==> fuzz {target}: {} {}", binary.display(), args.join(" "));
    let started = Instant::now();
    let mut child = Command::new(&binary)
        .args(&args)
        .current_dir(fuzz)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|error| format!("fuzz {target}: could not run {}: {error}", binary.display()))?;
    let status = child
        .wait()
        .map_err(|error| format!("fuzz {target}: {error}"))?;
    // The files the netrc target rewrites at every run, one folder per
    // process (users_graphql::fuzzing), in /dev/shm or the temporary folder.
    for base in [Path::new("/dev/shm").to_path_buf(), std::env::temp_dir()] {
        let _ = std::fs::remove_dir_all(base.join(format!("users-graphql-fuzz-{}", child.id())));
    }
    let seconds = started.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    if !status.success() {
        let mut report = format!(
            "fuzz target {target} failed ({status}) after {seconds:.0} s; its input is in {}, libFuzzer's output in {}:\n",
            artifacts.display(),
            log_path.display()
        );
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines[lines.len().saturating_sub(40)..] {
            let _ = writeln!(report, "    {line}");
        }
        return Err(report);
    }
    let executions = stat(&text, "stat::number_of_executed_units").ok_or_else(|| {
        format!(
            "fuzz {target}: libFuzzer printed no statistics; see {}",
            log_path.display()
        )
    })?;
    let outcome = Outcome {
        target,
        executions,
        millis: started.elapsed().as_millis(),
        corpus: std::fs::read_dir(&corpus).map_or(0, |entries| entries.count() as u64),
    };
    println!(
        "==> fuzz {target}: ok, {} executions in {seconds:.0} s",
        thousands(executions)
    );
    Ok(outcome)
}

/// A number from libFuzzer's final statistics (`stat::name: 123`).
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines().rev().find_map(|line| {
        line.strip_prefix(name)?
            .trim_start_matches(':')
            .trim()
            .parse()
            .ok()
    })
}

/// The host's target triple, which names cargo-fuzz's output folder.
fn host_triple() -> Result<String, String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|error| format!("could not run rustc: {error}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV named no host".to_owned())
}

/// Executions per second.
fn rate(executions: u64, millis: u128) -> u64 {
    u64::try_from(u128::from(executions) * 1000 / millis.max(1)).unwrap_or(u64::MAX)
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut shown = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            shown.push(',');
        }
        shown.push(digit);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_statistics_are_read() {
        let log = "#100\tDONE cov: 3\nstat::number_of_executed_units: 1234567\nstat::average_exec_per_sec:     20576\n";
        assert_eq!(stat(log, "stat::number_of_executed_units"), Some(1_234_567));
        assert_eq!(stat(log, "stat::peak_rss_mb"), None);
    }

    #[test]
    fn options_default_to_every_target_for_a_minute() {
        let options = Options::parse(&[]).unwrap();
        assert_eq!(options.seconds, Some(DEFAULT_SECONDS));
        assert_eq!(options.targets, TARGETS);

        let args = ["--runs", "1000000", "--target", "seed"].map(str::to_owned);
        let options = Options::parse(&args).unwrap();
        assert_eq!((options.seconds, options.runs), (None, Some(1_000_000)));
        assert_eq!(options.targets, ["seed"]);

        assert!(Options::parse(&["--target".to_owned(), "nope".to_owned()]).is_err());
        assert!(Options::parse(&["--seconds".to_owned(), "0".to_owned()]).is_err());
    }

    #[test]
    fn large_counts_are_grouped_by_thousands() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn every_target_has_its_source_and_seeds() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
        for target in TARGETS {
            assert!(
                fuzz.join("fuzz_targets")
                    .join(format!("{target}.rs"))
                    .is_file(),
                "{target}"
            );
            assert!(fuzz.join("seeds").join(target).is_dir(), "{target}");
        }
    }
}
