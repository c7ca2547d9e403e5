//! The largest instances: an emulator with up to a million synthetic users,
//! audited, searched and provisioned, and each cost set against what bounds
//! it (the SDK where it can do the job; a raw HTTP client; the latency limit).

use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::measure::{Emulator, run_measured, run_measured_to};
use super::raw_http::{CannedServer, RawClient};
use super::{ADMIN_KEY, wbusers_args, write};

/// The tools and where to work.
pub(crate) struct Tools {
    pub(crate) wbusers: PathBuf,
    pub(crate) emulator: PathBuf,
    pub(crate) calls: PathBuf,
    pub(crate) python: PathBuf,
    pub(crate) script: PathBuf,
    pub(crate) work: PathBuf,
    pub(crate) key_file: PathBuf,
}

/// `Basic base64("api:" + ADMIN_KEY)`.
fn admin_authorization() -> String {
    format!("Basic {}", base64(&format!("api:{ADMIN_KEY}")))
}

fn base64(text: &str) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An emulator with `users` synthetic users (plus the bench admin).
fn synthetic(tools: &Tools, users: u32, latency: Option<&str>) -> Result<(Emulator, f64), String> {
    let started = Instant::now();
    let emulator = Emulator::launch(&tools.emulator, &synthetic_args(tools, users, latency))?;
    Ok((emulator, started.elapsed().as_secs_f64()))
}

/// The emulator's arguments for `users` synthetic users (plus the bench
/// admin, `admin@localhost`), with `latency` added to every request.
pub(crate) fn synthetic_args(tools: &Tools, users: u32, latency: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "--synthetic-users".to_owned(),
        users.to_string(),
        "--admin-key-file".to_owned(),
        tools.key_file.display().to_string(),
    ];
    if let Some(latency) = latency {
        args.extend(["--latency".to_owned(), latency.to_owned()]);
    }
    args
}

/// The SDK's `SearchUsers` document for `query`, as a request body.
fn search_body(query: &str) -> String {
    format!(
        "{{\"query\":\"query SearchUsers($query: String) {{ users(query: $query) {{ edges {{ node {{ id name username email admin }} }} }} }}\",\"variables\":{{\"query\":\"{query}\"}}}}"
    )
}

/// Median and 99th-percentile latency of `count` sequential calls.
fn latencies(client: &mut RawClient, count: usize) -> Result<(Duration, Duration), String> {
    let mut taken = Vec::with_capacity(count);
    for _ in 0..count {
        let (status, took) = client.call()?;
        if status != 200 {
            return Err(format!("a lookup was answered {status}"));
        }
        taken.push(took);
    }
    taken.sort();
    Ok((taken[count / 2], taken[count * 99 / 100]))
}

