//! Just enough of the netrc format to find a W&B API key: `machine`, `default`,
//! `login`, `password`, `account`, `port` and `macdef` (skipped), `#` comments
//! and double-quoted values. Errors name the line, never a word of it: a
//! malformed file may have a key where a keyword was expected.

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;

use crate::capped::{Unread, read_capped};

use crate::ConfigError;

/// A netrc file holds a few entries; reading stops here, so that a wrong
/// `NETRC` (`/dev/zero`, a log) fails fast instead of filling memory.
const MAX_NETRC_BYTES: u64 = 1024 * 1024;

/// The key found in a netrc file, and which entry it came from.
pub(crate) struct Found {
    pub(crate) password: SecretString,
    /// `machine <name>` or `default`, for messages.
    pub(crate) entry: String,
}

#[derive(Default)]
struct Entry {
    /// `None` for the `default` entry.
    machine: Option<String>,
    password: Option<SecretString>,
}

/// The password of the first entry for one of `machines` (in that order of
/// preference), else of the `default` entry. `Ok(None)` when the file does not
/// exist or has no such entry.
pub(crate) fn lookup(path: &Path, machines: &[String]) -> Result<Option<Found>, ConfigError> {
    let unreadable = |reason: String| ConfigError::NetrcRead {
        path: path.to_owned(),
        reason,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(error.to_string())),
    };
    // Before a byte is read: a file others can read has already leaked.
    check_permissions(path, &file)?;
    let bytes = read_capped(&mut file, MAX_NETRC_BYTES).map_err(|error| match error {
        Unread::Io(error) => unreadable(error.to_string()),
        Unread::TooLarge => unreadable(format!(
            "it is larger than {MAX_NETRC_BYTES} bytes, which no netrc file is"
        )),
    })?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| unreadable("it is not UTF-8 text".to_owned()))?;
    let entries = parse(text).map_err(|(line, reason)| ConfigError::NetrcSyntax {
        path: path.to_owned(),
        line,
        reason,
    })?;
    let chosen = machines
        .iter()
        .find_map(|wanted| {
            entries
                .iter()
                .find(|entry| entry.machine.as_deref() == Some(wanted.as_str()))
        })
        .or_else(|| entries.iter().find(|entry| entry.machine.is_none()));
    let Some(entry) = chosen else {
        return Ok(None);
    };
    let label = entry
        .machine
        .as_ref()
        .map_or_else(|| "default".to_owned(), |name| format!("machine {name}"));
    match &entry.password {
        Some(password) => Ok(Some(Found {
            password: password.clone(),
            entry: label,
        })),
        None => Err(ConfigError::NetrcNoPassword {
            path: path.to_owned(),
            entry: label,
        }),
    }
}

/// Refuses a file that group or others may read or write (`mode & 0o077`, the
/// check Python's `netrc` module makes on `~/.netrc`; curl makes none).
#[cfg(unix)]
fn check_permissions(path: &Path, file: &std::fs::File) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;

    let mode = file
        .metadata()
        .map_err(|error| ConfigError::NetrcRead {
            path: path.to_owned(),
            reason: error.to_string(),
        })?
        .permissions()
        .mode();
    let shared = mode & 0o077;
    if shared == 0 {
        Ok(())
    } else {
        Err(ConfigError::NetrcPermissions {
            path: PathBuf::from(path),
            mode: mode & 0o777,
        })
    }
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path, _file: &std::fs::File) -> Result<(), ConfigError> {
    Ok(())
}

/// Parses the whole file; an error is `(line number, reason)`.
fn parse(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut expecting: Option<&'static str> = None;
    let mut in_macro = false;
    let mut last_line = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        last_line = number;
        if in_macro {
            // A macro definition runs until the first blank line.
            in_macro = !line.trim().is_empty();
            continue;
        }
        for token in tokens(line).map_err(|reason| (number, reason))? {
            if let Some(keyword) = expecting.take() {
                match keyword {
                    "machine" => entries.push(Entry {
                        machine: Some(token.to_string()),
                        password: None,
                    }),
                    "password" => {
                        current(&mut entries, number, keyword)?.password =
                            Some(SecretString::from(token.as_str()));
                    }
                    "macdef" => {
                        in_macro = true;
                        break;
                    }
                    // login, account, port: W&B reads only the password.
                    _ => {
                        current(&mut entries, number, keyword)?;
                    }
                }
                continue;
            }
            match token.as_str() {
                "machine" => expecting = Some("machine"),
                "login" => expecting = Some("login"),
                "password" => expecting = Some("password"),
                "account" => expecting = Some("account"),
                "port" => expecting = Some("port"),
                "macdef" => expecting = Some("macdef"),
                "default" => entries.push(Entry::default()),
                _ => {
                    return Err((
                        number,
                        "unexpected word (expected machine, default, login, password, account or macdef)"
                            .to_owned(),
                    ));
                }
            }
        }
    }
    match expecting {
        Some(keyword) => Err((last_line, format!("'{keyword}' has no value"))),
        None => Ok(entries),
    }
}

fn current<'e>(
    entries: &'e mut [Entry],
    line: usize,
    keyword: &str,
) -> Result<&'e mut Entry, (usize, String)> {
    entries.last_mut().ok_or_else(|| {
        (
            line,
            format!("'{keyword}' comes before any 'machine' or 'default'"),
        )
    })
}

/// Splits a line into words; `#` starts a comment, `"…"` quotes (with `\` escapes).
/// The words of a line. Each may be a password, so each is zeroed when
/// dropped, and sized for the whole line at once (a growing `String` would
/// leave the copies it outgrew unzeroed).
fn tokens(line: &str) -> Result<Vec<Zeroizing<String>>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else {
            return Ok(words);
        };
        if first == '#' {
            return Ok(words);
        }
        let mut word = Zeroizing::new(String::with_capacity(line.len()));
        if first == '"' {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => word.extend(chars.next()),
                    Some(c) => word.push(c),
                    None => return Err("a quoted value is not closed".to_owned()),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                word.push(c);
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn password_for(text: &str, machine: &str) -> Option<String> {
        let entries = parse(text).unwrap();
        entries
            .into_iter()
            .find(|entry| entry.machine.as_deref() == Some(machine))
            .and_then(|entry| entry.password)
            .map(|password| password.expose_secret().to_owned())
    }

    #[test]
    fn entries_on_one_line_or_many_parse() {
        let text =
            "machine a.io login user password one\n\nmachine b.io\n  login user\n  password two\n";
        assert_eq!(password_for(text, "a.io").as_deref(), Some("one"));
        assert_eq!(password_for(text, "b.io").as_deref(), Some("two"));
    }

    #[test]
    fn comments_macros_and_quotes_are_understood() {
        let text = "# my hosts\nmacdef init\ncd /\nls\n\nmachine \"a.io\" password \"p w\\\"d\" # trailing\n";
        assert_eq!(password_for(text, "a.io").as_deref(), Some("p w\"d"));
    }

    #[test]
    fn errors_name_the_line_but_not_the_words() {
        let text = "machine a.io\nlogin user sekrit-value\n";
        let (line, reason) = parse(text).err().unwrap();
        assert_eq!(line, 2);
        assert!(!reason.contains("sekrit"), "{reason}");
        assert_eq!(parse("password x").err().unwrap().0, 1);
        assert!(parse("machine a password \"open").is_err());
        assert!(
            parse("machine a password")
                .err()
                .unwrap()
                .1
                .contains("password")
        );
    }

    #[test]
    fn default_entry_has_no_machine() {
        let entries = parse("default login anonymous password guest").unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].machine.is_none());
    }
}
