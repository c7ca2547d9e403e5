//! Proof of fidelity: the official W&B SDK (`wandb==0.31.0` from the Python
//! package index) manages users, keys and teams on the emulator as it would on
//! W&B, and W&B's lifecycle mutations (sent as raw GraphQL through the SDK's
//! client, since no SDK method sends them) deactivate, reactivate, promote
//! and demote.
//!
//! Opt-in, so that a plain `cargo test` never reaches the network: it runs
//! only with [`OPT_IN`]`=1`, which `cargo xtask ci` sets; without it the test
//! passes, saying that it skipped and how to run it.
//!
//! The SDK lives in a virtual environment that this test makes with the
//! system's `python3` under `target/sdk-venv` (or `$CARGO_TARGET_DIR/sdk-venv`)
//! and reuses afterwards; making it is the only step that reaches the network
//! (the package index, through pip and its usual configuration). The SDK then
//! talks only to the emulator on 127.0.0.1. `tests/sdk/drive_emulator.py`
//! makes the calls and checks each answer; this test asserts on its exit
//! status and on its report, one JSON object per check.

use std::{
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::{Command, Output},
    time::Instant,
};

use serde_json::Value;
use users_memory::{Seed, SeedKey, SeedUser};

use crate::support::emulator::{ADMIN_KEY, BOB_KEY, start_with};

/// `1` runs this test, unset (or `0`) skips it; `cargo xtask ci` sets it
/// (xtask/src/ci.rs).
const OPT_IN: &str = "WBUSERS_SDK_TESTS";
const SDK: &str = "wandb==0.31.0";
/// Written last, so that a venv without it is a half-made one.
const READY_MARKER: &str = ".wbusers-sdk-ready";

/// Every check the script must report, so that none can silently go missing.
const REQUIRED_CHECKS: &[&str] = &[
    "sdk is 0.31.0",
    "Api() with the admin key",
    "viewer is the bootstrap admin",
    "default_entity",
    "create_user",
    "create_user admin=True",
    "create_user with a duplicate email raises",
    "user by email",
    "user by username",
    "unknown user is None",
    "users by suffix",
    "users by prefix",
    "users with no match",
    "User.teams and User.api_keys of a seeded user",
    "a new user has no teams and no keys",
    "generate_api_key returns a usable secret",
    "the generated key authenticates",
    "listings show labels, never the secret",
    "delete_api_key by label",
    "a deleted key no longer authenticates",
    "deleting a key that is gone returns False",
    "an unknown key name raises ValueError",
    "an unknown api key fails Api()",
    "Api() with a non-admin key",
    "a non-admin viewer",
    "a non-admin cannot create users",
    "a non-admin cannot search users",
    "a non-admin generates a key for themself",
    "Api() from WANDB_BASE_URL and WANDB_API_KEY",
    "create_team makes a team whose one member is its admin, the caller",
    "create_team of a taken name loads the team that has it",
    "create_team of a username makes no team (entity is null)",
    "an unknown team is null, which the SDK's Team cannot load",
    "team(name).members of a seeded team",
    "a seeded service account is a member of its team",
    "a seeded deactivated user is listed with deletedAt",
    "a seeded deactivated user's key does not authenticate",
    "Team.invite by username",
    "Team.invite by email, as a team admin",
    "Team.invite of a member again returns False",
    "Team.invite of nobody returns False",
    "Team.invite by a non-member returns False and adds nobody",
    "Team.create_service_account returns the new account, listed last",
    "members never carry an api key",
    "User.teams lists the teams a user joined",
    "Member.delete removes the member",
    "Member.delete of a member gone returns False",
    "User.teams after leaving",
    "deleteUser deactivates a user, who stays listed",
    "a deactivated user's key no longer authenticates",
    "deleteUser of a deactivated user succeeds",
    "undeleteUser reactivates, and the key works again",
    "updateUser admin=true makes an instance admin",
    "updateUser admin=false demotes",
    "updateUser without an id changes the caller",
    "a non-admin cannot deactivate anyone",
    "deleteUser of an unknown id is not found",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_sdk_manages_users_keys_and_teams_on_the_emulator() {
    let Some(venv_python) = sdk_or_skip("run the official SDK against the emulator").await else {
        return;
    };
    let emulator = start_with(seed()).await.expect("the emulator starts");
    let base_url = emulator.base_url();

    let output = tokio::task::spawn_blocking(move || drive(&venv_python, &base_url))
        .await
        .expect("the SDK run panicked");
    emulator.shutdown().await;

    let report = Report::read(&output);
    assert!(
        report.failed.is_empty(),
        "the official SDK misbehaved against the emulator:\n{}\n{}",
        report.failed.join("\n"),
        report.context()
    );
    let missing: Vec<&str> = REQUIRED_CHECKS
        .iter()
        .copied()
        .filter(|check| !report.passed.iter().any(|passed| passed == check))
        .collect();
    assert!(
        missing.is_empty(),
        "checks never reported: {missing:?}\n{}",
        report.context()
    );
    assert_eq!(report.done_failed, Some(0), "{}", report.context());
    assert!(output.status.success(), "{}", report.context());
}

/// Whoever ran `wandb login --host URL KEY` with the official SDK can use
/// wbusers with no flags and no environment: the adapter finds the base URL
/// in the SDK's settings file and the key in the netrc entry for the URL's
/// netloc, both as the SDK wrote them — with a port (`127.0.0.1:PORT`) and
/// without one (`127.0.0.1`, the emulator on port 80).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_from_the_sdks_login_are_used_with_no_flags() {
    let Some(venv_python) =
        sdk_or_skip("check that `wandb login` leaves credentials wbusers uses").await
    else {
        return;
    };
    let emulator = start_with(seed()).await.expect("the emulator starts");
    let host = emulator.base_url();
    logged_in_through_the_sdk(&venv_python, &host).await;
    emulator.shutdown().await;

    let on_port_80 = users_emulator::Emulator::builder()
        .seed(seed())
        .admin_key(crate::support::secret(ADMIN_KEY))
        .listen(std::net::SocketAddr::from(([127, 0, 0, 1], 80)))
        .start()
        .await;
    match on_port_80 {
        Ok(emulator) => {
            logged_in_through_the_sdk(&venv_python, "http://127.0.0.1").await;
            emulator.shutdown().await;
        }
        // Not root, or port 80 taken: the half with a port still ran.
        Err(error) => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped the netloc without a port: cannot listen on 127.0.0.1:80 ({error})"
            );
        }
    }
}