/// Startup and memory at a million users, and the exact lookup's latency at
/// a thousand vs a million.
pub(crate) fn server_side(tools: &Tools, report: &mut String) -> Result<(), String> {
    let _ = writeln!(
        report,
        "\n### The emulator at scale\n\n| users | startup | RSS | exact lookup, median | p99 |\n|---|---|---|---|---|"
    );
    let mut medians = Vec::new();
    let mut rss_mib = Vec::new();
    for users in [1_000, 1_000_000] {
        let (emulator, startup) = synthetic(tools, users, None)?;
        let rss = emulator.peak_rss_mib().unwrap_or(f64::NAN);
        // User 500 is in corp0: one exact match among a tenth of the users.
        let mut client = RawClient::connect(
            emulator.addr()?,
            &admin_authorization(),
            &search_body("user500@corp0.example"),
        )?;
        latencies(&mut client, 200)?;
        let (median, p99) = latencies(&mut client, 2_000)?;
        emulator.stop();
        medians.push(median);
        rss_mib.push(rss);
        let _ = writeln!(
            report,
            "| {users} | {startup:.1} s | {rss:.0} MiB | {:.3} ms | {:.3} ms |",
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
    let _ = writeln!(
        report,
        "\nExact lookup at 10⁶ users vs 10³: {:.2}× the median latency (goal ≤ 1.5×); {:.0} bytes of RSS a user at 10⁶.",
        medians[1].as_secs_f64() / medians[0].as_secs_f64(),
        (rss_mib[1] - rss_mib[0]) * 1024.0 * 1024.0 / 999_000.0
    );
    Ok(())
}

/// Calls each client makes in a row to measure its rate.
const CALLS: u32 = 5_000;

/// Sequential calls a second: a raw HTTP client, the adapter, and the SDK,
/// against one canned answer.
pub(crate) fn client_side(tools: &Tools, report: &mut String) -> Result<(), String> {
    let answer = r#"{"data":{"users":{"edges":[{"node":{"id":"VXNlcjox","name":"Ada","username":"ada","email":"ada@example.com","admin":false,"flags":null,"entity":"ada","deletedAt":null,"apiKeys":{"edges":[]},"teams":{"edges":[]}}}]}}}"#;
    // The SDK checks its key with a `viewer` query before anything else.
    let viewer = r#"{"data":{"viewer":{"id":"VXNlcjox","name":"Ada","username":"ada","email":"ada@example.com","admin":true,"flags":null,"entity":"ada","deletedAt":null,"apiKeys":{"edges":[]},"teams":{"edges":[]}}}}"#;
    let server = CannedServer::start(&[("viewer", viewer), ("users", answer)])?;
    let base_url = format!("http://{}", server.addr());
    let mut raw = RawClient::connect(server.addr(), &admin_authorization(), &search_body("ada"))?;
    latencies(&mut raw, 200)?;
    let started = Instant::now();
    latencies(&mut raw, CALLS as usize)?;
    let raw_rate = f64::from(CALLS) / started.elapsed().as_secs_f64();
    let adapter_rate = rate(
        &run_measured(
            &tools.calls,
            &[base_url.clone(), CALLS.to_string()],
            &[("WANDB_API_KEY", ADMIN_KEY)],
            &tools.work,
        )?
        .1,
    )?;
    let sdk_rate = rate(
        &run_measured(
            &tools.python,
            &[
                tools.script.display().to_string(),
                "loop".to_owned(),
                "500".to_owned(),
            ],
            &[
                ("WBUSERS_API_KEY", ADMIN_KEY),
                ("WBUSERS_BASE_URL", &base_url),
            ],
            &tools.work,
        )?
        .1,
    )?;
    let _ = writeln!(
        report,
        "\n### Sequential calls against an instant answer\n\n| client | calls/s |\n|---|---|\n\
         | raw HTTP/1.1 (the limit) | {raw_rate:.0} |\n| users-graphql adapter | {adapter_rate:.0} |\n| official SDK `api.users()` | {sdk_rate:.0} |\n\n\
         Adapter vs raw: {:.2}× the raw client's time a call (goal within 1.3×); adapter vs SDK: {:.0}× the calls.",
        raw_rate / adapter_rate,
        adapter_rate / sdk_rate
    );
    Ok(())
}

fn rate(printed: &str) -> Result<f64, String> {
    printed
        .lines()
        .find_map(|line| line.trim().strip_prefix("calls_per_second="))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no calls_per_second in {printed:?}"))
}

/// How many users an audit's output lists (each holder has one `"username"`).
fn users_listed(path: &Path) -> Result<usize, String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut count = 0;
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(|e| e.to_string())?;
        count += line
            .windows(b"\"username\"".len())
            .filter(|w| *w == b"\"username\"")
            .count();
    }
    Ok(count)
}

/// `key list --all --json` of 10⁴, 10⁵ and 10⁶ users, and the SDK's listing
/// of 10⁴ and 10⁵.
pub(crate) fn audits(tools: &Tools, report: &mut String) -> Result<(), String> {
    let _ = writeln!(
        report,
        "\n### Audit (`wbusers --json key list --all`)\n\n| users | wbusers | users/s | wbusers peak RSS | SDK `api.users(\"\")` | SDK peak RSS |\n|---|---|---|---|---|---|"
    );
    for users in [10_000, 100_000, 1_000_000] {
        let (emulator, _) = synthetic(tools, users, None)?;
        let out = tools.work.join("audit.json");
        let args = wbusers_args(
            emulator.base_url(),
            &tools.key_file,
            &["key", "list", "--all"],
        );
        let (ours, _) = run_measured_to(&tools.wbusers, &args, &[], &tools.work, Some(&out))?;
        let listed = users_listed(&out)?;
        let _ = fs::remove_file(&out);
        let expected = usize::try_from(users).unwrap_or(usize::MAX) + 1;
        if listed != expected {
            return Err(format!(
                "the audit of {users} users listed {listed}, expected {expected}"
            ));
        }
        let sdk = if users <= 100_000 {
            let env = [
                ("WBUSERS_API_KEY", ADMIN_KEY),
                ("WBUSERS_BASE_URL", emulator.base_url()),
            ];
            let args = [
                tools.script.display().to_string(),
                "search".to_owned(),
                String::new(),
            ];
            let (sample, printed) = run_measured(&tools.python, &args, &env, &tools.work)?;
            if printed.trim() != expected.to_string() {
                return Err(format!(
                    "the SDK listed {} users, expected {expected}",
                    printed.trim()
                ));
            }
            format!("{:.2} s | {:.0} MiB", sample.seconds, sample.max_rss_mib)
        } else {
            "— | —".to_owned()
        };
        emulator.stop();
        let _ = writeln!(
            report,
            "| {users} | {:.2} s | {:.0} | {:.0} MiB | {sdk} |",
            ours.seconds,
            f64::from(users) / ours.seconds,
            ours.max_rss_mib
        );
    }
    Ok(())
}

