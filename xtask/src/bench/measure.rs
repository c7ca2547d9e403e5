//! Running a process under GNU time, and the emulator the tools talk to.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// What one run cost.
pub(crate) struct Sample {
    pub(crate) seconds: f64,
    /// Peak resident memory.
    pub(crate) max_rss_mib: f64,
}

/// Runs `program args` under `/usr/bin/time`, failing on a non-zero exit.
/// Returns the sample and what the program printed on stdout.
///
/// # Errors
///
/// When the program cannot start, fails, or GNU time's report cannot be read.
pub(crate) fn run_measured(
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
    work: &Path,
) -> Result<(Sample, String), String> {
    run_measured_to(program, args, env, work, None)
}

/// As [`run_measured`], with stdout written to `stdout_file` (then the
/// returned text is empty) when given: a listing of a million users is no
/// string to hold.
///
/// # Errors
///
/// As [`run_measured`], and when the file cannot be made.
pub(crate) fn run_measured_to(
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
    work: &Path,
    stdout_file: Option<&Path>,
) -> Result<(Sample, String), String> {
    run_measured_expecting(program, args, env, work, stdout_file, 0)
}

/// As [`run_measured_to`], failing unless the program exits with `exit_code`
/// (`wbusers plan` says "changes pending" with 9).
///
/// # Errors
///
/// As [`run_measured`], and when the program exits with another code.
pub(crate) fn run_measured_expecting(
    program: &Path,
    args: &[String],
    env: &[(&str, &str)],
    work: &Path,
    stdout_file: Option<&Path>,
    exit_code: i32,
) -> Result<(Sample, String), String> {
    let report = work.join("time.out");
    let home = work.join("home");
    std::fs::create_dir_all(&home).map_err(|e| format!("cannot create {}: {e}", home.display()))?;
    // GNU time reports wall time in hundredths of a second: too coarse for a
    // run of a few milliseconds, so the wall time is taken here; GNU time
    // gives the peak memory.
    let stdout = match stdout_file {
        Some(path) => Stdio::from(
            std::fs::File::create(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?,
        ),
        None => Stdio::piped(),
    };
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(program)
        .args(args)
        .stdout(stdout)
        // Both tools start from the same clean slate: no netrc, no W&B settings.
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("WANDB_SILENT", "true")
        .env("WANDB_ERROR_REPORTING", "false")
        .envs(env.iter().copied())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let name = program.file_name().unwrap_or_default().to_string_lossy();
    if output.status.code() != Some(exit_code) {
        let status = output
            .status
            .code()
            .map_or_else(|| "a signal".to_owned(), |code| format!("exit {code}"));
        return Err(format!(
            "{name} {} ended with {status}, expected exit {exit_code}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    let text = std::fs::read_to_string(&report)
        .map_err(|e| format!("cannot read GNU time's report {}: {e}", report.display()))?;
    let max_rss_mib = parse_max_rss_mib(&text)
        .ok_or_else(|| format!("GNU time's report is not a peak memory in KiB: {text:?}"))?;
    let sample = Sample {
        seconds,
        max_rss_mib,
    };
    Ok((sample, String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// The peak resident memory from GNU time's `%M` line (KiB), in MiB.
fn parse_max_rss_mib(text: &str) -> Option<f64> {
    let kib: f64 = text.lines().last()?.trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// The median of some values (the upper middle one for an even count).
pub(crate) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The release `wbusers-emulator` running on a free loopback port.
pub(crate) struct Emulator {
    child: Child,
    base_url: String,
}

impl Emulator {
    /// Starts the emulator and waits for the address it prints.
    ///
    /// # Errors
    ///
    /// When it cannot start or exits before saying where it listens.
    pub(crate) fn start(binary: &Path, seed: &Path, key_file: &Path) -> Result<Self, String> {
        let args = [
            "--seed".to_owned(),
            seed.display().to_string(),
            "--admin-key-file".to_owned(),
            key_file.display().to_string(),
        ];
        Self::launch(binary, &args)
    }

    /// Starts the emulator with `args` (besides a free loopback port) and
    /// waits for the address it prints.
    ///
    /// # Errors
    ///
    /// When it cannot start or exits before saying where it listens.
    pub(crate) fn launch(binary: &Path, args: &[String]) -> Result<Self, String> {
        Self::spawn(Command::new(binary).args(args).stderr(Stdio::null()))
    }

    /// As [`Emulator::launch`], with the emulator's log (one line a GraphQL
    /// request, naming its operation) written to `log`.
    ///
    /// # Errors
    ///
    /// As [`Emulator::launch`], and when the log cannot be made.
    pub(crate) fn launch_logged(
        binary: &Path,
        args: &[String],
        log: &Path,
    ) -> Result<Self, String> {
        let log = std::fs::File::create(log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        Self::spawn(
            Command::new(binary)
                .args(args)
                .env("RUST_LOG", "info")
                .stderr(Stdio::from(log)),
        )
    }

    fn spawn(command: &mut Command) -> Result<Self, String> {
        let binary = command.get_program().to_owned();
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", Path::new(&binary).display()))?;
        let stdout = child.stdout.take().ok_or("the emulator has no stdout")?;
        let base_url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| line.strip_prefix("listening on ").map(str::to_owned));
        if let Some(base_url) = base_url {
            Ok(Self { child, base_url })
        } else {
            let _ = child.kill();
            Err("the emulator exited without printing 'listening on URL'".to_owned())
        }
    }

    /// The address it listens on.
    pub(crate) fn addr(&self) -> Result<std::net::SocketAddr, String> {
        self.base_url
            .trim_start_matches("http://")
            .parse()
            .map_err(|e| format!("the emulator's address {} is not one: {e}", self.base_url))
    }

    /// Its peak resident memory so far, from `/proc`.
    pub(crate) fn peak_rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib: f64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024.0)
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_line_of_gnu_times_report() {
        let mib = parse_max_rss_mib("Command exited with non-zero status 1\n20480\n").unwrap();
        assert!((mib - 20.0).abs() < f64::EPSILON);
    }

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_value() {
        assert!((median(vec![3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
    }
}
