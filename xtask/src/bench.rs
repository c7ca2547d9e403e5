//! `cargo xtask bench`: wbusers against the official Python SDK, whole process
//! against whole process, on the same tasks against the same emulator.
//!
//! Each tool runs each task several times, alternating, under GNU time; the
//! report gives medians of wall time and peak memory and their ratios from
//! this one run. Nothing here asserts on timings: the machines are shared.
//!
//! Then the largest instances (`scale`) and a desired state's `plan` and
//! `apply` (`state`); `--only PART[,PART]` runs some of `sdk`, `scale` and
//! `state` alone.

mod measure;
mod raw_http;
mod scale;
mod state;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use measure::{Emulator, Sample, median, run_measured};

use crate::step::Step;

/// Users in the seeded world; the bench admin comes on top.
const USERS: usize = 1000;
/// Users each provisioning run creates.
const PROVISIONED: usize = 300;
/// Runs per tool and task.
const RUNS: usize = 7;
pub(crate) const ADMIN_KEY: &str = "benchadminbenchadminbenchadminbenchadmin";

/// One thing both tools do, with what each prints on success.
struct Task {
    title: &'static str,
    wbusers: Vec<String>,
    sdk: Vec<String>,
    /// What the SDK script prints when it did the whole task.
    sdk_prints: String,
    /// How many user objects wbusers' JSON holds when it did the whole task.
    wbusers_users: usize,
}

/// The parts of the bench, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// wbusers against the official SDK on the same tasks.
    Sdk,
    /// The largest instances (see `scale`).
    Scale,
    /// `plan`, `apply` and `export` of a desired state (see `state`).
    State,
}

impl Part {
    const ALL: [Self; 3] = [Self::Sdk, Self::Scale, Self::State];

    fn name(self) -> &'static str {
        match self {
            Self::Sdk => "sdk",
            Self::Scale => "scale",
            Self::State => "state",
        }
    }

    /// Whether the part runs the official SDK.
    fn needs_sdk(self) -> bool {
        matches!(self, Self::Sdk | Self::Scale)
    }
}

/// The parts `args` choose: `--only PART[,PART...]`, repeatable; every part
/// without it.
///
/// # Errors
///
/// When an argument or a part is not one.
pub(crate) fn parts(args: &[String]) -> Result<Vec<Part>, String> {
    let names = || {
        Part::ALL
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut chosen = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let list = match arg.strip_prefix("--only=") {
            Some(list) => list,
            None if arg == "--only" => args
                .next()
                .ok_or_else(|| format!("--only needs a part: one of {}", names()))?,
            None => return Err(format!("bench takes only --only PART; got '{arg}'")),
        };
        for name in list.split(',') {
            let part = Part::ALL
                .into_iter()
                .find(|p| p.name() == name.trim())
                .ok_or_else(|| format!("no bench part '{name}': use one of {}", names()))?;
            chosen.push(part);
        }
    }
    Ok(Part::ALL
        .into_iter()
        .filter(|p| chosen.is_empty() || chosen.contains(p))
        .collect())
}

/// Runs the chosen parts and prints the report.
///
/// # Errors
///
/// When a build fails, the SDK's venv is missing, or a tool fails a task.
pub(crate) fn run(root: &Path, parts: &[Part]) -> Result<(), String> {
    let needs_sdk = parts.iter().any(|p| p.needs_sdk());
    build(root, parts.contains(&Part::Scale))?;
    let target = root.join("target");
    let python = target.join("sdk-venv").join("bin").join("python");
    if needs_sdk && !target.join("sdk-venv").join(".wbusers-sdk-ready").exists() {
        return Err(format!(
            "no official SDK venv at {}; run `cargo xtask ci` (its SDK test makes it) and try again, \
             or run `cargo xtask bench --only state`, which needs none",
            target.join("sdk-venv").display()
        ));
    }
    let work = target.join("bench");
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let key_file = work.join("admin.key");
    write(&key_file, ADMIN_KEY)?;
    let wbusers = target.join("release").join("wbusers");
    let script = root.join("xtask").join("bench").join("sdk_bench.py");
    let tools = scale::Tools {
        wbusers,
        emulator: target.join("release").join("wbusers-emulator"),
        calls: target
            .join("release")
            .join("examples")
            .join("sequential_calls"),
        python,
        script,
        work: work.clone(),
        key_file,
    };
    let mut report = String::new();
    if parts.contains(&Part::Sdk) {
        sdk(&tools, &mut report)?;
    }
    if parts.contains(&Part::Scale) {
        scale(&tools, &mut report)?;
    }
    if parts.contains(&Part::State) {
        state::desired_state(&tools, root, &mut report)?;
    }
    print!("\n{report}");
    // A partial run does not overwrite the whole report.
    let name = if parts == Part::ALL {
        "report.md".to_owned()
    } else {
        let names: Vec<&str> = parts.iter().map(|p| p.name()).collect();
        format!("report-{}.md", names.join("-"))
    };
    write(&work.join(&name), &report)?;
    println!("\n(written to {})", work.join(name).display());
    Ok(())
}