/// Logs bob in with the SDK's `wandb login --host HOST` in a fresh HOME, then
/// builds the adapter from that HOME alone and asks who it is.
async fn logged_in_through_the_sdk(venv_python: &Path, host: &str) {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let (python, home_path, host_arg) = (
        venv_python.to_owned(),
        home.path().to_owned(),
        host.to_owned(),
    );
    let login = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args(["-m", "wandb", "login", "--host", &host_arg, BOB_KEY])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home_path)
            .env("TMPDIR", &home_path)
            .env("WANDB_SILENT", "true")
            .env("WANDB_ERROR_REPORTING", "false")
            .output()
            .expect("the venv's python runs")
    })
    .await
    .expect("the login panicked");
    assert!(
        login.status.success(),
        "wandb login --host {host} failed: {}",
        String::from_utf8_lossy(&login.stderr)
    );
    let netrc = fs::read_to_string(home.path().join(".netrc")).expect("wandb login wrote ~/.netrc");
    let netloc = host.trim_start_matches("http://");
    assert!(
        netrc.contains(&format!("machine {netloc}\n"))
            || netrc.contains(&format!("machine {netloc} ")),
        "the netrc machine for {host} is its netloc"
    );

    let repo = users_graphql::GraphqlUserRepository::builder()
        .environment(users_graphql::Environment {
            home: Some(home.path().to_owned()),
            ..users_graphql::Environment::default()
        })
        .build()
        .expect("the SDK's settings and netrc configure the client");
    let viewer = users_domain::UserRepository::viewer(&repo)
        .await
        .expect("the SDK's key authenticates");

    assert_eq!(repo.base_url(), host);
    assert_eq!(viewer.username.as_str(), "bob");
}

/// Dora's key: seeded, but she is deactivated, so it does not authenticate.
const DORA_KEY: &str = "doradoradoradoradoradoradoradoradora0006";

/// Bob: a non-admin in two teams, holding one key labelled `ci`; dora,
/// deactivated, holding one key; and a service account made in `research`.
fn seed() -> Seed {
    Seed::new()
        .user(
            SeedUser::new("bob@example.com")
                .team("ml")
                .team("research")
                .key(SeedKey::new(BOB_KEY).name("ci")),
        )
        .user(
            SeedUser::new("dora@example.com")
                .deleted_at("2024-01-02T03:04:05Z")
                .key(SeedKey::new(DORA_KEY)),
        )
        .user(SeedUser::service_account("Nightly job").team("research"))
}

/// The venv's Python with the SDK installed, or `None` (having said why on
/// stderr) when [`OPT_IN`] does not ask for the SDK's tests.
async fn sdk_or_skip(what: &str) -> Option<PathBuf> {
    if !opted_in() {
        // Straight to stderr, past the test harness's capture, so that a
        // passing run still says what it did not prove.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: set {OPT_IN}=1 to {what} \
             (needs python3, and PyPI once to install {SDK} into target/sdk-venv)"
        );
        return None;
    }
    let python = system_python();
    let venv = tokio::task::spawn_blocking(move || ensure_sdk_venv(&python))
        .await
        .expect("the venv set-up panicked");
    Some(venv)
}

