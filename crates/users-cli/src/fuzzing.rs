//! Entry points for the coverage-guided fuzz targets in `fuzz/`, built only
//! with the non-default `fuzzing` feature. Not an API: each function reads the
//! fuzzer's bytes as a provisioning file, as `wbusers provision` does, and
//! panics only where a promise of the readers breaks.

use users_domain::{InstanceState, Located};

use crate::cli::FileFormat;
use crate::input::Input;
use crate::provision::parse::{self, Row};

/// A key as `wandb login` stores it. Written in a file as a word of its own
/// (between white space, commas or quotes, as in a netrc, a dotenv or a CSV
/// row), it must never be echoed back.
pub const PLANTED_KEY: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

/// The input read as a CSV provisioning file.
///
/// # Panics
///
/// When a row's line number is outside the file or goes backwards, or when
/// a row or the file's error echoes [`PLANTED_KEY`].
pub fn provision_csv(data: &[u8]) {
    read(data, FileFormat::Csv);
}

/// The input read as a JSON-lines provisioning file.
///
/// # Panics
///
/// As [`provision_csv`], and when two rows share a line.
pub fn provision_jsonl(data: &[u8]) {
    read(data, FileFormat::Jsonl);
}

fn read(data: &[u8], format: FileFormat) {
    let _ = parse::detect(&Input::Stdin, data, None);
    let must_hide = is_a_word_of(data, PLANTED_KEY.as_bytes());
    let hidden = |text: &str| !must_hide || !text.contains(PLANTED_KEY);
    let rows = match parse::parse(data, format) {
        Ok(rows) => rows,
        Err(error) => {
            assert!(hidden(&error), "the file's error echoes the key: {error}");
            return;
        }
    };
    let lines = data.split(|&b| b == b'\n').count() as u64;
    let mut previous = 0;
    for Row { line, input, entry } in &rows {
        assert!(
            (1..=lines).contains(line),
            "row on line {line} of a file of {lines} line(s)"
        );
        let ordered = match format {
            FileFormat::Csv => *line >= previous,
            FileFormat::Jsonl => *line > previous,
        };
        assert!(ordered, "row on line {line} after a row on line {previous}");
        previous = *line;
        assert!(hidden(input), "a row echoes the key: {input}");
        if let Err(reason) = entry {
            assert!(hidden(reason), "a row's error echoes the key: {reason}");
        }
    }
}

/// Whether `word` occurs in `text`, each time as a word of its own: beside
/// it white space, a comma or an end of the text, or a quote with one of
/// those (or JSON's punctuation) beyond it. (A CSV field's text goes on
/// after its closing quote, `"KEY"x` reads as `KEYx`: a longer word, which
/// is echoed as any word is.)
fn is_a_word_of(text: &[u8], word: &[u8]) -> bool {
    let plain = |b: Option<&u8>| b.is_none_or(|b| b.is_ascii_whitespace() || *b == b',');
    let apart = |next: Option<&u8>, beyond: Option<&u8>| {
        plain(next)
            || (next.is_some_and(|b| b"\"'".contains(b))
                && (plain(beyond) || beyond.is_some_and(|b| b":{}[]".contains(b))))
    };
    let mut found = false;
    for at in 0..text.len().saturating_sub(word.len() - 1) {
        if text[at..].starts_with(word) {
            let before = |back: usize| at.checked_sub(back).and_then(|i| text.get(i));
            let after = |ahead: usize| text.get(at + word.len() - 1 + ahead);
            if !apart(before(1), before(2)) || !apart(after(1), after(2)) {
                return false;
            }
            found = true;
        }
    }
    found
}

/// The input read as a state file (`wbusers plan FILE`), in the format it
/// looks like; a file that reads and validates against an empty instance is
/// written back out and read again.
///
/// # Panics
///
/// When an error is not one line, names a line outside the file, or echoes
/// [`PLANTED_KEY`]; when an entry's line is outside the file; when a state
/// it wrote cannot be read back as the same state.
pub fn state_file(data: &[u8]) {
    use crate::state_file::{self, Format};

    let lines = u32::try_from(data.split(|&b| b == b'\n').count()).unwrap_or(u32::MAX);
    let must_hide = is_a_word_of(data, PLANTED_KEY.as_bytes());
    let desired = match state_file::read(data, "fuzz", None) {
        Ok(desired) => desired,
        Err(errors) => {
            assert!(!errors.is_empty(), "a refused file with no error");
            for error in errors {
                let message = error.to_string();
                assert!(
                    !message.contains('\n'),
                    "a message of several lines: {message}"
                );
                assert!(
                    !must_hide || !message.contains(PLANTED_KEY),
                    "an error echoes the key: {message}"
                );
                if let Some(line) = error.line {
                    assert!(
                        (1..=lines).contains(&line),
                        "error on line {line} of {lines}"
                    );
                }
            }
            return;
        }
    };
    let within = |origin: Option<users_domain::Origin>| {
        origin.is_none_or(|origin| (1..=lines).contains(&origin.line))
    };
    let origins = desired
        .users
        .iter()
        .map(|user| user.origin)
        .chain(desired.roles.iter().map(|role| role.origin))
        .chain(desired.teams.iter().flat_map(|team: &Located<_>| {
            std::iter::once(team.origin)
                .chain(team.value.members.iter().map(|member| member.origin))
                .chain(
                    team.value
                        .service_accounts
                        .iter()
                        .map(|account| account.origin),
                )
        }));
    for origin in origins {
        assert!(
            within(origin),
            "an entry on {origin:?} of a file of {lines} line(s)"
        );
    }
    let Ok(validated) = desired.validate(&InstanceState::default()) else {
        return;
    };
    for format in [Format::Toml, Format::Json] {
        let written = state_file::render(validated.state(), format);
        let again = state_file::parse(&written, "written", format).unwrap_or_else(|errors| {
            panic!("a written {format} state does not read back: {}", errors[0])
        });
        let revalidated = again
            .validate(&InstanceState::default())
            .unwrap_or_else(|errors| {
                panic!("a written {format} state does not validate: {}", errors[0])
            });
        assert_eq!(
            revalidated.state(),
            validated.state(),
            "a {format} state read back differs"
        );
    }
}