/// wbusers against the SDK, task by task, on an emulator of `USERS` users.
fn sdk(tools: &scale::Tools, report: &mut String) -> Result<(), String> {
    let scale::Tools {
        wbusers,
        python,
        script,
        work,
        key_file,
        ..
    } = tools;
    let seed = work.join("seed.json");
    write(&seed, &seed_json())?;
    let emulator = Emulator::start(&tools.emulator, &seed, key_file)?;
    let _ = write!(
        report,
        "wbusers vs the official Python SDK (wandb 0.31.0), {RUNS} runs each, medians; \
         emulator with {} users\n\n| task | wbusers | SDK | SDK/wbusers time | SDK/wbusers memory |\n|---|---|---|---|---|\n",
        USERS + 1
    );
    for (index, task) in tasks(key_file, emulator.base_url()).iter().enumerate() {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for run in 0..RUNS {
            let (our_args, sdk_args) = per_run(task, work, index, run)?;
            let (sample, printed) = run_measured(wbusers, &our_args, &[], work)?;
            check(
                task,
                "wbusers",
                printed.matches("\"username\"").count(),
                task.wbusers_users,
            )?;
            ours.push(sample);
            let mut args = vec![script.display().to_string()];
            args.extend(sdk_args);
            let env = [
                ("WBUSERS_API_KEY", ADMIN_KEY),
                ("WBUSERS_BASE_URL", emulator.base_url()),
            ];
            let (sample, printed) = run_measured(python, &args, &env, work)?;
            if printed.trim() != task.sdk_prints {
                return Err(format!(
                    "{}: the SDK printed {:?}, expected {:?}",
                    task.title,
                    printed.trim(),
                    task.sdk_prints
                ));
            }
            theirs.push(sample);
        }
        let (ours, theirs) = (summary(&ours), summary(&theirs));
        let _ = writeln!(
            report,
            "| {} | {:.4} s, {:.0} MiB | {:.3} s, {:.0} MiB | {:.0}× | {:.1}× |",
            task.title,
            ours.seconds,
            ours.mib,
            theirs.seconds,
            theirs.mib,
            theirs.seconds / ours.seconds,
            theirs.mib / ours.mib.max(0.001),
        );
    }
    emulator.stop();
    Ok(())
}

/// The release binaries the measurements run; the adapter's call loop only
/// for `scale`.
fn build(root: &Path, call_loop: bool) -> Result<(), String> {
    Step::cargo(
        "build",
        &[
            "build",
            "--release",
            "-p",
            "users-cli",
            "-p",
            "users-emulator",
        ],
    )
    .run(root)?;
    if !call_loop {
        return Ok(());
    }
    Step::cargo(
        "build the adapter's call loop",
        &[
            "build",
            "--release",
            "-p",
            "users-graphql",
            "--example",
            "sequential_calls",
        ],
    )
    .run(root)?;
    Ok(())
}

/// The measurements of the largest instances (see `scale`).
fn scale(tools: &scale::Tools, report: &mut String) -> Result<(), String> {
    scale::server_side(tools, report)?;
    scale::client_side(tools, report)?;
    scale::audits(tools, report)?;
    scale::under_latency(tools, report)
}

/// The global options every wbusers run gets, then `rest`.
pub(crate) fn wbusers_args(base_url: &str, key_file: &Path, rest: &[&str]) -> Vec<String> {
    let mut args = vec![
        "--base-url".to_owned(),
        base_url.to_owned(),
        "--api-key-file".to_owned(),
        key_file.display().to_string(),
        "--json".to_owned(),
        "--quiet".to_owned(),
    ];
    args.extend(rest.iter().map(|s| (*s).to_owned()));
    args
}

