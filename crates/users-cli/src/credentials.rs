//! `--api-key-file`: the one way to hand a key to `wbusers` other than the
//! environment and netrc (which the GraphQL client reads itself).

use std::io::{self, Read};
use std::path::Path;

use users_domain::{ApiKeySecret, ExposeSecret, SecretString};

use crate::exit::Failure;
use crate::redact;

/// No key file is bigger than this; reading stops there so a wrong path
/// (`/dev/zero`) fails fast instead of filling memory.
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Reads the key from `path` (`-` for stdin), trimmed, checked by the SDK's rules.
///
/// # Errors
///
/// A usage failure naming the file and the rule broken, never the key.
pub(crate) fn read_key_file(path: &Path) -> Result<SecretString, Failure> {
    let stdin = path == Path::new("-");
    if !stdin && !path.exists() && ApiKeySecret::is_key_shaped(path.to_string_lossy().trim()) {
        // The key itself, typed where its file belongs: never echo it.
        return Err(Failure::usage(
            "the value of --api-key-file looks like an api key, not a file",
        )
        .hint("put the key in a file, or pipe it with --api-key-file -"));
    }
    let shown = if stdin {
        "standard input".to_owned()
    } else {
        format!("'{}'", redact::path(path))
    };
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(MAX_KEY_FILE_BYTES)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_KEY_FILE_BYTES).read_to_end(&mut bytes))
    };
    read.map_err(|error| {
        Failure::usage(format!("cannot read the api key from {shown}: {error}"))
            .hint("pass --api-key-file a readable file that holds only the key")
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::usage(format!("the api key in {shown} is not UTF-8 text"))
            .hint("put only the key in the file")
    })?;
    let key = ApiKeySecret::parse(text.trim().to_owned()).map_err(|error| {
        Failure::usage(format!("the api key in {shown} is not valid: {error}"))
            .hint("put only the key in the file, as shown once when it was generated")
    })?;
    Ok(SecretString::from(key.expose_secret().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";

    #[test]
    fn a_key_file_is_trimmed() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "  {KEY}  ").unwrap();
        let key = read_key_file(file.path()).unwrap();
        assert_eq!(key.expose_secret(), KEY);
    }

    #[test]
    fn a_bad_key_names_the_file_and_the_rule_but_not_the_key() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        write!(file, "{}", &KEY[..30]).unwrap();
        let failure = read_key_file(file.path()).unwrap_err();
        let message = failure.message();
        assert!(
            message.contains(&file.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("40+ characters"), "{message}");
        assert!(!message.contains(&KEY[..30]), "{message}");
    }

    #[test]
    fn a_key_given_as_the_path_is_not_echoed() {
        let failure = read_key_file(Path::new(KEY)).unwrap_err();
        assert_eq!(failure.exit, crate::exit::Exit::Usage);
        assert_eq!(
            failure.message(),
            "the value of --api-key-file looks like an api key, not a file"
        );
        assert!(failure.hint_text().unwrap().contains("--api-key-file -"));

        let truncated = read_key_file(Path::new(&KEY[..30])).unwrap_err();
        assert!(
            !truncated.message().contains(&KEY[..30]),
            "{}",
            truncated.message()
        );
    }

    #[test]
    fn a_missing_file_is_a_usage_error() {
        let failure = read_key_file(Path::new("/nonexistent/key")).unwrap_err();
        assert_eq!(failure.exit, crate::exit::Exit::Usage);
    }
}
