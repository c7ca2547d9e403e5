//! One emulator per test, on 127.0.0.1:0, and the real `wbusers` binary run
//! against it with a cleared environment and a scratch HOME.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use std::sync::{Arc, Mutex};

use users_domain::{ApiKeySecret, Backend, ExposeSecret as _};
use users_emulator::{Emulator, EmulatorBuilder, Faults, RunningEmulator};
use users_memory::{InMemoryWorld, Seed, SeedKey, SeedUser};

/// A seeded member's key: must never appear in any output.
pub(crate) const SENTINEL: &str = "sentinelkey0123456789sentinelkey0123456789";
/// A legacy key, listed by the server with the secret as its name.
pub(crate) const LEGACY: &str = "legacykey00123456789legacykey00123456789x";

pub(crate) struct Server {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningEmulator>,
    pub(crate) base_url: String,
    pub(crate) admin_key: String,
    pub(crate) home: tempfile::TempDir,
}

impl Server {
    /// An emulator with the standard cast (see [`seed`]).
    pub(crate) fn start() -> Self {
        Self::with_seed(seed())
    }

    pub(crate) fn with_seed(seed: Seed) -> Self {
        let admin_key = InMemoryWorld::generate_secret();
        Self::with(Emulator::builder().seed(seed), admin_key)
    }

    /// An emulator seeded with `seed` that waits `latency` before serving
    /// each request, as a far-away server would: a run lasts long enough to
    /// be stopped halfway.
    pub(crate) fn with_latency(seed: Seed, latency: std::time::Duration) -> Self {
        let admin_key = InMemoryWorld::generate_secret();
        Self::with(Emulator::builder().seed(seed).latency(latency), admin_key)
    }

    /// An emulator serving `world`, to which it adds its admin.
    pub(crate) fn with_world(world: InMemoryWorld) -> Self {
        let admin_key = InMemoryWorld::generate_secret();
        Self::with(Emulator::builder().world(world), admin_key)
    }

    /// An emulator serving `root` (which must know `admin_key`).
    pub(crate) fn serving(root: Arc<dyn Backend>, admin_key: ApiKeySecret) -> Self {
        Self::with(Emulator::builder().repository(root), admin_key)
    }

    fn with(builder: EmulatorBuilder, admin_key: ApiKeySecret) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime
            .block_on(
                builder
                    .listen(SocketAddr::from(([127, 0, 0, 1], 0)))
                    .admin_key(admin_key)
                    .start(),
            )
            .unwrap();
        Self {
            base_url: running.base_url(),
            admin_key: running.admin_key().expose_secret().to_owned(),
            running: Some(running),
            runtime,
            home: tempfile::tempdir().unwrap(),
        }
    }

    /// `wbusers` with no credentials, pointed at this server.
    pub(crate) fn wbusers(&self) -> Command {
        let mut command = bare(&self.home);
        command.env("WANDB_BASE_URL", &self.base_url);
        command
    }

    pub(crate) fn as_admin(&self) -> Command {
        self.as_key(&self.admin_key.clone())
    }

    pub(crate) fn as_member(&self) -> Command {
        self.as_key(SENTINEL)
    }

    pub(crate) fn as_key(&self, key: &str) -> Command {
        let mut command = self.wbusers();
        command.env("WANDB_API_KEY", key);
        command
    }

    /// Failures to stage on this server (a lost answer, a hidden secret).
    pub(crate) fn faults(&self) -> Faults {
        self.running.as_ref().unwrap().faults()
    }

    /// A file under the scratch HOME.
    pub(crate) fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.home.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

/// `wbusers` with an empty environment but for HOME.
pub(crate) fn bare(home: &tempfile::TempDir) -> Command {
    let mut command = Command::cargo_bin("wbusers").unwrap();
    command.env_clear().env("HOME", home.path());
    command
}

/// The standard cast: a member holding [`SENTINEL`], a legacy-key holder,
/// two users whose names share a prefix, and a soft-deleted user.
pub(crate) fn seed() -> Seed {
    Seed::new()
        .user(
            SeedUser::new("member@example.com")
                .name("Mem Ber")
                .team("ml")
                .key(SeedKey::new(SENTINEL).description("member's laptop")),
        )
        .user(SeedUser::new("legacy@example.com").key(SeedKey::new(LEGACY).legacy()))
        .user(SeedUser::new("ada@example.com").name("Ada Lovelace"))
        .user(SeedUser::new("adam@example.com"))
        .user(SeedUser::new("gone@example.com").deleted_at("2024-03-01T10:00:00Z"))
}