/// Provisioning 2,000 users and auditing 10,000 with 20 ms added to every
/// request, against the floor `requests × latency ÷ concurrency`.
pub(crate) fn under_latency(tools: &Tools, report: &mut String) -> Result<(), String> {
    const LATENCY: f64 = 0.020;
    const PROVISIONED: u32 = 2_000;
    const CONCURRENCY: u32 = 16;
    let (emulator, _) = synthetic(tools, 10_000, Some("20ms"))?;
    let csv = tools.work.join("latency-provision.csv");
    let mut rows = String::from("email,admin\n");
    for n in 0..PROVISIONED {
        let _ = writeln!(rows, "late-{n}@latency.example,false");
    }
    write(&csv, &rows)?;
    let concurrency = CONCURRENCY.to_string();
    let args = wbusers_args(
        emulator.base_url(),
        &tools.key_file,
        &[
            "provision",
            "--concurrency",
            &concurrency,
            &csv.display().to_string(),
        ],
    );
    let (provision, _) = run_measured_to(
        &tools.wbusers,
        &args,
        &[],
        &tools.work,
        Some(&tools.work.join("p.out")),
    )?;
    let out = tools.work.join("latency-audit.json");
    let args = wbusers_args(
        emulator.base_url(),
        &tools.key_file,
        &["key", "list", "--all"],
    );
    let (audit, _) = run_measured_to(&tools.wbusers, &args, &[], &tools.work, Some(&out))?;
    let _ = fs::remove_file(&out);
    emulator.stop();
    // The SDK creates one by one and lists in one request: a quarter of the
    // rows keeps its run short; its rate is what matters.
    let (emulator, _) = synthetic(tools, 10_000, Some("20ms"))?;
    let sdk_rows = PROVISIONED / 4;
    let sdk_csv = tools.work.join("latency-provision-sdk.csv");
    let mut rows = String::from("email,admin\n");
    for n in 0..sdk_rows {
        let _ = writeln!(rows, "late-sdk-{n}@latency.example,false");
    }
    write(&sdk_csv, &rows)?;
    let env = [
        ("WBUSERS_API_KEY", ADMIN_KEY),
        ("WBUSERS_BASE_URL", emulator.base_url()),
    ];
    let (sdk_provision, _) = run_measured(
        &tools.python,
        &[
            tools.script.display().to_string(),
            "provision".to_owned(),
            sdk_csv.display().to_string(),
        ],
        &env,
        &tools.work,
    )?;
    let (sdk_audit, _) = run_measured(
        &tools.python,
        &[
            tools.script.display().to_string(),
            "search".to_owned(),
            String::new(),
        ],
        &env,
        &tools.work,
    )?;
    emulator.stop();
    // wbusers sends one create a new user (ensure_user searches only after
    // an `AlreadyExists`), and one viewer call first.
    let floor = (f64::from(PROVISIONED) + 1.0) * LATENCY / f64::from(CONCURRENCY);
    let audit_requests = (10_001f64 / 500.0).ceil() + 1.0;
    let _ = writeln!(
        report,
        "\n### Bulk work with 20 ms added to every request\n\n| task | wbusers | its floor | SDK |\n|---|---|---|---|\n\
         | provision {PROVISIONED} users (concurrency {CONCURRENCY}) | {:.2} s | {floor:.2} s | {:.2} s for {sdk_rows} ({:.1} s for {PROVISIONED} at that rate) |\n\
         | audit 10,001 users (pages of 500) | {:.2} s | {:.2} s | {:.2} s (one request) |",
        provision.seconds,
        sdk_provision.seconds,
        sdk_provision.seconds * 4.0,
        audit.seconds,
        audit_requests * LATENCY,
        sdk_audit.seconds,
    );
    Ok(())
}