/// Whether [`OPT_IN`] asks for this test; a value it does not know fails.
fn opted_in() -> bool {
    match std::env::var(OPT_IN) {
        Err(std::env::VarError::NotPresent) => false,
        Ok(value) if value.is_empty() || value == "0" => false,
        Ok(value) if value == "1" => true,
        Ok(value) => {
            panic!("{OPT_IN} is {value:?}: set it to 1 to run the official-SDK test, or unset it")
        }
        Err(error) => panic!("{OPT_IN}: {error}; set it to 1 or unset it"),
    }
}

/// `python3`, which the opted-in test needs: its absence is a failure.
fn system_python() -> PathBuf {
    match Command::new("python3").arg("--version").output() {
        Ok(output) if output.status.success() => PathBuf::from("python3"),
        Ok(output) => panic!(
            "`python3 --version` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
            "{OPT_IN}=1 runs the official SDK, which needs `python3` (with venv) on PATH, \
             and there is none: install Python 3, or unset {OPT_IN} to skip the test"
        ),
        Err(error) => panic!("cannot run `python3`: {error}"),
    }
}

fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace");
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), |dir| workspace.join(dir))
}

fn python_in(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn is_ready(venv: &Path) -> bool {
    fs::read_to_string(venv.join(READY_MARKER)).is_ok_and(|text| text == SDK)
        && python_in(venv).exists()
}

/// The venv's Python, with the SDK installed. Built aside under a name of its
/// own and renamed into place when complete, so that concurrent runs never
/// see a half-made venv (a venv's interpreter works from its new place).
fn ensure_sdk_venv(python: &Path) -> PathBuf {
    let target = target_dir();
    let venv = target.join("sdk-venv");
    if is_ready(&venv) {
        return python_in(&venv);
    }
    let started = Instant::now();
    let partial = target.join(format!("sdk-venv.partial-{}", std::process::id()));
    fs::create_dir_all(&target).expect("the target directory can be created");
    if partial.exists() {
        fs::remove_dir_all(&partial).expect("a leftover partial venv can be removed");
    }
    run(
        Command::new(python).args(["-m", "venv"]).arg(&partial),
        "create the SDK's virtual environment with `python3 -m venv`",
    );
    run(
        Command::new(python_in(&partial)).args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            SDK,
        ]),
        "install the official SDK from PyPI",
    );
    fs::write(partial.join(READY_MARKER), SDK).expect("the ready marker can be written");
    if venv.exists() && !is_ready(&venv) {
        fs::remove_dir_all(&venv).expect("a half-made venv can be removed");
    }
    if let Err(error) = fs::rename(&partial, &venv) {
        // Another run may have put its own in place meanwhile.
        assert!(
            is_ready(&venv),
            "cannot move the venv into {}: {error}",
            venv.display()
        );
        let _ = fs::remove_dir_all(&partial);
    }
    eprintln!(
        "installed {SDK} into {} in {:.0?}",
        venv.display(),
        started.elapsed()
    );
    python_in(&venv)
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot {what}: {error}"));
    assert!(
        output.status.success(),
        "cannot {what} ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the script offline: a fresh HOME (no netrc, no wandb settings), the
/// base URL pointing at the emulator, error reporting and telemetry off.
fn drive(venv_python: &Path, base_url: &str) -> Output {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sdk")
        .join("drive_emulator.py");
    Command::new(venv_python)
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("TMPDIR", home.path())
        .env("NETRC", home.path().join("no-netrc"))
        .env("WANDB_CONFIG_DIR", home.path().join("wandb-config"))
        .env("WANDB_CACHE_DIR", home.path().join("wandb-cache"))
        .env("WANDB_DATA_DIR", home.path().join("wandb-data"))
        .env("WANDB_BASE_URL", base_url)
        .env("WANDB_SILENT", "true")
        .env("WANDB_ERROR_REPORTING", "false")
        .env("WBUSERS_BASE_URL", base_url)
        .env("WBUSERS_ADMIN_KEY", ADMIN_KEY)
        .env("WBUSERS_BOB_KEY", BOB_KEY)
        .env("WBUSERS_DORA_KEY", DORA_KEY)
        .output()
        .expect("the venv's python runs")
}

/// The script's report: one JSON object per check, then `{"done", "failed"}`.
struct Report {
    passed: Vec<String>,
    failed: Vec<String>,
    done_failed: Option<u64>,
    stdout: String,
    stderr: String,
}

impl Report {
    fn read(output: &Output) -> Self {
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let mut report = Self {
            passed: Vec::new(),
            failed: Vec::new(),
            done_failed: None,
            stdout: stdout.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        for line in stdout.lines() {
            let Ok(entry) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if entry["done"] == true {
                report.done_failed = entry["failed"].as_u64();
            } else if let Some(check) = entry["check"].as_str() {
                if entry["ok"] == true {
                    report.passed.push(check.to_owned());
                } else {
                    report
                        .failed
                        .push(format!("  FAILED {check}: {}", entry["detail"]));
                }
            }
        }
        report
    }

    fn context(&self) -> String {
        format!(
            "--- script stdout ---\n{}\n--- script stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}
