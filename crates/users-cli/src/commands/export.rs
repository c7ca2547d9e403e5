//! `export [--output FILE]`: the instance's people as a state file, on
//! stdout or written whole into FILE. What is written is rendered by
//! [`crate::state_file`]; it holds no secret, for the state has none.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write as _};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use users_domain::{TeamRepository, UserAdmin, UserRepository};

use super::require_admin;
use crate::cli::{ExportArgs, StateFormat};
use crate::exit::Exit;
use crate::failure::Failure;
use crate::output::{Output, print};
use crate::redact;
use crate::state_file::{self, Format};

/// The document of `export --output FILE --json`: what was written where
/// (the state itself is in the file).
#[derive(Debug, Serialize)]
struct WrittenView {
    output: String,
    format: &'static str,
    users: usize,
    teams: usize,
}

pub(super) async fn run<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    args: &ExportArgs,
    out: Output,
) -> Result<(), Failure> {
    let format = format_of(args, out)?;
    require_admin(admin, "export").await?;
    let state = admin.export_state().await?;
    let text = state_file::render(&state, format);
    let Some(path) = &args.output else {
        return print(&text);
    };
    let shown = redact::path(path);
    write_whole(path, text.as_bytes()).map_err(|error| {
        Failure::advised(
            Exit::Failure,
            format!("cannot write '{shown}': {error}; nothing was written there"),
            "check that its folder exists and can be written, or leave out --output to print \
             the state",
        )
    })?;
    let (users, teams) = (state.users.len(), state.teams.len());
    if out.json {
        let view = WrittenView {
            output: shown,
            format: match format {
                Format::Toml => "toml",
                Format::Json => "json",
            },
            users,
            teams,
        };
        return out.result(&view, "");
    }
    out.note(&format!(
        "wrote {users} users and {teams} teams to '{shown}' ({format})"
    ));
    Ok(())
}

/// `--format`, else JSON with `--json` (or `--jsonl`), else TOML. TOML on
/// standard output would break `--json`'s promise of JSON there.
fn format_of(args: &ExportArgs, out: Output) -> Result<Format, Failure> {
    match (args.format, out.json) {
        (Some(StateFormat::Toml), true) if args.output.is_none() => Err(Failure::advised(
            Exit::Usage,
            "--json prints JSON on standard output, and --format toml asks for TOML",
            "pass --output FILE to write the TOML to a file, or leave out --format",
        )),
        (Some(StateFormat::Toml), _) | (None, false) => Ok(Format::Toml),
        (Some(StateFormat::Json), _) | (None, true) => Ok(Format::Json),
    }
}

/// Writes `bytes` to `path` whole or not at all: into a new file beside it
/// (so on the same file system), flushed to disk, then renamed over it.
/// A failure, or the process killed meanwhile, leaves any earlier file as
/// it was and no half-written one in its place. An earlier file's
/// permissions are kept.
fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // Hidden, and unique to this run: never a file someone else is writing.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let mut temp_name = OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}-{nanos}.tmp", std::process::id()));
    let temp = folder.join(temp_name);
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(earlier) = fs::metadata(path) {
            file.set_permissions(earlier.permissions())?;
        }
        drop(file);
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_a_failed_write_leaves_nothing_behind() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("people.toml");
        fs::write(&path, "old").unwrap();

        write_whole(&path, b"new").unwrap();
        let into_a_folder = write_whole(folder.path(), b"x");
        let nowhere = write_whole(&folder.path().join("missing/people.toml"), b"x");

        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert!(into_a_folder.is_err() && nowhere.is_err());
        let left: Vec<_> = fs::read_dir(folder.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
    }
}