/// The standard cast, whose one human instance admin is `root`, served to
/// `robot`: a service account that is an instance admin too (and, being a
/// service account, does not count as one of the instance's active admins).
/// [`Server::as_admin`] acts as `robot`.
pub(crate) fn lone_admin() -> Server {
    let robot = InMemoryWorld::generate_secret();
    let world = InMemoryWorld::from_seed(
        seed()
            .user(SeedUser::new("root@example.com").admin(true))
            .user(
                SeedUser::service_account("robot")
                    .username("robot")
                    .admin(true)
                    .team("ops")
                    .key(SeedKey::new(robot.expose_secret())),
            ),
    )
    .unwrap();
    Server::serving(Arc::new(world.connect(robot.clone())), robot)
}

/// What a run of the binary left behind.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {self:?}"))
    }

    /// Asserts success and returns stdout.
    pub(crate) fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "{self:?}");
        &self.stdout
    }

    /// Asserts this exit code and exactly one error line, the last on stderr
    /// (a note may come before it); returns that line.
    pub(crate) fn failed(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "{self:?}");
        let is_error = |line: &&str| line.starts_with("error: ") || line.starts_with("{\"error\"");
        let errors: Vec<&str> = self.stderr.lines().filter(is_error).collect();
        assert_eq!(errors.len(), 1, "{self:?}");
        assert_eq!(self.stderr.lines().last(), Some(errors[0]), "{self:?}");
        errors[0]
    }

    pub(crate) fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Stdout as JSON lines (`provision --json`), each parsed.
    pub(crate) fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("not a JSON line ({error}): {line}: {self:?}"))
            })
            .collect()
    }
}

/// `command`, with its program, arguments and environment, as a
/// `std::process::Command`: for what `assert_cmd` does not set (a standard
/// output that fails, a child to signal).
pub(crate) fn std_command(command: &Command) -> std::process::Command {
    let mut std = std::process::Command::new(command.get_program());
    std.args(command.get_args()).env_clear();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            std.env(key, value);
        }
    }
    std
}

/// Runs `command`, sends it `signal` (`-TERM`, `-KILL`, ...) once it has
/// printed `lines` lines on stdout, and returns all it printed.
pub(crate) fn signalled(command: &Command, lines: usize, signal: &str) -> Run {
    use std::io::{BufRead as _, Read as _};
    let mut child = std_command(command)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..lines {
        assert_ne!(stdout.read_line(&mut printed).unwrap(), 0, "{printed}");
    }
    let kill = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    stdout.read_to_string(&mut printed).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: printed,
        stderr,
    }
}

/// Runs `command` with `stdout` as its standard output; only stderr is kept.
pub(crate) fn run_into(command: &Command, stdout: std::process::Stdio) -> Run {
    let Output { status, stderr, .. } = std_command(command)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// A standard output every write to fails with "no space left on device".
pub(crate) fn full_disk() -> std::process::Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
        .into()
}

/// A standard output whose reader is gone: every write fails with a broken
/// pipe. The pipe is the standard input of a process that has exited.
pub(crate) fn closed_pipe() -> std::process::Stdio {
    let mut gone = std::process::Command::new("true")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let writer = gone.stdin.take().unwrap();
    gone.wait().unwrap();
    writer.into()
}

/// A server that takes each connection and reads the request, and never
/// answers: a server too slow for any timeout.
pub(crate) fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            read_request(&mut stream);
            held.push(stream);
        }
    });
    url
}

pub(crate) fn run(command: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// Makes `path` readable by its owner only, as netrc files must be.
#[cfg(unix)]
pub(crate) fn set_owner_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[cfg(not(unix))]
pub(crate) fn set_owner_only(_: &std::path::Path) {}

/// A port with nothing listening on it.
pub(crate) fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A server that reads each whole request, then hangs up without answering:
/// the client cannot know whether the request took effect.
pub(crate) fn hang_up_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            read_request(&mut stream);
            drop(stream);
        }
    });
    url
}

/// A server that answers every request with `answer(request head)` as a
/// 200 JSON body, and keeps each request's head for the test.
pub(crate) fn canned_server(
    answer: impl Fn(&str) -> String + Send + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&heads);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let request = read_request(&mut stream);
            let text = String::from_utf8_lossy(&request);
            let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
            let body = answer(&head);
            seen.lock().unwrap().push(head);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.flush();
        }
    });
    (url, heads)
}

/// The value of header `name` (any case) in a request head.
pub(crate) fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

/// Reads one whole request (head and body) and returns its bytes.
fn read_request(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let Ok(read) = stream.read(&mut buffer) else {
            return seen;
        };
        if read == 0 {
            return seen;
        }
        seen.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return seen;
            }
        }
    }
}

/// `wbusers export` as the admin: the instance's state file, as TOML.
pub(crate) fn export(server: &Server) -> String {
    run(server.as_admin().arg("export")).ok().to_owned()
}

/// `wbusers ARGS... FILE` as the admin, `FILE` a state file of `text`
/// under the server's scratch HOME.
pub(crate) fn with_state(server: &Server, text: &str, args: &[&str]) -> Run {
    let file = server.file("people.toml", text);
    run(server.as_admin().args(args).arg(file))
}