fn tasks(key_file: &Path, base_url: &str) -> Vec<Task> {
    let common = |rest: &[&str]| wbusers_args(base_url, key_file, rest);
    vec![
        Task {
            title: "look up one user and their keys",
            wbusers: common(&["user", "get", "user0500@example.com"]),
            sdk: vec!["get".into(), "user0500@example.com".into()],
            sdk_prints: "1".into(),
            wbusers_users: 1,
        },
        Task {
            title: "list every user (search by domain)",
            wbusers: common(&["user", "search", "example.com"]),
            sdk: vec!["search".into(), "example.com".into()],
            sdk_prints: (USERS + 1).to_string(),
            wbusers_users: USERS + 1,
        },
        Task {
            title: "provision 300 new users from a CSV",
            wbusers: common(&["provision", "--concurrency", "8"]),
            sdk: vec!["provision".into()],
            sdk_prints: PROVISIONED.to_string(),
            wbusers_users: PROVISIONED,
        },
    ]
}

/// The arguments of one run: a provisioning run gets a fresh file of new users.
fn per_run(
    task: &Task,
    work: &Path,
    index: usize,
    run: usize,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut ours, mut theirs) = (task.wbusers.clone(), task.sdk.clone());
    if task.sdk[0] == "provision" {
        for (tool, args) in [("wbusers", &mut ours), ("sdk", &mut theirs)] {
            let file = work.join(format!("provision-{index}-{run}-{tool}.csv"));
            let mut csv = String::from("email,admin\n");
            for n in 0..PROVISIONED {
                let _ = writeln!(csv, "new-{tool}-{run}-{n}@bench.example.com,false");
            }
            write(&file, &csv)?;
            args.push(file.display().to_string());
        }
    }
    Ok((ours, theirs))
}

/// Fails unless a tool's output shows it did the whole task.
fn check(task: &Task, tool: &str, found: usize, expected: usize) -> Result<(), String> {
    if found == expected {
        Ok(())
    } else {
        Err(format!(
            "{}: {tool} reported {found} users, expected {expected}",
            task.title
        ))
    }
}

struct Summary {
    seconds: f64,
    mib: f64,
}

fn summary(samples: &[Sample]) -> Summary {
    Summary {
        seconds: median(samples.iter().map(|s| s.seconds).collect()),
        mib: median(samples.iter().map(|s| s.max_rss_mib).collect()),
    }
}

/// A seed of `USERS` users with one key each, plus the bench admin.
fn seed_json() -> String {
    let mut users = vec![format!(
        r#"{{"email":"bench-admin@example.com","username":"bench-admin","admin":true,"keys":[{{"secret":"{ADMIN_KEY}"}}]}}"#
    )];
    for n in 0..USERS {
        users.push(format!(
            r#"{{"email":"user{n:04}@example.com","username":"user{n:04}","teams":["team{}"],"keys":[{{"secret":"{}"}}]}}"#,
            n % 10,
            user_secret(n)
        ));
    }
    format!("{{\"users\":[\n{}\n]}}\n", users.join(",\n"))
}

/// A distinct, well-formed key for seeded user `n`.
fn user_secret(n: usize) -> String {
    format!("benchuser{n:06}{}", "x".repeat(31))
}

pub(crate) fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_part_runs_without_only() {
        assert_eq!(parts(&[]).unwrap(), Part::ALL);
    }

    #[test]
    fn only_chooses_parts_in_the_order_they_run() {
        assert_eq!(parts(&args("--only state")).unwrap(), [Part::State]);
        assert_eq!(
            parts(&args("--only=state,sdk")).unwrap(),
            [Part::Sdk, Part::State]
        );
        assert_eq!(
            parts(&args("--only scale --only sdk")).unwrap(),
            [Part::Sdk, Part::Scale]
        );
    }

    #[test]
    fn an_unknown_part_or_argument_is_refused() {
        assert!(
            parts(&args("--only plan"))
                .unwrap_err()
                .contains("sdk, scale, state")
        );
        assert!(parts(&args("--only")).is_err());
        assert!(parts(&args("state")).is_err());
    }
}
