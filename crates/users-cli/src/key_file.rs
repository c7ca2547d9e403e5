//! `--api-key-file`: the one way to hand a key to `wbusers` other than the
//! environment and netrc (which the GraphQL client reads itself).

use users_domain::{ApiKeySecret, ExposeSecret, KeyFileError, SecretString};

use crate::exit::Exit;
use crate::failure::Failure;
use crate::input::Input;

/// Reads the key from `input` by the domain's key-file rules (bounded,
/// trimmed, checked by the SDK's rules, buffers zeroed).
///
/// # Errors
///
/// A usage failure naming the file and the rule broken, never the key.
pub(crate) fn read(input: &Input) -> Result<SecretString, Failure> {
    if let Input::File(path) = input {
        if !path.exists() && ApiKeySecret::is_key_shaped(path.to_string_lossy().trim()) {
            // The key itself, typed where its file belongs: never echo it.
            return Err(Failure::advised(
                Exit::Usage,
                "the value of --api-key-file looks like an api key, not a file",
                "put the key in a file, or pipe it with --api-key-file -",
            ));
        }
    }
    let shown = input.shown();
    let unreadable = |error: &dyn std::fmt::Display| {
        Failure::advised(
            Exit::Usage,
            format!("cannot read the api key from {shown}: {error}"),
            "pass --api-key-file a readable file that holds only the key",
        )
    };
    let reader = input.open().map_err(|error| unreadable(&error))?;
    let key = ApiKeySecret::read_key_file(reader).map_err(|error| match error {
        KeyFileError::Read(error) => unreadable(&error),
        KeyFileError::Invalid(error) => Failure::advised(
            Exit::Usage,
            format!("the api key in {shown} is not valid: {error}"),
            "put only the key in the file, as shown once when it was generated",
        ),
        other => Failure::advised(
            Exit::Usage,
            format!("{shown} is not a key file: {other}"),
            "put only the key in the file",
        ),
    })?;
    Ok(SecretString::from(key.expose_secret().to_owned()))
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::path::PathBuf;

    use super::*;

    const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";

    #[test]
    fn a_key_file_is_trimmed() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "  {KEY}  ").unwrap();
        let key = read(&Input::File(file.path().to_owned())).unwrap();
        assert_eq!(key.expose_secret(), KEY);
    }

    #[test]
    fn a_bad_key_names_the_file_and_the_rule_but_not_the_key() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        write!(file, "{}", &KEY[..30]).unwrap();
        let line = read(&Input::File(file.path().to_owned()))
            .unwrap_err()
            .line();
        let message = &line.message;
        assert!(
            message.contains(&file.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("40+ characters"), "{message}");
        assert!(!message.contains(&KEY[..30]), "{message}");
    }

    #[test]
    fn a_key_given_as_the_path_is_not_echoed() {
        let line = read(&Input::File(PathBuf::from(KEY))).unwrap_err().line();
        assert_eq!(line.exit, Exit::Usage);
        assert_eq!(
            line.message,
            "the value of --api-key-file looks like an api key, not a file"
        );
        assert!(line.hint.unwrap().contains("--api-key-file -"));

        let truncated = read(&Input::File(PathBuf::from(&KEY[..30])))
            .unwrap_err()
            .line();
        assert!(!truncated.message.contains(&KEY[..30]), "{truncated:?}");
    }

    #[test]
    fn a_missing_file_is_a_usage_error() {
        let line = read(&Input::File(PathBuf::from("/nonexistent/key")))
            .unwrap_err()
            .line();
        assert_eq!(line.exit, Exit::Usage);
    }
}
