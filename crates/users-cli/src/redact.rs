//! Echoing back what a person typed or a file held without its secrets. A key
//! pasted where a path, a name or an argument belongs, or a key file, netrc or
//! dotenv given where a users file belongs, must not come back in an error, a
//! report or a log line: every key-shaped token is masked (`abcd…wxyz`).

use std::path::Path;

use users_domain::{ApiKeySecret, echo_safe};

/// The most characters of a file's content echoed back in one place.
pub(crate) const SHOWN_CHARS: usize = 60;

/// A run of key characters this long, digits among them, is treated as a key
/// (or a piece of one) whatever the SDK's rules say: a truncated paste is
/// still a secret. The digit spares flags and hyphenated words
/// (`--allow-insecure-http`); a random key has digits all along its length.
const LONG_TOKEN_CHARS: usize = 20;

/// Where keys are cut out of the text around them: white space, and the
/// punctuation keys sit between in netrc (`password KEY`), dotenv
/// (`KEY=...`, quoted), CSV, JSON, URLs, paths and sentences. `-` and `_` are
/// key characters, so a prefixed key (`local-...`) stays one token; a JWT
/// falls apart at its dots into parts that are each long enough to be masked.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '=' | ','
                | '"'
                | '\''
                | ':'
                | ';'
                | '/'
                | '\\'
                | '.'
                | '`'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
        )
}

fn looks_like_key(token: &str) -> bool {
    ApiKeySecret::is_key_shaped(token)
        || (token.chars().count() >= LONG_TOKEN_CHARS
            && token.chars().all(ApiKeySecret::is_key_character)
            && token.chars().any(|c| c.is_ascii_digit()))
}

/// `text` with every key-shaped token masked; everything else unchanged.
pub(crate) fn mask_keys(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut token = String::new();
    for c in text.chars() {
        if is_separator(c) {
            push_token(&mut masked, &mut token);
            masked.push(c);
        } else {
            token.push(c);
        }
    }
    push_token(&mut masked, &mut token);
    masked
}

fn push_token(masked: &mut String, token: &mut String) {
    if looks_like_key(token) {
        masked.push_str(&echo_safe(token));
    } else {
        masked.push_str(token);
    }
    token.clear();
}

/// What a file held, as it may be echoed: keys masked, then cut to
/// [`SHOWN_CHARS`] with a `…`.
pub(crate) fn shorten(text: &str) -> String {
    let masked = mask_keys(text);
    if masked.chars().count() <= SHOWN_CHARS {
        masked
    } else {
        let head: String = masked.chars().take(SHOWN_CHARS - 1).collect();
        format!("{head}…")
    }
}

/// A path a person gave, as it may be echoed: in full unless part of it
/// looks like a key.
pub(crate) fn path(path: &Path) -> String {
    mask_keys(&path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdefghij0123456789abcdefghij";

    #[test]
    fn a_key_is_masked_wherever_it_sits() {
        let cases = [
            KEY.to_owned(),
            format!("machine api.wandb.ai login user password {KEY}"),
            format!("WANDB_API_KEY={KEY}"),
            format!("export WANDB_API_KEY=\"{KEY}\""),
            format!("{{\"api_key\": \"{KEY}\"}}"),
            format!("ada@example.com,{KEY}"),
            format!("/home/ada/{KEY}"),
            format!("local-{KEY}"),
            format!("the key is {KEY}."),
            format!("eyJhbGciOiJIUzI1NiJ9.{KEY}.{KEY}"),
        ];
        for text in cases {
            let masked = mask_keys(&text);
            assert!(!masked.contains(&KEY[4..36]), "{text} -> {masked}");
            assert!(masked.contains('…'), "{text} -> {masked}");
        }
    }

    #[test]
    fn a_truncated_key_is_masked_too() {
        assert_eq!(mask_keys(&KEY[..25]), "0123…1234");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "ada@example.com",
            "first.last.with.many.parts@example.com",
            "unknown column 'mail'",
            "/tmp/users.csv",
            "key-3f9a0c1b2d",
            "https://wandb.example.com/graphql",
            "pass --allow-insecure-http to accept that",
            "the-machine-learning-platform-team",
        ] {
            assert_eq!(mask_keys(text), text);
        }
    }

    #[test]
    fn what_a_file_held_is_masked_then_capped() {
        let row = format!("{} {KEY}", "word ".repeat(20));
        let shown = shorten(&row);
        assert_eq!(shown.chars().count(), SHOWN_CHARS);
        assert!(shown.ends_with('…'));
        let short = shorten(&format!("x,{KEY}"));
        assert_eq!(short, "x,0123…ghij");
    }

    #[test]
    fn a_path_is_shown_unless_it_holds_a_key() {
        assert_eq!(path(Path::new("/tmp/admin.key")), "/tmp/admin.key");
        assert_eq!(path(Path::new(KEY)), "0123…ghij");
    }
}
